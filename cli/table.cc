#include "cli/table.h"

#include <algorithm>
#include <cstdint>

#include "utf8proc.h"

namespace entente::cli {
namespace {

constexpr std::string_view kEllipsis = "…";
constexpr int kMinShrunkWidth = 8;

// The code point at the start of `text`: its byte length and column width.
// An invalid byte is one byte of width 1.
struct Glyph {
  int bytes;
  int width;
};

Glyph NextGlyph(std::string_view text) {
  utf8proc_int32_t cp = 0;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                  static_cast<utf8proc_ssize_t>(text.size()), &cp);
  if (n <= 0) return {1, 1};
  return {static_cast<int>(n), std::max(0, utf8proc_charwidth(cp))};
}

std::string Pad(std::string_view text, int width, Table::Align align) {
  const int gap = std::max(0, width - DisplayWidth(text));
  if (align == Table::Align::kRight) return std::string(gap, ' ') + std::string(text);
  return std::string(text) + std::string(gap, ' ');
}

// The cell in at most `width` columns, its tail kept whole if there is room.
std::string FitCell(const Table::Cell& cell, int width) {
  const int tail_width = DisplayWidth(cell.tail);
  if (DisplayWidth(cell.text) + tail_width <= width) return cell.text + cell.tail;
  if (tail_width + 2 > width) return TruncateToWidth(cell.text + cell.tail, width);
  return TruncateToWidth(cell.text, width - tail_width) + cell.tail;
}

void RightTrim(std::string* s) {
  while (!s->empty() && s->back() == ' ') s->pop_back();
}

}  // namespace

std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

int DisplayWidth(std::string_view text) {
  int width = 0;
  while (!text.empty()) {
    const Glyph g = NextGlyph(text);
    width += g.width;
    text.remove_prefix(g.bytes);
  }
  return width;
}

std::string TruncateToWidth(std::string_view text, int width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  const int room = width - DisplayWidth(kEllipsis);
  if (room < 0) return "";
  size_t bytes = 0;
  int used = 0;
  while (bytes < text.size()) {
    const Glyph g = NextGlyph(text.substr(bytes));
    if (used + g.width > room) break;
    used += g.width;
    bytes += g.bytes;
  }
  return std::string(text.substr(0, bytes)) + std::string(kEllipsis);
}

std::vector<std::string> WrapText(std::string_view text, int width) {
  width = std::max(width, 1);
  std::vector<std::string> lines;
  std::string line;
  int line_width = 0;
  auto emit = [&] {
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
    line_width = 0;
  };
  const std::string printable = Printable(text);
  std::string_view rest = printable;
  while (!rest.empty()) {
    const size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    std::string_view word = rest.substr(0, rest.find(' '));
    rest.remove_prefix(word.size());
    int word_width = DisplayWidth(word);
    if (line_width > 0 && line_width + 1 + word_width > width) emit();
    // A word too long for any line is split glyph by glyph.
    while (word_width > width - line_width - (line_width > 0 ? 1 : 0)) {
      if (line_width > 0) emit();
      size_t bytes = 0;
      int used = 0;
      while (bytes < word.size()) {
        const Glyph g = NextGlyph(word.substr(bytes));
        if (used + g.width > width && used > 0) break;
        used += g.width;
        bytes += g.bytes;
      }
      lines.emplace_back(word.substr(0, bytes));
      word.remove_prefix(bytes);
      word_width -= used;
    }
    if (word.empty()) continue;
    if (line_width > 0) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += word_width;
  }
  emit();
  return lines;
}

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<Cell> cells) {
  cells.resize(columns_.size(), Cell(""));
  for (auto& cell : cells) {
    cell.text = Printable(cell.text);
    cell.tail = Printable(cell.tail);
  }
  rows_.push_back({std::move(cells), {}});
}

void Table::AddNote(std::string_view line, int indent) {
  rows_.back().notes.push_back(std::string(indent, ' ') + Printable(line));
}

std::vector<int> Table::ColumnWidths(int max_total_width) const {
  std::vector<int> widths(columns_.size());
  std::vector<int> floors(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    const int header = DisplayWidth(columns_[c].header);
    int natural = header;
    for (const Row& row : rows_) {
      natural =
          std::max(natural, DisplayWidth(row.cells[c].text) + DisplayWidth(row.cells[c].tail));
    }
    if (columns_[c].max_width > 0) {
      natural = std::min(natural, std::max(header, columns_[c].max_width));
    }
    widths[c] = natural;
    floors[c] = columns_[c].shrinkable ? std::max(header, kMinShrunkWidth) : natural;
  }
  if (max_total_width <= 0) return widths;
  int total = 2 * (static_cast<int>(widths.size()) - 1);
  for (int w : widths) total += w;
  // One column at a time, so the widest give way first and narrow ones keep
  // their content.
  while (total > max_total_width) {
    int widest = -1;
    for (size_t c = 0; c < widths.size(); ++c) {
      if (widths[c] > floors[c] && (widest < 0 || widths[c] > widths[widest])) {
        widest = static_cast<int>(c);
      }
    }
    if (widest < 0) break;
    --widths[widest];
    --total;
  }
  return widths;
}

std::string Table::Render(int max_total_width) const {
  const std::vector<int> widths = ColumnWidths(max_total_width);
  auto render_line = [&](auto cell_of) {
    std::string line;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) line += "  ";
      line += Pad(FitCell(cell_of(c), widths[c]), widths[c], columns_[c].align);
    }
    RightTrim(&line);
    return line + "\n";
  };
  std::string out = render_line([&](size_t c) { return Cell(columns_[c].header); });
  for (const Row& row : rows_) {
    out += render_line([&](size_t c) -> const Cell& { return row.cells[c]; });
    for (const auto& note : row.notes) out += note + "\n";
  }
  return out;
}

std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields, int indent,
                         int max_width) {
  int label_width = 0;
  for (const auto& [label, value] : fields) {
    label_width = std::max(label_width, DisplayWidth(label));
  }
  const int value_column = indent + label_width + 2;
  // Values too narrow to be worth wrapping are left to the terminal.
  const bool wrap = max_width > 0 && max_width - value_column >= 20;
  std::string out;
  for (const auto& [label, value] : fields) {
    std::vector<std::string> lines = {value.empty() ? "-" : Printable(value)};
    if (wrap && DisplayWidth(lines[0]) > max_width - value_column) {
      lines = WrapText(value, max_width - value_column);
    }
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string line =
          i == 0 ? std::string(indent, ' ') + Pad(label, label_width, Table::Align::kLeft) + "  "
                 : std::string(value_column, ' ');
      line += lines[i];
      RightTrim(&line);
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace entente::cli
