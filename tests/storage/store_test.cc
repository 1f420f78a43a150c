#include "storage/store.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <tuple>

#include "storage/key_codec.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::storage {
namespace {

using ::entente::testing::StatusIs;

model::Statement MakeStatement(model::StatementId id, model::EntityId actor,
                               model::EntityId target, model::Date date) {
  model::Statement s;
  s.id = id;
  s.actor = actor;
  s.target = target;
  s.action_text = "deployed troops to";
  s.cameo_code = "072";
  s.date = date;
  s.document_id = "doc-1";
  s.quote = "North Korea's deployment of troops to Russia";
  s.confidence = 0.9;
  s.modality = model::Modality::kAsserted;
  return s;
}

std::string Hash(int i) {
  std::string h(kIdempotencyHashSize, '\0');
  h[0] = static_cast<char>(i);
  h[1] = static_cast<char>(i >> 8);
  return h;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    auto s = Store::Open(dir_.path(), StoreOptions());
    ASSERT_OK(s);
    store_ = std::move(*s);
  }

  std::vector<model::EdgeEntry> Scan(const EdgeScan& scan) {
    std::vector<model::EdgeEntry> out;
    auto it = store_->Latest()->ScanEdges(scan);
    for (; it->Valid(); it->Next()) out.push_back(it->entry());
    EXPECT_OK(it->status());
    return out;
  }

