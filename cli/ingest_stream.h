// Streaming statements from files to IngestService.IngestStream: what
// `entente ingest` (JSON lines) and `entente import` (event tables) share.
// Batching, the progress line, and the summary that maps every rejection,
// whether the line did not parse or the server refused the statement, back
// to FILE:LINE.
#ifndef ENTENTE_CLI_INGEST_STREAM_H_
#define ENTENTE_CLI_INGEST_STREAM_H_

#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/commands.h"
#include "cli/statement_reader.h"
#include "entente/v1/ingest.pb.h"

namespace entente::cli {

inline constexpr int kDefaultIngestBatch = 1000;
inline constexpr int kMaxIngestBatch = 10000;  // The server's limit per request.

// An input named on the command line; "-" is standard input.
struct InputFile {
  std::string name;                      // As given; "<stdin>" for "-".
  std::unique_ptr<std::ifstream> owned;  // Null for stdin.
  std::istream* in = nullptr;
  int64_t size = -1;  // Bytes; -1 when not known (stdin, a pipe).
};

// Opens every file; InvalidArgument naming the first that cannot be opened.
absl::StatusOr<std::vector<InputFile>> OpenInputs(const std::vector<std::string>& names);

// The streams of `files`, in order, for a StatementSource.
std::vector<std::istream*> Streams(const std::vector<InputFile>& files);

struct StreamOptions {
  std::string command;  // "ingest", "import": for messages.
  v1::NameResolution resolution = v1::NAME_RESOLUTION_ALIAS;
  int batch = kDefaultIngestBatch;  // Statements per request, 1..kMaxIngestBatch.
};

// Reads the statements of `source` (made from Streams(files)) and sends them
// in one IngestStream call, with a progress line on stderr when it is a
// terminal. Then prints to stdout "accepted A, duplicate D, rejected R (N
// lines read in S s)" and the first 10 rejections as "FILE:LINE: FIELD:
// REASON". Returns kExitOk when the server took the stream, even with
// rejections; kExitRpcError (after telling why on stderr) when the call
// failed.
int StreamToServer(const Context& ctx, const std::vector<InputFile>& files,
                   StatementSource* source, const StreamOptions& options);

// --batch N of `args`, or kDefaultIngestBatch when not given; InvalidArgument
// naming --batch when N is not in 1..kMaxIngestBatch.
absl::StatusOr<int> ParseBatch(const ParsedArgs& args);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_INGEST_STREAM_H_
