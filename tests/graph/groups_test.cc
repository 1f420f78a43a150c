// Who is who (graph/groups.h) on real stores: random sequences of ingest,
// retraction, memberships, merges and their undoing, every query type under
// each roll-up compared with the brute-force reference of the statements
// rewritten to their groups, and after reopening; the writes' refusals;
// the memberships ICEWS names imply; and check.
#include "graph/groups.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "graph/check.h"
#include "model/violations.h"
#include "tests/graph/query_maker.h"
#include "tests/graph/random_graph.h"
#include "tests/graph/reference_check.h"
#include "tests/testing/status_matchers.h"

namespace entente::graph {
namespace {

using ::entente::testing::StatusIs;
using model::EntityId;
using model::Rollup;

// The rules of graph/groups.h restated by brute force over plain lists:
// the reference's side of every comparison.
class RefGroups {
 public:
  std::vector<model::Membership> memberships;
  std::vector<model::EntityMerge> merges;  // in force only

  EntityId Canonical(EntityId x) const {
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& m : merges) {
        if (m.from == x) {
          x = m.into;
          moved = true;
        }
      }
    }
    return x;
  }

  EntityId GroupOf(EntityId raw, int32_t day, Rollup rollup) const {
    EntityId c = Canonical(raw);
    if (rollup == Rollup::kNone) return c;
    for (int depth = 0; depth < 64; ++depth) {
      const model::Membership* held = nullptr;
      for (const auto& m : memberships) {
        if (Canonical(m.member) != c || Canonical(m.parent) == c) continue;
        if (day < SinceDay(m) || day > UntilDay(m)) continue;
        if (held == nullptr || SinceDay(m) > SinceDay(*held) ||
            (SinceDay(m) == SinceDay(*held) && Canonical(m.parent) < Canonical(held->parent))) {
          held = &m;
        }
      }
      if (held == nullptr) return c;
      c = Canonical(held->parent);
      if (rollup == Rollup::kParent) return c;
    }
    return c;
  }

  // Kahn's algorithm over canonical parent links: a cycle is what never
  // runs out of parents.
  bool HasCycle() const {
    std::map<EntityId, std::set<EntityId>> parents;
    for (const auto& m : memberships) {
      const EntityId a = Canonical(m.member), b = Canonical(m.parent);
      if (a != b) parents[a].insert(b);
    }
    for (bool removed = true; removed;) {
      removed = false;
      for (auto it = parents.begin(); it != parents.end();) {
        bool has_parent = false;
        for (EntityId p : it->second) has_parent = has_parent || parents.count(p);
        if (has_parent) {
          ++it;
        } else {
          it = parents.erase(it);
          removed = true;
        }
      }
    }
    return !parents.empty();
  }

  bool Merged(EntityId x) const {
    return std::any_of(merges.begin(), merges.end(), [x](const auto& m) { return m.from == x; });
  }
};

// The reference's statements seen through `groups` under `rollup`.
ReferenceGraph Regrouped(const ReferenceGraph& ref, const RefGroups& groups, Rollup rollup) {
  ReferenceGraph out;
  for (RefStatement s : ref.statements()) {
    s.actor = groups.GroupOf(s.actor, s.day, rollup);
    s.target = groups.GroupOf(s.target, s.day, rollup);
    out.Add(s);
  }
  return out;
}

class GroupsTest : public ::testing::Test {
 protected:
  void SetUp() override { Fresh(); }
  void Fresh() {
    w_ = std::make_unique<World>();
    groups_ = {};
    ASSERT_OK(w_->Open());
  }