  entente::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, StatementSurvivesReopen) {
  WriteSet ws = store_->NewWriteSet();
  model::Entity e{1, "North Korea", model::EntityKind::kCountry, "PRK", {"DPRK"}};
  ws.PutEntity(e);
  ws.PutDocument({"doc-1", "https://example.org/a", "News Today", "YOON", {2024, 10, 22}});
  ws.PutStatement(MakeStatement(5, 1, 2, {2024, 10, 21}), Hash(5), {19, -100});
  ASSERT_OK(store_->Commit(ws));
  Reopen();

  auto view = store_->Latest();
  auto s = view->GetStatement(5);
  ASSERT_OK(s);
  EXPECT_EQ(s->id, 5u);
  EXPECT_EQ(s->actor, 1u);
  EXPECT_EQ(s->target, 2u);
  EXPECT_EQ(s->quote, "North Korea's deployment of troops to Russia");
  EXPECT_EQ(s->date, (model::Date{2024, 10, 21}));
  EXPECT_DOUBLE_EQ(s->confidence, 0.9);
  auto ent = view->GetEntity(1);
  ASSERT_OK(ent);
  EXPECT_EQ(ent->name, "North Korea");
  EXPECT_EQ(ent->aliases, std::vector<std::string>{"DPRK"});
  auto doc = view->GetDocument("doc-1");
  ASSERT_OK(doc);
  EXPECT_EQ(doc->publisher, "News Today");
  EXPECT_EQ(doc->published, (model::Date{2024, 10, 22}));
  EXPECT_THAT(view->GetStatement(6), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(view->GetEntity(2), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(StoreTest, ScopedCommitMetaStampsCommitsOfItsThreadOnly) {
  {
    ScopedCommitMeta stamp(kMetaLogApplied, EncodeId(6));
    stamp.set_value(EncodeId(7));
    WriteSet empty = store_->NewWriteSet();
    ASSERT_OK(store_->Commit(empty));  // nothing to write: stays empty
    EXPECT_EQ(stamp.commits(), 0);
    EXPECT_THAT(store_->GetMeta(kMetaLogApplied), StatusIs(absl::StatusCode::kNotFound));
    // Another thread's commit is not stamped.
    std::thread other([&] {
      WriteSet ws = store_->NewWriteSet();
      ws.PutMeta("other", "x");
      ASSERT_OK(store_->Commit(ws));
    });
    other.join();
    EXPECT_EQ(stamp.commits(), 0);
    WriteSet ws = store_->NewWriteSet();
    ws.PutMeta("mine", "y");
    ASSERT_OK(store_->Commit(ws));
    EXPECT_EQ(stamp.commits(), 1);
  }
  auto applied = store_->GetMeta(kMetaLogApplied);
  ASSERT_OK(applied);
  EXPECT_EQ(DecodeId(*applied), 7u);
  // After the scope, commits are plain again.
  WriteSet ws = store_->NewWriteSet();
  ws.PutMeta(kMetaLogApplied, EncodeId(9));
  ASSERT_OK(store_->Commit(ws));
  Reopen();
  EXPECT_EQ(DecodeId(*store_->GetMeta(kMetaLogApplied)), 9u);
}

TEST_F(StoreTest, GetStatementsReadsManyInTheOrderAsked) {
  WriteSet ws = store_->NewWriteSet();
  for (int i = 1; i <= 5; ++i) {
    ws.PutStatement(MakeStatement(i, 1, 2, {2024, 1, i}), Hash(i), {19, -100});
  }
  ASSERT_OK(store_->Commit(ws));
  auto got = store_->Latest()->GetStatements({4, 1, 5});
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].id, 4u);
  EXPECT_EQ((*got)[0].date, (model::Date{2024, 1, 4}));
  EXPECT_EQ((*got)[2].id, 5u);
  EXPECT_TRUE(store_->Latest()->GetStatements({})->empty());
  EXPECT_THAT(store_->Latest()->GetStatements({2, 99}), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(StoreTest, OutAndInIndexesAgree) {
  WriteSet ws = store_->NewWriteSet();
  int id = 1;
  for (model::EntityId a = 1; a <= 4; ++a) {
    for (model::EntityId t = 1; t <= 4; ++t) {
      ws.PutStatement(MakeStatement(id, a, t, {2024, 1, 1 + id % 28}), Hash(id), {19, -100});
      ++id;
    }
  }
  ASSERT_OK(store_->Commit(ws));
  std::multiset<std::tuple<model::EntityId, model::EntityId, model::StatementId>> out, in;
  for (model::EntityId e = 1; e <= 4; ++e) {
    EdgeScan scan;
    scan.entity = e;
    scan.direction = model::Direction::kOut;
    for (const auto& x : Scan(scan)) out.insert({e, x.counterpart, x.statement});
    scan.direction = model::Direction::kIn;
    for (const auto& x : Scan(scan)) in.insert({x.counterpart, e, x.statement});
  }
  EXPECT_EQ(out.size(), 16u);
  EXPECT_EQ(out, in);
  // Each index entry names the statement's real actor and target.
  for (const auto& [a, t, s] : out) {
    auto st = store_->Latest()->GetStatement(s);
    ASSERT_OK(st);
    EXPECT_EQ(st->actor, a);
    EXPECT_EQ(st->target, t);
  }
}

TEST_F(StoreTest, WindowScanReadsOnlyTheWindowNewestFirst) {
  WriteSet ws = store_->NewWriteSet();
  for (int d = 1; d <= 30; ++d) {
    ws.PutStatement(MakeStatement(100 + d, 7, 8, {2024, 6, d}), Hash(d), {19, -100});
  }
  ws.PutStatement(MakeStatement(1, 6, 8, {2024, 6, 10}), Hash(200), {19, -100});  // other entity
  ASSERT_OK(store_->Commit(ws));
  EdgeScan scan;
  scan.entity = 7;
  scan.day_lo = model::FirstDay({2024, 6, 10});
  scan.day_hi = model::FirstDay({2024, 6, 12});
  auto got = Scan(scan);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].statement, 112u);
  EXPECT_EQ(got[2].statement, 110u);
  EXPECT_EQ(got[0].cameo_code, "072");
  EXPECT_EQ(got[0].counterpart, 8u);

  scan.newest_first = false;
  got = Scan(scan);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].statement, 110u);
}

TEST_F(StoreTest, ScanResumesStrictlyAfterAPosition) {
  WriteSet ws = store_->NewWriteSet();
  for (int i = 1; i <= 6; ++i) {
    ws.PutStatement(MakeStatement(i, 7, 8, {2024, 6, 1 + i / 2}), Hash(i), {19, -100});
  }
  ASSERT_OK(store_->Commit(ws));
  EdgeScan scan;
  scan.entity = 7;
  auto all = Scan(scan);
  ASSERT_EQ(all.size(), 6u);
  scan.resume_after = EdgePosition{all[2].day, all[2].statement};
  auto rest = Scan(scan);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].statement, all[3].statement);
  scan.newest_first = false;
  auto forward = Scan(scan);
  ASSERT_EQ(forward.size(), 2u);
  EXPECT_EQ(forward[0].statement, all[1].statement);
}

