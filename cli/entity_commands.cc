// entente entity and entente search: looking up entities.
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/table.h"
#include "entente/v1/graph.grpc.pb.h"

namespace entente::cli {
namespace {

constexpr int kDefaultSearchLimit = 20;
constexpr int kMaxSearchLimit = 1000;  // The server's limit.

std::string RenderEntity(const v1::Entity& e) {
  // Aliases may hold commas ("Korea, Republic of").
  return RenderFields(
      {
          {"id", std::to_string(e.id())},
          {"name", e.name()},
          {"kind", FormatKind(e.kind())},
          {"country", e.country_code()},
          {"aliases", absl::StrJoin(e.aliases(), "; ")},
      },
      2, OutputWidth());
}

int RunEntity(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().size() != 1) return UsageError("entity", "expected one NAME");
  v1::GetEntityRequest request;
  const std::string& name = args.positional()[0];
  if (args.Has("id")) {
    auto id = ParseIdOption("id", name);
    if (!id.ok()) return UsageError("entity", "with --id, NAME must be an entity id");
    request.set_id(*id);
  } else {
    request.set_name(name);
  }
  request.set_name_resolution(args.Has("exact") ? v1::NAME_RESOLUTION_EXACT
                                                : v1::NAME_RESOLUTION_ALIAS);
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::Entity entity;
  grpc::Status status = stub->GetEntity(&call, request, &entity);
  if (!status.ok()) return ctx.ReportError(status);
  const std::string text = args.Has("json") ? ToJson(entity) + "\n" : RenderEntity(entity);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

std::string RenderEntities(const v1::SearchEntitiesResponse& response) {
  Table table({{"ID", Table::Align::kRight},
               {"NAME", Table::Align::kLeft, 60, true},
               {"KIND"},
               {"COUNTRY"}});
  for (const auto& e : response.entities()) {
    table.AddRow({std::to_string(e.id()), e.name(), FormatKind(e.kind()), e.country_code()});
  }
  return table.Render(OutputWidth());
}

int RunSearch(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().size() != 1) return UsageError("search", "expected one PREFIX");
  auto limit = ParseIntOption("limit", args.Get("limit", std::to_string(kDefaultSearchLimit)), 1,
                              kMaxSearchLimit);
  if (!limit.ok()) return UsageError("search", std::string(limit.status().message()));
  v1::SearchEntitiesRequest request;
  request.set_prefix(args.positional()[0]);
  request.set_page_size(static_cast<int>(*limit));
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::SearchEntitiesResponse response;
  grpc::Status status = stub->SearchEntities(&call, request, &response);
  if (!status.ok()) return ctx.ReportError(status);
  if (args.Has("json")) {
    for (const auto& e : response.entities()) absl::PrintF("%s\n", ToJson(e));
    return kExitOk;
  }
  const int n = response.entities_size();
  if (n > 0) std::fputs(RenderEntities(response).c_str(), stdout);
  absl::PrintF("%d entit%s\n", n, n == 1 ? "y" : "ies");
  return kExitOk;
}

}  // namespace

Command EntityCommand() {
  return {
      .name = "entity",
      .synopsis = "entity NAME [--exact] [--id] [--json]",
      .summary = "Show an entity: id, name, kind, country and aliases",
      .details =
          "NAME is matched against names and aliases ignoring case, accents and spacing\n"
          "(\"PRK\", \"north korea\"), exactly with --exact, or is an entity id with --id.\n",
      .options =
          {
              {"exact", "", "match NAME exactly, byte for byte"},
              {"id", "", "NAME is an entity id"},
              {"json", "", "print the entity as one JSON object"},
          },
      .examples = {"entity PRK", "entity \"Yoon Suk Yeol\"", "entity --id 1"},
      .run = RunEntity,
  };
}

Command SearchCommand() {
  return {
      .name = "search",
      .synopsis = "search PREFIX [--limit N] [--json]",
      .summary = "Find entities whose name or alias starts with PREFIX",
      .details = "Matching ignores case, accents and spacing: \"north k\" finds North Korea.\n",
      .options =
          {
              {"limit", "N", "at most N entities, 1..1000 (default 20)"},
              {"json", "", "print one JSON object per line instead of a table"},
          },
      .examples = {"search kor", "search \"north k\" --limit 5"},
      .run = RunSearch,
  };
}

}  // namespace entente::cli
