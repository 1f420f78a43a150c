// entente import: streams event tables published by others (ICEWS, GDELT) to
// the server as statements.
#include <string>

#include "cli/commands.h"
#include "cli/event_reader.h"
#include "cli/ingest_stream.h"

namespace entente::cli {
namespace {

int RunImport(const Context& ctx, const ParsedArgs& args) {
  if (!args.Has("format")) return UsageError("import", "--format is required");
  auto format = ParseEventFormat(args.Get("format"));
  if (!format.ok()) return UsageError("import", std::string(format.status().message()));
  if (args.positional().empty()) return UsageError("import", "expected at least one FILE");
  auto batch = ParseBatch(args);
  if (!batch.ok()) return UsageError("import", std::string(batch.status().message()));
  auto files = OpenInputs(args.positional());
  if (!files.ok()) return UsageError("import", std::string(files.status().message()));
  EventTableReader reader(*format, Streams(*files), args.positional());
  StreamOptions options;
  options.command = "import";
  // The names in these tables are identifiers, kept byte for byte.
  options.resolution = v1::NAME_RESOLUTION_EXACT;
  options.batch = *batch;
  return StreamToServer(ctx, *files, &reader, options);
}

}  // namespace

Command ImportCommand() {
  return {
      .name = "import",
      .synopsis = "import --format icews-tsv|icews|gdelt [--batch N] FILE...",
      .summary = "Load events from ICEWS or GDELT files",
      .details =
          "Reads each FILE ('-' for standard input) as a table of events in the given\n"
          "format, one event per line, and streams them to the server as statements.\n"
          "Fields are split on TAB only, and names are kept byte for byte: they are\n"
          "matched exactly (as `ingest --exact` does), never by alias.\n"
          "\n"
          "Formats:\n"
          "  icews-tsv  the temporal-KG files of ICEWS14 and ICEWS05-15: subject, relation,\n"
          "             object, YYYY-MM-DD, no header. The relation (\"Make statement\") is\n"
          "             the action; the server classifies it to its CAMEO code. Document:\n"
          "             the file's name; key: FILE:LINE, so identical rows stay distinct.\n"
          "  icews      the raw ICEWS event table (events.YYYY.tab) with its header row:\n"
          "             Source Name, Event Text, CAMEO Code (kept as given, \"040\"),\n"
          "             Target Name, Event Date; document: Story ID, with its Publisher;\n"
          "             key: icews:EVENT_ID:EVENT_DATE.\n"
          "  gdelt      a GDELT 2.0 event export (*.export.CSV: 61 TAB-separated columns,\n"
          "             no header). Actor1Name (else Actor1Code) -> Actor2Name (else\n"
          "             Actor2Code), EventCode, SQLDATE; document and url: SOURCEURL,\n"
          "             publisher: its site; NumMentions, NumSources and NumArticles\n"
          "             kept as given (statement.reported); key: gdelt:GLOBALEVENTID.\n"
          "             A row without one of the actors is rejected (GDELT has many).\n"
          "\n"
          "A line that does not fit the format is reported as FILE:LINE with the column\n"
          "and why, and skipped; the server rejects statements it finds invalid (an\n"
          "unknown CAMEO code, a name over 512 bytes) the same way. Events already stored\n"
          "(same key) count as duplicates, so importing a file twice adds nothing.\n"
          "Prints the totals and the first 10 rejections; on a terminal, shows progress\n"
          "with the time left. Exits 0 when the server took the stream, even with\n"
          "rejections; 1 when the call failed.\n",
      .options =
          {
              {"format", "FORMAT", "icews-tsv, icews or gdelt (required)"},
              {"batch", "N", "statements per request, 1..10000 (default 1000)"},
          },
      .examples =
          {
              "import --format icews-tsv ../shared/data/icews14/icews14_*.tsv",
              "import --format icews events.2018.tab",
              "import --format gdelt --batch 5000 20191024143000.export.CSV",
              "import --format gdelt - < <(unzip -p 20191024143000.export.CSV.zip)",
          },
      .run = RunImport,
  };
}

}  // namespace entente::cli
