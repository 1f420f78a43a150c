// Who is who (groups.proto): entente merge, unmerge and merges (entities
// that are one), entente member and members (entities that belong to
// others, which the query commands' --rollup follows).
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/filter_options.h"
#include "cli/format.h"
#include "cli/progress.h"
#include "cli/table.h"
#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"

namespace entente::cli {
namespace {

constexpr int64_t kDefaultMembersLimit = 100;
constexpr int kMaxMembersPage = 10000;  // The server's limit.

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// A ref as the tables show it: "Russia (#190)".
std::string Named(const v1::EntityRef& ref) { return Printable(FormatRef(ref)); }

// --since and --until of `member`, as given: the server takes the first day
// of --since's period and the last of --until's (and checks their order).
absl::Status ParsePeriod(const ParsedArgs& args, v1::SetMembershipRequest* request) {
  for (const char* option : {"since", "until"}) {
    if (!args.Has(option)) continue;
    auto date = ParseDate(args.Get(option));
    if (!date.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", option, ": ", Message(date.status())));
    }
    *(std::string_view(option) == "since" ? request->mutable_since() : request->mutable_until()) =
        *date;
  }
  return absl::OkStatus();
}

// "from 2022 to 2024-06", "from 2022", "until 2024", "at any time".
std::string Period(const v1::Membership& m) {
  const std::string since = FormatDate(m.since()), until = FormatDate(m.until());
  if (since.empty() && until.empty()) return "at any time";
  if (until.empty()) return "from " + since;
  if (since.empty()) return "until " + until;
  return absl::StrCat("from ", since, " to ", until);
}

// The two entities A and B of a write (names, or ids with --id).
absl::StatusOr<std::pair<v1::EntityRef, v1::EntityRef>> ParsePair(const ParsedArgs& args) {
  if (args.positional().size() != 2) return absl::InvalidArgumentError("expected two NAMEs: A B");
  auto a = ParseEntityArg(args, args.positional()[0]);
  if (!a.ok()) return a.status();
  auto b = ParseEntityArg(args, args.positional()[1]);
  if (!b.ok()) return b.status();
  return std::pair{*std::move(a), *std::move(b)};
}

// One unary call of `Service` with the command line's deadline: kExitOk,
// or the exit status after telling why it failed.
template <typename Service, typename Request, typename Response>
int Call(const Context& ctx,
         grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
         const Request& request, Response* response) {
  auto stub = Service::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  grpc::Status status = ((*stub).*method)(&call, request, response);
  return status.ok() ? kExitOk : ctx.ReportError(status);
}

// `message` as one JSON line with --json, else `text`.
int Print(const ParsedArgs& args, const google::protobuf::Message& message,
          const std::string& text) {
  std::fputs(args.Has("json") ? (ToJson(message) + "\n").c_str() : text.c_str(), stdout);
  return kExitOk;
}

int RunMerge(const Context& ctx, const ParsedArgs& args) {
  auto pair = ParsePair(args);
  if (!pair.ok()) return UsageError("merge", Message(pair.status()));
  v1::MergeEntitiesRequest request;
  *request.mutable_from() = pair->first;
  *request.mutable_into() = pair->second;
  request.set_name_resolution(ParseNameResolution(args));
  if (args.Get("reason").empty()) {
    return UsageError("merge", "--reason is required: say why A and B are one");
  }
  request.set_reason(args.Get("reason"));
  v1::MergeEntitiesResponse response;
  if (int exit =
          Call<v1::IngestService>(ctx, &v1::IngestService::Stub::MergeEntities, request, &response);
      exit != kExitOk) {
    return exit;
  }
  const v1::EntityMerge& m = response.merge();
  return Print(args, m,
               absl::StrFormat("merge %d: %s merged into %s\nQueries now see %s for both; "
                               "'entente unmerge %d' undoes it.\n",
                               m.id(), Named(m.from()), Named(m.into()), Printable(m.into().name()),
                               m.id()));
}

int RunUnmerge(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().size() != 1) return UsageError("unmerge", "expected one merge ID");
  auto id = ParseIdOption("ID", args.positional()[0]);
  if (!id.ok()) return UsageError("unmerge", "ID must be a merge id, as `entente merges` lists");
  v1::UnmergeEntitiesRequest request;
  request.set_merge_id(*id);
  v1::UnmergeEntitiesResponse response;
  if (int exit = Call<v1::IngestService>(ctx, &v1::IngestService::Stub::UnmergeEntities, request,
                                         &response);
      exit != kExitOk) {
    return exit;
  }
  const v1::EntityMerge& m = response.merge();
  return Print(args, m,
               absl::StrFormat("undid merge %d: %s is itself again, no longer seen as %s\n", m.id(),
                               Named(m.from()), Named(m.into())));
}

std::string RenderMerges(const v1::ListMergesResponse& response) {
  Table table({{"ID", Table::Align::kRight},
               {"FROM", Table::Align::kLeft, 40, true},
               {"INTO", Table::Align::kLeft, 40, true},
               {"REASON", Table::Align::kLeft, 60, true},
               {"BY"},
               {"WHEN"},
               {"UNDONE", Table::Align::kLeft, 60, true}});
  for (const v1::EntityMerge& m : response.merges()) {
    std::string undone = "-";
    if (m.undone_at_micros() != 0) {
      undone = FormatMicros(m.undone_at_micros());
      if (!m.undone_by().empty()) absl::StrAppend(&undone, " by ", m.undone_by());
    }
    table.AddRow({std::to_string(m.id()), Named(m.from()), Named(m.into()), m.reason(),
                  m.merged_by().empty() ? "-" : m.merged_by(), FormatMicros(m.merged_at_micros()),
                  undone});
  }
  return table.Render(OutputWidth());
}

int RunMerges(const Context& ctx, const ParsedArgs& args) {
  if (!args.positional().empty()) return UsageError("merges", "expected no argument");
  v1::ListMergesResponse response;
  if (int exit = Call<v1::GraphService>(ctx, &v1::GraphService::Stub::ListMerges,
                                        v1::ListMergesRequest(), &response);
      exit != kExitOk) {
    return exit;
  }
  if (args.Has("json")) {
    for (const auto& m : response.merges()) absl::PrintF("%s\n", ToJson(m));
    return kExitOk;
  }
  int in_force = 0;
  for (const auto& m : response.merges()) in_force += m.undone_at_micros() == 0;
  if (response.merges_size() > 0) std::fputs(RenderMerges(response).c_str(), stdout);
  absl::PrintF("%s, %d in force\n", Counted(response.merges_size(), "merge"), in_force);
  return kExitOk;
}

int RemoveMember(const Context& ctx, const ParsedArgs& args) {
  for (const char* option : {"role", "since", "until"}) {
    if (args.Has(option)) {
      return UsageError("member", absl::StrCat("--", option, " does not go with --remove"));
    }
  }
  auto pair = ParsePair(args);
  if (!pair.ok()) return UsageError("member", Message(pair.status()));
  v1::RemoveMembershipRequest request;
  *request.mutable_member() = pair->first;
  *request.mutable_parent() = pair->second;
  request.set_name_resolution(ParseNameResolution(args));
  v1::RemoveMembershipResponse response;
  if (int exit = Call<v1::IngestService>(ctx, &v1::IngestService::Stub::RemoveMembership, request,
                                         &response);
      exit != kExitOk) {
    return exit;
  }
  absl::PrintF("removed: %s no longer belongs to %s\n", Printable(args.positional()[0]),
               Printable(args.positional()[1]));
  return kExitOk;
}

int RunMember(const Context& ctx, const ParsedArgs& args) {
  if (args.Has("remove")) return RemoveMember(ctx, args);
  auto pair = ParsePair(args);
  if (!pair.ok()) return UsageError("member", Message(pair.status()));
  v1::SetMembershipRequest request;
  *request.mutable_member() = pair->first;
  *request.mutable_parent() = pair->second;
  request.set_name_resolution(ParseNameResolution(args));
  if (absl::Status s = ParsePeriod(args, &request); !s.ok()) {
    return UsageError("member", Message(s));
  }
  request.set_role(args.Get("role"));
  v1::SetMembershipResponse response;
  if (int exit =
          Call<v1::IngestService>(ctx, &v1::IngestService::Stub::SetMembership, request, &response);
      exit != kExitOk) {
    return exit;
  }
  const v1::Membership& m = response.membership();
  return Print(
      args, m,
      absl::StrFormat("%s belongs to %s%s, %s (origin %s)\n", Named(m.member()), Named(m.parent()),
                      m.role().empty() ? "" : " as " + Printable(m.role()), Period(m),
                      Printable(m.origin())));
}

std::string RenderMemberships(const std::vector<v1::Membership>& memberships) {
  Table table({{"MEMBER", Table::Align::kLeft, 50, true},
               {"PARENT", Table::Align::kLeft, 50, true},
               {"ROLE", Table::Align::kLeft, 30, true},
               {"SINCE"},
               {"UNTIL"},
               {"ORIGIN", Table::Align::kLeft, 30, true}});
  for (const v1::Membership& m : memberships) {
    const std::string since = FormatDate(m.since()), until = FormatDate(m.until());
    table.AddRow({Named(m.member()), Named(m.parent()), m.role(), since.empty() ? "-" : since,
                  until.empty() ? "-" : until, m.origin()});
  }
  return table.Render(OutputWidth());
}

int RunMembers(const Context& ctx, const ParsedArgs& args) {
  const auto usage = [](const absl::Status& s) { return UsageError("members", Message(s)); };
  if (args.positional().size() > 1) return UsageError("members", "expected at most one NAME");
  v1::ListMembershipsRequest request;
  if (args.positional().size() == 1) {
    auto entity = ParseEntityArg(args, args.positional()[0]);
    if (!entity.ok()) return usage(entity.status());
    *request.mutable_entity() = *entity;
    request.set_name_resolution(ParseNameResolution(args));
  }
  auto limit = ParseIntOption("limit", args.Get("limit", std::to_string(kDefaultMembersLimit)), 1,
                              int64_t{1} << 40);
  if (!limit.ok()) return usage(limit.status());
  std::vector<v1::Membership> memberships;
  bool more = false;
  do {
    request.set_page_size(static_cast<int>(
        std::min<int64_t>(*limit - static_cast<int64_t>(memberships.size()), kMaxMembersPage)));
    v1::ListMembershipsResponse response;
    if (int exit = Call<v1::GraphService>(ctx, &v1::GraphService::Stub::ListMemberships, request,
                                          &response);
        exit != kExitOk) {
      return exit;
    }
    for (auto& m : *response.mutable_memberships()) memberships.push_back(std::move(m));
    more = !response.next_page_token().empty();
    request.set_page_token(response.next_page_token());
  } while (more && static_cast<int64_t>(memberships.size()) < *limit);
  if (args.Has("json")) {
    for (const auto& m : memberships) absl::PrintF("%s\n", ToJson(m));
    return kExitOk;
  }
  if (!memberships.empty()) std::fputs(RenderMemberships(memberships).c_str(), stdout);
  absl::PrintF("%s%s\n", Counted(memberships.size(), "membership"),
               more ? " (there are more: raise --limit)" : "");
  return kExitOk;
}

const OptionSpec kIdOption = {"id", "", "A and B are entity ids"};
const OptionSpec kExactOption = {"exact", "", "match names exactly, byte for byte, not by alias"};

}  // namespace

