// entente import: streams event tables published by others (ICEWS, GDELT) to
// the server as statements.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/event_reader.h"
#include "cli/ingest_stream.h"
#include "cli/progress.h"
#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"

namespace entente::cli {
namespace {

// The country entities of the tables' country columns: resolved by alias
// (an ICEWS "Russian Federation" or a GDELT "RUS" is Russia), each once.
class CountryIds {
 public:
  explicit CountryIds(const Context& ctx) : stub_(v1::GraphService::NewStub(ctx.channel())) {}

  // The id of the country `name` stands for; 0 if none (an unknown name, a
  // region code, or an entity that is not a country).
  grpc::Status Find(const std::string& name, uint64_t* id) {
    const auto it = ids_.find(name);
    if (it != ids_.end()) {
      *id = it->second;
      return grpc::Status::OK;
    }
    v1::GetEntityRequest request;
    request.set_name(name);
    request.set_name_resolution(v1::NAME_RESOLUTION_ALIAS);
    grpc::ClientContext call;
    Context::SetUnaryDeadline(&call);
    v1::Entity entity;
    grpc::Status status = stub_->GetEntity(&call, request, &entity);
    if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) return status;
    *id = ids_[name] = status.ok() && entity.kind() == v1::COUNTRY ? entity.id() : 0;
    return grpc::Status::OK;
  }

 private:
  std::unique_ptr<v1::GraphService::Stub> stub_;
  std::map<std::string, uint64_t> ids_;
};

// After the statements are in: records each actor's membership in the
// country its table gives (`pairs`), with `origin`, and prints how many.
// Pairs whose country or actor the server does not know (an actor whose
// statements it rejected), or that it refuses (the actor is the country,
// or merged away), are skipped: they are counted, not errors. Returns
// kExitRpcError if the server fails otherwise.
int SetCountries(const Context& ctx, const std::vector<ActorCountry>& pairs,
                 const std::string& origin) {
  CountryIds countries(ctx);
  auto stub = v1::IngestService::NewStub(ctx.channel());
  uint64_t set = 0, skipped = 0;
  for (const ActorCountry& pair : pairs) {
    uint64_t country = 0;
    if (grpc::Status s = countries.Find(pair.country, &country); !s.ok()) {
      return ctx.ReportError(s, "import: memberships: ");
    }
    if (country == 0) {
      ++skipped;
      continue;
    }
    v1::SetMembershipRequest request;
    // The statements named the actor byte for byte: so does its membership.
    request.mutable_member()->set_name(pair.actor);
    request.mutable_parent()->set_id(country);
    request.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    request.set_role(pair.role);
    request.set_origin(origin);
    grpc::ClientContext call;
    Context::SetUnaryDeadline(&call);
    v1::SetMembershipResponse response;
    grpc::Status status = stub->SetMembership(&call, request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
        status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      ++skipped;
      continue;
    }
    if (!status.ok()) return ctx.ReportError(status, "import: memberships: ");
    ++set;
  }
  absl::PrintF(
      "memberships: %s set from the country columns (%s), %s skipped (unknown "
      "country or actor)\n",
      FormatCount(set), origin, FormatCount(skipped));
  return kExitOk;
}

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
  const int streamed = StreamToServer(ctx, *files, &reader, options);
  if (streamed != kExitOk || reader.countries().empty()) return streamed;
  return SetCountries(ctx, reader.countries(), CountryOrigin(*format));
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
          "Country columns: after the statements, each actor of an icews or gdelt table\n"
          "with a country (ICEWS Source/Target Country; GDELT Actor1/Actor2CountryCode,\n"
          "alpha-3) is recorded as a member of that country (see `entente member`), once\n"
          "per actor and country, with its sectors (ICEWS) or type code (GDELT) as role,\n"
          "else \"country\", and origin icews-country or gdelt-country: what the query\n"
          "commands' --rollup country follows. A country the server does not know (a\n"
          "region code, say) is skipped, as is a country's own row.\n"
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
