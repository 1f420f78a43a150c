#include "graph/check.h"

#include <set>
#include <string>

#include "graph/groups.h"
#include "graph/ingestor.h"
#include "storage/key_codec.h"

namespace entente::graph {
namespace {

// The group rules writes keep (graph/ingestor_groups.cc): every entity a
// membership or merge names exists, one merge in force per entity, merges
// without a cycle, memberships without one under the merges in force.
absl::Status CheckGroups(const storage::ReadView& view, size_t max_problems,
                         storage::CheckReport* report) {
  auto groups = Groups::Load(view);
  if (!groups.ok()) return groups.status();
  auto problem = [&](storage::ProblemKind kind, std::string key, std::string what) {
    storage::RecordProblem({kind, "default", std::move(key), 0, std::move(what)}, max_problems,
                           report);
  };
  auto exists = [&](model::EntityId id, const std::string& key, const std::string& what) {
    auto e = view.GetEntity(id);
    if (absl::IsNotFound(e.status())) {
      problem(storage::ProblemKind::kMissingEntity, key,
              what + " names entity " + std::to_string(id) + ", which does not exist");
      return absl::OkStatus();
    }
    return e.status();
  };
  for (const model::Membership& m : (*groups)->memberships()) {
    const std::string key = storage::MembershipKey(m.member, m.parent);
    for (model::EntityId id : {m.member, m.parent}) {
      if (absl::Status s = exists(id, key, "a membership"); !s.ok()) return s;
    }
  }
  std::set<model::EntityId> from;
  for (const model::EntityMerge& m : (*groups)->merges()) {
    const std::string key = storage::MergeKey(m.id);
    for (model::EntityId id : {m.from, m.into}) {
      if (absl::Status s = exists(id, key, "merge " + std::to_string(m.id)); !s.ok()) return s;
    }
    if (m.in_force() && !from.insert(m.from).second) {
      problem(storage::ProblemKind::kGroupRule, key,
              "entity " + std::to_string(m.from) + " has two merges in force");
    }
  }
  // A merge cycle makes Canonical stop at an arbitrary link.
  for (model::EntityId start : from) {
    model::EntityId at = start;
    for (size_t steps = 0; steps <= from.size(); ++steps) {
      const model::EntityMerge* m = (*groups)->MergeOf(at);
      if (m == nullptr) break;
      at = m->into;
      if (at == start) {
        problem(storage::ProblemKind::kGroupRule, storage::MergeKey(m->id),
                "merges in force make a cycle through entity " + std::to_string(start));
        break;
      }
    }
  }
  model::EntityId where = 0;
  if (Groups::HasCycle((*groups)->memberships(), (*groups)->merges(), &where)) {
    problem(storage::ProblemKind::kGroupRule, storage::MembershipPrefix(where),
            "memberships make a cycle through entity " + std::to_string(where));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<storage::CheckReport> CheckStore(const storage::Store& store,
                                                size_t max_problems) {
  storage::CheckOptions options;
  options.max_problems = max_problems;
  // The cell a statement counts in, as graph::Ingestor files it.
  options.classify = [](std::string_view code, uint8_t* root, int32_t* goldstein_x10) {
    const SummaryShare share = SummaryShareOf(code);
    *root = share.root;
    *goldstein_x10 = share.goldstein_x10;
  };
  auto window = LoadClaimWindow(store);
  if (!window.ok()) return window.status();
  options.claim_window = *window;
  auto report = store.Check(options);
  if (!report.ok()) return report;
  // A later snapshot than the store's check: group rows and statements are
  // independent, so each is checked on a consistent state of its own.
  if (absl::Status s = CheckGroups(*store.Snapshot(), max_problems, &*report); !s.ok()) return s;
  return report;
}

}  // namespace entente::graph
