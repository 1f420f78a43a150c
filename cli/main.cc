// entente: the command-line client. Parses the global options and the
// command name, then hands over to the command.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
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
  size_t i = 0;
  // Global options come before the command.
  for (; i < args.size() && args[i].size() > 1 && args[i][0] == '-'; ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") return RunHelp({});
    if (arg == "--version") {
      std::fputs(VersionLine("entente").c_str(), stdout);
      return kExitOk;
    }
    if (arg.rfind("--server=", 0) == 0) {
      server = arg.substr(9);
    } else if (arg == "--server" && i + 1 < args.size()) {
      server = args[++i];
    } else if (arg == "--server") {
      return UsageError("", "option '--server' needs a value (HOST:PORT)");
    } else if (arg.rfind("--timeout=", 0) == 0) {
      timeout = arg.substr(10);
    } else if (arg == "--timeout" && i + 1 < args.size()) {
      timeout = args[++i];
    } else if (arg == "--timeout") {
      return UsageError("", "option '--timeout' needs a value (DURATION: 30s, 500ms)");
    } else {
      return UsageError("", "unknown option '" + arg + "'");
    }
  }
  if (i == args.size()) {
    std::fputs(TopLevelHelp().c_str(), stderr);
    return kExitUsage;
  }
  const std::string& name = args[i];
  const std::vector<std::string> rest(args.begin() + i + 1, args.end());
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
