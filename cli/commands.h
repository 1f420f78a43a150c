// The subcommands of `entente` and what they share.
//
// Exit statuses: 0 success, 1 a failed call to the server, 2 a usage error.
#ifndef ENTENTE_CLI_COMMANDS_H_
#define ENTENTE_CLI_COMMANDS_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.h"
#include "cli/connection.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace entente::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRpcError = 1;
inline constexpr int kExitUsage = 2;

// The connection a command runs with.
class Context {
 public:
  // Connects lazily: nothing is sent until the first call. InvalidArgument
  // naming the option for an unreadable TLS file. `unary_timeout` (--timeout)
  // is the deadline SetUnaryDeadline gives from then on.
  static absl::StatusOr<Context> Open(const ConnectionOptions& options,
                                      std::chrono::milliseconds unary_timeout = kDefaultTimeout);

  // --timeout when not given.
  static constexpr std::chrono::milliseconds kDefaultTimeout = std::chrono::seconds(30);

  const std::string& server() const { return server_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Gives a unary call the deadline of --timeout (30 s by default), counted
  // from now. Static because every command calls it so; a process runs one
  // command, with the timeout of the last Open.
  static void SetUnaryDeadline(grpc::ClientContext* ctx);

  // Prints why `status` failed to stderr ("entente: PREFIXCODE: message" and
  // field violations, or that the server cannot be reached) and returns
  // kExitRpcError.
  int ReportError(const grpc::Status& status, std::string_view prefix = "") const;

 private:
  Context(std::string server, std::shared_ptr<grpc::Channel> channel)
      : server_(std::move(server)), channel_(std::move(channel)) {}

  std::string server_;
  std::shared_ptr<grpc::Channel> channel_;
};

struct Command {
  std::string name;
  std::string synopsis;  // After "entente ": "statements NAME [options]".
  std::string summary;   // One line, for the command list.
  std::string details;   // Paragraphs for COMMAND --help.
  std::vector<OptionSpec> options;
  std::vector<std::string> examples;  // Command lines after "entente ".
  int (*run)(const Context& ctx, const ParsedArgs& args);
};

// All commands, in the order help lists them.
const std::vector<Command>& AllCommands();

// The options every command accepts besides its own (--server, TLS, token).
const std::vector<OptionSpec>& CommonOptions();

// Columns available on stdout: the terminal's width when stdout is one,
// else 120.
int OutputWidth();

// Prints "entente: COMMAND: message" and a hint to use --help to stderr;
// returns kExitUsage. `command` may be empty for the top level.
int UsageError(std::string_view command, std::string_view message);

// Help texts: the list of commands, and one command's help.
std::string TopLevelHelp();
std::string CommandHelp(const Command& command);

// Defined by the command files.
Command IngestCommand();
Command ImportCommand();
Command ClaimsCommand();
Command ClaimCommand();
Command StatementsCommand();
Command StatementCommand();
Command EntityCommand();
Command SearchCommand();
Command NeighborsCommand();
Command PathCommand();
Command TimelineCommand();
Command ProfileCommand();
Command ExportCommand();
Command RetractCommand();
Command MergeCommand();
Command UnmergeCommand();
Command MergesCommand();
Command MemberCommand();
Command MembersCommand();
Command WatchCommand();
Command AdminCommand();
Command InfoCommand();  // issue 15: GetServerInfo

}  // namespace entente::cli

#endif  // ENTENTE_CLI_COMMANDS_H_
