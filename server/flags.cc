#include "server/flags.h"

#include <cstdio>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace entente::flags {
namespace {

// "'TEXT' is not a whole number in MIN..MAX", or "" with `*value` set.
std::string CheckInt(std::string_view text, int64_t min, int64_t max, int64_t* value) {
  // SimpleAtoi takes the whole text or fails: "12abc" and "" are errors,
  // unlike atoi's 12 and 0.
  if (absl::SimpleAtoi(absl::string_view(text.data(), text.size()), value) && *value >= min &&
      *value <= max) {
    return "";
  }
  return absl::StrCat("'", absl::string_view(text.data(), text.size()),
                      "' is not a whole number in ", min, "..", max);
}

CLI::Validator IntRange(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) {
        int64_t value = 0;
        std::string why = CheckInt(text, min, max, &value);
        // CLI11 converts after the check: hand it the plain digits ("+5"
        // and " 5" are 5 to SimpleAtoi).
        if (why.empty()) text = std::to_string(value);
        return why;
      },
      "");
}

template <typename Int>
CLI::Option* AddInteger(CLI::App* app, std::string_view name, Int* out, int64_t min, int64_t max,
                        std::string value_name, std::string help) {
  return app->add_option(Names(name), *out, std::move(help))
      ->type_name(std::move(value_name))
      ->default_str(std::to_string(*out))
      ->check(IntRange(min, max));
}

// The app whose help was asked for, or whose arguments failed: the last
// subcommand chosen.
const CLI::App* Chosen(const CLI::App* app) {
  while (!app->get_subcommands().empty()) app = app->get_subcommands().front();
  return app;
}

std::string ProgramName(const std::string& program, const CLI::App* app) {
  std::string out = program;
  while (!app->get_subcommands().empty()) {
    app = app->get_subcommands().front();
    absl::StrAppend(&out, " ", app->get_name());
  }
  return out;
}

// The first argument no option or positional took; "" if none. CLI11 keeps a
// bare "--" among them.
std::string LeftOver(const CLI::App& app) {
  for (const std::string& arg : app.remaining(true)) {
    if (arg != "--") return arg;
  }
  return "";
}

// `text` wrapped to lines of at most `width` columns, each after `indent`.
std::string Wrap(std::string_view text, size_t indent, size_t width) {
  std::string out;
  const std::string pad(indent, ' ');
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view paragraph = text.substr(start, end - start);
    std::string line;
    size_t pos = 0;
    while (pos < paragraph.size()) {
      size_t next = paragraph.find(' ', pos);
      if (next == std::string_view::npos) next = paragraph.size();
      const std::string_view word = paragraph.substr(pos, next - pos);
      if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
        absl::StrAppend(&out, pad, line, "\n");
        line.clear();
      }
      if (!line.empty()) line += ' ';
      line.append(word.data(), word.size());
      pos = next + 1;
    }
    absl::StrAppend(&out, pad, line, "\n");
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string Names(std::string_view name) {
  std::string other(name);
  for (char& c : other) {
    if (c == '-') {
      c = '_';
    } else if (c == '_') {
      c = '-';
    }
  }
  std::string out = absl::StrCat("--", absl::string_view(name.data(), name.size()));
  if (other != name) absl::StrAppend(&out, ",--", other);
  return out;
}