  // Every query type under `rollup`, entities the queries name being their
  // own group today (the reader takes a named entity as that).
  void Compare(uint32_t seed, Rollup rollup, const std::string& label) {
    const ReferenceGraph gref = Regrouped(w_->reference(), groups_, rollup);
    auto stable = [&](EntityId e) { return groups_.GroupOf(e, model::kMaxDay, rollup) == e; };
    auto plain = [](EdgeFilter f) {
      // Claims are kept per raw pair, the reference's per group: not compared.
      f.min_sources = 0;
      f.contested = Contested::kAny;
      return f;
    };
    const GroupFn group_of = [&](EntityId raw, int32_t day) {
      return groups_.GroupOf(raw, day, rollup);
    };
    QueryMaker make(gref, {}, seed);
    const GraphReader& r = w_->reader();
    Tally t;
    for (int i = 0; i < 40 && !HasFailure(); ++i) {
      TraverseQuery q = make.Traverse(3);
      q.rollup = rollup;
      q.filter = plain(q.filter);
      if (std::all_of(q.seeds.begin(), q.seeds.end(), [&](auto& s) { return stable(s.id); })) {
        CheckTraverse(r, gref, q, &t);
      }
    }
    for (int i = 0; i < 40 && !HasFailure(); ++i) {
      PathQuery q = make.Path(4);
      q.rollup = rollup;
      q.filter = plain(q.filter);
      if (stable(q.from.id) && stable(q.to.id)) CheckPaths(r, gref, q, &t, group_of);
    }
    for (int i = 0; i < 40 && !HasFailure(); ++i) {
      TimelineQuery q = make.Timeline();
      q.rollup = rollup;
      q.filter = plain(q.filter);
      if (stable(q.a.id) && stable(q.b.id)) CheckTimeline(r, gref, q, &t);
    }
    for (int i = 0; i < 30 && !HasFailure(); ++i) {
      EntityId e;
      const int top = make.Profile(&e);
      if (stable(e)) CheckProfile(r, gref, e, top, &t, rollup);
    }
    for (int i = 0; i < 40 && !HasFailure(); ++i) {
      StatementQuery q = make.List();
      q.rollup = rollup;
      q.filter = plain(q.filter);
      if (stable(q.entity.id)) CheckList(r, gref, q, &t);
    }
    std::cout << "[ compared ] " << label << ": " << t.ToString() << std::endl;
    EXPECT_GT(t.traverse + t.paths + t.timeline + t.profile + t.list, 50) << "too few compared";
  }

  // One random write of who is who, mirrored in groups_ when the store
  // takes it; the store must refuse exactly what the rules refuse.
  void RandomGroupWrite(std::mt19937& rng, const std::vector<EntityId>& entities) {
    auto pick = [&] { return entities[rng() % entities.size()]; };
    const int what = rng() % 10;
    if (what < 5) {
      model::Membership m;
      m.member = pick();
      m.parent = pick();
      m.role = "role" + std::to_string(rng() % 3);
      // Without periods, roll-up reads summary cells; with one, the index.
      if (periods_ && rng() % 3 == 0)
        m.since = model::DateOfDay(model::DaysFromCivil(2023, 1, 1) + rng() % 700);
      if (periods_ && rng() % 3 == 0) {
        m.until = {2024, static_cast<int32_t>(1 + rng() % 12), 0};
        if (m.since.year != 0 && model::FirstDay(m.since) > model::LastDay(m.until)) {
          m.until = {};
        }
      }
      RefGroups after = groups_;
      std::erase_if(after.memberships,
                    [&](const auto& x) { return x.member == m.member && x.parent == m.parent; });
      after.memberships.push_back(m);
      const bool refused = m.member == m.parent || groups_.Merged(m.member) ||
                           groups_.Merged(m.parent) || after.HasCycle();
      auto got = w_->ingestor().SetMembership(m);
      EXPECT_EQ(got.ok(), !refused)
          << got.status() << " member " << m.member << " parent " << m.parent;
      if (got.ok()) groups_ = after;
      if (!got.ok()) EXPECT_TRUE(absl::IsInvalidArgument(got.status())) << got.status();
      ++memberships_tried_;
    } else if (what < 8) {
      const EntityId from = pick(), into = pick();
      RefGroups after = groups_;
      model::EntityMerge m;
      m.from = from;
      m.into = into;
      after.merges.push_back(m);
      const bool refused =
          from == into || groups_.Merged(from) || groups_.Merged(into) || after.HasCycle();
      auto got = w_->ingestor().Merge(from, into, "same actor", "tester");
      EXPECT_EQ(got.ok(), !refused) << got.status() << " from " << from << " into " << into;
      if (got.ok()) {
        after.merges.back().id = got->id;
        groups_ = after;
        ++merges_done_;
      }
    } else if (!groups_.merges.empty()) {
      const size_t i = rng() % groups_.merges.size();
      RefGroups after = groups_;
      after.merges.erase(after.merges.begin() + i);
      auto got = w_->ingestor().Unmerge(groups_.merges[i].id, "tester");
      EXPECT_EQ(got.ok(), !after.HasCycle()) << got.status();
      if (got.ok()) {
        groups_ = after;
        ++unmerges_done_;
      }
    }
  }

