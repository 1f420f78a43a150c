// The change feed (graph/feed.h) against the log of what a random sequence
// of ingests and retractions committed: read whole, in pages of any size,
// resumed from any change's cursor, filtered, and after reopening the store.
#include "graph/feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "model/violations.h"
#include "tests/graph/graph_fixture.h"

namespace entente::graph {
namespace {

using ::entente::testing::StatusIs;
using ::testing::ElementsAre;

// A change as the test knows it: what and which.
struct Logged {
  ChangeKind kind;
  model::StatementId id;
  model::EntityId actor;
  model::EntityId target;
  friend bool operator==(const Logged&, const Logged&) = default;
};

std::ostream& operator<<(std::ostream& os, const Logged& l) {
  return os << (l.kind == ChangeKind::kIngested ? "+" : "-") << l.id;
}

class FeedTest : public GraphFixture {
 protected:
  // Commits `rounds` random ingests and retractions, recording each change
  // in commit order.
  void RandomHistory(uint32_t seed, int rounds) {
    std::mt19937 rng(seed);
    for (int round = 0; round < rounds; ++round) {
      now_ += 1000;
      if (live_.empty() || rng() % 3 != 0) {
        IngestSome(&rng);
      } else {
        RetractSome(&rng);
      }
    }
  }

  void IngestSome(std::mt19937* rng) {
    std::vector<model::StatementInput> batch;
    const int n = 1 + static_cast<int>((*rng)() % 6);
    for (int i = 0; i < n; ++i) {
      model::StatementInput in =
          Stmt("E" + std::to_string((*rng)() % 6), "E" + std::to_string((*rng)() % 6),
               {2024, 1 + static_cast<int>((*rng)() % 12), 1 + static_cast<int>((*rng)() % 28)},
               (*rng)() % 2 == 0 ? "062" : "190");
      in.quote = "q" + std::to_string(next_quote_++);  // each one new
      in.source.document_id = "doc-" + std::to_string((*rng)() % 5);
      batch.push_back(in);
    }
    const IngestOutcome out = MustIngest(batch);
    for (model::StatementId id : out.ids) {
      if (id == 0 || !seen_.insert(id).second) continue;
      auto s = store_->Snapshot()->GetStatement(id);
      ASSERT_OK(s);
      log_.push_back({ChangeKind::kIngested, id, s->actor, s->target});
      live_.insert(id);
    }
  }

  void RetractSome(std::mt19937* rng) {
    std::vector<model::StatementId> ids;
    std::vector<std::string> documents;
    for (model::StatementId id : live_) {
      if ((*rng)() % 4 == 0) ids.push_back(id);
    }
    if ((*rng)() % 5 == 0) documents.push_back("doc-" + std::to_string((*rng)() % 5));
    auto out = ingestor_->Retract(ids, documents, "round " + std::to_string(log_.size()));
    ASSERT_OK(out);
    for (model::StatementId id : out->retracted) {  // ascending: the log's order too
      const auto ingested = std::find_if(log_.begin(), log_.end(), [&](const Logged& l) {
        return l.kind == ChangeKind::kIngested && l.id == id;
      });
      ASSERT_NE(ingested, log_.end());
      log_.push_back({ChangeKind::kRetracted, id, ingested->actor, ingested->target});
      live_.erase(id);
    }
  }

  // The whole feed after `after`, read `page` changes at a time.
  std::vector<Logged> ReadAll(FeedCursor after, size_t page,
                              std::optional<model::EntityId> entity = std::nullopt) {
    std::vector<Logged> out;
    auto view = store_->Snapshot();
    for (int guard = 0; guard < 100000; ++guard) {
      FeedQuery q;
      q.after = after;
      q.max_changes = page;
      q.entity = entity;
      auto p = ReadFeed(*view, q);
      EXPECT_OK(p);
      if (!p.ok()) break;
      for (const Change& c : p->changes) {
        out.push_back({c.kind, c.statement.id, c.statement.actor, c.statement.target});
        EXPECT_EQ(c.kind == ChangeKind::kRetracted,
                  c.retraction.has_value() && c.kind == ChangeKind::kRetracted);
      }
      after = p->cursor;
      if (p->caught_up) break;
    }
    return out;
  }

