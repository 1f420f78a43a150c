#include "server/admin_durability.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "graph/check.h"
#include "graph/claims_query.h"
#include "graph/ingestor.h"
#include "model/claim.h"
#include "storage/backup.h"
#include "storage/check.h"
#include "storage/store.h"

namespace entente::server {

const char kCheckRestoreUsage[] =
    "  entente-admin check --data DIR [--max_problems N]\n"
    "      Verifies, offline, that the database's indexes, summaries, names, documents,\n"
    "      idempotency keys and claims agree with its statements. Exit 0 if consistent, 1 with\n"
    "      a report of the problems (the first N, default 100, and totals per kind).\n"
    "  entente-admin claims --data DIR [--claim_window_days N]\n"
    "      Gives a database that keeps no claims (made without --claims, or before\n"
    "      them) the claims its statements make, and has it keep them from now on, with\n"
    "      a window of N days (0 to 31, default 1; docs/claims.md). Offline: stop the\n"
    "      server first. Exit 0 done, 1 failed (or the database keeps claims already).\n"
    "  entente-admin claims-report --data DIR [--top N]\n"
    "      Reports on the claims of a database that keeps them: how many, how many\n"
    "      independent sources stand behind each, and the N (default 10) most\n"
    "      corroborated claims and contested claims. Read-only; the server may run.\n"
    "  entente-admin restore --backup_dir DIR [--backup_id N] --data NEWDIR\n"
    "      Restores backup N (default: the latest; `entente admin backups` lists them)\n"
    "      into NEWDIR, which must not exist or be empty. Then start the server on it.\n";

namespace {

// The database in `dir`, or null after saying why not. Never creates one:
// RocksDB would make a database of a mistyped path.
std::unique_ptr<storage::Store> OpenExisting(const char* command, const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec)) {
    std::fprintf(stderr, "entente-admin %s: no database in %s\n", command, dir.c_str());
    return nullptr;
  }
  storage::StoreOptions options;
  options.create_if_missing = false;
  auto store = storage::Store::Open(dir, options);
  if (!store.ok()) {
    std::fprintf(stderr, "entente-admin %s: %s\n", command, store.status().ToString().c_str());
    return nullptr;
  }
  return *std::move(store);
}

}  // namespace