Command MergeCommand() {
  return {
      .name = "merge",
      .synopsis = "merge A B --reason TEXT [--exact] [--id] [--json]",
      .summary = "Make every query see entity B for entity A too (reversible)",
      .details =
          "For two entities that are one (\"Ministry of Defence\" and \"Defence Ministry\"):\n"
          "from now on statements, neighbors, paths, timelines and profiles see B wherever\n"
          "A was, and B has A's names among its aliases. Nothing is rewritten: the server\n"
          "records the merge with who made it (your token's name), when and --reason, and\n"
          "'entente unmerge ID' gives back exactly what the queries answered before, with\n"
          "the same ids. A and B are named as stored (names or aliases, or ids with --id);\n"
          "an entity already merged away cannot be merged again: merge its survivor.\n"
          "Prints the merge's id. Needs a writer token on a server that checks tokens.\n",
      .options =
          {
              {"reason", "TEXT", "why A and B are one (required; kept with the merge)"},
              kExactOption,
              kIdOption,
              {"json", "", "print the merge as one JSON object"},
          },
      .examples =
          {
              "merge \"Defence Ministry\" \"Ministry of Defence\" --reason \"one ministry\"",
              "merge --id 4021 377 --reason \"duplicate from GDELT actor codes\"",
          },
      .run = RunMerge,
  };
}

