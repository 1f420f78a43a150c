// Who is who (docs/queries.md, "Roll-up and merges"): memberships of
// entities in others and reversible merges, as queries apply them.
//
// Neither rewrites a statement or an index entry: the group rows
// (storage/key_codec.h) record them, and a query reads the store through
// them (storage::EntityGroups). So an undone merge leaves the store exactly
// as before it, ids included, and a statement ingested under a merged-away
// name is seen on the survivor while the merge holds and on its own entity
// after the undo.
//
// - A merge of `from` into `into` makes every query see `into` for both;
//   merges chain (a merged into b, b into c: a is seen as c).
// - A membership says that `member` belongs to `parent` over a period.
//   Roll-up kParent sees each entity as its parent on the statement's day;
//   kCountry as the top of its chain of parents (a country, or an
//   organisation that belongs to none). On a day with several memberships
//   in force, the one that began last holds (then the lowest parent id).
//   Memberships of a merged-away entity count as the survivor's.
// - The entities a query names are taken as their group today (their
//   memberships in force on model::kMaxDay).
#ifndef ENTENTE_GRAPH_GROUPS_H_
#define ENTENTE_GRAPH_GROUPS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "model/types.h"
#include "storage/store.h"

namespace entente::graph {

inline constexpr char kMetaGroupsVersion[] = "groups_version";
inline constexpr char kMetaNextMergeId[] = "next_merge_id";
// Chains of parents longer than this are cut (writes refuse cycles, so only
// a corrupt store has one).
inline constexpr int kMaxRollupDepth = 32;

// A snapshot of every membership and merge. Immutable, so shared by every
// query that reads the same version.
class Groups {
 public:
  // From the group rows of `view`.
  static absl::StatusOr<std::shared_ptr<const Groups>> Load(const storage::ReadView& view);
  // The meta/groups_version of `view`; 0 before any group row.
  static absl::StatusOr<uint64_t> VersionOf(const storage::ReadView& view);
  static std::shared_ptr<const Groups> Empty();
  // The groups of `view`: `cached` if it is of the view's version, else
  // loaded (Empty() before any group row). Every write of group rows bumps
  // the version in its commit, so one of the same version is the view's.
  static absl::StatusOr<std::shared_ptr<const Groups>> Current(
      const storage::ReadView& view, const std::shared_ptr<const Groups>& cached);

  uint64_t version() const { return version_; }
  bool has_merges() const { return !merged_.empty(); }
  bool has_memberships() const { return !memberships_.empty(); }
  // Whether a membership has a since or an until: roll-up then depends on
  // the day.
  bool has_periods() const { return has_periods_; }
  // Queries under `rollup` see every entity as itself.
  bool Trivial(model::Rollup rollup) const {
    return !has_merges() && (rollup == model::Rollup::kNone || !has_memberships());
  }

  // `raw` after the merges in force.
  model::EntityId Canonical(model::EntityId raw) const;
  // The group `raw` stands for on `day` under `rollup`.
  model::EntityId GroupOf(model::EntityId raw, int32_t day, model::Rollup rollup) const;
  // Every raw id whose group under `rollup` may be `group` on some day
  // (a superset: a scan checks GroupOf per entry), ascending.
  std::vector<model::EntityId> MembersOf(model::EntityId group, model::Rollup rollup) const;
  // The raw ids merged into `survivor`, directly or through a chain,
  // ascending.
  std::vector<model::EntityId> MergedInto(model::EntityId survivor) const;
  // The merge in force that took `raw` away; null if none.
  const model::EntityMerge* MergeOf(model::EntityId raw) const;

  const std::vector<model::Membership>& memberships() const { return memberships_; }
  const std::vector<model::EntityMerge>& merges() const { return merges_; }  // by id

  // Whether `from`'s chain of parents, on any day, reaches `to` (both
  // canonical): a membership of `to` in `from` would close a cycle.
  bool Reaches(model::EntityId from, model::EntityId to) const;

  // Whether the memberships, seen through the merges in force, would hold
  // a cycle (a chain of parents back to where it began; an entity
  // belonging to itself through a merge is ignored). For a write to check
  // the state it would make; `*where` names an entity on it.
  static bool HasCycle(const std::vector<model::Membership>& memberships,
                       const std::vector<model::EntityMerge>& merges, model::EntityId* where);

 private:
  Groups() = default;
  void Index();

  uint64_t version_ = 0;
  bool has_periods_ = false;
  std::vector<model::Membership> memberships_;
  std::vector<model::EntityMerge> merges_;
  absl::flat_hash_map<model::EntityId, const model::EntityMerge*> merged_;  // in force, by from
  // By canonical member: its memberships (parents raw).
  absl::flat_hash_map<model::EntityId, std::vector<const model::Membership*>> parents_;
  // By canonical parent: its canonical members on any day.
  absl::flat_hash_map<model::EntityId, std::vector<model::EntityId>> children_;
  // By survivor: the raw ids merged into it.
  absl::flat_hash_map<model::EntityId, std::vector<model::EntityId>> absorbed_;
};

// Groups under one roll-up, as a view's index scans see them.
class GroupsUnder : public storage::EntityGroups {
 public:
  GroupsUnder(std::shared_ptr<const Groups> groups, model::Rollup rollup)
      : groups_(std::move(groups)), rollup_(rollup) {}
  model::EntityId GroupOf(model::EntityId raw, int32_t day) const override {
    return groups_->GroupOf(raw, day, rollup_);
  }
  std::vector<model::EntityId> MembersOf(model::EntityId group) const override {
    return groups_->MembersOf(group, rollup_);
  }
  bool ByDay() const override {
    return rollup_ != model::Rollup::kNone && groups_->has_periods();
  }
  bool Large() const override {
    return rollup_ != model::Rollup::kNone && groups_->has_memberships();
  }

 private:
  std::shared_ptr<const Groups> groups_;
  model::Rollup rollup_;
};

// ICEWS names the actors of a country's sector "Sector (Country)"
// ("Military (Russia)", "Foreign Affairs (Russia)"): the sector and the
// country's name, or none for a name of another form.
struct SectorName {
  std::string_view sector;
  std::string_view country;
};
std::optional<SectorName> ParseSectorName(std::string_view name);
inline constexpr char kOriginIcewsName[] = "icews-name";

// The first and last day a membership holds (open ends as kMinDay/kMaxDay).
int32_t SinceDay(const model::Membership& m);
int32_t UntilDay(const model::Membership& m);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_GROUPS_H_