int AdminCheck(const CheckOptions& options) {
  auto store = OpenExisting("check", options.data);
  if (!store) return 1;
  const auto start = std::chrono::steady_clock::now();
  auto report = graph::CheckStore(*store, options.max_problems);
  if (!report.ok()) {
    std::fprintf(stderr, "entente-admin check: %s\n", report.status().ToString().c_str());
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fputs(storage::FormatCheckReport(*report).c_str(), stdout);
  std::printf("(%.2f s)\n", secs);
  return report->consistent() ? 0 : 1;
}

int AdminClaims(const ClaimsOptions& options) {
  auto store = OpenExisting("claims", options.data);
  if (!store) return 1;
  const auto start = std::chrono::steady_clock::now();
  auto written =
      graph::StartKeepingClaims(store.get(), static_cast<int32_t>(options.claim_window_days));
  if (!written.ok()) {
    std::fprintf(stderr, "entente-admin claims: %s\n", written.status().ToString().c_str());
    return 1;
  }
  std::printf("found %llu claim%s in %.2f s; the database keeps claims from now on\n",
              static_cast<unsigned long long>(*written), *written == 1 ? "" : "s",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

namespace {

// The rows of the distribution of sources per claim: [lo, hi] sources.
constexpr std::pair<uint64_t, uint64_t> kSourceBands[] = {
    {1, 1}, {2, 2}, {3, 4}, {5, 9}, {10, 19}, {20, UINT64_MAX}};

std::string Band(uint64_t lo, uint64_t hi) {
  if (lo == hi) return std::to_string(lo);
  if (hi == UINT64_MAX) return std::to_string(lo) + "+";
  return std::to_string(lo) + "-" + std::to_string(hi);
}

// Claims per band of sources, with their share of `claims`.
void PrintBands(const std::map<uint64_t, uint64_t>& by_sources, uint64_t claims) {
  std::printf("  %7s  %10s  %7s\n", "SOURCES", "CLAIMS", "SHARE");
  for (const auto& [lo, hi] : kSourceBands) {
    uint64_t n = 0;
    for (auto it = by_sources.lower_bound(lo); it != by_sources.end() && it->first <= hi; ++it) {
      n += it->second;
    }
    std::printf("  %7s  %10llu  %6.2f%%\n", Band(lo, hi).c_str(),
                static_cast<unsigned long long>(n), claims == 0 ? 0.0 : 100.0 * n / claims);
  }
}

void PrintClaimRows(const storage::ReadView& view, const std::vector<storage::ClaimRow>& rows) {
  auto name = [&](model::EntityId id) {
    auto e = view.GetEntity(id);
    return e.ok() ? e->name : "#" + std::to_string(id);
  };
  std::printf("  %10s  %-10s  %-10s  %8s %6s %7s  %-9s  %s\n", "CLAIM", "FIRST", "LAST", "STMTS",
              "DOCS", "SOURCES", "CONTESTED", "ACTOR -> TARGET: ACTION");
  for (const auto& c : rows) {
    const std::string action = c.subject.cameo_code.empty()
                                   ? "\"" + c.subject.action_text + "\""
                                   : "CAMEO " + c.subject.cameo_code;
    std::printf("  %10llu  %-10s  %-10s  %8llu %6llu %7llu  %-9s  %s -> %s: %s\n",
                static_cast<unsigned long long>(c.id),
                model::FormatDate(model::DateOfDay(c.first_day)).c_str(),
                model::FormatDate(model::DateOfDay(c.last_day)).c_str(),
                static_cast<unsigned long long>(c.statements),
                static_cast<unsigned long long>(c.documents),
                static_cast<unsigned long long>(c.sources),
                model::IsContested(c.modalities[0], c.modalities[1])
                    ? (std::to_string(c.modalities[0]) + "/" + std::to_string(c.modalities[1])).c_str()
                    : "",
                name(c.subject.actor).c_str(), name(c.subject.target).c_str(), action.c_str());
  }
}

}  // namespace

int AdminClaimsReport(const ClaimsReportOptions& options) {
  auto store = OpenExisting("claims-report", options.data);
  if (!store) return 1;
  if (absl::Status s = graph::RequireClaims(*store, "claims-report"); !s.ok()) {
    std::fprintf(stderr, "entente-admin claims-report: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  auto view = store->Snapshot();
  auto summary = graph::SummarizeClaims(*view, options.top);
  if (!summary.ok()) {
    std::fprintf(stderr, "entente-admin claims-report: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  const graph::ClaimsSummary& r = *summary;
  const auto percent = [&](uint64_t n) { return r.claims == 0 ? 0.0 : 100.0 * n / r.claims; };
  std::printf("%llu claims of %llu statements; %llu contested (%.2f%%)\n",
              static_cast<unsigned long long>(r.claims),
              static_cast<unsigned long long>(r.statements),
              static_cast<unsigned long long>(r.contested), percent(r.contested));
  std::printf("\nIndependent sources per claim (counted from the ingested documents)\n");
  PrintBands(r.by_sources, r.claims);
  if (r.reported_statements != 0) {
    uint64_t reported_claims = 0;
    for (const auto& [sources, n] : r.by_reported_sources) reported_claims += n;
    std::printf(
        "\nSources as the dataset reports them (GDELT NumSources, first 15 minutes;\n"
        "the highest of each claim's statements): %llu statements in %llu claims carry it;\n"
        "for %llu of those claims it is above the count from the ingested documents\n",
        static_cast<unsigned long long>(r.reported_statements),
        static_cast<unsigned long long>(reported_claims),
        static_cast<unsigned long long>(r.reported_above_counted));
    PrintBands(r.by_reported_sources, reported_claims);
  }
  if (!r.most_sources.empty()) {
    std::printf("\nMost corroborated (CONTESTED: asserted/denied statements)\n");
    PrintClaimRows(*view, r.most_sources);
  }
  if (!r.most_contested.empty()) {
    std::printf("\nMost corroborated among the contested\n");
    PrintClaimRows(*view, r.most_contested);
  }
  return 0;
}

int AdminRestore(const RestoreOptions& options) {
  const auto id = static_cast<uint32_t>(options.backup_id);
  if (absl::Status s = storage::RestoreBackup(options.backup_dir, id, options.data); !s.ok()) {
    std::fprintf(stderr, "entente-admin restore: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("restored %s into %s\n",
              id == 0 ? "the latest backup" : ("backup " + std::to_string(id)).c_str(),
              options.data.c_str());
  return 0;
}

}  // namespace entente::server
