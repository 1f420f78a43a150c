#include "cli/filter_options.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "cli/format.h"

namespace entente::cli {
namespace {

struct Named {
  const char* name;
  int value;
};

constexpr Named kQuadClasses[] = {
    {"vc", v1::VERBAL_COOPERATION},
    {"mc", v1::MATERIAL_COOPERATION},
    {"vx", v1::VERBAL_CONFLICT},
    {"mx", v1::MATERIAL_CONFLICT},
};

constexpr Named kRollups[] = {
    {"country", v1::ROLLUP_COUNTRY},
    {"parent", v1::ROLLUP_PARENT},
};

constexpr Named kModalities[] = {
    {"asserted", v1::ASSERTED},
    {"denied", v1::DENIED},
    {"intended", v1::INTENDED},
    {"hypothetical", v1::HYPOTHETICAL},
};

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// Every comma-separated item of every value of a repeatable option.
std::vector<std::string> ListValues(const ParsedArgs& args, std::string_view option) {
  std::vector<std::string> items;
  for (const std::string& value : args.GetAll(option)) {
    for (absl::string_view item : absl::StrSplit(value, ',')) {
      items.emplace_back(absl::StripAsciiWhitespace(item));
    }
  }
  return items;
}

// The value of `name` in `table`, matched ignoring case; InvalidArgument
// naming the option and the accepted names otherwise.
template <size_t N>
absl::StatusOr<int> Lookup(const Named (&table)[N], std::string_view option,
                           const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  std::string accepted;
  for (const Named& n : table) {
    if (lower == n.name) return n.value;
    absl::StrAppend(&accepted, accepted.empty() ? "" : ", ", n.name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--", std::string(option), ": '", name, "' is not one of ", accepted));
}

bool IsCodePrefix(const std::string& text) {
  return !text.empty() && text.size() <= 4 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// A date as (year, month, day) for comparison; a missing month or day is 1,
// the first day of the period.
std::tuple<int, int, int> FirstDay(const v1::Date& d) {
  return {d.year(), std::max(d.month(), 1), std::max(d.day(), 1)};
}

}  // namespace

const std::vector<OptionSpec>& FilterOptions() {
  static const auto* options = new std::vector<OptionSpec>{
      {"since", "DATE", "only statements dated on or after DATE"},
      {"until", "DATE", "only statements dated on or before the end of DATE"},
      {"code", "PREFIX",
       "only CAMEO codes starting with PREFIX (19 = fighting);\n"
       "repeat it or separate prefixes by commas to allow several"},
      {"quad", "CLASSES",
       "only these quad classes, comma-separated: vc verbal cooperation,\n"
       "mc material cooperation, vx verbal conflict, mx material conflict"},
      {"min-confidence", "X", "only statements with confidence >= X (0..1)"},
      {"modality", "LIST",
       "only these modalities, comma-separated: asserted, denied,\n"
       "intended, hypothetical"},
      {"min-sources", "N",
       "only statements whose claim has at least N independent sources\n"
       "(publishers); needs a server started with --claims"},
      {"contested", "only|exclude",
       "only statements of contested claims (asserted and denied), or\n"
       "only of uncontested ones; needs a server started with --claims"},
      {"exact", "", "match names exactly, byte for byte, not by alias"},
  };
  return *options;
}

std::string FilterDetails() {
  return "\nDATE is YYYY, YYYY-MM or YYYY-MM-DD; --since starts at the first day of its\n"
         "period and --until ends at the last (--until 2024-10 includes 2024-10-31).\n"
         "Statements without a CAMEO code never pass --code or --quad.\n";
}

std::vector<OptionSpec> WithFilterOptions(std::vector<OptionSpec> first,
                                          const std::vector<OptionSpec>& last) {
  first.insert(first.end(), FilterOptions().begin(), FilterOptions().end());
  first.insert(first.end(), last.begin(), last.end());
  return first;
}

absl::Status ParseWindow(const ParsedArgs& args, v1::Date* from, v1::Date* to) {
  if (args.Has("since")) {
    auto date = ParseDate(args.Get("since"));
    if (!date.ok()) return absl::InvalidArgumentError("--since: " + Message(date.status()));
    *from = *date;
  }
  if (args.Has("until")) {
    auto date = ParseDate(args.Get("until"));
    if (!date.ok()) return absl::InvalidArgumentError("--until: " + Message(date.status()));
    *to = EndOfPeriod(*date);
  }
  if (args.Has("since") && args.Has("until") && FirstDay(*from) > FirstDay(*to)) {
    return absl::InvalidArgumentError("--since " + args.Get("since") + " is after --until " +
                                      args.Get("until"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> ParseMinSources(const ParsedArgs& args) {
  if (!args.Has("min-sources")) return 0;
  auto n = ParseIntOption("min-sources", args.Get("min-sources"), 0, INT32_MAX);
  if (!n.ok()) return n.status();
  return static_cast<int32_t>(*n);
}

const OptionSpec& AsOfOption() {
  static const auto* option =
      new OptionSpec{"as-of", "TIME",
                     "answer as the server knew it at TIME (2026-11-28T12:00Z, or a day: its\n"
                     "00:00 UTC): later ingests left out, later retractions still in"};
  return *option;
}

absl::StatusOr<std::optional<google::protobuf::Timestamp>> ParseAsOf(const ParsedArgs& args) {
  if (!args.Has("as-of")) return std::nullopt;
  const std::string text = args.Get("as-of", "");
  absl::Time t;
  std::string error;
  bool parsed = false;
  for (const char* format : {"%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M%Ez", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, &error)) {
      parsed = true;
      break;
    }
  }
  if (!parsed) {
    return absl::InvalidArgumentError(
        "--as-of: '" + text + "' is not a time like 2026-11-28T12:00Z or a day like 2026-11-28");
  }
  google::protobuf::Timestamp out;
  const int64_t micros = absl::ToUnixMicros(t);
  out.set_seconds(micros / 1000000 - (micros % 1000000 < 0 ? 1 : 0));
  out.set_nanos(static_cast<int32_t>(((micros % 1000000) + 1000000) % 1000000) * 1000);
  return out;
}

absl::StatusOr<v1::EdgeFilter> ParseFilter(const ParsedArgs& args) {
  v1::EdgeFilter filter;
  v1::Date from, to;
  if (absl::Status s = ParseWindow(args, &from, &to); !s.ok()) return s;
  if (args.Has("since")) *filter.mutable_date_from() = from;
  if (args.Has("until")) *filter.mutable_date_to() = to;
  for (const std::string& code : ListValues(args, "code")) {
    if (!IsCodePrefix(code)) {
      return absl::InvalidArgumentError("--code: '" + code +
                                        "' is not a CAMEO code prefix (1 to 4 digits)");
    }
    filter.add_code_prefixes(code);
  }
  for (const std::string& name : ListValues(args, "quad")) {
    auto quad = Lookup(kQuadClasses, "quad", name);
    if (!quad.ok()) return quad.status();
    filter.add_quad_classes(static_cast<v1::QuadClass>(*quad));
  }
  if (args.Has("min-confidence")) {
    auto x = ParseDoubleOption("min-confidence", args.Get("min-confidence"));
    if (!x.ok()) return x.status();
    if (!(*x >= 0 && *x <= 1)) {
      return absl::InvalidArgumentError("--min-confidence: '" + args.Get("min-confidence") +
                                        "' is not in 0..1");
    }
    filter.set_min_confidence(*x);
  }
  for (const std::string& name : ListValues(args, "modality")) {
    auto modality = Lookup(kModalities, "modality", name);
    if (!modality.ok()) return modality.status();
    filter.add_modalities(static_cast<v1::Modality>(*modality));
  }
  if (args.Has("min-sources")) {
    auto n = ParseMinSources(args);
    if (!n.ok()) return n.status();
    filter.set_min_sources(*n);
  }
  if (args.Has("contested")) {
    const std::string& c = args.Get("contested");
    if (c == "only") {
      filter.set_contested(v1::CONTESTED_ONLY);
    } else if (c == "exclude") {
      filter.set_contested(v1::CONTESTED_EXCLUDE);
    } else {
      return absl::InvalidArgumentError("--contested: '" + c + "' is not only or exclude");
    }
  }
  return filter;
}

const OptionSpec& RollupOption() {
  static const auto* option =
      new OptionSpec{"rollup", "country|parent",
                     "see each entity as its group on each statement's day: country, the top\n"
                     "of its chain of memberships (a minister as her country); parent, one\n"
                     "step up. The NAMEs given are taken as their group today; statements\n"
                     "still show who acted. See `entente member --help`"};
  return *option;
}

absl::StatusOr<v1::Rollup> ParseRollup(const ParsedArgs& args) {
  if (!args.Has("rollup")) return v1::ROLLUP_UNSPECIFIED;
  auto rollup = Lookup(kRollups, "rollup", args.Get("rollup"));
  if (!rollup.ok()) return rollup.status();
  return static_cast<v1::Rollup>(*rollup);
}

v1::NameResolution ParseNameResolution(const ParsedArgs& args) {
  return args.Has("exact") ? v1::NAME_RESOLUTION_EXACT : v1::NAME_RESOLUTION_ALIAS;
}

absl::StatusOr<v1::Direction> ParseDirection(std::string_view text) {
  if (text == "out") return v1::OUT;
  if (text == "in") return v1::IN;
  if (text == "both") return v1::BOTH;
  return absl::InvalidArgumentError("--direction: '" + std::string(text) +
                                    "' is not out, in or both");
}

absl::StatusOr<v1::EntityRef> ParseEntityArg(const ParsedArgs& args, const std::string& text) {
  v1::EntityRef ref;
  if (args.Has("id")) {
    auto id = ParseIdOption("id", text);
    if (!id.ok()) {
      return absl::InvalidArgumentError("with --id, '" + text + "' must be an entity id");
    }
    ref.set_id(*id);
  } else {
    ref.set_name(text);
  }
  return ref;
}

}  // namespace entente::cli
