// Command-line options of entente's subcommands.
//
// Each command declares its options as OptionSpecs; ParseArgs builds a CLI11
// app of them with server/flags.h, so that entente reads options by the rule
// of every Entente program (docs/flags.md).
#ifndef ENTENTE_CLI_ARGS_H_
#define ENTENTE_CLI_ARGS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace entente::cli {

struct OptionSpec {
  std::string name;        // Without the leading "--".
  std::string value_name;  // Shown in help ("N", "DATE"); empty for a switch.
  std::string help;
};

// The outcome of ParseArgs. Copyable value type.
class ParsedArgs {
 public:
  bool Has(std::string_view name) const { return values_.count(std::string(name)) > 0; }
  // The option's value, its last one if repeated; `fallback` when it was not
  // given.
  std::string Get(std::string_view name, std::string fallback = "") const;
  // Every value of a repeatable option, in command-line order; empty when it
  // was not given.
  std::vector<std::string> GetAll(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  bool help() const { return help_; }

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<OptionSpec>&,
                                              const std::vector<std::string>&);
  // Every value given, in order; a switch has one "".
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

// Parses `args` (without program and command name) against `specs`.
// Accepts "--name value", "--name=value", the name with dashes or
// underscores (--min-sources is --min_sources), "-h"/"--help" and "--" (the
// rest is positional); options and positional arguments may be mixed, and
// "-" alone is positional. A switch also takes "--name=true|false". A
// repeated option keeps all its values (Get gives the last, GetAll every
// one). InvalidArgument naming the argument for an unknown option, a missing
// value, or a switch given neither true nor false.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<OptionSpec>& specs,
                                     const std::vector<std::string>& args);

// Parse an option's value; InvalidArgument naming `option` when `text` is not
// a number in [min, max].
absl::StatusOr<int64_t> ParseIntOption(std::string_view option, std::string_view text, int64_t min,
                                       int64_t max);
absl::StatusOr<uint64_t> ParseIdOption(std::string_view option, std::string_view text);

// The --timeout of a call: seconds ("30", "2.5") or a number with a unit
// ("500ms", "30s", "2m", "1h30m"), from 1 ms to 24 hours. InvalidArgument
// naming --timeout and what it accepts otherwise.
absl::StatusOr<std::chrono::milliseconds> ParseTimeout(std::string_view text);
absl::StatusOr<double> ParseDoubleOption(std::string_view option, std::string_view text);

// The help text of a list of options: one "  --name VALUE  help" line each,
// help texts aligned.
std::string FormatOptionsHelp(const std::vector<OptionSpec>& specs);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_ARGS_H_