  std::vector<Logged> log_;
  std::set<model::StatementId> live_;
  std::set<model::StatementId> seen_;
  int next_quote_ = 0;
};

TEST_F(FeedTest, TheFeedIsTheCommitLogInAnyPageSizeAndAfterReopen) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomHistory(seed, 40);
    ASSERT_GT(std::count_if(log_.begin(), log_.end(),
                            [](const Logged& l) { return l.kind == ChangeKind::kRetracted; }),
              3);
    for (size_t page : {1u, 2u, 7u, 1000u}) {
      EXPECT_EQ(ReadAll({}, page), log_) << "page " << page;
    }
    Reopen();
    EXPECT_EQ(ReadAll({}, 3), log_);
  }
}

TEST_F(FeedTest, ResumingFromAnyChangesCursorGivesTheRestOnce) {
  RandomHistory(7, 50);
  FeedQuery q;
  q.max_changes = 10000;
  auto all = ReadFeed(*store_->Snapshot(), q);
  ASSERT_OK(all);
  ASSERT_EQ(all->changes.size(), log_.size());
  ASSERT_TRUE(all->caught_up);
  for (size_t i = 0; i < all->changes.size(); ++i) {
    const std::vector<Logged> rest(log_.begin() + static_cast<std::ptrdiff_t>(i) + 1, log_.end());
    ASSERT_EQ(ReadAll(all->changes[i].cursor, 4), rest) << "after change " << i;
  }
  // A retraction carries when and why; the ingest of a statement retracted
  // since carries it too.
  for (const Change& c : all->changes) {
    if (c.kind != ChangeKind::kRetracted) continue;
    ASSERT_TRUE(c.retraction.has_value());
    EXPECT_THAT(c.retraction->reason, ::testing::StartsWith("round "));
    EXPECT_GT(c.retraction->at_micros, 0);
  }
  // New changes come after the last cursor, and only they.
  const FeedCursor end = all->cursor;
  const size_t before = log_.size();
  RandomHistory(8, 10);
  const std::vector<Logged> news(log_.begin() + static_cast<std::ptrdiff_t>(before), log_.end());
  EXPECT_EQ(ReadAll(end, 2), news);
}

TEST_F(FeedTest, AnEntityOrAFilterKeepsOnlyItsChangesAndTheCursorStillMoves) {
  RandomHistory(11, 40);
  const model::EntityId e = IdOf("E2");
  std::vector<Logged> want;
  for (const Logged& l : log_) {
    if (l.actor == e || l.target == e) want.push_back(l);
  }
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(ReadAll({}, 3, e), want);

  FeedQuery q;
  q.filter.code_prefixes = {"19"};
  q.max_changes = 10000;
  auto page = ReadFeed(*store_->Snapshot(), q);
  ASSERT_OK(page);
  EXPECT_TRUE(page->caught_up);
  for (const Change& c : page->changes) EXPECT_EQ(c.statement.cameo_code, "190");
  EXPECT_LT(page->changes.size(), log_.size());
  EXPECT_EQ(page->cursor.ingested, *seen_.rbegin());  // past the changes it left out
}

TEST_F(FeedTest, BadCursorsAndClaimCriteriaNameTheirField) {
  RandomHistory(3, 10);
  const auto field = [&](const FeedQuery& q) {
    auto p = ReadFeed(*store_->Snapshot(), q);
    EXPECT_THAT(p.status(), StatusIs(absl::StatusCode::kInvalidArgument));
    std::vector<std::string> fields;
    for (const auto& v : model::ViolationsOf(p.status())) fields.push_back(v.field);
    return fields;
  };
  FeedQuery q;
  q.after.ingested = *seen_.rbegin() + 1000;
  EXPECT_THAT(field(q), ElementsAre("cursor"));
  q.after = {};
  q.after.retracted = 1000;
  EXPECT_THAT(field(q), ElementsAre("cursor"));
  q.after = {};
  q.filter.min_sources = 2;
  EXPECT_THAT(field(q), ElementsAre("filter.min_sources"));
  q.filter = {};
  q.filter.contested = Contested::kOnly;
  EXPECT_THAT(field(q), ElementsAre("filter.contested"));
  q.filter = {};
  q.max_changes = 0;
  EXPECT_THAT(field(q), ElementsAre("max_changes"));
}

}  // namespace
}  // namespace entente::graph
