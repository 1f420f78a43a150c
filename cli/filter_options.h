// The options the commands that query the graph share: which statements to
// follow (the request's EdgeFilter), how names are matched, the direction,
// and how an entity is named on the command line.
#ifndef ENTENTE_CLI_FILTER_OPTIONS_H_
#define ENTENTE_CLI_FILTER_OPTIONS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "entente/v1/graph.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace entente::cli {

// --since, --until, --code, --quad, --min-confidence, --modality,
// --min-sources, --contested and --exact.
const std::vector<OptionSpec>& FilterOptions();

// A paragraph for a command's details that explains the filter options.
std::string FilterDetails();

// `first`, then FilterOptions(), then `last`: a command's option list.
std::vector<OptionSpec> WithFilterOptions(std::vector<OptionSpec> first,
                                          const std::vector<OptionSpec>& last = {});

// The EdgeFilter the filter options ask for (empty when none is given).
// InvalidArgument naming the option for a bad value: a date that is not
// YYYY[-MM[-DD]], --since after --until, a code prefix that is not 1 to 4
// digits, an unknown quad class or modality, a confidence outside 0..1,
// a negative --min-sources, --contested other than only or exclude.
// --code, --quad and --modality may be repeated and take comma-separated
// lists.
absl::StatusOr<v1::EdgeFilter> ParseFilter(const ParsedArgs& args);

// --since and --until, into `from` and `to` (each left alone when its
// option is absent; --until is the last day of its period). InvalidArgument
// naming the option for a bad date or --since after --until.
absl::Status ParseWindow(const ParsedArgs& args, v1::Date* from, v1::Date* to);

// --min-sources N (0 without it); InvalidArgument for a negative N.
absl::StatusOr<int32_t> ParseMinSources(const ParsedArgs& args);

// --as-of TIME: the query as the server knew it then. RFC 3339
// ("2026-11-28T12:00:00Z", "2026-11-28T12:00Z", "...+01:00") or a day
// ("2026-11-28", its 00:00 UTC). Unset without the option; InvalidArgument
// naming --as-of otherwise.
absl::StatusOr<std::optional<google::protobuf::Timestamp>> ParseAsOf(const ParsedArgs& args);
const OptionSpec& AsOfOption();

// Sets request->as_of from --as-of.
template <typename Request>
absl::Status SetAsOf(const ParsedArgs& args, Request* request) {
  auto as_of = ParseAsOf(args);
  if (!as_of.ok()) return as_of.status();
  if (*as_of) *request->mutable_as_of() = **as_of;
  return absl::OkStatus();
}

// --rollup country|parent: members seen as their group (graph.proto,
// Rollup); the memberships come from `entente member` and `entente import`.
const OptionSpec& RollupOption();
// ROLLUP_UNSPECIFIED without --rollup; InvalidArgument naming --rollup and
// the accepted values for another value.
absl::StatusOr<v1::Rollup> ParseRollup(const ParsedArgs& args);

// Sets request->rollup from --rollup.
template <typename Request>
absl::Status SetRollup(const ParsedArgs& args, Request* request) {
  auto rollup = ParseRollup(args);
  if (!rollup.ok()) return rollup.status();
  request->set_rollup(*rollup);
  return absl::OkStatus();
}

// NAME_RESOLUTION_EXACT with --exact, else NAME_RESOLUTION_ALIAS.
v1::NameResolution ParseNameResolution(const ParsedArgs& args);

// "out", "in" or "both"; InvalidArgument naming --direction otherwise.
absl::StatusOr<v1::Direction> ParseDirection(std::string_view text);

// An entity as given on the command line: its name, or with --id (which the
// command must accept) its id. InvalidArgument when --id is given and `text`
// is not an id.
absl::StatusOr<v1::EntityRef> ParseEntityArg(const ParsedArgs& args, const std::string& text);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_FILTER_OPTIONS_H_
