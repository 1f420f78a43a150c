// Ingestor's writes of who is who (graph/groups.h): memberships and
// reversible merges.
#include <string>

#include "graph/ingestor.h"
#include "graph/names.h"
#include "model/violations.h"
#include "storage/key_codec.h"

namespace entente::graph {
namespace {

constexpr size_t kMaxRoleBytes = 200;
constexpr size_t kMaxReasonBytes = 2000;

absl::Status Invalid(const std::string& field, const std::string& why) {
  return model::InvalidArgument({{field, why}});
}

// NotFound naming `field` unless `id` is an entity of `view`.
absl::Status CheckExists(const storage::ReadView& view, model::EntityId id,
                         const std::string& field) {
  auto e = view.GetEntity(id);
  if (absl::IsNotFound(e.status())) {
    return absl::NotFoundError(field + ": no entity with id " + std::to_string(id));
  }
  return e.status();
}

// InvalidArgument naming `field` if `id` is merged away.
absl::Status CheckNotMerged(const Groups& g, model::EntityId id, const std::string& field) {
  if (const model::EntityMerge* m = g.MergeOf(id)) {
    return Invalid(field, "entity " + std::to_string(id) + " is merged into " +
                              std::to_string(g.Canonical(id)) + " (merge " + std::to_string(m->id) +
                              "); name that entity, or undo the merge");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Ingestor::AddNameMemberships(
    const std::vector<std::pair<model::EntityId, std::string>>& created, int64_t now,
    storage::WriteSet* ws) {
  if (created.empty()) return absl::OkStatus();
  const auto view = store_->Latest();
  // The country a name resolves to by its aliases; 0 if none.
  auto country = [&](std::string_view name) -> absl::StatusOr<model::EntityId> {
    auto id = view->FindAlias(FoldName(name));
    if (absl::IsNotFound(id.status())) return 0;
    if (!id.ok()) return id.status();
    auto e = view->GetEntity(*id);
    if (!e.ok()) return e.status();
    return e->kind == model::EntityKind::kCountry ? *id : 0;
  };
  size_t added = 0;
  for (const auto& [id, name] : created) {
    const auto parsed = ParseSectorName(name);
    if (!parsed) continue;
    // "Congo (Kinshasa)" is a country's alias, not a sector of Kinshasa.
    auto itself = country(name);
    if (!itself.ok()) return itself.status();
    auto parent = country(parsed->country);
    if (!parent.ok()) return parent.status();
    if (*itself != 0 || *parent == 0 || *parent == id) continue;
    model::Membership m;
    m.member = id;
    m.parent = *parent;
    m.role = std::string(parsed->sector);
    m.origin = kOriginIcewsName;
    m.recorded_micros = now;
    ws->PutMembership(m);
    ++added;
  }
  if (added > 0) {
    auto version = Groups::VersionOf(*view);
    if (!version.ok()) return version.status();
    ws->PutMeta(kMetaGroupsVersion, storage::EncodeId(*version + 1));
  }
  ws->PutMeta(kMetaNamesExamined, storage::EncodeId(created.back().first + 1));
  return absl::OkStatus();
}

absl::Status Ingestor::ExamineNewNames() {
  model::EntityId from = 1;
  auto mark = store_->GetMeta(kMetaNamesExamined);
  if (mark.ok()) {
    auto id = storage::DecodeId(*mark);
    if (!id) return absl::DataLossError("corrupt meta " + std::string(kMetaNamesExamined));
    from = *id;
  } else if (!absl::IsNotFound(mark.status())) {
    return mark.status();
  }
  if (from >= next_entity_) return absl::OkStatus();
  const auto view = store_->Latest();
  std::vector<std::pair<model::EntityId, std::string>> created;
  for (model::EntityId id = from; id < next_entity_; ++id) {
    auto e = view->GetEntity(id);
    if (absl::IsNotFound(e.status())) continue;
    if (!e.ok()) return e.status();
    if (e->kind != model::EntityKind::kCountry) created.emplace_back(id, e->name);
  }
  storage::WriteSet ws = store_->NewWriteSet();
  if (absl::Status s = AddNameMemberships(created, Now(), &ws); !s.ok()) return s;
  ws.PutMeta(kMetaNamesExamined, storage::EncodeId(next_entity_));
  return store_->Commit(ws);
}

absl::StatusOr<std::shared_ptr<const Groups>> Ingestor::LoadGroups() {
  auto current = Groups::Current(*store_->Latest(), groups_);
  if (!current.ok()) return current.status();
  groups_ = *std::move(current);
  return groups_;
}

absl::Status Ingestor::CommitGroups(storage::WriteSet& ws, const Groups& before) {
  ws.PutMeta(kMetaGroupsVersion, storage::EncodeId(before.version() + 1));
  return store_->Commit(ws);
}

absl::StatusOr<model::Membership> Ingestor::SetMembership(model::Membership m) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ == Mode::kBulk) {
    return absl::FailedPreconditionError("memberships cannot be set during a bulk load");
  }
  std::vector<model::FieldViolation> violations;
  if (m.member == m.parent) violations.push_back({"parent", "is the member itself"});
  for (auto [date, field] : {std::pair{&m.since, "since"}, std::pair{&m.until, "until"}}) {
    if (date->year == 0) continue;
    if (std::string why = model::DateError(*date); !why.empty()) {
      violations.push_back({field, why});
    }
  }
  if (violations.empty() && m.since.year != 0 && m.until.year != 0 &&
      model::FirstDay(m.since) > model::LastDay(m.until)) {
    violations.push_back({"until", "is before since"});
  }
  if (m.role.size() > kMaxRoleBytes) {
    violations.push_back({"role", "is longer than " + std::to_string(kMaxRoleBytes) + " bytes"});
  }
  if (!violations.empty()) return model::InvalidArgument(violations);
  const auto view = store_->Latest();
  if (absl::Status s = CheckExists(*view, m.member, "member"); !s.ok()) return s;
  if (absl::Status s = CheckExists(*view, m.parent, "parent"); !s.ok()) return s;
  auto groups = LoadGroups();
  if (!groups.ok()) return groups.status();
  if (absl::Status s = CheckNotMerged(**groups, m.member, "member"); !s.ok()) return s;
  if (absl::Status s = CheckNotMerged(**groups, m.parent, "parent"); !s.ok()) return s;
  // Neither is merged away, so both are their own canonical ids; replacing
  // the row of the same pair adds no link.
  if ((*groups)->Reaches(m.parent, m.member)) {
    return Invalid("parent", "would make a cycle: entity " + std::to_string(m.parent) +
                                 " already belongs, through its parents, to entity " +
                                 std::to_string(m.member));
  }
  m.recorded_micros = m.recorded_micros != 0 ? m.recorded_micros : Now();
  storage::WriteSet ws = store_->NewWriteSet();
  ws.PutMembership(m);
  if (absl::Status s = CommitGroups(ws, **groups); !s.ok()) return s;
  return m;
}

absl::Status Ingestor::RemoveMembership(model::EntityId member, model::EntityId parent) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ == Mode::kBulk) {
    return absl::FailedPreconditionError("memberships cannot be removed during a bulk load");
  }
  auto groups = LoadGroups();
  if (!groups.ok()) return groups.status();
  bool found = false;
  for (const model::Membership& m : (*groups)->memberships()) {
    found = found || (m.member == member && m.parent == parent);
  }
  if (!found) {
    return absl::NotFoundError("member: entity " + std::to_string(member) +
                               " has no membership in entity " + std::to_string(parent));
  }
  storage::WriteSet ws = store_->NewWriteSet();
  ws.DeleteMembership(member, parent);
  return CommitGroups(ws, **groups);
}

