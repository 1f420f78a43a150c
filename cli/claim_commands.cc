// entente claims: the claims of an entity or a pair, with their sources;
// entente claim: one claim, who asserts it and who denies it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/csv.h"
#include "cli/filter_options.h"
#include "cli/format.h"
#include "cli/progress.h"
#include "cli/statement_table.h"
#include "cli/table.h"
#include "entente/v1/graph.grpc.pb.h"

namespace entente::cli {
namespace {

constexpr int64_t kDefaultClaimsLimit = 20;
constexpr int kMaxPageSize = 1000;  // The server's limit.
constexpr int64_t kDefaultClaimStatements = 20;
constexpr int64_t kDefaultClaimsEvidence = 3;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// "contested (5 asserted, 3 denied)" or "".
std::string Contest(const v1::Claim& c) {
  if (!c.contested()) return "";
  return absl::StrFormat("yes (%s/%s)", FormatCount(c.asserted()), FormatCount(c.denied()));
}

// The claim's action: its CAMEO code, or its action text when unclassified.
std::string ClaimAction(const v1::Claim& c) {
  return c.cameo_code().empty() ? "\"" + c.action_text() + "\"" : c.cameo_code();
}

std::string NameOf(const std::map<uint64_t, std::string>& names, uint64_t id) {
  auto it = names.find(id);
  return it == names.end() ? absl::StrCat("#", id) : it->second;
}

std::string RenderClaims(const std::vector<v1::Claim>& claims,
                         const std::map<uint64_t, std::string>& names) {
  using Align = Table::Align;
  Table table({{"CLAIM", Align::kRight},
               {"FIRST"},
               {"LAST"},
               {"ACTOR", Align::kLeft, 30, true},
               {"ACTION", Align::kLeft, 30, true},
               {"TARGET", Align::kLeft, 30, true},
               {"STMTS", Align::kRight},
               {"DOCS", Align::kRight},
               {"SOURCES", Align::kRight},
               {"CONTESTED (A/D)"}});
  for (const auto& c : claims) {
    table.AddRow({std::to_string(c.id()), FormatDate(c.first_date()), FormatDate(c.last_date()),
                  NameOf(names, c.actor_id()), ClaimAction(c), NameOf(names, c.target_id()),
                  FormatCount(c.statements()), FormatCount(c.documents()),
                  FormatCount(c.sources()), Contest(c)});
  }
  return table.Render(OutputWidth());
}

// "David Lammy: 5 claims, 1 contested, 2 corroborated (2+ sources)", then
// whom they are about.
std::string RenderClaimantProfile(const v1::ClaimantProfile& p, const std::string& who,
                                  const std::map<uint64_t, std::string>& names) {
  std::string out = absl::StrFormat("%s: %s, %s contested, %s corroborated (2+ sources)\n",
                                    Printable(who), Counted(p.claims(), "claim"),
                                    FormatCount(p.contested()), FormatCount(p.corroborated()));
  if (p.about_size() > 0) {
    std::vector<std::string> about;
    for (const auto& a : p.about()) {
      about.push_back(absl::StrFormat("%s (%s)", NameOf(names, a.entity_id()),
                                      FormatCount(a.claims())));
    }
    out += "about " + absl::StrJoin(about, ", ") + "\n";
  }
  return out + "\n";
}

// The CSV writer of `claim` and `claims`: the statement columns, then the
// claim's id, the side a statement is on, and the claim's counts.
const StatementCsv& ClaimCsv() {
  static const auto* writer = new StatementCsv(
      {"claim_id", "side", "claim_statements", "claim_sources", "claim_contested"});
  return *writer;
}

// A claim's statements as CSV rows: asserting, denying, then the others.
std::string ClaimRows(const v1::GetClaimResponse& r) {
  const v1::Claim& c = r.claim();
  std::string out;
  for (const auto& [side, statements] :
       {std::pair{"asserting", &r.asserting()}, std::pair{"denying", &r.denying()},
        std::pair{"other", &r.other()}}) {
    for (const auto& s : *statements) {
      out += ClaimCsv().Row(s, {absl::StrCat(c.id()), side, absl::StrCat(c.statements()),
                                absl::StrCat(c.sources()), c.contested() ? "true" : "false"});
    }
  }
  return out;
}

// --format csv of `claims`: for each claim listed, GetClaim's first
// `per_side` statements of each side (oldest first).
int PrintClaimsCsv(const Context& ctx, const std::vector<v1::Claim>& claims, int per_side) {
  auto stub = v1::GraphService::NewStub(ctx.channel());
  std::string out = ClaimCsv().Header();
  for (const auto& c : claims) {
    v1::GetClaimRequest request;
    request.set_id(c.id());
    request.set_max_statements(per_side);
    grpc::ClientContext call;
    Context::SetUnaryDeadline(&call);
    v1::GetClaimResponse response;
    grpc::Status status = stub->GetClaim(&call, request, &response);
    // NOT_FOUND: the claim lost its statements since it was listed.
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) continue;
    if (!status.ok()) return ctx.ReportError(status, "fetching evidence: ");
    out += ClaimRows(response);
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

int RunClaims(const Context& ctx, const ParsedArgs& args) {
  const auto usage = [](const absl::Status& s) { return UsageError("claims", Message(s)); };
  const size_t given = args.positional().size();
  if (args.Has("claimant") ? given > 1 : given < 1 || given > 2) {
    return UsageError("claims", args.Has("claimant")
                                    ? "expected at most one NAME with --claimant"
                                    : "expected NAME, or two NAMEs for the claims between them");
  }
  v1::ListClaimsRequest request;
  if (args.Has("claimant")) {
    auto claimant = ParseEntityArg(args, args.Get("claimant"));
    if (!claimant.ok()) return usage(claimant.status());
    *request.mutable_claimant() = *claimant;
  }
  if (given >= 1) {
    auto entity = ParseEntityArg(args, args.positional()[0]);
    if (!entity.ok()) return usage(entity.status());
    *request.mutable_entity() = *entity;
  }
  if (given == 2) {
    auto other = ParseEntityArg(args, args.positional()[1]);
    if (!other.ok()) return usage(other.status());
    *request.mutable_other() = *other;
  }
  request.set_name_resolution(ParseNameResolution(args));
  // The window and --min-sources read as the query commands' filter options.
  v1::Date from, to;
  if (absl::Status s = ParseWindow(args, &from, &to); !s.ok()) return usage(s);
  if (args.Has("since")) *request.mutable_date_from() = from;
  if (args.Has("until")) *request.mutable_date_to() = to;
  auto min_sources = ParseMinSources(args);
  if (!min_sources.ok()) return usage(min_sources.status());
  request.set_min_sources(*min_sources);
  request.set_contested_only(args.Has("contested"));
  const std::string order = args.Get("order", "sources");
  if (order == "sources") {
    request.set_order(v1::CLAIM_ORDER_SOURCES);
  } else if (order == "recent") {
    request.set_order(v1::CLAIM_ORDER_RECENT);
  } else {
    return UsageError("claims", "--order: '" + order + "' is not sources or recent");
  }
  auto limit = ParseIntOption("limit", args.Get("limit", std::to_string(kDefaultClaimsLimit)), 1,
                              int64_t{1} << 40);
  if (!limit.ok()) return usage(limit.status());
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return usage(format.status());
  auto evidence = ParseIntOption(
      "evidence", args.Get("evidence", std::to_string(kDefaultClaimsEvidence)), 1, kMaxPageSize);
  if (!evidence.ok()) return usage(evidence.status());
  if (args.Has("evidence") && *format != OutputFormat::kCsv) {
    return UsageError("claims", "--evidence needs --format csv");
  }
  const bool json = args.Has("json");

  auto stub = v1::GraphService::NewStub(ctx.channel());
  std::vector<v1::Claim> claims;
  std::map<uint64_t, std::string> names;
  uint64_t total = 0;
  std::optional<v1::ClaimantProfile> profile;
  do {
    request.set_page_size(static_cast<int>(
        std::clamp<int64_t>(*limit - static_cast<int64_t>(claims.size()), 1, kMaxPageSize)));
    grpc::ClientContext call;
    Context::SetUnaryDeadline(&call);
    v1::ListClaimsResponse response;
    grpc::Status status = stub->ListClaims(&call, request, &response);
    if (!status.ok()) return ctx.ReportError(status);
    if (json) absl::PrintF("%s\n", ToJson(response));
    total = response.total();
    if (response.has_claimant_profile() && !profile) profile = response.claimant_profile();
    for (const auto& e : response.entities()) names[e.id()] = e.name();
    for (auto& c : *response.mutable_claims()) claims.push_back(std::move(c));
    request.set_page_token(response.next_page_token());
  } while (static_cast<int64_t>(claims.size()) < *limit && !request.page_token().empty());
  if (json) return kExitOk;
  if (*format == OutputFormat::kCsv) {
    absl::FPrintF(stderr, "%s of %s claim%s%s\n", FormatCount(claims.size()), FormatCount(total),
                  total == 1 ? "" : "s", claims.size() < total ? " (raise --limit for more)" : "");
    return PrintClaimsCsv(ctx, claims, static_cast<int>(*evidence));
  }
  std::string out;
  if (profile) out = RenderClaimantProfile(*profile, args.Get("claimant"), names);
  if (!claims.empty()) out += RenderClaims(claims, names);
  absl::StrAppendFormat(&out, "%s of %s claim%s shown%s\n", FormatCount(claims.size()),
                        FormatCount(total), total == 1 ? "" : "s",
                        claims.size() < total ? " (raise --limit for more)" : "");
  if (!claims.empty()) {
    out += "SOURCES counts publishers once however many of their documents report a claim.\n"
           "`entente claim ID` shows a claim's statements, asserting and denying.\n";
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

// One side of a claim: each statement with its date, publisher, document
// and who says so, and its quote under it.
std::string RenderSide(const std::string& title, const google::protobuf::RepeatedPtrField<v1::Statement>& side) {
  if (side.empty()) return "";
  using Align = Table::Align;
  Table table({{"ID", Align::kRight},
               {"DATE"},
               {"PUBLISHER", Align::kLeft, 30, true},
               {"DOCUMENT", Align::kLeft, 40, true},
               {"SAID BY", Align::kLeft, 30, true},
               {"MODALITY"}});
  for (const auto& s : side) {
    table.AddRow({std::to_string(s.id()), FormatDate(s.date()), s.source().publisher(),
                  s.source().document_id(), s.attributed_to().name(),
                  FormatModality(s.modality())});
    AddQuoteNotes(s.quote(), OutputWidth(), &table);
  }
  return absl::StrFormat("\n%s (%d)\n", title, side.size()) + table.Render(OutputWidth());
}

std::string RenderClaim(const v1::GetClaimResponse& r) {
  const v1::Claim& c = r.claim();
  std::map<uint64_t, std::string> names;
  for (const auto& e : r.entities()) names[e.id()] = e.name();
  std::vector<std::pair<std::string, std::string>> fields = {
      {"claim", std::to_string(c.id())},
      {"subject", absl::StrCat(NameOf(names, c.actor_id()), " -> ", NameOf(names, c.target_id()),
                               ", ", c.cameo_code().empty() ? "action " : "CAMEO ",
                               ClaimAction(c))},
      {"dates", FormatDate(c.first_date()) + " .. " + FormatDate(c.last_date())},
      {"evidence", absl::StrCat(Counted(c.statements(), "statement"), " in ",
                                Counted(c.documents(), "document"), " from ",
                                Counted(c.sources(), "independent source"))},
      {"modalities", absl::StrFormat("%s asserted, %s denied, %s intended, %s hypothetical",
                                     FormatCount(c.asserted()), FormatCount(c.denied()),
                                     FormatCount(c.intended()), FormatCount(c.hypothetical()))},
      {"contested", c.contested() ? "yes: asserted and denied" : "no"},
      {"claimants", FormatCount(c.claimants())},
      {"ingested", FormatMicros(c.first_ingested_at_micros()) + " .. " +
                       FormatMicros(c.last_ingested_at_micros())},
  };
  std::string out = RenderFields(fields, 2, OutputWidth());
  out += RenderSide("Asserting", r.asserting());
  out += RenderSide("Denying", r.denying());
  out += RenderSide("Other (intended, hypothetical)", r.other());
  if (r.truncated()) out += "\nMore statements than shown on some side (raise --limit).\n";
  return out;
}

int RunClaim(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().size() != 1) return UsageError("claim", "expected one claim ID");
  auto id = ParseIdOption("ID", args.positional()[0]);
  if (!id.ok()) return UsageError("claim", Message(id.status()));
  auto limit = ParseIntOption("limit", args.Get("limit", std::to_string(kDefaultClaimStatements)),
                              1, kMaxPageSize);
  if (!limit.ok()) return UsageError("claim", Message(limit.status()));
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return UsageError("claim", Message(format.status()));
  v1::GetClaimRequest request;
  request.set_id(*id);
  request.set_max_statements(static_cast<int32_t>(*limit));
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::GetClaimResponse response;
  grpc::Status status = stub->GetClaim(&call, request, &response);
  if (!status.ok()) return ctx.ReportError(status);
  const std::string text = args.Has("json") ? ToJson(response) + "\n"
                           : *format == OutputFormat::kCsv
                               ? ClaimCsv().Header() + ClaimRows(response)
                               : RenderClaim(response);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

Command ClaimsCommand() {
  return {
      .name = "claims",
      .synopsis = "claims NAME [OTHER] [options] | claims [NAME] --claimant WHO [options]",
      .summary = "The claims of an entity or a pair, with their independent sources",
      .details =
          "A claim is what several statements report alike: the same actor, target and\n"
          "CAMEO code (or action text when unclassified), on dates within the server's\n"
          "claim window of each other (docs/claims.md). Lists the claims where NAME is\n"
          "actor or target, or, with OTHER, those between the two either way: dates,\n"
          "statements, distinct documents, independent sources (a publisher counts once)\n"
          "and whether it is contested (someone asserts it, someone denies it).\n"
          "With --claimant WHO: the claims WHO is a claimant of (the one a statement is\n"
          "attributed to): everything WHO claims, and about whom (NAME narrows it to the\n"
          "claims where NAME is actor or target).\n"
          "Needs a server started with --claims.\n"
          "\nDATE is YYYY, YYYY-MM or YYYY-MM-DD; a claim is listed when some day of it\n"
          "falls between --since and --until.\n"
          "\n--format csv prints the statements behind the claims instead: for each claim\n"
          "listed, the --evidence oldest statements of each side (asserting, denying,\n"
          "other), one CSV row each with the columns of `statements --format csv` and\n"
          "claim_id, side, claim_statements, claim_sources and claim_contested. One more\n"
          "call per claim.\n",
      .options =
          {
              {"since", "DATE", "only claims with a day on or after DATE"},
              {"until", "DATE", "only claims with a day on or before the end of DATE"},
              {"min-sources", "N", "only claims with at least N independent sources"},
              {"contested", "", "only contested claims"},
              {"claimant", "WHO", "only the claims WHO is a claimant of"},
              {"order", "sources|recent", "most sources first (default), or latest first"},
              {"limit", "N",
               absl::StrCat("print at most N claims (default ", kDefaultClaimsLimit, ")")},
              {"exact", "", "match names exactly, byte for byte, not by alias"},
              {"id", "", "NAME and OTHER are entity ids"},
              OutputFormatOption(),
              {"evidence", "N",
               absl::StrCat("with --format csv: statements per side of each claim, 1..1000 "
                            "(default ",
                            kDefaultClaimsEvidence, ")")},
              {"json", "", "print the server's answers as JSON lines (one per page)"},
          },
      .examples =
          {
              "claims \"North Korea\" Russia",
              "claims \"North Korea\" --contested",
              "claims Russia --min-sources 3 --since 2024-10 --order recent",
              "claims --claimant \"David Lammy\"",
              "claims \"North Korea\" --contested --format csv > nk-contested.csv",
          },
      .run = RunClaims,
  };
}

Command ClaimCommand() {
  return {
      .name = "claim",
      .synopsis = "claim ID [--limit N] [--format table|csv] [--json]",
      .summary = "One claim: who asserts it, who denies it, with quotes and sources",
      .details =
          "ID is a claim id from `entente claims` (the smallest id among its\n"
          "statements). Prints the claim's counts, then its statements side by side:\n"
          "asserting, denying, and the others (intended, hypothetical), oldest first,\n"
          "each with its publisher, document, who says so and its quote.\n"
          "Needs a server started with --claims.\n"
          "--format csv prints the statements as CSV rows (the columns of `claims\n"
          "--format csv`).\n",
      .options =
          {
              {"limit", "N",
               absl::StrCat("print at most N statements per side, 1..1000 (default ",
                            kDefaultClaimStatements, ")")},
              OutputFormatOption(),
              {"json", "", "print the server's answer as one JSON object"},
          },
      .examples = {"claim 1", "claim 1 --json", "claim 1 --format csv"},
      .run = RunClaim,
  };
}

}  // namespace entente::cli