Command UnmergeCommand() {
  return {
      .name = "unmerge",
      .synopsis = "unmerge ID [--json]",
      .summary = "Undo a merge: the queries answer as before it",
      .details =
          "ID is a merge id, as 'entente merge' printed it and 'entente merges' lists it.\n"
          "The merge stays listed, marked undone with who undid it and when. Statements\n"
          "ingested meanwhile under the merged entity's name are its own again.\n",
      .options = {{"json", "", "print the merge as one JSON object"}},
      .examples = {"unmerge 3"},
      .run = RunUnmerge,
  };
}

Command MergesCommand() {
  return {
      .name = "merges",
      .synopsis = "merges [--json]",
      .summary = "List every merge, in force or undone, with who, when and why",
      .details =
          "A table of every merge by id: FROM merged into INTO, REASON, BY (the token\n"
          "name that made it; - without tokens), WHEN, and UNDONE (when and by whom,\n"
          "or - while in force).\n",
      .options = {{"json", "", "print one JSON object per merge"}},
      .examples = {"merges", "merges --json"},
      .run = RunMerges,
  };
}

Command MemberCommand() {
  return {
      .name = "member",
      .synopsis = "member A B [--role ROLE] [--since DATE] [--until DATE] | member A B --remove",
      .summary = "Record that entity A belongs to B (for --rollup), or forget it",
      .details =
          "Memberships say who is who: a minister belongs to her country, \"Military\n"
          "(Russia)\" to Russia, an agency to its ministry. The query commands' --rollup\n"
          "follows them: --rollup parent sees each entity as the entity it belongs to on\n"
          "each statement's day, --rollup country as the top of its chain (a country, or\n"
          "an organisation that belongs to none). So 'timeline \"South Korea\" Russia\n"
          "--rollup country' counts what South Korea's president and ministries said.\n"
          "\n"
          "--since and --until bound the period (DATE is YYYY, YYYY-MM or YYYY-MM-DD:\n"
          "from the first day of --since's period to the last of --until's); without\n"
          "them it holds at any time. Setting A B again replaces its role and period;\n"
          "--remove forgets it. A membership that would make a chain of memberships\n"
          "loop back is refused, as is one of an entity merged away. The server records\n"
          "who set it (your token's name). 'entente import' fills memberships from the\n"
          "country columns of ICEWS and GDELT.\n",
      .options =
          {
              {"role", "ROLE", "what A is in B (\"minister\", \"Government\"); may be left out"},
              {"since", "DATE", "A belongs to B from the first day of DATE"},
              {"until", "DATE", "to the last day of DATE"},
              {"remove", "", "forget that A belongs to B"},
              kExactOption,
              kIdOption,
              {"json", "", "print the membership as one JSON object"},
          },
      .examples =
          {
              "member \"Yoon Suk Yeol\" \"South Korea\" --role president --since 2022-05",
              "member \"Military (Russia)\" Russia --role military",
              "member \"Yoon Suk Yeol\" \"South Korea\" --remove",
          },
      .run = RunMember,
  };
}

Command MembersCommand() {
  return {
      .name = "members",
      .synopsis = "members [NAME] [--limit N] [--exact] [--id] [--json]",
      .summary = "List memberships: NAME's (as member or parent), or all",
      .details =
          "A table of MEMBER, PARENT, ROLE, SINCE, UNTIL (- for open) and ORIGIN (who\n"
          "or what recorded it: a token name, \"rpc\", or an importer such as\n"
          "icews-country). NAME is named as stored (a name or alias, or an id with --id).\n",
      .options =
          {
              {"limit", "N",
               absl::StrCat("print at most N memberships (default ", kDefaultMembersLimit, ")")},
              kExactOption,
              {"id", "", "NAME is an entity id"},
              {"json", "", "print one JSON object per membership"},
          },
      .examples = {"members \"South Korea\"", "members --limit 1000"},
      .run = RunMembers,
  };
}

}  // namespace entente::cli