void Configure(CLI::App* app, std::string version_line) {
  // --helpfull: absl's name for it, which scripts written when the server
  // and the health check used absl flags may still pass.
  app->set_help_flag("-h,--help,--helpfull", "show this help");
  if (!version_line.empty()) {
    app->set_version_flag("--version", std::move(version_line), "print the version and exit");
  }
  // Left-over arguments are named by Parse, in our words, rather than by
  // CLI11's ExtrasError.
  app->allow_extras();
  // The last of a repeated option wins, as with absl flags; options that
  // keep every value say so (TakeAll).
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

CLI::Option* AddText(CLI::App* app, std::string_view name, std::string* out, std::string value_name,
                     std::string help) {
  CLI::Option* option =
      app->add_option(Names(name), *out, std::move(help))->type_name(std::move(value_name));
  if (!out->empty()) option->default_str(*out);
  return option;
}

CLI::Option* AddSwitch(CLI::App* app, std::string_view name, bool* out, std::string help) {
  return app->add_flag(Names(name), *out, std::move(help));
}

CLI::Option* AddInt(CLI::App* app, std::string_view name, int* out, int min, int max,
                    std::string value_name, std::string help) {
  return AddInteger(app, name, out, min, max, std::move(value_name), std::move(help));
}

CLI::Option* AddInt(CLI::App* app, std::string_view name, int64_t* out, int64_t min, int64_t max,
                    std::string value_name, std::string help) {
  return AddInteger(app, name, out, min, max, std::move(value_name), std::move(help));
}

CLI::Option* AddDuration(CLI::App* app, std::string_view name, absl::Duration* out,
                         std::string value_name, std::string help) {
  CLI::Option* option = app->add_option_function<std::string>(
      Names(name),
      // Checked below before this runs.
      [out](const std::string& text) { absl::ParseDuration(text, out); },
      std::move(help));
  option->type_name(std::move(value_name))->default_str(absl::FormatDuration(*out));
  return option->check(CLI::Validator(
      [](std::string& text) -> std::string {
        absl::Duration d;
        // absl wants a unit on anything but "0", as absl flags did.
        if (absl::ParseDuration(text, &d) && d >= absl::ZeroDuration() &&
            d != absl::InfiniteDuration()) {
          return "";
        }
        return absl::StrCat("'", text, "' is not a duration of 0 or more (720h, 1h30m, 90s, 0)");
      },
      ""));
}

CLI::Option* AddChoice(CLI::App* app, std::string_view name, std::string* out,
                       std::vector<std::string> choices, std::string help) {
  const std::string list = absl::StrJoin(choices, "|");
  CLI::Option* option = AddText(app, name, out, list, std::move(help));
  return option->check(CLI::Validator(
      [choices = std::move(choices)](std::string& text) -> std::string {
        for (const auto& choice : choices) {
          if (text == choice) return "";
        }
        return absl::StrCat("'", text, "' is not one of ", absl::StrJoin(choices, ", "));
      },
      ""));
}

absl::StatusOr<int64_t> ParseInt(std::string_view option, std::string_view text, int64_t min,
                                 int64_t max) {
  int64_t value = 0;
  const std::string why = CheckInt(text, min, max, &value);
  if (why.empty()) return value;
  return absl::InvalidArgumentError(
      absl::StrCat("--", absl::string_view(option.data(), option.size()), ": ", why));
}

std::string UsageMessage(const CLI::App& app, const CLI::ParseError* error) {
  const std::string left = LeftOver(app);
  // A missing subcommand or option matters less than an argument nobody
  // knows, which is usually the typo behind it.
  if (!left.empty() && (error == nullptr || dynamic_cast<const CLI::RequiredError*>(error))) {
    if (left.size() > 1 && left[0] == '-') return "unknown option '" + left + "'";
    return "unexpected argument '" + left + "'";
  }
  if (error == nullptr) return "";
  std::string message = error->what();
  // CLI11: "--data: 1 required TEXT missing", the value at the end of the
  // line left out.
  if (dynamic_cast<const CLI::ArgumentMismatch*>(error) != nullptr &&
      message.ends_with(" missing") && message.find(": ") != std::string::npos) {
    return "option '" + message.substr(0, message.find(": ")) + "' needs a value";
  }
  // CLI11: "Could not convert: --sync = maybe"; only switches get here, the
  // numbers being checked before CLI11 converts them.
  constexpr std::string_view kConvert = "Could not convert: ";
  if (dynamic_cast<const CLI::ConversionError*>(error) != nullptr &&
      message.starts_with(kConvert) && message.find(" = ") != std::string::npos) {
    const size_t eq = message.find(" = ");
    return message.substr(kConvert.size(), eq - kConvert.size()) + ": '" + message.substr(eq + 3) +
           "' is not true or false";
  }
  return message;
}

std::optional<int> Parse(CLI::App* app, std::vector<std::string> args, const Reporting& reporting) {
  // CLI11 takes the arguments last first.
  std::reverse(args.begin(), args.end());
  std::string message;
  try {
    app->parse(args);
    if (!reporting.keep_left_over) message = UsageMessage(*app, nullptr);
  } catch (const CLI::CallForHelp&) {
    std::fputs(reporting.help(*Chosen(app)).c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(reporting.help(*Chosen(app)).c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& version) {
    std::fputs(version.what(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    message = UsageMessage(*app, &e);
  }
  if (message.empty()) return std::nullopt;
  return UsageError(ProgramName(reporting.program, app), message, reporting.usage_exit);
}

int UsageError(std::string_view program, std::string_view message, int exit) {
  const std::string name(program);
  std::fprintf(stderr, "%s: %.*s\nRun '%s --help' for usage.\n", name.c_str(),
               static_cast<int>(message.size()), message.data(), name.c_str());
  return exit;
}

std::optional<int> Parse(CLI::App* app, int argc, const char* const* argv,
                         const Reporting& reporting) {
  return Parse(app, std::vector<std::string>(argv + 1, argv + argc), reporting);
}

std::string Help(const CLI::App& app, std::string_view head) {
  std::string out(head);
  if (!out.empty() && out.back() != '\n') out += '\n';
  out += "\nOptions:\n";
  for (const CLI::Option* option : app.get_options()) {
    if (!option->nonpositional()) continue;
    std::string line = "  ";
    for (const std::string& s : option->get_snames()) absl::StrAppend(&line, "-", s, ", ");
    // The first long name is the program's own spelling; the other is
    // implied by the rule the help's head states.
    if (!option->get_lnames().empty()) absl::StrAppend(&line, "--", option->get_lnames()[0]);
    if (option->get_type_size() != 0 && !option->get_type_name().empty()) {
      absl::StrAppend(&line, " ", option->get_type_name());
    }
    std::string help = option->get_description();
    if (!option->get_default_str().empty()) {
      absl::StrAppend(&help, " (default: ", option->get_default_str(), ")");
    }
    absl::StrAppend(&out, line, "\n", Wrap(help, 6, 80));
  }
  return out;
}

}  // namespace entente::flags
