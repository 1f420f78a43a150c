// Reading JSON-lines files of entente.v1.Statement, as `entente ingest` does.
#ifndef ENTENTE_CLI_STATEMENT_READER_H_
#define ENTENTE_CLI_STATEMENT_READER_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "entente/v1/statement.pb.h"

namespace entente::cli {

// Where a line came from: an index into the reader's inputs and a 1-based
// line number.
struct LineOrigin {
  uint32_t input = 0;
  uint32_t line = 0;
  bool operator<(const LineOrigin& o) const {
    return input != o.input ? input < o.input : line < o.line;
  }
};

// One non-blank line: the statement it holds, or why it does not hold one.
struct ParsedLine {
  LineOrigin origin;
  std::string text;   // Cleared once parsed.
  std::string error;  // The JSON parser's message, one line; empty if parsed.
  v1::Statement statement;
};

// Reads the inputs one after the other, line by line, and parses each
// non-blank line in the protobuf JSON mapping (unknown fields are errors).
// Parsing is the slow part (protobuf's JSON parser manages ~15k statements a
// second per core), so each chunk of lines is parsed on several threads;
// results keep input order. A leading UTF-8 byte order mark is ignored.
// Not thread-safe itself.
class StatementReader {
 public:
  // The streams must outlive the reader. `threads` 0 means one per core (at
  // most 8).
  explicit StatementReader(std::vector<std::istream*> inputs, unsigned threads = 0);

  // The next non-blank lines, at most `max_lines`, parsed; fewer only at the
  // end of the input, and none after it.
  std::vector<ParsedLine> Next(size_t max_lines);

  // Lines read so far, blank ones included.
  uint64_t lines_read() const { return lines_read_; }

 private:
  // Reads raw lines into `out`; false at the end of all inputs.
  bool ReadLine(ParsedLine* out);

  std::vector<std::istream*> inputs_;
  unsigned threads_;
  size_t current_ = 0;  // Index into inputs_.
  uint32_t line_in_current_ = 0;
  uint64_t lines_read_ = 0;
};

}  // namespace entente::cli

#endif  // ENTENTE_CLI_STATEMENT_READER_H_