  std::unique_ptr<World> w_;
  RefGroups groups_;
  bool periods_ = true;  // memberships may have a since and an until
  int memberships_tried_ = 0;
  int merges_done_ = 0;
  int unmerges_done_ = 0;
};

std::vector<EntityId> Mentioned(const ReferenceGraph& ref) {
  std::set<EntityId> ids;
  for (const auto& s : ref.statements()) ids.insert({s.actor, s.target});
  return {ids.begin(), ids.end()};
}

TEST_F(GroupsTest, EveryQueryUnderEachRollupAnswersWhatTheRegroupedReferenceAnswers) {
  for (uint32_t seed : {3u, 4u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    periods_ = seed % 2 == 1;
    ASSERT_OK(w_->Load(RandomStatements({seed, 40, 500}), model::NameResolution::kExact));
    const std::vector<EntityId> entities = Mentioned(w_->reference());
    for (int round = 0; round < 4 && !HasFailure(); ++round) {
      for (int i = 0; i < 12; ++i) RandomGroupWrite(rng, entities);
      // Statements keep coming and going under the groups.
      ASSERT_OK(
          w_->Load(RandomStatements({seed * 100 + round, 40, 60}), model::NameResolution::kExact));
      std::vector<model::StatementId> doomed;
      for (const auto& s : w_->reference().statements()) {
        if (rng() % 40 == 0) doomed.push_back(s.id);
      }
      ASSERT_OK(w_->Retract(doomed, {}));
      if (round == 2) ASSERT_OK(w_->Reopen());
      for (Rollup r : {Rollup::kNone, Rollup::kCountry, Rollup::kParent}) {
        Compare(seed * 10 + round, r,
                "round " + std::to_string(round) + " rollup " + std::to_string(int(r)));
      }
    }
    EXPECT_GT(merges_done_, 3);
    EXPECT_GT(unmerges_done_, 0);
    EXPECT_GT(groups_.memberships.size(), 5u);
    auto report = CheckStore(w_->store(), 10);
    ASSERT_OK(report);
    EXPECT_TRUE(report->consistent()) << storage::FormatCheckReport(*report);
    Fresh();  // a fresh world for the next seed
  }
}

// What the store answers to a few queries, as text: for "exactly as before".
std::string Answers(const GraphReader& r, EntityId a, EntityId b) {
  std::string out;
  TraverseQuery t;
  t.seeds = {model::EntityRef{}};
  t.seeds[0].id = a;
  auto tr = r.Traverse(t, nullptr);
  if (!tr.ok()) return tr.status().ToString();
  for (const auto& n : tr->result.nodes)
    out += std::to_string(n.id) + ":" + tr->entities.at(n.id).name + " ";
  for (const auto& e : tr->result.edges) {
    out += std::to_string(e.actor) + ">" + std::to_string(e.target) + "=" +
           std::to_string(e.count) + " ";
  }
  StatementQuery l;
  l.entity.id = b;
  l.page_size = 1000;
  auto page = r.ListStatements(l);
  if (!page.ok()) return page.status().ToString();
  for (const auto& v : page->statements) {
    out += std::to_string(v.statement.id) + ":" + v.actor->name + ">" + v.target->name + " ";
  }
  return out;
}

TEST_F(GroupsTest, AnUndoneMergeLeavesEveryAnswerAsBeforeAndLaterIngestFollowsTheNames) {
  ASSERT_OK(w_->Load(RandomStatements({7, 20, 200}), model::NameResolution::kExact));
  const EntityId a = w_->IdOf("E7-0"), b = w_->IdOf("E7-1");
  ASSERT_NE(a, 0u);
  ASSERT_NE(b, 0u);
  const std::string before = Answers(w_->reader(), a, b);
  auto merge = w_->ingestor().Merge(b, a, "one actor", "analyst");
  ASSERT_OK(merge);
  EXPECT_EQ(merge->merged_by, "analyst");
  EXPECT_NE(Answers(w_->reader(), a, b), before);
  // The merged-away entity is seen as the survivor, its name an alias.
  auto seen = w_->reader().GetEntity(b);
  ASSERT_OK(seen);
  EXPECT_EQ(seen->id, a);
  EXPECT_NE(std::find(seen->aliases.begin(), seen->aliases.end(), "E7-1"), seen->aliases.end());
  // A statement ingested under the merged-away name is seen on the survivor.
  model::StatementInput in = RandomStatements({7, 20, 1})[0];
  in.actor = {};
  in.actor.name = "E7-1";
  in.idempotency_key = "after-merge";
  auto added = w_->ingestor().Ingest({in}, model::NameResolution::kExact);
  ASSERT_OK(added);
  ASSERT_EQ(added->accepted, 1u);
  auto stmt = w_->reader().GetStatement(added->ids[0]);
  ASSERT_OK(stmt);
  EXPECT_EQ(stmt->statement.actor, a);
  ASSERT_OK(w_->ingestor().Unmerge(merge->id, "analyst"));
  // After the undo it is on its own entity again, and nothing else moved.
  stmt = w_->reader().GetStatement(added->ids[0]);
  ASSERT_OK(stmt);
  EXPECT_EQ(stmt->statement.actor, b);
  ASSERT_OK(w_->Retract({added->ids[0]}, {}));
  EXPECT_EQ(Answers(w_->reader(), a, b), before);
  auto listed = w_->reader().ListGroups(std::nullopt);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->merges.size(), 1u);
  EXPECT_FALSE(listed->merges[0].in_force());
  EXPECT_EQ(listed->merges[0].undone_by, "analyst");
  EXPECT_EQ(listed->merges[0].reason, "one actor");
}

