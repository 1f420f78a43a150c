// entente-admin: offline operations on a database the server does not hold
// open.
//
//   entente-admin import --data DIR [--threads N] [--memory_mb N] [--tmp_dir DIR]
//                        [--claims [--claim_window_days N]] FILE...
//
// A first load of millions of ICEWS rows with graph::BulkLoader: the same
// validation, names, ids, indexes and summaries as online ingest, built
// straight into SST files (RocksDB SstFileWriter) on every core in bounded
// memory and ingested at the end. Nothing is visible until then; the
// database must not hold statements yet.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_replace.h"
#include "formats/icews_tsv.h"
#include "graph/bulk_loader.h"
#include "graph/ingestor.h"
#include "model/claim.h"
#include "server/admin_durability.h"
#include "server/flags.h"
#include "server/version.h"
#include "storage/claim_book.h"
#include "storage/store.h"

namespace {

// {MEMORY_MB}: BulkLoadOptions's default sort memory, MiB.
constexpr char kUsageFormat[] =
    "usage: entente-admin import --data DIR [--threads N] [--memory_mb N] [--tmp_dir DIR]\n"
    "                            [--claims [--claim_window_days N]] FILE...\n"
    "\n"
    "Loads ICEWS 4-column TSV files (subject TAB relation TAB object TAB YYYY-MM-DD, no\n"
    "header) into a database without statements, offline: the database's SST files are\n"
    "built directly, on every core, and ingested at the end, all at once. Stop the server\n"
    "first (the database is locked while the import runs).\n"
    "\n"
    "Each line becomes the statement online ingest with exact names would store: actor and\n"
    "target by byte-exact name (names new to the database become entities in order of\n"
    "first appearance), CAMEO code from the ICEWS relation name, document the file's base\n"
    "name, idempotency key \"<base name>:<line>\" (so a file named twice gives duplicates,\n"
    "counted and skipped). Malformed lines and invalid rows are reported as FILE:LINE: why\n"
    "(every malformed line, the first 10 invalid rows) and skipped; the rest is loaded.\n"
    "\n"
    "Options:\n"
    "  --data DIR      the database directory, created if missing (required)\n"
    "  --threads N     worker threads (default: one per core)\n"
    "  --memory_mb N   sort buffers of all threads together (default {MEMORY_MB}, at least 8),\n"
    "                  about 250 bytes a row. A larger input is sorted in runs written to\n"
    "                  --tmp_dir and merged at the end, so memory hardly grows with the\n"
    "                  input: peak resident memory was N + 55 MB for 0.5 M rows and\n"
    "                  N + 146 MB for 10 M\n"
    "  --tmp_dir DIR   where sorted runs and SST files wait (default: inside --data, so that\n"
    "                  ingestion moves the files rather than copying them); cleaned up\n"
    "  --claims        then find the claims the rows make (docs/claims.md: which rows report\n"
    "                  the same event, from how many sources), and keep them from now on, as\n"
    "                  entente-server --claims does for a database it creates (a database\n"
    "                  that server created gets its claims, with its window, without the flag)\n"
    "  --claim_window_days N  with --claims: how many days apart two reports may be and still\n"
    "                  be one claim, 0 to 31 (default 1), fixed for the database\n"
    "\n"
    "Output: a progress line when stderr is a terminal, then on stdout\n"
    "  imported N rows in S s (R rows/s): accepted A, duplicate D, rejected J; disk X MB\n"
    "Exit status: 0 every row loaded; 1 rows rejected (the others are loaded), or the import\n"
    "failed and nothing was loaded (run it again on a fresh directory); 2 bad usage.\n"
    "\n"
    "Examples:\n"
    "  entente-admin import --data ./data ../shared/data/icews05-15/*.tsv\n"
    "  entente-admin import --data /var/lib/entente --memory_mb 64 --tmp_dir /scratch big.tsv\n";

const std::string& Usage() {
  static const std::string usage = absl::StrReplaceAll(
      kUsageFormat,
      {{"{MEMORY_MB}", std::to_string(entente::graph::BulkLoadOptions().memory_bytes >> 20)}});
  return usage;
}

constexpr int kInvalidShown = 10;

// Progress and rejections share stderr: a rejection clears the progress line.
class Reporter {
 public:
  Reporter() : tty_(isatty(2)), start_(std::chrono::steady_clock::now()) {}

