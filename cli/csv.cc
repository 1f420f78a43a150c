#include "cli/csv.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/format.h"

namespace entente::cli {
namespace {

std::string Id(const v1::EntityRef& ref) { return ref.has_id() ? absl::StrCat(ref.id()) : ""; }

std::string QuadClassName(const v1::Action& action) {
  if (action.quad_class() == v1::QUAD_CLASS_UNSPECIFIED) return "";
  return absl::AsciiStrToLower(v1::QuadClass_Name(action.quad_class()));
}

// absl::StrCat prints a double with up to six significant digits, enough
// for Goldstein scores (one decimal) and confidences (two), without the
// trailing zeros of a fixed format.
std::string Goldstein(const v1::Action& action) {
  if (action.quad_class() == v1::QUAD_CLASS_UNSPECIFIED) return "";
  return absl::StrCat(action.goldstein());
}

std::string Extractor(const v1::Extractor& e) {
  if (e.version().empty()) return e.name();
  return absl::StrCat(e.name(), " ", e.version());
}

}  // namespace

std::string QuoteCsv(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += QuoteCsv(fields[i]);
  }
  return out + "\r\n";
}

const std::vector<std::string>& StatementCsvColumns() {
  static const auto* columns = new std::vector<std::string>{
      "statement_id", "date",      "actor_id",  "actor",      "action_code", "action",
      "quad_class",   "goldstein", "target_id", "target",     "quote",       "document_id",
      "url",          "publisher", "title",     "published",  "said_by_id",  "said_by",
      "confidence",   "modality",  "extractor", "ingested_at"};
  return *columns;
}

StatementCsv::StatementCsv(std::vector<std::string> extra_columns)
    : extra_columns_(std::move(extra_columns)) {}

std::string StatementCsv::Header() const {
  std::vector<std::string> names = StatementCsvColumns();
  names.insert(names.end(), extra_columns_.begin(), extra_columns_.end());
  return CsvRow(names);
}

std::string StatementCsv::Row(const v1::Statement& s, const std::vector<std::string>& extra) const {
  const v1::Source& source = s.source();
  // In the order of StatementCsvColumns().
  std::vector<std::string> fields = {
      s.has_id() ? absl::StrCat(s.id()) : "",
      FormatDate(s.date()),
      Id(s.actor()),
      s.actor().name(),
      s.action().cameo_code(),
      s.action().text(),
      QuadClassName(s.action()),
      Goldstein(s.action()),
      Id(s.target()),
      s.target().name(),
      s.quote(),
      source.document_id(),
      source.url(),
      source.publisher(),
      source.title(),
      FormatDate(source.published()),
      Id(s.attributed_to()),
      s.attributed_to().name(),
      absl::StrCat(s.has_confidence() ? s.confidence() : 1.0),
      FormatModality(s.modality()),
      Extractor(s.extractor()),
      FormatMicros(s.ingested_at_micros()),
  };
  for (size_t i = 0; i < extra_columns_.size(); ++i) {
    fields.push_back(i < extra.size() ? extra[i] : "");
  }
  return CsvRow(fields);
}

const OptionSpec& OutputFormatOption() {
  static const auto* option =
      new OptionSpec{"format", "table|csv",
                     "table (default) or csv: the statements behind the answer, one row each\n"
                     "(RFC 4180, docs/cli.md lists the columns)"};
  return *option;
}

absl::StatusOr<OutputFormat> ParseOutputFormat(const ParsedArgs& args) {
  const std::string format = args.Get("format", "table");
  if (format == "table") return OutputFormat::kTable;
  if (format != "csv") {
    return absl::InvalidArgumentError("--format: '" + format + "' is not one of table, csv");
  }
  if (args.Has("json"))
    return absl::InvalidArgumentError("--format csv and --json exclude each other");
  return OutputFormat::kCsv;
}

}  // namespace entente::cli
