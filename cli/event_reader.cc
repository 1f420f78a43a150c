#include "cli/event_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/format.h"

namespace entente::cli {
namespace {

constexpr size_t kIcewsTsvColumns = 4;
constexpr size_t kGdeltColumns = 61;
// GDELT 2.0 export columns (0-based), as in its codebook.
constexpr size_t kGdeltEventId = 0;
constexpr size_t kGdeltSqlDate = 1;
constexpr size_t kGdeltActor1Code = 5;
constexpr size_t kGdeltActor1Name = 6;
constexpr size_t kGdeltActor1CountryCode = 7;
constexpr size_t kGdeltActor1Type1Code = 12;
constexpr size_t kGdeltActor2Code = 15;
constexpr size_t kGdeltActor2Name = 16;
constexpr size_t kGdeltActor2CountryCode = 17;
constexpr size_t kGdeltActor2Type1Code = 22;
constexpr size_t kGdeltEventCode = 26;
constexpr size_t kGdeltNumMentions = 31;
constexpr size_t kGdeltNumSources = 32;
constexpr size_t kGdeltNumArticles = 33;
constexpr size_t kGdeltSourceUrl = 60;
// The server's limit on a membership's role: a longer list of sectors is
// recorded as plain "country".
constexpr size_t kMaxRoleBytes = 200;

// ICEWS writes an empty place as "NA".
bool IsMissing(std::string_view field) { return field.empty() || field == "NA"; }

void Fail(ParsedLine* line, std::string field, std::string reason) {
  line->field = std::move(field);
  line->error = std::move(reason);
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// A full calendar date "YYYY-MM-DD" (or, with `compact`, "YYYYMMDD") into
// `date`; else an error on `line` naming `field`.
bool ParseDay(std::string_view text, bool compact, std::string_view field, v1::Date* date,
              ParsedLine* line) {
  std::string iso(text);
  if (compact && text.size() == 8 && AllDigits(text)) {
    iso = std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) + "-" +
          std::string(text.substr(6, 2));
  }
  auto parsed = ParseDate(iso);
  if (iso.size() != 10 || !parsed.ok()) {
    Fail(line, std::string(field),
         "'" + std::string(text) + "' is not a date " + (compact ? "YYYYMMDD" : "YYYY-MM-DD"));
    return false;
  }
  *date = *parsed;
  return true;
}

std::string Basename(const std::string& path) {
  if (path == "-" || path == "<stdin>") return "stdin";
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The fields of `line` between TABs, empty ones included.
std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (size_t tab = line.find('\t'); tab != std::string_view::npos; tab = line.find('\t', start)) {
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  fields.push_back(line.substr(start));
  return fields;
}

// An optional count column into `*count` (empty: 0, not given); else an
// error on `line` naming `field`.
bool ParseCount(std::string_view text, std::string_view field, uint32_t* count,
                ParsedLine* line) {
  if (text.empty()) return true;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *count);
  if (!AllDigits(text) || ec != std::errc() || end != text.data() + text.size()) {
    Fail(line, std::string(field), "'" + std::string(text) + "' is not a count");
    return false;
  }
  return true;
}

std::string WrongColumns(size_t expected, size_t found) {
  return absl::StrCat("expected ", expected, " tab-separated fields, found ", found);
}

}  // namespace

std::string PublisherOfUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view host = url.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (const size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (const size_t colon = host.rfind(':');
      colon != std::string_view::npos && host.find(']') == std::string_view::npos) {
    host = host.substr(0, colon);
  }
  std::string out(host);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (out.rfind("www.", 0) == 0) out.erase(0, 4);
  return out;
}

absl::StatusOr<EventFormat> ParseEventFormat(std::string_view text) {
  if (text == "icews-tsv") return EventFormat::kIcewsTsv;
  if (text == "icews") return EventFormat::kIcews;
  if (text == "gdelt") return EventFormat::kGdelt;
  return absl::InvalidArgumentError("--format: '" + std::string(text) +
                                    "' is not one of icews-tsv, icews, gdelt");
}

std::string CountryOrigin(EventFormat format) {
  // The temporal-KG TSV has no country columns.
  return format == EventFormat::kIcewsTsv ? "" : EventFormatName(format) + "-country";
}

std::string EventFormatName(EventFormat format) {
  switch (format) {
    case EventFormat::kIcewsTsv:
      return "icews-tsv";
    case EventFormat::kIcews:
      return "icews";
    case EventFormat::kGdelt:
      return "gdelt";
  }
  return "";
}

EventTableReader::EventTableReader(EventFormat format, std::vector<std::istream*> inputs,
                                   std::vector<std::string> names)
    : format_(format), inputs_(std::move(inputs)) {
  for (const auto& name : names) basenames_.push_back(Basename(name));
  basenames_.resize(inputs_.size(), "stdin");
}

std::vector<ParsedLine> EventTableReader::Next(size_t max_lines) {
  std::vector<ParsedLine> lines;
  ParsedLine line;
  while (lines.size() < max_lines && current_ < inputs_.size()) {
    if (!std::getline(*inputs_[current_], line.text)) {
      ++current_;
      line_in_current_ = 0;
      icews_ = IcewsColumns();
      continue;
    }
    ++lines_read_;
    bytes_read_ += line.text.size() + 1;
    line.origin = {static_cast<uint32_t>(current_), ++line_in_current_};
    if (line_in_current_ == 1 && line.text.rfind("\xEF\xBB\xBF", 0) == 0) line.text.erase(0, 3);
    if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
    if (!line.text.empty() && Parse(&line)) lines.push_back(std::move(line));
    line = ParsedLine();
  }
  return lines;
}

bool EventTableReader::Parse(ParsedLine* line) {
  // The views point into line->text, which is cleared only at the end.
  const std::vector<std::string_view> fields = SplitTabs(line->text);
  switch (format_) {
    case EventFormat::kIcewsTsv:
      ParseIcewsTsv(fields, line);
      break;
    case EventFormat::kIcews:
      if (line->origin.line == 1 && fields[0] == "Event ID") {
        return ParseIcewsHeader(fields, line);
      }
      ParseIcews(fields, line);
      break;
    case EventFormat::kGdelt:
      ParseGdelt(fields, line);
      break;
  }
  if (line->error.empty()) NoteCountries(fields, line->statement);
  if (!line->error.empty()) line->statement.Clear();
  std::string().swap(line->text);
  return true;
}

bool EventTableReader::ParseIcewsHeader(const std::vector<std::string_view>& fields,
                                        ParsedLine* line) {
  IcewsColumns columns;
  columns.count = fields.size();
  std::vector<std::string> missing;
  const auto find = [&](std::string_view name, size_t* index) {
    const auto it = std::find(fields.begin(), fields.end(), name);
    if (it == fields.end()) {
      missing.emplace_back(name);
    } else {
      *index = static_cast<size_t>(it - fields.begin());
    }
  };
  find("Event ID", &columns.event_id);
  find("Event Date", &columns.event_date);
  find("Source Name", &columns.source_name);
  find("Event Text", &columns.event_text);
  find("CAMEO Code", &columns.cameo_code);
  find("Target Name", &columns.target_name);
  find("Story ID", &columns.story_id);
  find("Publisher", &columns.publisher);
  // Without these the table still holds statements, only no countries.
  for (auto [name, index] : {std::pair{"Source Sectors", &columns.source_sectors},
                             std::pair{"Source Country", &columns.source_country},
                             std::pair{"Target Sectors", &columns.target_sectors},
                             std::pair{"Target Country", &columns.target_country}}) {
    const auto it = std::find(fields.begin(), fields.end(), name);
    *index = it == fields.end() ? kNoColumn : static_cast<size_t>(it - fields.begin());
  }
  if (missing.empty()) {
    icews_ = columns;
    std::string().swap(line->text);
    return false;
  }
  // Keep the standard positions; the rows will tell whether they fit.
  Fail(line, "header", "no column " + absl::StrJoin(missing, ", "));
  std::string().swap(line->text);
  return true;
}

void EventTableReader::ParseIcewsTsv(const std::vector<std::string_view>& fields,
                                     ParsedLine* line) const {
  if (fields.size() != kIcewsTsvColumns) {
    return Fail(line, "columns", WrongColumns(kIcewsTsvColumns, fields.size()));
  }
  static constexpr const char* kNames[] = {"subject", "relation", "object"};
  for (size_t i = 0; i < 3; ++i) {
    if (fields[i].empty()) return Fail(line, kNames[i], "empty");
  }
  v1::Statement& s = line->statement;
  if (!ParseDay(fields[3], false, "date", s.mutable_date(), line)) return;
  s.mutable_actor()->set_name(std::string(fields[0]));
  s.mutable_action()->set_text(std::string(fields[1]));
  s.mutable_target()->set_name(std::string(fields[2]));
  const std::string& file = basenames_[line->origin.input];
  s.mutable_source()->set_document_id(file);
  s.mutable_extractor()->set_name("icews-tsv");
  s.set_idempotency_key(absl::StrCat(file, ":", line->origin.line));
}

void EventTableReader::ParseIcews(const std::vector<std::string_view>& fields,
                                  ParsedLine* line) const {
  const IcewsColumns& c = icews_;
  if (fields.size() != c.count) return Fail(line, "columns", WrongColumns(c.count, fields.size()));
  const std::pair<size_t, const char*> required[] = {
      {c.event_id, "Event ID"},     {c.event_date, "Event Date"},
      {c.source_name, "Source Name"}, {c.target_name, "Target Name"},
      {c.story_id, "Story ID"},
  };
  for (const auto& [index, name] : required) {
    if (IsMissing(fields[index])) return Fail(line, name, "empty");
  }
  if (IsMissing(fields[c.event_text]) && IsMissing(fields[c.cameo_code])) {
    return Fail(line, "Event Text", "empty, and so is CAMEO Code");
  }
  v1::Statement& s = line->statement;
  if (!ParseDay(fields[c.event_date], false, "Event Date", s.mutable_date(), line)) return;
  s.mutable_actor()->set_name(std::string(fields[c.source_name]));
  if (!IsMissing(fields[c.event_text])) {
    s.mutable_action()->set_text(std::string(fields[c.event_text]));
  }
  // As given: "040" keeps its leading zero, which is part of the code.
  if (!IsMissing(fields[c.cameo_code])) {
    s.mutable_action()->set_cameo_code(std::string(fields[c.cameo_code]));
  }
  s.mutable_target()->set_name(std::string(fields[c.target_name]));
  s.mutable_source()->set_document_id(std::string(fields[c.story_id]));
  if (!IsMissing(fields[c.publisher])) {
    s.mutable_source()->set_publisher(std::string(fields[c.publisher]));
  }
  s.mutable_extractor()->set_name("icews");
  s.set_idempotency_key("icews:" + std::string(fields[c.event_id]) + ":" +
                        std::string(fields[c.event_date]));
}

void EventTableReader::ParseGdelt(const std::vector<std::string_view>& fields,
                                  ParsedLine* line) const {
  if (fields.size() != kGdeltColumns) {
    return Fail(line, "columns", WrongColumns(kGdeltColumns, fields.size()));
  }
  if (fields[kGdeltEventId].empty()) return Fail(line, "GLOBALEVENTID", "empty");
  const std::string_view actor =
      fields[kGdeltActor1Name].empty() ? fields[kGdeltActor1Code] : fields[kGdeltActor1Name];
  const std::string_view target =
      fields[kGdeltActor2Name].empty() ? fields[kGdeltActor2Code] : fields[kGdeltActor2Name];
  if (actor.empty()) return Fail(line, "Actor1Name", "empty, and so is Actor1Code");
  if (target.empty()) return Fail(line, "Actor2Name", "empty, and so is Actor2Code");
  if (fields[kGdeltEventCode].empty()) return Fail(line, "EventCode", "empty");
  if (fields[kGdeltSourceUrl].empty()) return Fail(line, "SOURCEURL", "empty");
  v1::Statement& s = line->statement;
  if (!ParseDay(fields[kGdeltSqlDate], true, "SQLDATE", s.mutable_date(), line)) return;
  s.mutable_actor()->set_name(std::string(actor));
  // GDELT gives only the code; the server knows its name and class.
  s.mutable_action()->set_cameo_code(std::string(fields[kGdeltEventCode]));
  s.mutable_target()->set_name(std::string(target));
  const std::string url(fields[kGdeltSourceUrl]);
  s.mutable_source()->set_document_id(url);
  s.mutable_source()->set_url(url);
  // The site is the publisher: the articles of one site are one source.
  if (std::string host = PublisherOfUrl(url); !host.empty()) {
    s.mutable_source()->set_publisher(host);
  }
  // GDELT's own coverage counts, kept as given facts about the record.
  uint32_t mentions = 0, sources = 0, articles = 0;
  if (!ParseCount(fields[kGdeltNumMentions], "NumMentions", &mentions, line) ||
      !ParseCount(fields[kGdeltNumSources], "NumSources", &sources, line) ||
      !ParseCount(fields[kGdeltNumArticles], "NumArticles", &articles, line)) {
    return;
  }
  if (mentions != 0) s.mutable_reported()->set_mentions(mentions);
  if (sources != 0) s.mutable_reported()->set_sources(sources);
  if (articles != 0) s.mutable_reported()->set_articles(articles);
  s.mutable_extractor()->set_name("gdelt");
  s.set_idempotency_key("gdelt:" + std::string(fields[kGdeltEventId]));
}

void EventTableReader::NoteCountries(const std::vector<std::string_view>& fields,
                                     const v1::Statement& s) {
  const auto field = [&](size_t index) {
    return index < fields.size() && !IsMissing(fields[index]) ? fields[index] : "";
  };
  switch (format_) {
    case EventFormat::kIcews:
      NoteCountry(s.actor().name(), field(icews_.source_country), field(icews_.source_sectors));
      NoteCountry(s.target().name(), field(icews_.target_country), field(icews_.target_sectors));
      break;
    case EventFormat::kGdelt:
      NoteCountry(s.actor().name(), field(kGdeltActor1CountryCode), field(kGdeltActor1Type1Code));
      NoteCountry(s.target().name(), field(kGdeltActor2CountryCode), field(kGdeltActor2Type1Code));
      break;
    case EventFormat::kIcewsTsv:
      break;
  }
}

void EventTableReader::NoteCountry(const std::string& actor, std::string_view country,
                                   std::string_view role) {
  // A country's own rows ("Russia" in "Russia") say nothing of membership.
  if (country.empty() || actor == country) return;
  if (!countries_seen_.emplace(actor, std::string(country)).second) return;
  countries_.push_back(
      {actor, std::string(country),
       role.empty() || role.size() > kMaxRoleBytes ? "country" : std::string(role)});
}

}  // namespace entente::cli