absl::StatusOr<model::EntityMerge> Ingestor::Merge(model::EntityId from, model::EntityId into,
                                                   std::string_view reason, std::string_view by) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ == Mode::kBulk) {
    return absl::FailedPreconditionError("entities cannot be merged during a bulk load");
  }
  std::vector<model::FieldViolation> violations;
  if (from == into) violations.push_back({"into", "is the entity to merge itself"});
  if (reason.empty()) violations.push_back({"reason", "is required: say why they are one"});
  if (reason.size() > kMaxReasonBytes) {
    violations.push_back(
        {"reason", "is longer than " + std::to_string(kMaxReasonBytes) + " bytes"});
  }
  if (!violations.empty()) return model::InvalidArgument(violations);
  const auto view = store_->Latest();
  if (absl::Status s = CheckExists(*view, from, "from"); !s.ok()) return s;
  if (absl::Status s = CheckExists(*view, into, "into"); !s.ok()) return s;
  auto groups = LoadGroups();
  if (!groups.ok()) return groups.status();
  if (absl::Status s = CheckNotMerged(**groups, from, "from"); !s.ok()) return s;
  if (absl::Status s = CheckNotMerged(**groups, into, "into"); !s.ok()) return s;
  model::EntityMerge m;
  m.id = (*groups)->merges().empty() ? 1 : (*groups)->merges().back().id + 1;
  m.from = from;
  m.into = into;
  m.reason = std::string(reason);
  m.merged_by = std::string(by);
  std::vector<model::EntityMerge> after = (*groups)->merges();
  after.push_back(m);
  model::EntityId where = 0;
  if (Groups::HasCycle((*groups)->memberships(), after, &where)) {
    return Invalid("into",
                   "would make a cycle of memberships through entity " + std::to_string(where));
  }
  m.merged_micros = Now();
  storage::WriteSet ws = store_->NewWriteSet();
  ws.PutMerge(m);
  if (absl::Status s = CommitGroups(ws, **groups); !s.ok()) return s;
  return m;
}

absl::StatusOr<model::EntityMerge> Ingestor::Unmerge(uint64_t merge_id, std::string_view by) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ == Mode::kBulk) {
    return absl::FailedPreconditionError("merges cannot be undone during a bulk load");
  }
  auto groups = LoadGroups();
  if (!groups.ok()) return groups.status();
  std::vector<model::EntityMerge> after = (*groups)->merges();
  model::EntityMerge* m = nullptr;
  for (model::EntityMerge& x : after) m = x.id == merge_id ? &x : m;
  if (m == nullptr) {
    return absl::NotFoundError("merge_id: there is no merge " + std::to_string(merge_id));
  }
  if (!m->in_force()) {
    return Invalid("merge_id", "merge " + std::to_string(merge_id) + " is already undone");
  }
  m->undone_micros = Now();
  m->undone_by = std::string(by);
  model::EntityId where = 0;
  if (Groups::HasCycle((*groups)->memberships(), after, &where)) {
    return Invalid("merge_id", "undoing it would make a cycle of memberships through entity " +
                                   std::to_string(where) + "; remove one of them first");
  }
  storage::WriteSet ws = store_->NewWriteSet();
  ws.PutMerge(*m);
  if (absl::Status s = CommitGroups(ws, **groups); !s.ok()) return s;
  return *m;
}

}  // namespace entente::graph
