// Plain-text layout for a terminal: display width of UTF-8 text, truncation,
// word wrapping, and an aligned table.
//
// Widths are in terminal columns as utf8proc estimates them: East Asian wide
// characters count 2, combining marks 0, other code points 1. Invalid UTF-8
// counts 1 column per byte. Control characters in displayed text are turned
// into spaces so that data cannot move the cursor or recolour the terminal.
#ifndef ENTENTE_CLI_TABLE_H_
#define ENTENTE_CLI_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

namespace entente::cli {

// `text` with every ASCII control character (tab, newline, ESC, DEL, ...)
// replaced by a space.
std::string Printable(std::string_view text);

int DisplayWidth(std::string_view text);

// `text` if it fits in `width` columns, else its longest prefix that fits
// together with a trailing "…". Never splits a code point.
std::string TruncateToWidth(std::string_view text, int width);

// Word-wraps `text` into lines of at most `width` columns, breaking at
// spaces; a word longer than a line is split. Runs of white space collapse.
// An empty text gives no lines.
std::vector<std::string> WrapText(std::string_view text, int width);

// Rows of cells under a header row, in columns separated by two spaces.
// Each row may carry notes: lines printed under it, indented, outside the
// columns (a statement's quote, for example). Not thread-safe.
class Table {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
    // Cells wider than this are truncated with "…"; 0 for no limit.
    int max_width = 0;
    // Whether Render may narrow this column to fit its width limit.
    bool shrinkable = false;
  };

  // A cell's text and, optionally, a tail that truncation keeps whole:
  // {"deployed troops to", " [072]"} narrows to "deployed tro… [072]".
  struct Cell {
    Cell(std::string text) : text(std::move(text)) {}  // NOLINT: implicit on purpose.
    Cell(const char* text) : text(text) {}             // NOLINT
    Cell(std::string text, std::string tail) : text(std::move(text)), tail(std::move(tail)) {}
    std::string text;
    std::string tail;
  };

  explicit Table(std::vector<Column> columns);

  // Cells are made Printable. Missing cells are empty; extra ones dropped.
  void AddRow(std::vector<Cell> cells);
  // Adds a line under the last row, indented by `indent` spaces.
  // REQUIRES: a row was added.
  void AddNote(std::string_view line, int indent = 4);

  size_t rows() const { return rows_.size(); }

  // The header and the rows, one line each plus notes, trailing blanks
  // removed. If the table is wider than `max_total_width` (0: no limit),
  // shrinkable columns are narrowed, widest first, but never below their
  // header or 8 columns; notes are not rewrapped.
  std::string Render(int max_total_width = 0) const;

 private:
  struct Row {
    std::vector<Cell> cells;
    std::vector<std::string> notes;
  };
  std::vector<int> ColumnWidths(int max_total_width) const;

  std::vector<Column> columns_;
  std::vector<Row> rows_;
};

// "label  value" lines with the values aligned, each line indented by
// `indent`. Values are made Printable; an empty value shows as "-". With a
// `max_width` (0: none), longer values are word-wrapped under themselves.
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields,
                         int indent = 2, int max_width = 0);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_TABLE_H_
