// storage::BulkWriter: rows from several sinks, sorted runs spilled to disk
// and merged, summary cells added up across runs, files cut by size, and
// nothing visible unless Finish() succeeds.
#include "storage/bulk_writer.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "storage/key_codec.h"
#include "storage/statement_rows.h"
#include "storage/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::storage {
namespace {

using ::entente::testing::StatusIs;

model::Statement MakeStatement(model::StatementId id) {
  model::Statement s;
  s.id = id;
  s.actor = 1 + id % 7;
  s.target = 1 + id % 5;
  s.action_text = "deployed troops to";
  s.cameo_code = id % 2 ? "072" : "190";
  s.date = {2024, 1 + static_cast<int>(id % 12), 1 + static_cast<int>(id % 28)};
  s.document_id = "doc";
  return s;
}

std::string Hash(uint64_t i) {
  std::string h;
  PutU64(&h, i * 0x9e3779b97f4a7c15ULL);
  PutU64(&h, i);
  return h;
}

class BulkWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.path(), StoreOptions());
    ASSERT_OK(store);
    store_ = std::move(*store);
  }

  // Adds statements [first, last] through `sink`, appending them in order.
  void Add(BulkWriter& w, int sink, model::StatementId first, model::StatementId last) {
    for (model::StatementId id = first; id <= last; ++id) {
      EmitStatementRows(MakeStatement(id), Hash(id), {7, 25}, &w.sink(sink));
    }
    ASSERT_OK(w.AppendOrdered(w.sink(sink)));
  }

  bool DirHasBulkFiles() {
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      if (e.path().filename().string().rfind("bulk-", 0) == 0) return true;
    }
    return false;
  }

  entente::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(BulkWriterTest, MergesSinksAndSpilledRunsInKeyOrder) {
  BulkWriterOptions options;
  options.sinks = 2;
  options.memory_bytes = 2 * (256 << 10);  // a few thousand rows a run
  options.max_file_entries = 1000;
  auto w = BulkWriter::Start(store_.get(), options);
  ASSERT_OK(w);
  // Chunks of ids alternate between the sinks, in id order.
  for (model::StatementId first = 1; first <= 20000; first += 500) {
    Add(**w, (first / 500) % 2, first, first + 499);
  }
  ASSERT_OK((*w)->Finish());
  EXPECT_GT((*w)->stats().runs_spilled, 2u);
  EXPECT_GE((*w)->stats().sst_files, 5 * 20u);
  EXPECT_FALSE(DirHasBulkFiles());

  auto view = store_->Latest();
  for (model::StatementId id : {1, 777, 20000}) {
    auto s = view->GetStatement(id);
    ASSERT_OK(s);
    EXPECT_EQ(s->actor, 1 + id % 7);
    auto found = view->FindIdempotencyHash(Hash(id));
    ASSERT_OK(found);
    EXPECT_EQ(*found, id);
  }
  // Every out_edges entry of actor 3, in (day, id) order.
  EdgeScan scan;
  scan.entity = 3;
  scan.newest_first = false;
  auto it = view->ScanEdges(scan);
  uint64_t n = 0;
  std::pair<int32_t, model::StatementId> last{INT32_MIN, 0};
  for (; it->Valid(); it->Next(), ++n) {
    const std::pair<int32_t, model::StatementId> at{it->entry().day, it->entry().statement};
    EXPECT_LT(last, at);
    last = at;
  }
  ASSERT_OK(it->status());
  EXPECT_EQ(n, 20000u / 7);
  // Summary cells add up every statement, across sinks and runs.
  uint64_t count = 0;
  int64_t goldstein = 0;
  ASSERT_OK(view->ScanSummaries(3, kSummaryOut, [&](const SummaryCell& c) {
    count += c.count;
    goldstein += c.goldstein_x10;
    return true;
  }));
  EXPECT_EQ(count, n);
  EXPECT_EQ(goldstein, 25 * static_cast<int64_t>(n));
}

TEST_F(BulkWriterTest, NothingIsVisibleWithoutFinish) {
  {
    BulkWriterOptions options;
    options.memory_bytes = 256 << 10;
    auto w = BulkWriter::Start(store_.get(), options);
    ASSERT_OK(w);
    Add(**w, 0, 1, 5000);
    EXPECT_TRUE(DirHasBulkFiles());
  }
  EXPECT_FALSE(DirHasBulkFiles());
  EXPECT_THAT(store_->Latest()->GetStatement(1), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(BulkWriterTest, AKeyAddedTwiceFailsTheLoad) {
  auto w = BulkWriter::Start(store_.get(), BulkWriterOptions());
  ASSERT_OK(w);
  model::Statement s = MakeStatement(1);
  EmitStatementRows(s, Hash(1), {}, &(*w)->sink(0));
  ASSERT_OK((*w)->AppendOrdered((*w)->sink(0)));
  s.id = 2;  // another statement, the same idempotency hash
  EmitStatementRows(s, Hash(1), {}, &(*w)->sink(0));
  ASSERT_OK((*w)->AppendOrdered((*w)->sink(0)));
  EXPECT_THAT((*w)->Finish(), StatusIs(absl::StatusCode::kInternal));
}

TEST_F(BulkWriterTest, OrderedRowsMustComeInOrder) {
  auto w = BulkWriter::Start(store_.get(), BulkWriterOptions());
  ASSERT_OK(w);
  Add(**w, 0, 10, 11);
  EmitStatementRows(MakeStatement(3), Hash(3), {}, &(*w)->sink(0));
  EXPECT_THAT((*w)->AppendOrdered((*w)->sink(0)), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(BulkWriterTest, LastMetaValueOfASinkWins) {
  auto w = BulkWriter::Start(store_.get(), BulkWriterOptions());
  ASSERT_OK(w);
  (*w)->sink(0).PutMeta("x", "1");
  (*w)->sink(0).PutMeta("x", "2");
  ASSERT_OK((*w)->Finish());
  auto v = store_->GetMeta("x");
  ASSERT_OK(v);
  EXPECT_EQ(*v, "2");
}

}  // namespace
}  // namespace entente::storage