TEST_F(GroupsTest, BadWritesNameTheirFieldAndChangeNothing) {
  ASSERT_OK(w_->Load(RandomStatements({8, 10, 100}), model::NameResolution::kExact));
  const EntityId a = w_->IdOf("E8-0"), b = w_->IdOf("E8-1"), c = w_->IdOf("E8-2");
  Ingestor& in = w_->ingestor();
  model::Membership ab{.member = a, .parent = b, .role = "minister"};
  ASSERT_OK(in.SetMembership(ab));
  auto version = [&] { return *Groups::VersionOf(*w_->store().Snapshot()); };
  auto field = [](const absl::Status& s) {
    auto v = model::ViolationsOf(s);
    return v.empty() ? std::string(s.message().substr(0, s.message().find(':'))) : v[0].field;
  };
  // A cycle, an entity belonging to itself, a bad period.
  absl::Status s = in.SetMembership({.member = b, .parent = a}).status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(field(s), "parent");
  s = in.SetMembership({.member = a, .parent = a}).status();
  EXPECT_EQ(field(s), "parent");
  s = in.SetMembership({.member = c, .parent = b, .since = {2024, 13, 0}}).status();
  EXPECT_EQ(field(s), "since");
  s = in.SetMembership({.member = c, .parent = b, .since = {2024, 5, 0}, .until = {2024, 2, 0}})
          .status();
  EXPECT_EQ(field(s), "until");
  s = in.SetMembership({.member = 999999, .parent = b}).status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(field(s), "member");
  // Merges: into itself, without a reason, of an unknown entity.
  EXPECT_EQ(field(in.Merge(a, a, "x", "").status()), "into");
  EXPECT_EQ(field(in.Merge(a, c, "", "").status()), "reason");
  EXPECT_THAT(in.Merge(a, 999999, "x", "").status(), StatusIs(absl::StatusCode::kNotFound));
  // A merge that makes a cycle: with c in a, b into c puts a in c in a.
  const model::Membership ca{.member = c, .parent = a};
  ASSERT_OK(in.SetMembership(ca));
  const uint64_t v2 = version();
  EXPECT_EQ(field(in.Merge(b, c, "x", "").status()), "into");
  EXPECT_EQ(version(), v2) << "a refused write changed the groups";
  ASSERT_OK(in.RemoveMembership(c, a));
  EXPECT_EQ(version(), v2 + 1);
  // A parent merged into its member is one entity: not a cycle.
  auto ba = in.Merge(b, a, "x", "");
  ASSERT_OK(ba);
  ASSERT_OK(in.Unmerge(ba->id, ""));
  auto m = in.Merge(c, a, "same", "");
  ASSERT_OK(m);
  // From or into an entity merged away.
  EXPECT_EQ(field(in.Merge(c, b, "x", "").status()), "from");
  EXPECT_EQ(field(in.Merge(b, c, "x", "").status()), "into");
  EXPECT_EQ(field(in.SetMembership({.member = c, .parent = b}).status()), "member");
  // Unknown and undone merges.
  EXPECT_THAT(in.Unmerge(77, "").status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(field(in.Unmerge(77, "").status()), "merge_id");
  ASSERT_OK(in.Unmerge(m->id, ""));
  EXPECT_EQ(field(in.Unmerge(m->id, "").status()), "merge_id");
  EXPECT_THAT(in.RemoveMembership(b, a), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK(in.RemoveMembership(a, b));
}

TEST_F(GroupsTest, IcewsSectorNamesBelongToTheirCountryAsTheyAreIngested) {
  std::vector<model::StatementInput> batch;
  for (auto [actor, target] : {std::pair{"Military (Russia)", "Military (North Korea)"},
                               std::pair{"Foreign Affairs (Russia)", "Korea (Kinshasa)"},
                               std::pair{"Congo (Kinshasa)", "Citizen (Atlantis)"}}) {
    model::StatementInput in = RandomStatements({9, 5, 1})[0];
    in.actor = {};
    in.actor.name = actor;
    in.target = {};
    in.target.name = target;
    in.idempotency_key = std::string(actor) + target;
    batch.push_back(in);
  }
  ASSERT_OK(w_->Load(batch, model::NameResolution::kAlias));
  auto listed = w_->reader().ListGroups(std::nullopt);
  ASSERT_OK(listed);
  std::set<std::string> got;
  for (const auto& m : listed->memberships) {
    got.insert(listed->entities.at(m.member).name + " in " + listed->entities.at(m.parent).name +
               " as " + m.role + " (" + m.origin + ")");
  }
  EXPECT_EQ(got, (std::set<std::string>{
                     "Military (Russia) in Russia as Military (icews-name)",
                     "Military (North Korea) in North Korea as Military (icews-name)",
                     "Foreign Affairs (Russia) in Russia as Foreign Affairs (icews-name)"}));
  // Rolled up by country, the sectors' statement is between the countries.
  TimelineQuery q;
  q.a.name = "Russia";
  q.b.name = "North Korea";
  q.rollup = Rollup::kCountry;
  auto t = w_->reader().Timeline(q, nullptr);
  ASSERT_OK(t);
  EXPECT_EQ(t->page.statements.size(), 1u);
  q.rollup = Rollup::kNone;
  t = w_->reader().Timeline(q, nullptr);
  ASSERT_OK(t);
  EXPECT_EQ(t->page.statements.size(), 0u);
}

}  // namespace
}  // namespace entente::graph
