// Store::Stats(): monitoring figures read from RocksDB's properties, so that
// the layers above can export them without knowing RocksDB.
#include <cstdlib>
#include <map>
#include <string>

#include "rocksdb/db.h"
#include "storage/store.h"

namespace entente::storage {
namespace {

uint64_t Aggregated(rocksdb::DB* db, const std::string& property) {
  uint64_t v = 0;
  return db->GetAggregatedIntProperty(property, &v) ? v : 0;
}

uint64_t DbWide(rocksdb::DB* db, const std::string& property) {
  uint64_t v = 0;
  return db->GetIntProperty(property, &v) ? v : 0;
}

double MapValue(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : std::strtod(it->second.c_str(), nullptr);
}

}  // namespace

StoreStats Store::Stats() const {
  rocksdb::DB* db = db_.get();
  StoreStats s;
  s.live_sst_bytes = Aggregated(db, rocksdb::DB::Properties::kLiveSstFilesSize);
  s.total_sst_bytes = Aggregated(db, rocksdb::DB::Properties::kTotalSstFilesSize);
  s.memtable_bytes = Aggregated(db, rocksdb::DB::Properties::kCurSizeAllMemTables);
  s.estimated_keys = Aggregated(db, rocksdb::DB::Properties::kEstimateNumKeys);
  if (uint64_t v = 0;
      db->GetIntProperty(documents_, rocksdb::DB::Properties::kEstimateNumKeys, &v)) {
    s.estimated_documents = v;
  }
  s.pending_compaction_bytes =
      Aggregated(db, rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
  s.running_compactions = DbWide(db, rocksdb::DB::Properties::kNumRunningCompactions);
  s.running_flushes = DbWide(db, rocksdb::DB::Properties::kNumRunningFlushes);
  // Every column family shares one block cache: read it once.
  s.block_cache_usage_bytes = DbWide(db, rocksdb::DB::Properties::kBlockCacheUsage);
  s.block_cache_capacity_bytes = DbWide(db, rocksdb::DB::Properties::kBlockCacheCapacity);
  // The "Sum" row of each column family's compaction table (what
  // `rocksdb.cfstats` prints), counted since Open.
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  for (auto* cf : handles_) {
    std::map<std::string, std::string> m;
    if (!db->GetMapProperty(cf, rocksdb::DB::Properties::kCFStats, &m)) continue;
    s.compactions_completed += static_cast<uint64_t>(MapValue(m, "compaction.Sum.CompCount"));
    s.compaction_bytes_read += static_cast<uint64_t>(MapValue(m, "compaction.Sum.ReadGB") * kGiB);
    s.compaction_bytes_written +=
        static_cast<uint64_t>(MapValue(m, "compaction.Sum.WriteGB") * kGiB);
  }
  return s;
}

}  // namespace entente::storage
