// entente: the command-line client. Parses the global options and the
// command name, then hands over to the command.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "server/flags.h"
#include "server/version.h"

namespace entente::cli {
namespace {

constexpr char kDefaultServer[] = "127.0.0.1:50051";

std::string DefaultServer() {
  const char* env = std::getenv("ENTENTE_SERVER");
  return env != nullptr && *env != '\0' ? env : kDefaultServer;
}

const Command* FindCommand(const std::string& name) {
  for (const auto& c : AllCommands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// `entente help [COMMAND]`.
int RunHelp(const std::vector<std::string>& rest) {
  if (rest.empty()) {
    std::fputs(TopLevelHelp().c_str(), stdout);
    return kExitOk;
  }
  const Command* command = FindCommand(rest[0]);
  if (command == nullptr) return UsageError("", "unknown command '" + rest[0] + "'");
  std::fputs(CommandHelp(*command).c_str(), stdout);
  return kExitOk;
}

int RunCommand(const Command& command, const std::vector<std::string>& rest, std::string server,
               std::string timeout) {
  std::vector<OptionSpec> specs = command.options;
  specs.insert(specs.end(), CommonOptions().begin(), CommonOptions().end());
  auto parsed = ParseArgs(specs, rest);
  if (!parsed.ok()) return UsageError(command.name, std::string(parsed.status().message()));
  if (parsed->help()) {
    std::fputs(CommandHelp(command).c_str(), stdout);
    return kExitOk;
  }
  server = parsed->Get("server", server);
  if (server.empty()) return UsageError(command.name, "--server is empty");
  auto unary_timeout = ParseTimeout(parsed->Get("timeout", timeout));
  if (!unary_timeout.ok()) {
    return UsageError(command.name, std::string(unary_timeout.status().message()));
  }
  auto context = Context::Open(ConnectionOptionsFrom(*parsed, server), *unary_timeout);
  if (!context.ok()) return UsageError(command.name, std::string(context.status().message()));
  return command.run(*context, *parsed);
}

int Main(const std::vector<std::string>& args) {
  std::string server = DefaultServer();
  std::string timeout = "30s";  // Context::kDefaultTimeout
  // Global options come before the command; the command and what follows
  // it are left over for the command's own options (ParseArgs).
  CLI::App app;
  flags::Configure(&app, VersionLine("entente"));
  flags::AddText(&app, "server", &server, "HOST:PORT", "server to call");
  flags::AddText(&app, "timeout", &timeout, "DURATION", "deadline of each call");
  app.prefix_command();
  const auto help = [](const CLI::App&) { return TopLevelHelp(); };
  if (auto exit = flags::Parse(&app, args, {"entente", help, kExitUsage, true})) return *exit;
  const std::vector<std::string> left = app.remaining();
  // An unknown option before the command is left over too: name it.
  if (!left.empty() && left[0].size() > 1 && left[0][0] == '-' && left[0] != "--") {
    return UsageError("", "unknown option '" + left[0] + "'");
  }
  const size_t i = !left.empty() && left[0] == "--" ? 1 : 0;
  if (i == left.size()) {
    std::fputs(TopLevelHelp().c_str(), stderr);
    return kExitUsage;
  }
  const std::string& name = left[i];
  const std::vector<std::string> rest(left.begin() + i + 1, left.end());
  if (name == "help") return RunHelp(rest);
  const Command* command = FindCommand(name);
  if (command == nullptr) return UsageError("", "unknown command '" + name + "'");
  return RunCommand(*command, rest, server, timeout);
}

}  // namespace
}  // namespace entente::cli

int main(int argc, char** argv) {
  return entente::cli::Main(std::vector<std::string>(argv + 1, argv + argc));
}
