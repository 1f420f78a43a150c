// entente-admin: offline operations on a database the server does not hold
// open.
//
//   entente-admin import --data DIR [--batch N] FILE...
//
// A first load of millions of ICEWS rows: the same validation, names, ids,
// indexes and summaries as online ingest, but batches are staged in memory
// and written as one SST file per column family (RocksDB SstFileWriter),
// ingested at the end. Nothing is visible until then; the database must not
// hold statements yet.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "formats/icews_tsv.h"
#include "graph/ingestor.h"
#include "server/admin_durability.h"
#include "server/flag_spelling.h"
#include "storage/store.h"

namespace {

constexpr char kUsage[] =
    "usage: entente-admin import --data DIR [--batch N] FILE...\n\n"
    "Loads ICEWS 4-column TSV files (subject, relation, object, YYYY-MM-DD) into a new\n"
    "database offline, building its SST files directly. Stop the server first.\n\n"
    "Example:\n"
    "  entente-admin import --data ./data ../shared/data/icews05-15/*.tsv\n";

int Import(const std::vector<std::string>& args) {
  std::string dir;
  int batch_size = 50000;
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--data" && i + 1 < args.size()) {
      dir = args[++i];
    } else if (args[i] == "--batch" && i + 1 < args.size()) {
      batch_size = std::max(1, std::atoi(args[++i].c_str()));
    } else if (args[i].rfind("--", 0) == 0) {
      std::fprintf(stderr, "entente-admin: unknown option %s\n\n%s", args[i].c_str(), kUsage);
      return 2;
    } else {
      files.push_back(args[i]);
    }
  }
  if (dir.empty() || files.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  auto store = entente::storage::Store::Open(dir, entente::storage::StoreOptions());
  if (!store.ok()) {
    std::fprintf(stderr, "entente-admin: %s\n", store.status().ToString().c_str());
    return 1;
  }
  entente::graph::Ingestor ingestor(store->get(), nullptr, entente::graph::Ingestor::Mode::kBulk);
  if (absl::Status s = ingestor.Init(); !s.ok()) {
    std::fprintf(stderr, "entente-admin: %s\n", s.ToString().c_str());
    return 1;
  }
  const bool tty = isatty(2);
  auto counts = entente::formats::LoadIcewsTsv(ingestor, files, batch_size);
  if (!counts.ok()) {
    std::fprintf(stderr, "\nentente-admin: %s (nothing was loaded)\n",
                 counts.status().ToString().c_str());
    return 1;
  }
  if (tty) std::fputs("\rwriting SST files...          ", stderr);
  if (absl::Status s = ingestor.FinishBulk(); !s.ok()) {
    std::fprintf(stderr, "\nentente-admin: %s\n", s.ToString().c_str());
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (tty) std::fputs("\r", stderr);
  std::printf(
      "imported %llu rows in %.2f s (%.0f rows/s): accepted %llu, duplicate %llu, rejected %llu; "
      "disk %.1f MB\n",
      static_cast<unsigned long long>(counts->lines), secs, counts->lines / secs,
      static_cast<unsigned long long>(counts->accepted),
      static_cast<unsigned long long>(counts->duplicate),
      static_cast<unsigned long long>(counts->rejected), (*store)->ApproximateDiskBytes() / 1e6);
  return counts->rejected == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Options are matched with underscores; --some-option is accepted too.
  entente::server::UnderscoreFlagNames(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "help" ||
      (args.size() > 1 && args[1] == "--help")) {
    std::FILE* out = args.empty() ? stderr : stdout;
    std::fputs(kUsage, out);
    std::fprintf(out,
                 "\nDurability (docs/durability.md; stop the server first):\n%s\nExamples:\n"
                 "  entente-admin check --data ./data\n"
                 "  entente-admin restore --backup_dir ./data-backups --data ./data-restored\n",
                 entente::server::kCheckRestoreUsage);
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "import") return Import(args);
  if (cmd == "check") return entente::server::AdminCheck(args);
  if (cmd == "restore") return entente::server::AdminRestore(args);
  std::fprintf(stderr, "entente-admin: unknown command %s\n\n%s", cmd.c_str(), kUsage);
  return 2;
}
