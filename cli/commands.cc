#include "cli/commands.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/rpc_error.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace entente::cli {
namespace {

// The --timeout of the command this process runs (Context::Open).
std::chrono::milliseconds g_unary_timeout = Context::kDefaultTimeout;
// A page of 1,000 statements with long quotes can pass gRPC's default 4 MiB;
// this matches the server's own receive limit.
constexpr int kMaxReceiveBytes = 64 << 20;

}  // namespace

absl::StatusOr<Context> Context::Open(const ConnectionOptions& options,
                                      std::chrono::milliseconds unary_timeout) {
  auto channel = OpenChannel(options, kMaxReceiveBytes);
  if (!channel.ok()) return channel.status();
  g_unary_timeout = unary_timeout;
  return Context(options.server, *std::move(channel));
}

void Context::SetUnaryDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() + g_unary_timeout);
}

int Context::ReportError(const grpc::Status& status, std::string_view prefix) const {
  // The server itself may answer UNAVAILABLE (a retryable condition) over a
  // working connection; only a channel that is not connected means it could
  // not be reached.
  const bool unreachable = status.error_code() == grpc::StatusCode::UNAVAILABLE &&
                           channel_->GetState(false) != GRPC_CHANNEL_READY;
  const std::string text =
      unreachable ? FormatUnreachable(server_) : FormatRpcError(status, prefix);
  std::fputs(text.c_str(), stderr);
  return kExitRpcError;
}

const std::vector<Command>& AllCommands() {
  static const auto* commands = new std::vector<Command>{
      IngestCommand(),   ImportCommand(),  StatementsCommand(), StatementCommand(),
      EntityCommand(),   SearchCommand(),  NeighborsCommand(),  PathCommand(),
      TimelineCommand(), ProfileCommand(), ClaimsCommand(),     ClaimCommand(),
      ExportCommand(),   RetractCommand(), MergeCommand(),      UnmergeCommand(),
      MergesCommand(),   MemberCommand(),  MembersCommand(),    WatchCommand(),
      AdminCommand(),    InfoCommand()};
  return *commands;
}

const std::vector<OptionSpec>& CommonOptions() {
  static const auto* options = [] {
    auto* specs = new std::vector<OptionSpec>{
        {"server", "HOST:PORT", "server to call (default: $ENTENTE_SERVER, else 127.0.0.1:50051)"},
        {"timeout", "DURATION",
         "give up on each request/response call after this long: seconds or with a unit, "
         "500ms, 30s, 2m (default 30s; the streams of ingest, import and watch have none; "
         "admin check and backup 30 min)"},
    };
    specs->insert(specs->end(), ConnectionOptionSpecs().begin(), ConnectionOptionSpecs().end());
    specs->push_back({"help", "", "show this help"});
    return specs;
  }();
  return *options;
}

int OutputWidth() {
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0) {
    return size.ws_col;
  }
  return 120;
}

int UsageError(std::string_view command, std::string_view message) {
  const std::string where = command.empty() ? "" : std::string(command) + ": ";
  const std::string help = command.empty()
                               ? "entente --help"
                               : absl::StrCat("entente ", std::string(command), " --help");
  absl::FPrintF(stderr, "entente: %s%s\nRun '%s' for usage.\n", where, std::string(message), help);
  return kExitUsage;
}

std::string TopLevelHelp() {
  std::string out =
      "entente: command-line client of the Entente diplomatic-event knowledge graph.\n\n"
      "Usage: entente [--server HOST:PORT] [--timeout DURATION] COMMAND [options] ARGS\n"
      "       entente --version\n\nCommands:\n";
  size_t width = 0;
  for (const auto& c : AllCommands()) width = std::max(width, c.name.size());
  for (const auto& c : AllCommands()) {
    absl::StrAppend(&out, "  ", c.name, std::string(width - c.name.size() + 2, ' '), c.summary,
                    "\n");
  }
  absl::StrAppend(
      &out, "\nOptions:\n", FormatOptionsHelp(CommonOptions()),
      "\nRun 'entente COMMAND --help' for a command's options and examples.\n\n"
      "Examples:\n"
      "  entente ingest statements.jsonl\n"
      "  entente import --format icews-tsv icews14_train.tsv\n"
      "  entente statements Russia --direction out --since 2024-10\n"
      "  entente neighbors \"North Korea\" --depth 2 --code 19 --since 2014\n"
      "  entente path \"South Korea\" Russia --max-hops 3\n"
      "  entente timeline Russia \"North Korea\" --by month\n"
      "  entente profile China --top 5\n"
      "  entente export neighbors China --depth 1 --format graphml --out china.graphml\n"
      "  entente retract --document newstoday-2024-10-22-yoon-nato\n"
      "  entente member \"Yoon Suk Yeol\" \"South Korea\" --role president\n"
      "  entente timeline \"South Korea\" Russia --rollup country\n"
      "  entente admin check\n"
      "  ENTENTE_SERVER=db.example:50051 entente search kor\n"
      "  ENTENTE_TOKEN=$(cat my.token) entente search kor --server db.example:50051 "
      "--tls-ca ca.pem\n");
  return out;
}

std::string CommandHelp(const Command& command) {
  std::string out = absl::StrCat("Usage: entente [--server HOST:PORT] ", command.synopsis, "\n\n",
                                 command.summary, ".\n");
  if (!command.details.empty()) absl::StrAppend(&out, "\n", command.details);
  std::vector<OptionSpec> options = command.options;
  options.insert(options.end(), CommonOptions().begin(), CommonOptions().end());
  absl::StrAppend(&out, "\nOptions:\n", FormatOptionsHelp(options), "\nExamples:\n");
  for (const auto& example : command.examples) absl::StrAppend(&out, "  entente ", example, "\n");
  return out;
}

}  // namespace entente::cli
