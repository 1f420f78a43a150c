// entente retract: deletes statements by id or by source document.
#include <algorithm>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "entente/v1/ingest.grpc.pb.h"

namespace entente::cli {
namespace {

// A whole document can take thousands of ids; a terminal line shows a few.
constexpr int kIdsShown = 20;

std::string RenderRetracted(const v1::RetractResponse& r) {
  std::string out = absl::StrCat("retracted ", r.retracted(),
                                 r.retracted() == 1 ? " statement" : " statements");
  const int n = r.retracted_ids_size();
  if (n > 0) {
    absl::StrAppend(&out, ": ",
                    absl::StrJoin(r.retracted_ids().begin(),
                                  r.retracted_ids().begin() + std::min(n, kIdsShown), " "));
  }
  if (n > kIdsShown) absl::StrAppend(&out, " and ", n - kIdsShown, " more (--json lists all)");
  absl::StrAppend(&out, "\n");
  for (auto id : r.not_found_statement_ids()) {
    absl::StrAppend(&out, "not found: statement ", id, "\n");
  }
  for (const auto& d : r.not_found_document_ids()) {
    absl::StrAppend(&out, "not found: document ", d, "\n");
  }
  return out;
}

int RunRetract(const Context& ctx, const ParsedArgs& args) {
  if (!args.positional().empty()) {
    return UsageError("retract", "unexpected argument '" + args.positional()[0] +
                                     "' (give statements with --id and documents with --document)");
  }
  v1::RetractRequest request;
  for (const std::string& text : args.GetAll("id")) {
    auto id = ParseIdOption("id", text);
    if (!id.ok()) return UsageError("retract", std::string(id.status().message()));
    request.add_statement_ids(*id);
  }
  for (const std::string& doc : args.GetAll("document")) {
    if (doc.empty()) return UsageError("retract", "--document is empty");
    request.add_document_ids(doc);
  }
  if (request.statement_ids_size() == 0 && request.document_ids_size() == 0) {
    return UsageError("retract", "give at least one --id or --document");
  }
  request.set_reason(args.Get("reason"));
  auto stub = v1::IngestService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::RetractResponse response;
  grpc::Status status = stub->Retract(&call, request, &response);
  if (!status.ok()) return ctx.ReportError(status);
  const std::string text = args.Has("json") ? ToJson(response) + "\n" : RenderRetracted(response);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

Command RetractCommand() {
  return {
      .name = "retract",
      .synopsis = "retract [--id N]... [--document ID]... [--reason TEXT] [--json]",
      .summary = "Delete statements, by id or every one of a source document",
      .details =
          "Deletes the statements given by --id (the ids ingest and the query commands print)\n"
          "and every statement extracted from each --document (its source.document_id), in\n"
          "one atomic write. Afterwards no query returns them and 'entente statement ID'\n"
          "answers not found. Ids and documents that are already gone are listed as not\n"
          "found; that is not an error, so running the same retraction twice is safe.\n"
          "Ingesting a retracted statement again does not bring it back: its idempotency key\n"
          "stays reserved and it counts as a duplicate. Give a corrected statement a new\n"
          "idempotency key. Retracting by document reads every stored statement, so on a\n"
          "large database it takes a while; by id it does not.\n"
          "Prints the retracted ids (the first 20; --json lists all) and what was not found.\n"
          "Exits 0 on success, 1 when the call failed (nothing was retracted), 2 on a usage\n"
          "error.\n",
      .options =
          {
              {"id", "N", "a statement id to retract; repeat for more (at most 10000)"},
              {"document", "ID",
               "retract every statement of this source document; repeat for more (at most 100)"},
              {"reason", "TEXT", "why, written to the server's log (at most 1024 bytes)"},
              {"json", "", "print the response as JSON"},
          },
      .examples =
          {
              "retract --id 1042",
              "retract --id 1042 --id 1043 --reason \"wrong actor, extractor bug #41\"",
              "retract --document newstoday-2024-10-22-yoon-nato",
          },
      .run = RunRetract,
  };
}

}  // namespace entente::cli
