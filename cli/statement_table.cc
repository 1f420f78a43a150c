#include "cli/statement_table.h"

#include <algorithm>

#include "cli/format.h"

namespace entente::cli {
namespace {

constexpr int kMaxQuoteWidth = 100;
constexpr size_t kMaxQuoteLines = 3;
constexpr int kQuoteIndent = 4;

}  // namespace

std::vector<std::string> QuoteLines(const std::string& quote, int width, size_t max_lines) {
  if (quote.empty()) return {};
  std::vector<std::string> lines = WrapText("\"" + quote + "\"", width);
  if (lines.size() > max_lines) {
    lines.resize(max_lines);
    lines.back() = TruncateToWidth(lines.back() + " …", width);
  }
  return lines;
}

void AddQuoteNotes(const std::string& quote, int width, Table* table) {
  const int quote_width = std::min(width - kQuoteIndent, kMaxQuoteWidth);
  for (const auto& line : QuoteLines(quote, quote_width, kMaxQuoteLines)) {
    table->AddNote(line, kQuoteIndent);
  }
}

Table::Cell ActionCell(const v1::Action& action) {
  if (action.cameo_code().empty()) return action.text();
  const std::string code = "[" + action.cameo_code() + "]";
  return action.text().empty() ? Table::Cell(code) : Table::Cell(action.text(), " " + code);
}

std::string RenderStatements(const std::vector<v1::Statement>& statements, int width) {
  using Align = Table::Align;
  Table table({{"ID", Align::kRight},
               {"DATE"},
               {"ACTOR", Align::kLeft, 30, true},
               {"ACTION", Align::kLeft, 45, true},
               {"TARGET", Align::kLeft, 30, true},
               {"MODALITY"},
               {"CONF", Align::kRight},
               {"SAID BY", Align::kLeft, 24, true}});
  for (const auto& s : statements) {
    table.AddRow({std::to_string(s.id()), FormatDate(s.date()), s.actor().name(),
                  ActionCell(s.action()), s.target().name(), FormatModality(s.modality()),
                  FormatConfidence(s), s.attributed_to().name()});
    AddQuoteNotes(s.quote(), width, &table);
  }
  return table.Render(width);
}

}  // namespace entente::cli
