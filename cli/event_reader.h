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
#include <set>
#include <string>
#include <string_view>
#include <utility>
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

// An actor and the country a table gives for it (ICEWS "Source Country",
// GDELT Actor1CountryCode), for `entente import` to record as the actor's
// membership in that country once its statements are in.
struct ActorCountry {
  std::string actor;    // as the actor is named in the statement
  std::string country;  // as the table gives it: an ICEWS country name, a GDELT code
  // The actor's sectors (ICEWS "Source Sectors") or type (GDELT
  // Actor1Type1Code), else "country".
  std::string role;
};

// The origin such memberships are recorded with: "icews-country",
// "gdelt-country"; "" for a format without country columns.
std::string CountryOrigin(EventFormat format);

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

  // Each distinct (actor, country) pair of the lines read so far that hold
  // a statement, in the order first seen: both ends of each statement, with
  // a country given and other than the actor's own name.
  const std::vector<ActorCountry>& countries() const { return countries_; }

 private:
  // Column positions of a raw ICEWS table. The country and sector columns
  // are optional: kNoColumn when a header lacks them.
  static constexpr size_t kNoColumn = SIZE_MAX;
  struct IcewsColumns {
    size_t count = 20;
    size_t event_id = 0, event_date = 1, source_name = 2, event_text = 5, cameo_code = 6,
           target_name = 8, story_id = 11, publisher = 13;
    size_t source_sectors = 3, source_country = 4, target_sectors = 9, target_country = 10;
  };

  // Parses `line->text` into `line`. False for a header line, which is not
  // a statement.
  bool Parse(ParsedLine* line);
  bool ParseIcewsHeader(const std::vector<std::string_view>& fields, ParsedLine* line);
  void ParseIcewsTsv(const std::vector<std::string_view>& fields, ParsedLine* line) const;
  void ParseIcews(const std::vector<std::string_view>& fields, ParsedLine* line) const;
  void ParseGdelt(const std::vector<std::string_view>& fields, ParsedLine* line) const;
  // Adds the countries of a parsed line's actor and target to countries_.
  void NoteCountries(const std::vector<std::string_view>& fields, const v1::Statement& s);
  void NoteCountry(const std::string& actor, std::string_view country, std::string_view role);

  const EventFormat format_;
  std::vector<std::istream*> inputs_;
  std::vector<std::string> basenames_;
  size_t current_ = 0;  // Index into inputs_.
  uint32_t line_in_current_ = 0;
  uint64_t lines_read_ = 0;
  uint64_t bytes_read_ = 0;
  IcewsColumns icews_;  // Of the current input.
  std::vector<ActorCountry> countries_;
  std::set<std::pair<std::string, std::string>> countries_seen_;  // (actor, country)
};

}  // namespace entente::cli

#endif  // ENTENTE_CLI_EVENT_READER_H_
