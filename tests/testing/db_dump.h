// Every row of every column family of a closed Entente database, read with
// RocksDB directly: for tests that compare two databases key by key (bulk
// load against online ingest, replicas of one log).
#ifndef ENTENTE_TESTS_TESTING_DB_DUMP_H_
#define ENTENTE_TESTS_TESTING_DB_DUMP_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rocksdb/db.h"
#include "storage/store.h"

namespace entente::testing {

// Column family name -> its (key, value) rows in key order; summaries as
// their merged values.
using Dump = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

inline Dump DumpDatabase(const std::string& dir) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) {
    rocksdb::ColumnFamilyOptions o;
    // Summaries are merge operands when ingested online.
    o.merge_operator = storage::NewSummaryMergeOperator();
    cfs.emplace_back(n, o);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, cfs, &handles, &raw);
  EXPECT_TRUE(s.ok()) << s.ToString();
  Dump out;
  if (!s.ok()) return out;
  std::unique_ptr<rocksdb::DB> db(raw);
  for (size_t i = 0; i < handles.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    auto& rows = out[names[i]];
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      rows.emplace_back(it->key().ToString(), it->value().ToString());
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  return out;
}

}  // namespace entente::testing

#endif  // ENTENTE_TESTS_TESTING_DB_DUMP_H_
