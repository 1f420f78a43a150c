#include "graph/reader.h"

#include <map>
#include <memory>
#include <set>

#include "graph/names.h"
#include "graph/validate.h"
#include "model/violations.h"

namespace entente::graph {
namespace {

absl::StatusOr<model::Entity> Find(const storage::ReadView& view, const model::EntityRef& ref,
                                   model::NameResolution resolution) {
  if (ref.id != 0) return view.GetEntity(ref.id);
  absl::StatusOr<model::EntityId> id =
      resolution == model::NameResolution::kExact ? view.FindExactName(ref.name)
                                                  : view.FindAlias(FoldName(ref.name));
  if (absl::IsNotFound(id.status())) {
    return absl::NotFoundError("no entity named \"" + ref.name + "\"");
  }
  if (!id.ok()) return id.status();
  return view.GetEntity(*id);
}

// Reads statements and their entities and documents, each entity and
// document once per call.
class Hydrator {
 public:
  explicit Hydrator(const storage::ReadView& view) : view_(view) {}

  absl::StatusOr<StatementView> Load(model::StatementId id) {
    auto s = view_.GetStatement(id);
    if (!s.ok()) return s.status();
    StatementView v;
    v.statement = std::move(*s);
    auto actor = Entity(v.statement.actor);
    if (!actor.ok()) return actor.status();
    v.actor = *actor;
    auto target = Entity(v.statement.target);
    if (!target.ok()) return target.status();
    v.target = *target;
    if (v.statement.attributed_to != 0) {
      auto a = Entity(v.statement.attributed_to);
      if (!a.ok()) return a.status();
      v.attributed_to = *a;
    }
    auto doc = documents_.find(v.statement.document_id);
    if (doc == documents_.end()) {
      auto d = view_.GetDocument(v.statement.document_id);
      if (!d.ok()) return d.status();
      doc = documents_.emplace(v.statement.document_id, std::move(*d)).first;
    }
    v.source = doc->second;
    return v;
  }

 private:
  absl::StatusOr<model::Entity> Entity(model::EntityId id) {
    auto it = entities_.find(id);
    if (it != entities_.end()) return it->second;
    auto e = view_.GetEntity(id);
    if (!e.ok()) return e.status();
    return entities_.emplace(id, std::move(*e)).first->second;
  }

  const storage::ReadView& view_;
  std::map<model::EntityId, model::Entity> entities_;
  std::map<std::string, model::Document> documents_;
};

bool Matches(const model::EdgeEntry& e, const StatementQuery& q) {
  if (!q.code_prefix.empty() && e.cameo_code.compare(0, q.code_prefix.size(), q.code_prefix) != 0) {
    return false;
  }
  return e.confidence >= static_cast<float>(q.min_confidence);
}

// Newest-first merge of the out and in scans of one entity. A statement from
// the entity to itself is in both and is yielded once.
class MergedScan {
 public:
  MergedScan(const storage::ReadView& view, const StatementQuery& q, model::EntityId entity) {
    storage::EdgeScan scan;
    scan.entity = entity;
    if (q.date_from.year != 0) scan.day_lo = model::FirstDay(q.date_from);
    if (q.date_to.year != 0) scan.day_hi = model::LastDay(q.date_to);
    scan.newest_first = true;
    scan.resume_after = q.resume_after;
    if (q.direction != model::Direction::kIn) {
      scan.direction = model::Direction::kOut;
      out_ = view.ScanEdges(scan);
    }
    if (q.direction != model::Direction::kOut) {
      scan.direction = model::Direction::kIn;
      in_ = view.ScanEdges(scan);
    }
  }

  // The next entry, newest first; nullptr at the end.
  const model::EdgeEntry* Next() {
    if (last_ != nullptr) {
      const auto key = Key(*last_);
      if (out_ && out_->Valid() && Key(out_->entry()) == key) out_->Next();
      if (in_ && in_->Valid() && Key(in_->entry()) == key) in_->Next();
    }
    const bool o = out_ && out_->Valid();
    const bool i = in_ && in_->Valid();
    if (!o && !i) return last_ = nullptr;
    if (o && (!i || Key(out_->entry()) >= Key(in_->entry()))) return last_ = &out_->entry();
    return last_ = &in_->entry();
  }

