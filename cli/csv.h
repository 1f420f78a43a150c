// CSV output (RFC 4180): the quoting, and the one statement writer behind
// every query command's `--format csv`.
//
// Every command writes the same statement columns in the same order, so the
// files of different commands concatenate (after dropping all but one
// header) and load into one table; a command adds its own columns after
// them (the path and hop a statement supports, say).
#ifndef ENTENTE_CLI_CSV_H_
#define ENTENTE_CLI_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "entente/v1/statement.pb.h"

namespace entente::cli {

// The field in double quotes (inner ones doubled) when it holds a comma,
// quote, CR or LF, else as is.
std::string QuoteCsv(std::string_view text);

// One record: the fields quoted as needed, separated by commas, ended by
// CRLF (RFC 4180 section 2).
std::string CsvRow(const std::vector<std::string>& fields);

// The statement columns, in order:
//   statement_id, date, actor_id, actor, action_code, action, quad_class,
//   goldstein, target_id, target, quote, document_id, url, publisher, title,
//   published, said_by_id, said_by, confidence, modality, extractor,
//   ingested_at
// Dates as YYYY, YYYY-MM or YYYY-MM-DD (the statement's precision); quad_class
// as verbal_cooperation, material_cooperation, verbal_conflict or
// material_conflict, and quad_class and goldstein empty for a statement
// without a CAMEO code; confidence 1 when the extractor gave none; said_by
// empty when the document itself asserts it; ingested_at RFC 3339 UTC.
// Fields the server did not send (a STATEMENT_VIEW other than FULL) are
// empty, so commands ask for FULL.
const std::vector<std::string>& StatementCsvColumns();

// Writes statements as CSV rows. Immutable after construction; thread-safe.
class StatementCsv {
 public:
  // `extra_columns`: the names of the command's own columns, after the
  // statement columns.
  explicit StatementCsv(std::vector<std::string> extra_columns = {});

  // The header row.
  std::string Header() const;

  // One statement's row; `extra` gives the command's columns in order
  // (missing ones are empty, surplus ones dropped).
  std::string Row(const v1::Statement& statement, const std::vector<std::string>& extra = {}) const;

 private:
  std::vector<std::string> extra_columns_;
};

// How a query command prints its answer.
enum class OutputFormat { kTable, kCsv };

// The --format option of the query commands.
const OptionSpec& OutputFormatOption();

// --format: kTable without it. InvalidArgument naming --format and the
// values allowed ("table, csv") for another value, and for csv together
// with --json.
absl::StatusOr<OutputFormat> ParseOutputFormat(const ParsedArgs& args);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_CSV_H_