  void Reject(const entente::graph::BulkRejection& r) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!r.malformed && ++invalid_ > kInvalidShown) return;
    Clear();
    if (r.malformed) {
      std::fprintf(stderr, "%s:%llu: %.*s\n", r.file->name.c_str(),
                   static_cast<unsigned long long>(r.line), static_cast<int>(r.description.size()),
                   r.description.data());
    } else {
      std::fprintf(stderr, "%s:%llu: %.*s: %.*s\n", r.file->name.c_str(),
                   static_cast<unsigned long long>(r.line), static_cast<int>(r.field.size()),
                   r.field.data(), static_cast<int>(r.description.size()), r.description.data());
    }
  }

  void Progress(const entente::graph::BulkProgress& p) {
    if (!tty_) return;
    std::lock_guard<std::mutex> lock(mu_);
    const double secs = Seconds();
    if (p.writing) {
      std::fprintf(stderr, "\r%llu lines read in %.1f s; sorting and writing SST files...",
                   static_cast<unsigned long long>(p.lines), secs);
    } else {
      std::fprintf(stderr, "\r%llu lines (%.0f lines/s)", static_cast<unsigned long long>(p.lines),
                   secs > 0 ? p.lines / secs : 0.0);
    }
    shown_ = true;
  }

  void Done() {
    std::lock_guard<std::mutex> lock(mu_);
    Clear();
    if (invalid_ > kInvalidShown) {
      std::fprintf(stderr, "entente-admin import: %llu more invalid rows not shown\n",
                   static_cast<unsigned long long>(invalid_ - kInvalidShown));
    }
  }

  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  void Clear() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
  }

  const bool tty_;
  const std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  bool shown_ = false;
  uint64_t invalid_ = 0;
};

// What `entente-admin import` was given.
struct ImportFlags {
  std::string data;
  int threads = 0;  // 0: one per core
  int memory_mb = static_cast<int>(entente::graph::BulkLoadOptions().memory_bytes >> 20);
  std::string tmp_dir;
  bool claims = false;
  int claim_window_days = entente::model::kDefaultClaimWindowDays;
  int batch = 0;  // the old loader's batch size: read, checked, unused
  std::vector<std::string> files;
};

void AddImportFlags(CLI::App* import, ImportFlags* f) {
  using entente::flags::AddInt;
  using entente::flags::AddText;
  AddText(import, "data", &f->data, "DIR", "the database directory")->required();
  AddInt(import, "threads", &f->threads, 1, 256, "N", "worker threads");
  AddInt(import, "memory_mb", &f->memory_mb, 8, 1 << 20, "N", "sort buffers, MiB");
  AddText(import, "tmp_dir", &f->tmp_dir, "DIR", "where sorted runs and SST files wait");
  entente::flags::AddSwitch(import, "claims", &f->claims, "find and keep claims");
  AddInt(import, "claim_window_days", &f->claim_window_days, 0, entente::model::kMaxClaimWindowDays,
         "N", "the claims' window");
  // Scripts written for the old loader pass it; it tunes nothing now.
  AddInt(import, "batch", &f->batch, 1, 10000000, "N", "ignored (the old loader's batch size)");
  import->add_option("FILE", f->files, "ICEWS TSV files");
}

