// Sources of statements read from files line by line: the interface that
// `entente ingest` and `entente import` stream from, and its JSON-lines
// implementation.
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
  std::string error;  // Why the line holds no statement, one line; empty if parsed.
  std::string field;  // What `error` is about ("json", "date"); empty if parsed.
  v1::Statement statement;
};

// Where a stream of statements comes from: files read one after the other,
// each line turned into a statement or an error. Not thread-safe.
class StatementSource {
 public:
  virtual ~StatementSource() = default;

  // The next non-blank lines, at most `max_lines`, parsed; fewer only at the
  // end of the input, and none after it.
  virtual std::vector<ParsedLine> Next(size_t max_lines) = 0;

  // Lines read so far, blank ones (and headers) included.
  virtual uint64_t lines_read() const = 0;
  // Bytes read so far, line ends included: progress against the file sizes.
  virtual uint64_t bytes_read() const = 0;
};

// Reads the inputs one after the other, line by line, and parses each
// non-blank line in the protobuf JSON mapping (unknown fields are errors).
// Parsing is the slow part (protobuf's JSON parser manages ~15k statements a
// second per core), so each chunk of lines is parsed on several threads;
// results keep input order. A leading UTF-8 byte order mark is ignored.
// Not thread-safe itself.
class StatementReader : public StatementSource {
 public:
  // The streams must outlive the reader. `threads` 0 means one per core (at
  // most 8).
  explicit StatementReader(std::vector<std::istream*> inputs, unsigned threads = 0);

  std::vector<ParsedLine> Next(size_t max_lines) override;
  uint64_t lines_read() const override { return lines_read_; }
  uint64_t bytes_read() const override { return bytes_read_; }

 private:
  // Reads raw lines into `out`; false at the end of all inputs.
  bool ReadLine(ParsedLine* out);

  std::vector<std::istream*> inputs_;
  unsigned threads_;
  size_t current_ = 0;  // Index into inputs_.
  uint32_t line_in_current_ = 0;
  uint64_t lines_read_ = 0;
  uint64_t bytes_read_ = 0;
};

}  // namespace entente::cli

#endif  // ENTENTE_CLI_STATEMENT_READER_H_