  absl::Status status() const {
    if (out_ && !out_->status().ok()) return out_->status();
    if (in_) return in_->status();
    return absl::OkStatus();
  }

 private:
  static std::pair<int32_t, model::StatementId> Key(const model::EdgeEntry& e) {
    return {e.day, e.statement};
  }
  std::unique_ptr<storage::EdgeIterator> out_;
  std::unique_ptr<storage::EdgeIterator> in_;
  const model::EdgeEntry* last_ = nullptr;
};

}  // namespace

void ValidateStatementQuery(const StatementQuery& q, std::vector<model::FieldViolation>* out) {
  if (!q.entity.given()) out->push_back({"entity", "is required: give an id or a name"});
  ValidateDate(q.date_from, false, "date_from", out);
  ValidateDate(q.date_to, false, "date_to", out);
  if (out->empty() && q.date_from.year != 0 && q.date_to.year != 0 &&
      model::FirstDay(q.date_from) > model::LastDay(q.date_to)) {
    out->push_back({"date_to", "is before date_from"});
  }
  if (!q.code_prefix.empty() &&
      (q.code_prefix.size() > 4 || q.code_prefix.find_first_not_of("0123456789") != std::string::npos)) {
    out->push_back({"action_code_prefix", "must be 1 to 4 digits, e.g. \"19\""});
  }
  if (!(q.min_confidence >= 0 && q.min_confidence <= 1)) {
    out->push_back({"min_confidence", "must be in 0..1"});
  }
  if (q.page_size < 1 || q.page_size > kMaxPageSize) {
    out->push_back({"page_size", "must be in 1..1000"});
  }
}

absl::StatusOr<model::Entity> GraphReader::GetEntity(model::EntityId id) const {
  return store_->Latest()->GetEntity(id);
}

absl::StatusOr<model::Entity> GraphReader::FindEntity(const model::EntityRef& ref,
                                                      model::NameResolution resolution) const {
  return Find(*store_->Snapshot(), ref, resolution);
}

absl::StatusOr<std::vector<model::Entity>> GraphReader::SearchEntities(const std::string& prefix,
                                                                       int limit) const {
  auto view = store_->Snapshot();
  std::vector<model::EntityId> ids;
  std::set<model::EntityId> seen;
  absl::Status s = view->ScanAliases(FoldName(prefix), [&](std::string_view, model::EntityId id) {
    if (seen.insert(id).second) ids.push_back(id);
    return static_cast<int>(ids.size()) < limit;
  });
  if (!s.ok()) return s;
  std::vector<model::Entity> out;
  for (model::EntityId id : ids) {
    auto e = view->GetEntity(id);
    if (!e.ok()) return e.status();
    out.push_back(std::move(*e));
  }
  return out;
}

absl::StatusOr<StatementPage> GraphReader::ListStatements(const StatementQuery& q) const {
  std::vector<model::FieldViolation> violations;
  ValidateStatementQuery(q, &violations);
  if (!violations.empty()) return model::InvalidArgument(violations);
  auto view = store_->Snapshot();
  auto entity = Find(*view, q.entity, q.resolution);
  if (!entity.ok()) return entity.status();

  StatementPage page;
  Hydrator hydrator(*view);
  MergedScan scan(*view, q, entity->id);
  std::optional<storage::EdgePosition> last;
  for (const model::EdgeEntry* e = scan.Next(); e != nullptr; e = scan.Next()) {
    if (!Matches(*e, q)) continue;
    if (static_cast<int>(page.statements.size()) == q.page_size) {
      page.next = last;  // one more matches: there is a next page
      break;
    }
    auto v = hydrator.Load(e->statement);
    if (!v.ok()) return v.status();
    page.statements.push_back(std::move(*v));
    last = storage::EdgePosition{e->day, e->statement};
  }
  if (absl::Status s = scan.status(); !s.ok()) return s;
  return page;
}

absl::StatusOr<StatementView> GraphReader::GetStatement(model::StatementId id) const {
  auto view = store_->Snapshot();
  Hydrator hydrator(*view);
  return hydrator.Load(id);
}

}  // namespace entente::graph