int Import(const ImportFlags& flags) {
  if (flags.files.empty()) {
    return entente::flags::UsageError("entente-admin import", "needs at least one FILE");
  }
  const std::string& dir = flags.data;
  const std::vector<std::string>& files = flags.files;
  entente::graph::BulkLoadOptions options;
  if (flags.threads > 0) options.threads = flags.threads;
  options.memory_bytes = static_cast<size_t>(flags.memory_mb) << 20;
  options.temp_dir = flags.tmp_dir;
  bool claims = flags.claims;
  long claim_window = flags.claim_window_days;
  Reporter reporter;
  auto fail = [&](const absl::Status& s) {
    reporter.Done();
    std::fprintf(stderr, "entente-admin: %s (nothing was loaded)\n", s.ToString().c_str());
    return 1;
  };
  // Every file must be readable before the database is touched.
  auto source = entente::formats::IcewsTsvSource::Open(files);
  if (!source.ok()) return fail(source.status());
  auto store = entente::storage::Store::Open(dir, entente::storage::StoreOptions());
  if (!store.ok()) return fail(store.status());
  // A database made empty by `entente-server --claims` keeps claims already:
  // the loaded rows get theirs with its window, whatever the flags say.
  auto kept = entente::graph::LoadClaimWindow(**store);
  if (!kept.ok()) return fail(kept.status());
  if (kept->has_value()) {
    claims = true;
    claim_window = **kept;
  }
  auto loader = entente::graph::BulkLoader::Open(store->get(), options);
  if (!loader.ok()) return fail(loader.status());
  auto counts = (*loader)->Load(
      **source, [&](const entente::graph::BulkRejection& r) { reporter.Reject(r); },
      [&](const entente::graph::BulkProgress& p) { reporter.Progress(p); });
  if (!counts.ok()) return fail(counts.status());
  reporter.Done();
  const double secs = reporter.Seconds();
  std::printf(
      "imported %llu rows in %.2f s (%.0f rows/s): accepted %llu, duplicate %llu, rejected %llu; "
      "disk %.1f MB\n",
      static_cast<unsigned long long>(counts->lines), secs, counts->lines / secs,
      static_cast<unsigned long long>(counts->accepted),
      static_cast<unsigned long long>(counts->duplicate),
      static_cast<unsigned long long>(counts->rejected), (*store)->ApproximateDiskBytes() / 1e6);
  if (claims) {
    const auto start = std::chrono::steady_clock::now();
    auto written =
        kept->has_value()
            ? entente::storage::RebuildAllClaims(store->get(), static_cast<int32_t>(claim_window))
            : entente::graph::StartKeepingClaims(store->get(), static_cast<int32_t>(claim_window));
    if (!written.ok()) {
      std::fprintf(stderr,
                   "entente-admin: the rows are loaded, but finding their claims failed: %s\n",
                   written.status().ToString().c_str());
      return 1;
    }
    std::printf("found %llu claim%s in %.2f s\n", static_cast<unsigned long long>(*written),
                *written == 1 ? "" : "s",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  const auto& stats = (*loader)->writer_stats();
  std::fprintf(stderr,
               "entente-admin import: %llu new entities; %d threads; reading %.2f s, then "
               "sorting %.2f s, merging and writing %.2f s, ingesting %.2f s; %llu SST files; %llu "
               "sorted runs spilled (%.1f MB)\n",
               static_cast<unsigned long long>(counts->entities), (*loader)->threads(),
               counts->read_seconds, stats.sort_seconds, stats.merge_seconds, stats.ingest_seconds,
               static_cast<unsigned long long>(stats.sst_files),
               static_cast<unsigned long long>(stats.runs_spilled), stats.spilled_bytes / 1e6);
  return counts->rejected == 0 ? 0 : 1;
}

// The whole help: import's, then the maintenance commands'.
std::string Help() {
  return Usage() + "\nMaintenance (docs/durability.md, docs/claims.md; stop the server first):\n" +
         entente::server::kCheckRestoreUsage +
         "\nLong options may be spelled with dashes or underscores (--memory-mb 64 is\n"
         "--memory_mb=64), and --name=value is --name value (docs/flags.md).\n"
         "\nExamples:\n"
         "  entente-admin check --data ./data\n"
         "  entente-admin claims --data ./data --claim_window_days 2\n"
         "  entente-admin claims-report --data ./data --top 20\n"
         "  entente-admin restore --backup_dir ./data-backups --data ./data-restored\n"
         "  entente-admin --version\n";
}

}  // namespace

int main(int argc, char** argv) {
  using entente::flags::AddInt;
  using entente::flags::AddText;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(Help().c_str(), stderr);
    return entente::flags::kExitUsage;
  }
  if (args[0] == "help") args[0] = "--help";
  CLI::App app;
  entente::flags::Configure(&app, entente::VersionLine("entente-admin"));
  const auto command = [&app](const char* name) {
    CLI::App* sub = app.add_subcommand(name);
    entente::flags::Configure(sub, "");
    return sub;
  };
  ImportFlags import_flags;
  CLI::App* import = command("import");
  AddImportFlags(import, &import_flags);

  entente::server::CheckOptions check_options;
  CLI::App* check = command("check");
  AddText(check, "data", &check_options.data, "DIR", "the database")->required();
  AddInt(check, "max_problems", &check_options.max_problems, 1, 1000000, "N", "problems shown");

  entente::server::ClaimsOptions claims_options;
  CLI::App* claims = command("claims");
  AddText(claims, "data", &claims_options.data, "DIR", "the database")->required();
  AddInt(claims, "claim_window_days", &claims_options.claim_window_days, 0,
         entente::model::kMaxClaimWindowDays, "N", "the claims' window");

  entente::server::ClaimsReportOptions report_options;
  CLI::App* claims_report = command("claims-report");
  AddText(claims_report, "data", &report_options.data, "DIR", "the database")->required();
  AddInt(claims_report, "top", &report_options.top, 0, 1000, "N", "claims listed");

  entente::server::RestoreOptions restore_options;
  CLI::App* restore = command("restore");
  AddText(restore, "backup_dir", &restore_options.backup_dir, "DIR", "the backups")->required();
  AddInt(restore, "backup_id", &restore_options.backup_id, 0, 0xffffffffLL, "N", "the backup");
  AddText(restore, "data", &restore_options.data, "NEWDIR", "where to restore")->required();

  // A word that is no command: named as such, not as a stray argument.
  if (args[0].empty() || args[0][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->get_name() == args[0];
    if (!known)
      return entente::flags::UsageError("entente-admin", "unknown command '" + args[0] + "'");
  }
  app.require_subcommand(1);
  // One help for all: import's options are explained there at length, and
  // the maintenance commands' in a paragraph each.
  const auto help = [](const CLI::App&) { return Help(); };
  if (auto exit = entente::flags::Parse(&app, args, {"entente-admin", help})) return *exit;
  if (import->parsed()) return Import(import_flags);
  if (check->parsed()) return entente::server::AdminCheck(check_options);
  if (claims->parsed()) return entente::server::AdminClaims(claims_options);
  if (claims_report->parsed()) return entente::server::AdminClaimsReport(report_options);
  return entente::server::AdminRestore(restore_options);
}
