// entente ingest: streams JSON-lines files of statements to the server.
#include <string>

#include "cli/commands.h"
#include "cli/ingest_stream.h"
#include "cli/statement_reader.h"

namespace entente::cli {
namespace {

int RunIngest(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().empty()) return UsageError("ingest", "expected at least one FILE");
  auto batch = ParseBatch(args);
  if (!batch.ok()) return UsageError("ingest", std::string(batch.status().message()));
  auto files = OpenInputs(args.positional());
  if (!files.ok()) return UsageError("ingest", std::string(files.status().message()));
  StatementReader reader(Streams(*files));
  StreamOptions options;
  options.command = "ingest";
  options.resolution = args.Has("exact") ? v1::NAME_RESOLUTION_EXACT : v1::NAME_RESOLUTION_ALIAS;
  options.batch = *batch;
  return StreamToServer(ctx, *files, &reader, options);
}

}  // namespace

Command IngestCommand() {
  return {
      .name = "ingest",
      .synopsis = "ingest [--exact] [--batch N] FILE...",
      .summary = "Load statements from JSON-lines files",
      .details =
          "Each FILE holds one entente.v1.Statement per line in the protobuf JSON mapping\n"
          "(see tests/fixtures/seed-2024-10-22.jsonl); '-' reads standard input. Blank lines\n"
          "are skipped. A line that is not a valid statement is rejected and reported as\n"
          "FILE:LINE; the other lines are still stored. Statements already stored (same\n"
          "idempotency key) count as duplicates, so ingesting a file twice is safe.\n"
          "Prints the totals and the first 10 rejections. Exits 0 when the server took the\n"
          "stream, even with rejections; 1 when the call failed.\n",
      .options =
          {
              {"exact", "",
               "match actor/target names exactly, byte for byte (default: by alias,\n"
               "ignoring case, accents and spacing: 'north korea' = 'North Korea' = 'PRK')"},
              {"batch", "N", "statements per request, 1..10000 (default 1000)"},
          },
      .examples =
          {
              "ingest tests/fixtures/seed-2024-10-22.jsonl",
              "ingest --exact --batch 5000 icews-2015-*.jsonl",
              "ingest - < statements.jsonl",
          },
      .run = RunIngest,
  };
}

}  // namespace entente::cli
