#include "graph/groups.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "storage/key_codec.h"

namespace entente::graph {

int32_t SinceDay(const model::Membership& m) {
  return m.since.year == 0 ? model::kMinDay : model::FirstDay(m.since);
}

int32_t UntilDay(const model::Membership& m) {
  return m.until.year == 0 ? model::kMaxDay : model::LastDay(m.until);
}

std::optional<SectorName> ParseSectorName(std::string_view name) {
  const size_t open = name.rfind(" (");
  if (open == std::string_view::npos || open == 0 || !name.ends_with(')')) return std::nullopt;
  SectorName out{name.substr(0, open), name.substr(open + 2, name.size() - open - 3)};
  if (out.country.empty() || out.country.find_first_of("()") != std::string_view::npos) {
    return std::nullopt;
  }
  return out;
}

absl::StatusOr<uint64_t> Groups::VersionOf(const storage::ReadView& view) {
  auto v = view.FindMeta(kMetaGroupsVersion);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return 0;
  auto n = storage::DecodeId(**v);
  if (!n) return absl::DataLossError("corrupt meta groups_version");
  return *n;
}

std::shared_ptr<const Groups> Groups::Empty() {
  static const auto* empty = new std::shared_ptr<const Groups>(new Groups());
  return *empty;
}

absl::StatusOr<std::shared_ptr<const Groups>> Groups::Current(
    const storage::ReadView& view, const std::shared_ptr<const Groups>& cached) {
  auto version = VersionOf(view);
  if (!version.ok()) return version.status();
  if (*version == 0) return Empty();
  if (cached != nullptr && cached->version() == *version) return cached;
  return Load(view);
}

absl::StatusOr<std::shared_ptr<const Groups>> Groups::Load(const storage::ReadView& view) {
  std::shared_ptr<Groups> g(new Groups());
  auto version = VersionOf(view);
  if (!version.ok()) return version.status();
  g->version_ = *version;
  absl::Status s = view.ScanMemberships([&](const model::Membership& m) {
    g->memberships_.push_back(m);
    return true;
  });
  if (s.ok()) {
    s = view.ScanMerges([&](const model::EntityMerge& m) {
      g->merges_.push_back(m);
      return true;
    });
  }
  if (!s.ok()) return s;
  g->Index();
  return std::shared_ptr<const Groups>(std::move(g));
}

void Groups::Index() {
  for (const model::EntityMerge& m : merges_) {
    if (m.in_force()) merged_[m.from] = &m;
  }
  for (const model::EntityMerge& m : merges_) {
    if (m.in_force()) absorbed_[Canonical(m.from)].push_back(m.from);
  }
  for (auto& [survivor, raws] : absorbed_) std::sort(raws.begin(), raws.end());
  for (const model::Membership& m : memberships_) {
    has_periods_ = has_periods_ || m.since.year != 0 || m.until.year != 0;
    const model::EntityId member = Canonical(m.member);
    const model::EntityId parent = Canonical(m.parent);
    if (member == parent) continue;  // one entity through a merge
    parents_[member].push_back(&m);
    children_[parent].push_back(member);
  }
  for (auto& [parent, members] : children_) {
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
  }
}

model::EntityId Groups::Canonical(model::EntityId raw) const {
  // Writes refuse a merge into an entity merged away, so chains only form
  // when the survivor is merged later; each link is an earlier merge.
  for (int i = 0; i <= static_cast<int>(merges_.size()); ++i) {
    auto it = merged_.find(raw);
    if (it == merged_.end()) return raw;
    raw = it->second->into;
  }
  return raw;
}

model::EntityId Groups::GroupOf(model::EntityId raw, int32_t day, model::Rollup rollup) const {
  model::EntityId c = Canonical(raw);
  if (rollup == model::Rollup::kNone) return c;
  for (int depth = 0; depth < kMaxRollupDepth; ++depth) {
    auto it = parents_.find(c);
    if (it == parents_.end()) return c;
    const model::Membership* held = nullptr;
    for (const model::Membership* m : it->second) {
      if (day < SinceDay(*m) || day > UntilDay(*m)) continue;
      if (held == nullptr || SinceDay(*m) > SinceDay(*held) ||
          (SinceDay(*m) == SinceDay(*held) && Canonical(m->parent) < Canonical(held->parent))) {
        held = m;
      }
    }
    if (held == nullptr) return c;
    c = Canonical(held->parent);
    if (rollup == model::Rollup::kParent) return c;
  }
  return c;
}

std::vector<model::EntityId> Groups::MembersOf(model::EntityId group, model::Rollup rollup) const {
  std::vector<model::EntityId> canonical = {group};
  if (rollup != model::Rollup::kNone) {
    absl::flat_hash_set<model::EntityId> seen = {group};
    for (size_t i = 0; i < canonical.size(); ++i) {
      if (rollup == model::Rollup::kParent && i > 0) break;
      auto it = children_.find(canonical[i]);
      if (it == children_.end()) continue;
      for (model::EntityId child : it->second) {
        if (seen.insert(child).second) canonical.push_back(child);
      }
    }
  }
  std::vector<model::EntityId> out;
  for (model::EntityId c : canonical) {
    out.push_back(c);
    auto it = absorbed_.find(c);
    if (it != absorbed_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<model::EntityId> Groups::MergedInto(model::EntityId survivor) const {
  auto it = absorbed_.find(survivor);
  return it == absorbed_.end() ? std::vector<model::EntityId>{} : it->second;
}

const model::EntityMerge* Groups::MergeOf(model::EntityId raw) const {
  auto it = merged_.find(raw);
  return it == merged_.end() ? nullptr : it->second;
}

bool Groups::Reaches(model::EntityId from, model::EntityId to) const {
  std::vector<model::EntityId> todo = {from};
  absl::flat_hash_set<model::EntityId> seen = {from};
  while (!todo.empty()) {
    const model::EntityId at = todo.back();
    todo.pop_back();
    if (at == to) return true;
    auto it = parents_.find(at);
    if (it == parents_.end()) continue;
    for (const model::Membership* m : it->second) {
      const model::EntityId parent = Canonical(m->parent);
      if (seen.insert(parent).second) todo.push_back(parent);
    }
  }
  return false;
}

bool Groups::HasCycle(const std::vector<model::Membership>& memberships,
                      const std::vector<model::EntityMerge>& merges, model::EntityId* where) {
  Groups g;
  g.memberships_ = memberships;
  g.merges_ = merges;
  g.Index();
  // Depth-first over canonical parent links, periods ignored: a chain that
  // comes back to an entity on the current path is a cycle.
  enum : uint8_t { kOnPath = 1, kDone = 2 };
  absl::flat_hash_map<model::EntityId, uint8_t> state;
  for (const auto& [start, unused] : g.parents_) {
    if (state[start] == kDone) continue;
    std::vector<std::pair<model::EntityId, size_t>> stack = {{start, 0}};
    state[start] = kOnPath;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      auto it = g.parents_.find(node);
      if (it == g.parents_.end() || next >= it->second.size()) {
        state[node] = kDone;
        stack.pop_back();
        continue;
      }
      const model::EntityId parent = g.Canonical(it->second[next++]->parent);
      uint8_t& s = state[parent];
      if (s == kOnPath) {
        *where = parent;
        return true;
      }
      if (s == 0) {
        s = kOnPath;
        stack.push_back({parent, 0});
      }
    }
  }
  return false;
}

}  // namespace entente::graph
