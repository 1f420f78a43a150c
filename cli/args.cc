#include "cli/args.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "server/flags.h"

namespace entente::cli {
namespace {

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status BadValue(std::string_view option, std::string_view text, std::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", ToAbsl(option), ": '", ToAbsl(text), "' is not ", ToAbsl(want)));
}

}  // namespace

std::string ParsedArgs::Get(std::string_view name, std::string fallback) const {
  auto it = values_.find(std::string(name));
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(std::string_view name) const {
  auto it = values_.find(std::string(name));
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<OptionSpec>& specs,
                                     const std::vector<std::string>& args) {
  // One CLI11 app per call, from the specs: the spelling rule and the error
  // messages are those of every Entente program (server/flags.h).
  CLI::App app;
  flags::Configure(&app, "");
  // Help is reported to the caller, who prints the command's own help.
  app.set_help_flag();
  bool help = false;
  app.add_flag("-h,--help", help);
  std::vector<std::pair<const OptionSpec*, CLI::Option*>> options;
  for (const auto& spec : specs) {
    if (spec.name == "help") continue;
    CLI::Option* option = nullptr;
    if (spec.value_name.empty()) {
      // --exact, or --exact=true|false: the last one given counts.
      option = app.add_flag(flags::Names(spec.name));
    } else {
      // Every value, for GetAll; Get takes the last.
      option = app.add_option(flags::Names(spec.name))
                   ->type_name(spec.value_name)
                   ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    }
    options.emplace_back(&spec, option);
  }
  ParsedArgs out;
  app.add_option("ARGS", out.positional_);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  std::string message;
  try {
    app.parse(reversed);
    message = flags::UsageMessage(app, nullptr);
  } catch (const CLI::ParseError& e) {
    message = flags::UsageMessage(app, &e);
  }
  if (!message.empty()) return absl::InvalidArgumentError(message);
  for (const auto& [spec, option] : options) {
    if (option->count() == 0) continue;
    if (!spec->value_name.empty()) {
      out.values_[spec->name] = option->results();
      continue;
    }
    const std::string& last = option->results().back();
    int64_t on = 0;
    try {
      on = CLI::detail::to_flag_value(last);
    } catch (const std::exception&) {
      return absl::InvalidArgumentError("--" + spec->name + ": '" + last +
                                        "' is not true or false");
    }
    if (on > 0) out.values_[spec->name].push_back("");
  }
  out.help_ = help;
  return out;
}

absl::StatusOr<int64_t> ParseIntOption(std::string_view option, std::string_view text, int64_t min,
                                       int64_t max) {
  return flags::ParseInt(option, text, min, max);
}

absl::StatusOr<uint64_t> ParseIdOption(std::string_view option, std::string_view text) {
  uint64_t value = 0;
  if (!absl::SimpleAtoi(ToAbsl(text), &value) || value == 0) {
    return BadValue(option, text, "an id (a positive whole number)");
  }
  return value;
}

absl::StatusOr<double> ParseDoubleOption(std::string_view option, std::string_view text) {
  double value = 0;
  if (!absl::SimpleAtod(ToAbsl(text), &value)) return BadValue(option, text, "a number");
  return value;
}

std::string FormatOptionsHelp(const std::vector<OptionSpec>& specs) {
  std::vector<std::string> heads;
  size_t width = 0;
  for (const auto& spec : specs) {
    std::string head = "--" + spec.name;
    if (!spec.value_name.empty()) head += " " + spec.value_name;
    width = std::max(width, head.size());
    heads.push_back(std::move(head));
  }
  std::string out;
  for (size_t i = 0; i < specs.size(); ++i) {
    // Continuation lines of a long help text line up under its first line.
    const std::string help =
        absl::StrReplaceAll(specs[i].help, {{"\n", "\n" + std::string(width + 4, ' ')}});
    absl::StrAppend(&out, "  ", heads[i], std::string(width - heads[i].size() + 2, ' '), help,
                    "\n");
  }
  return out;
}

absl::StatusOr<std::chrono::milliseconds> ParseTimeout(std::string_view text_view) {
  const std::string text(text_view);  // absl 20220623's string_view is not std's
  const auto bad = [&](const char* why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--timeout '", text, "' ", why,
                     ": give seconds (30, 2.5) or a number with a unit (500ms, 30s, 2m, 1h)"));
  };
  absl::Duration timeout;
  double seconds = 0;
  // A bare number is seconds, as the default 30 s reads; absl::ParseDuration
  // wants a unit on anything but "0".
  if (absl::SimpleAtod(text, &seconds)) {
    if (!std::isfinite(seconds)) return bad("is not a duration");
    timeout = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &timeout) || timeout == absl::InfiniteDuration()) {
    return bad("is not a duration");
  }
  if (timeout < absl::Milliseconds(1)) return bad("is too short (1ms at least)");
  // Also keeps now() + timeout far from overflowing the clock.
  if (timeout > absl::Hours(24)) return bad("is too long (24h at most)");
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout));
}

}  // namespace entente::cli