TEST_F(StoreTest, IdempotencyHashFindsTheStatement) {
  WriteSet ws = store_->NewWriteSet();
  ws.PutStatement(MakeStatement(9, 1, 2, {2024, 1, 1}), Hash(9), {19, -100});
  ASSERT_OK(store_->Commit(ws));
  Reopen();
  auto id = store_->Latest()->FindIdempotencyHash(Hash(9));
  ASSERT_OK(id);
  EXPECT_EQ(*id, 9u);
  EXPECT_THAT(store_->Latest()->FindIdempotencyHash(Hash(10)),
              StatusIs(absl::StatusCode::kNotFound));
}

// The batched lookup answers as one Get per hash would, in the order asked,
// for hashes on disk, in the memtable, absent and repeated.
TEST_F(StoreTest, IdempotencyHashesAreFoundInOneCallInTheOrderAsked) {
  WriteSet ws = store_->NewWriteSet();
  ws.PutStatement(MakeStatement(9, 1, 2, {2024, 1, 1}), Hash(9), {19, -100});
  ASSERT_OK(store_->Commit(ws));
  Reopen();  // 9 is in an SST file now
  WriteSet more = store_->NewWriteSet();
  more.PutStatement(MakeStatement(12, 2, 1, {2024, 1, 2}), Hash(12), {19, -100});
  ASSERT_OK(store_->Commit(more));  // 12 in the memtable
  auto ids = store_->Latest()->FindIdempotencyHashes({Hash(12), Hash(10), Hash(9), Hash(12)});
  ASSERT_OK(ids);
  EXPECT_THAT(*ids, ::testing::ElementsAre(12u, 0u, 9u, 12u));
  auto none = store_->Latest()->FindIdempotencyHashes({});
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreTest, AliasesResolveToTheLowestIdAndSearchByPrefix) {
  WriteSet ws = store_->NewWriteSet();
  ws.PutAlias("alpha", 9);
  ws.PutAlias("alpha", 4);
  ws.PutAlias("alphabet", 2);
  ws.PutAlias("beta", 1);
  ws.PutExactName("Alpha", 4);
  ASSERT_OK(store_->Commit(ws));
  auto view = store_->Latest();
  EXPECT_EQ(*view->FindAlias("alpha"), 4u);
  EXPECT_EQ(*view->FindAlias("alphabet"), 2u);
  EXPECT_THAT(view->FindAlias("alph"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(*view->FindExactName("Alpha"), 4u);
  EXPECT_THAT(view->FindExactName("alpha"), StatusIs(absl::StatusCode::kNotFound));
  std::vector<model::EntityId> found;
  ASSERT_OK(view->ScanAliases("alph", [&](std::string_view, model::EntityId id) {
    found.push_back(id);
    return true;
  }));
  EXPECT_EQ(found, (std::vector<model::EntityId>{4, 9, 2}));
}

TEST_F(StoreTest, SnapshotDoesNotSeeLaterCommits) {
  auto snap = store_->Snapshot();
  WriteSet ws = store_->NewWriteSet();
  ws.PutStatement(MakeStatement(1, 1, 2, {2024, 1, 1}), Hash(1), {19, -100});
  ASSERT_OK(store_->Commit(ws));
  EXPECT_THAT(snap->GetStatement(1), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_OK(store_->Latest()->GetStatement(1));
}

TEST_F(StoreTest, MetaValuesPersist) {
  EXPECT_THAT(store_->GetMeta("x"), StatusIs(absl::StatusCode::kNotFound));
  WriteSet ws = store_->NewWriteSet();
  ws.PutMeta("x", "42");
  ASSERT_OK(store_->Commit(ws));
  Reopen();
  EXPECT_EQ(*store_->GetMeta("x"), "42");
}

TEST(StoreOpenTest, SecondOpenOfTheSameDirectoryIsUnavailable) {
  entente::testing::TempDir dir;
  auto first = Store::Open(dir.path(), StoreOptions());
  ASSERT_OK(first);
  EXPECT_THAT(Store::Open(dir.path(), StoreOptions()),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace entente::storage
