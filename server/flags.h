// One way to read the options of every Entente program: entente-server,
// entente-admin, entente-healthcheck and entente all parse with CLI11
// (Debian's libcli11-dev) through these helpers, so that they agree on the
// rule docs/flags.md states:
//
//  - a long option is accepted with dashes and with underscores
//    (--metrics-listen is --metrics_listen), and `--name value` is
//    `--name=value`;
//  - a number is parsed whole and checked against its range; a bad one is an
//    error naming the option ("--batch: 'abc' is not a whole number in
//    1..1000000"), never read as 0 or 1;
//  - an unknown option or argument is an error naming it;
//  - a usage error prints one line "PROGRAM: message" and a pointer to
//    --help on stderr and exits 2 (entente-healthcheck: 1, the exit codes of
//    grpc_health_probe that probes expect);
//  - -h/--help prints the help on stdout, --version the version line, both
//    exit 0.
//
// Not thread-safe: a program parses once, in main.
#ifndef ENTENTE_SERVER_FLAGS_H_
#define ENTENTE_SERVER_FLAGS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace entente::flags {

inline constexpr int kExitUsage = 2;

// CLI11's names of the long option `name` (without "--") in both spellings:
// "--metrics_listen,--metrics-listen". The spelling given comes first; it is
// the one help texts and error messages show.
std::string Names(std::string_view name);

// Sets `app` up by the rule: both spellings' names come from the Add*
// functions below; a repeated option keeps its last value (as absl flags
// did); unknown arguments are collected so that Parse can name them; -h and
// --help ask for help. `version_line` (server/version.h's VersionLine) is
// what --version prints; none when empty (subcommands).
void Configure(CLI::App* app, std::string version_line);

// `--name VALUE` into `out`, whose value before parsing is the default that
// help shows. `value_name` is shown in help ("DIR", "HOST:PORT").
CLI::Option* AddText(CLI::App* app, std::string_view name, std::string* out, std::string value_name,
                     std::string help);
// A switch: `--name`, or `--name=true|false` (absl's form, which deploy
// files may use).
CLI::Option* AddSwitch(CLI::App* app, std::string_view name, bool* out, std::string help);
// A whole number in [min, max]; anything else is a usage error naming the
// option and the range.
CLI::Option* AddInt(CLI::App* app, std::string_view name, int* out, int min, int max,
                    std::string value_name, std::string help);
CLI::Option* AddInt(CLI::App* app, std::string_view name, int64_t* out, int64_t min, int64_t max,
                    std::string value_name, std::string help);
// A duration that is not negative: "720h", "1h30m", "90s", or "0".
CLI::Option* AddDuration(CLI::App* app, std::string_view name, absl::Duration* out,
                         std::string value_name, std::string help);
// `--name VALUE` that must be one of `choices`.
CLI::Option* AddChoice(CLI::App* app, std::string_view name, std::string* out,
                       std::vector<std::string> choices, std::string help);

// `text` as a whole number in [min, max], else InvalidArgument
// "--OPTION: 'TEXT' is not a whole number in MIN..MAX". What AddInt checks
// with; the CLI's commands call it on values they read as text.
absl::StatusOr<int64_t> ParseInt(std::string_view option, std::string_view text, int64_t min,
                                 int64_t max);

// How Parse reports: `program` is the name in messages ("entente-admin
// import"); `help` renders the help of the app that was asked (the one
// given, or the subcommand chosen); `usage_exit` is the usage error's exit
// status.
struct Reporting {
  std::string program;
  std::function<std::string(const CLI::App& asked)> help;
  int usage_exit = kExitUsage;
  // Arguments no option took are the caller's (an app with
  // prefix_command(): the CLI's command and its arguments), not an error.
  bool keep_left_over = false;
};

// Parses `args` (without the program name) into `app`'s options. Returns
// nullopt when the program should go on; otherwise the exit status after
// printing: the help or the version on stdout (0), or one line naming what
// is wrong and "Run 'PROGRAM --help' for usage." on stderr (usage_exit).
std::optional<int> Parse(CLI::App* app, std::vector<std::string> args, const Reporting& reporting);
std::optional<int> Parse(CLI::App* app, int argc, const char* const* argv,
                         const Reporting& reporting);

// Prints a usage error found after parsing (a required option missing, two
// that conflict) as Parse does, and returns `exit`.
int UsageError(std::string_view program, std::string_view message, int exit = kExitUsage);

// The message Parse prints for a CLI11 parse error: CLI11's own, reworded
// where it is unclear ("option '--data' needs a value"), or for the first
// argument left over ("unknown option '--bogus'", "unexpected argument
// 'x'"). Empty when there is no error. Exposed for tests.
std::string UsageMessage(const CLI::App& app, const CLI::ParseError* error);

// A help text: `head` (what the program does, its synopsis and examples),
// then "Options:" with each option of `app` as "  --name VALUE" and its help
// text wrapped below it, with its default.
std::string Help(const CLI::App& app, std::string_view head);

}  // namespace entente::flags

#endif  // ENTENTE_SERVER_FLAGS_H_
