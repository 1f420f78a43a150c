// Reading event tables published by others (ICEWS, GDELT) as statements, for
// `entente import`.
//
// Each line of a table becomes one statement, or an error naming the column
// and why; a bad line never stops the reading. Every statement gets an
// idempotency key derived from where the event is published (its event id,
// or file and line), so importing a file again adds nothing while two
// identical rows stay two events.
#ifndef ENTENTE_CLI_EVENT_READER_H_
#define ENTENTE_CLI_EVENT_READER_H_

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/statement_reader.h"
#include "entente/v1/statement.pb.h"

namespace entente::cli {

enum class EventFormat {
  // The 4-column temporal-KG TSV of ICEWS14 / ICEWS05-15: subject, relation,
  // object, YYYY-MM-DD; no header. Names are kept byte for byte (they may
  // hold U+00A0 or double spaces). action.text is the relation, which the
  // server's lexicon maps to its CAMEO code. Key: FILE_BASENAME:LINE.
  kIcewsTsv,
  // The raw ICEWS event table (Dataverse "events.YYYY.tab"): a header row of
  // 20 columns (Event ID, Event Date, Source Name, ..., Longitude). Columns
  // are found by header name. Key: "icews:EVENT_ID:EVENT_DATE".
  kIcews,
  // A GDELT 2.0 event export: 61 columns, no header. Key: "gdelt:GLOBALEVENTID".
  // The document is SOURCEURL; its publisher, PublisherOfUrl(SOURCEURL).
  kGdelt,
};

// The publisher a URL stands for: its host, lower-case, without a port,
// user or leading "www." ("https://www.Reuters.com:443/x" -> "reuters.com");
// empty if it has no "scheme://". Independent sources (docs/claims.md) count
// publishers, so all articles of one site count once.
std::string PublisherOfUrl(std::string_view url);

// "icews-tsv", "icews" or "gdelt"; InvalidArgument naming --format otherwise.
absl::StatusOr<EventFormat> ParseEventFormat(std::string_view text);

// The extractor name a format's statements carry ("icews-tsv", "icews",
// "gdelt").
std::string EventFormatName(EventFormat format);

// Reads the inputs one after the other and turns every non-blank line
// (other than an ICEWS header) into a statement. Fields are split on TAB
// only and kept as they are, apart from a line's trailing CR and a file's
// leading UTF-8 byte order mark. Not thread-safe.
class EventTableReader : public StatementSource {
 public:
  // The streams must outlive the reader. `names[i]` is how input i is
  // called (a path; its last component goes into document ids and keys).
  EventTableReader(EventFormat format, std::vector<std::istream*> inputs,
                   std::vector<std::string> names);

  std::vector<ParsedLine> Next(size_t max_lines) override;
  uint64_t lines_read() const override { return lines_read_; }
  uint64_t bytes_read() const override { return bytes_read_; }

 private:
  // Column positions of a raw ICEWS table.
  struct IcewsColumns {
    size_t count = 20;
    size_t event_id = 0, event_date = 1, source_name = 2, event_text = 5, cameo_code = 6,
           target_name = 8, story_id = 11, publisher = 13;
  };

  // Parses `line->text` into `line`. False for a header line, which is not
  // a statement.
  bool Parse(ParsedLine* line);
  bool ParseIcewsHeader(const std::vector<std::string_view>& fields, ParsedLine* line);
  void ParseIcewsTsv(const std::vector<std::string_view>& fields, ParsedLine* line) const;
  void ParseIcews(const std::vector<std::string_view>& fields, ParsedLine* line) const;
  void ParseGdelt(const std::vector<std::string_view>& fields, ParsedLine* line) const;

  const EventFormat format_;
  std::vector<std::istream*> inputs_;
  std::vector<std::string> basenames_;
  size_t current_ = 0;  // Index into inputs_.
  uint32_t line_in_current_ = 0;
  uint64_t lines_read_ = 0;
  uint64_t bytes_read_ = 0;
  IcewsColumns icews_;  // Of the current input.
};

}  // namespace entente::cli

#endif  // ENTENTE_CLI_EVENT_READER_H_
