#include "graph/reader.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "graph/as_of.h"
#include "graph/ingestor.h"
#include "graph/names.h"
#include "graph/validate.h"
#include "model/violations.h"

namespace entente::graph {
namespace {

// An index entry holds a confidence as a float; the record, as the double
// it was given. The double of the shortest decimal that reads back as the
// same float is the value given whenever that had at most 7 significant
// digits (0.8 rather than 0.800000011920929), so an index view says what
// the full view says.
double WidenConfidence(float f) {
  char buf[32];
  const auto printed = std::to_chars(buf, buf + sizeof(buf), f);
  double d = f;
  std::from_chars(buf, printed.ptr, d);
  return d;
}

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

// What an entity, a document and a statement view hold on the heap beyond
// their own size (graph/work_budget.h).
size_t HeapBytesOf(const model::Entity& e) {
  size_t n = StringHeapBytes(e.name) + StringHeapBytes(e.country_code);
  if (e.aliases.capacity() != 0) n += HeapBytes(e.aliases.capacity() * sizeof(std::string));
  for (const std::string& a : e.aliases) n += StringHeapBytes(a);
  return n;
}

size_t HeapBytesOf(const model::Document& d) {
  return StringHeapBytes(d.document_id) + StringHeapBytes(d.url) + StringHeapBytes(d.publisher) +
         StringHeapBytes(d.title);
}

// Entity `id` from the reader's cache, read into it on a miss.
absl::StatusOr<std::shared_ptr<const model::Entity>> CachedEntity(const storage::ReadView& view,
                                                                 EntityCache* cache,
                                                                 model::EntityId id) {
  if (std::shared_ptr<const model::Entity> e = cache->Find(id)) return e;
  auto read = view.GetEntity(id);
  if (!read.ok()) return read.status();
  auto e = std::make_shared<const model::Entity>(*std::move(read));
  cache->Put(e);
  return e;
}

// Entity `id` as queries see it: after the merges of `groups` (null:
// none), its survivor, with the names and aliases of every entity merged
// into that among its aliases.
absl::StatusOr<std::shared_ptr<const model::Entity>> EntityAsSeen(const storage::ReadView& view,
                                                                  EntityCache* cache,
                                                                  const Groups* groups,
                                                                  model::EntityId id) {
  if (groups == nullptr || !groups->has_merges()) return CachedEntity(view, cache, id);
  const model::EntityId survivor = groups->Canonical(id);
  auto e = CachedEntity(view, cache, survivor);
  const std::vector<model::EntityId> absorbed = groups->MergedInto(survivor);
  if (!e.ok() || absorbed.empty()) return e;
  auto merged = std::make_shared<model::Entity>(**e);
  auto add = [&](const std::string& name) {
    if (name != merged->name &&
        std::find(merged->aliases.begin(), merged->aliases.end(), name) == merged->aliases.end()) {
      merged->aliases.push_back(name);
    }
  };
  for (model::EntityId raw : absorbed) {
    auto m = CachedEntity(view, cache, raw);
    if (!m.ok()) return m.status();
    add((*m)->name);
    for (const std::string& alias : (*m)->aliases) add(alias);
  }
  return std::shared_ptr<const model::Entity>(std::move(merged));
}

// The statement's own strings; its entities and document are shared and
// charged once per answer (Hydrator).
size_t HeapBytesOf(const StatementView& v) {
  const model::Statement& s = v.statement;
  return StringHeapBytes(s.action_text) + StringHeapBytes(s.cameo_code) +
         StringHeapBytes(s.document_id) + StringHeapBytes(s.quote) +
         StringHeapBytes(s.extractor_name) + StringHeapBytes(s.extractor_version) +
         StringHeapBytes(s.idempotency_key);
}

// Reads statements and their entities and documents, each entity and
// document once per call, the entities through the reader's cache. Charges
// to `memory` the views it returns (their place in a container is the
// caller's to charge) and each entity and document they share, once.
class Hydrator {
 public:
  // `memory`, `cache` and `groups` must outlive the Hydrator. With merges
  // in `groups` (null: none), statements name the survivors.
  Hydrator(const storage::ReadView& view, EntityCache* cache, WorkLease* memory,
           const Groups* groups = nullptr)
      : view_(view),
        cache_(cache),
        memory_(memory),
        groups_(groups != nullptr && groups->has_merges() ? groups : nullptr) {}

  absl::StatusOr<StatementView> Load(model::StatementId id) {
    auto s = view_.GetStatement(id);
    if (!s.ok()) return s.status();
    return Complete(std::move(*s));
  }

  // The view of a statement read elsewhere: the change feed's, which may
  // have been retracted with its document (its source then holds only the
  // document id).
  absl::StatusOr<StatementView> FromStatement(model::Statement s) {
    return Complete(std::move(s), /*document_may_be_gone=*/true);
  }

  WorkLease* memory() const { return memory_; }

  // The view of a covering index entry (StatementDetail::kIndex): no
  // statement read.
  absl::StatusOr<StatementView> FromEntry(const model::EdgeEntry& e) {
    StatementView v;
    model::Statement& s = v.statement;
    s.id = e.statement;
    s.actor = e.actor;
    s.target = e.target;
    s.attributed_to = e.attributed_to;
    s.action_text = e.action_text;
    s.cameo_code = e.cameo_code;
    s.date = model::DateOfFirstDay(e.day, e.precision);
    s.modality = e.modality;
    s.confidence = WidenConfidence(e.confidence);
    Canonicalize(&s);
    for (auto [id, out] : {std::pair{s.actor, &v.actor}, std::pair{s.target, &v.target},
                           std::pair{s.attributed_to, &v.attributed_to}}) {
      if (id == 0) continue;
      auto entity = Entity(id);
      if (!entity.ok()) return entity.status();
      *out = *std::move(entity);
    }
    if (absl::Status st = memory_->Charge(sizeof(StatementView) + HeapBytesOf(v)); !st.ok()) {
      return st;
    }
    return v;
  }

  // Many statements at once: one batched read of the statements.
  absl::StatusOr<std::vector<StatementView>> LoadMany(const std::vector<model::StatementId>& ids) {
    std::vector<StatementView> out;
    {
      // The decoded statements, until moved into the views.
      ScratchCharge batch(memory_);
      if (absl::Status s = batch.Charge(HeapBytes(ids.size() * sizeof(model::Statement)));
          !s.ok()) {
        return s;
      }
      auto statements = view_.GetStatements(ids);
      if (!statements.ok()) return statements.status();
      if (absl::Status s = memory_->Charge(ids.size() * sizeof(StatementView)); !s.ok()) return s;
      out.reserve(ids.size());
      for (auto& s : *statements) {
        auto v = Complete(std::move(s));
        if (!v.ok()) return v.status();
        out.push_back(std::move(*v));
      }
    }
    return out;
  }

 private:
  // Adds the statement's entities and document.
  absl::StatusOr<StatementView> Complete(model::Statement s, bool document_may_be_gone = false) {
    StatementView v;
    v.statement = std::move(s);
    Canonicalize(&v.statement);
    auto actor = Entity(v.statement.actor);
    if (!actor.ok()) return actor.status();
    v.actor = *std::move(actor);
    auto target = Entity(v.statement.target);
    if (!target.ok()) return target.status();
    v.target = *std::move(target);
    if (v.statement.attributed_to != 0) {
      auto a = Entity(v.statement.attributed_to);
      if (!a.ok()) return a.status();
      v.attributed_to = *std::move(a);
    }
    auto doc = Document(v.statement.document_id);
    // A statement seen as of an instant may since have been retracted with
    // its document, like the feed's.
    if (absl::IsNotFound(doc.status()) && (document_may_be_gone || view_.as_of())) {
      model::Document only_id;
      only_id.document_id = v.statement.document_id;
      doc = std::make_shared<const model::Document>(std::move(only_id));
    }
    if (!doc.ok()) return doc.status();
    v.source = *std::move(doc);
    if (absl::Status st = memory_->Charge(HeapBytesOf(v)); !st.ok()) return st;
    return v;
  }

  // A statement names the survivors of the merges in force.
  void Canonicalize(model::Statement* s) const {
    if (groups_ == nullptr) return;
    s->actor = groups_->Canonical(s->actor);
    s->target = groups_->Canonical(s->target);
    if (s->attributed_to != 0) s->attributed_to = groups_->Canonical(s->attributed_to);
  }

  absl::StatusOr<std::shared_ptr<const model::Entity>> Entity(model::EntityId id) {
    auto it = entities_.find(id);
    if (it != entities_.end()) return it->second;
    auto e = EntityAsSeen(view_, cache_, groups_, id);
    if (!e.ok()) return e.status();
    if (absl::Status s = memory_->Charge(MapEntryBytes<model::EntityId, model::Entity>() +
                                         HeapBytesOf(**e));
        !s.ok()) {
      return s;
    }
    return entities_.emplace(id, *std::move(e)).first->second;
  }

  absl::StatusOr<std::shared_ptr<const model::Document>> Document(const std::string& id) {
    auto it = documents_.find(id);
    if (it != documents_.end()) return it->second;
    auto d = view_.GetDocument(id);
    if (!d.ok()) return d.status();
    if (absl::Status s = memory_->Charge(MapEntryBytes<std::string, model::Document>() +
                                         StringHeapBytes(id) + HeapBytesOf(*d));
        !s.ok()) {
      return s;
    }
    return documents_.emplace(id, std::make_shared<const model::Document>(*std::move(d)))
        .first->second;
  }

  const storage::ReadView& view_;
  EntityCache* const cache_;
  WorkLease* const memory_;
  const Groups* const groups_;  // null: no merges
  // What this call's views share (absl's maps would do too; these are small).
  std::unordered_map<model::EntityId, std::shared_ptr<const model::Entity>> entities_;
  std::unordered_map<std::string, std::shared_ptr<const model::Document>> documents_;
};

// Newest-first merge of the out and in scans of one entity. A statement from
// the entity to itself is in both and is yielded once.
class MergedScan {
 public:
  MergedScan(const storage::ReadView& view, const StatementQuery& q, const CompiledFilter& filter,
             model::EntityId entity) {
    storage::EdgeScan scan;
    scan.entity = entity;
    scan.day_lo = filter.day_lo();
    scan.day_hi = filter.day_hi();
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

// Fills `page` from `next` (newest first): the first page_size entries that
// pass `filter`, and a resume position if one more passes. With
// StatementDetail::kIndex, covering entries become views without a
// statement read; the others (written before entries were covering) are
// read whole.
template <typename NextFn>
absl::Status CollectPage(NextFn next, const CompiledFilter& filter, int page_size,
                         StatementDetail detail, Hydrator* hydrator, StatementPage* page) {
  ScratchCharge scratch(hydrator->memory());  // before `chosen`: released after it is freed
  std::vector<model::EdgeEntry> chosen;
  for (const model::EdgeEntry* e = next(); e != nullptr; e = next()) {
    if (!filter.Matches(*e)) continue;
    if (static_cast<int>(chosen.size()) == page_size) {
      // One more passes: there is a next page, after the last one taken.
      page->next = storage::EdgePosition{chosen.back().day, chosen.back().statement};
      break;
    }
    if (absl::Status s = scratch.Charge(GrownVectorBytes<model::EdgeEntry>() +
                                        StringHeapBytes(e->action_text) +
                                        StringHeapBytes(e->cameo_code));
        !s.ok()) {
      return s;
    }
    chosen.push_back(*e);
  }
  auto from_index = [detail](const model::EdgeEntry& e) {
    return detail == StatementDetail::kIndex && e.covering;
  };
  std::vector<model::StatementId> ids;
  for (const model::EdgeEntry& e : chosen) {
    if (!from_index(e)) ids.push_back(e.statement);
  }
  auto read = hydrator->LoadMany(ids);
  if (!read.ok()) return read.status();
  page->statements.reserve(chosen.size());
  auto next_read = read->begin();
  for (const model::EdgeEntry& e : chosen) {
    if (!from_index(e)) {
      page->statements.push_back(std::move(*next_read++));
      continue;
    }
    auto v = hydrator->FromEntry(e);
    if (!v.ok()) return v.status();
    page->statements.push_back(*std::move(v));
  }
  return absl::OkStatus();
}

void ValidatePageSize(int page_size, std::vector<model::FieldViolation>* out) {
  if (page_size < 1 || page_size > kMaxPageSize) {
    out->push_back({"page_size", "must be in 1..1000"});
  }
}

void CheckRef(const model::EntityRef& ref, const std::string& field,
              std::vector<model::FieldViolation>* out) {
  if (!ref.given()) out->push_back({field, "is required: give an id or a name"});
}

// The entities of `ids`, each once, charged to `memory`, through `cache`,
// as queries see them under `groups` (null: as stored).
absl::StatusOr<std::map<model::EntityId, model::Entity>> LoadEntities(
    const storage::ReadView& view, const std::vector<model::EntityId>& ids, EntityCache* cache,
    WorkLease* memory, const Groups* groups) {
  std::map<model::EntityId, model::Entity> out;
  for (model::EntityId id : ids) {
    if (out.count(id)) continue;
    auto e = EntityAsSeen(view, cache, groups, id);
    if (!e.ok()) return e.status();
    absl::Status s =
        memory->Charge(MapEntryBytes<model::EntityId, model::Entity>() + HeapBytesOf(**e));
    if (!s.ok()) return s;
    out.emplace(id, **e);
  }
  return out;
}

}  // namespace

void ValidateStatementQuery(const StatementQuery& q, std::vector<model::FieldViolation>* out) {
  CheckRef(q.entity, "entity", out);
  ValidateEdgeFilter(q.filter, "filter.", out);
  ValidatePageSize(q.page_size, out);
}

absl::StatusOr<model::Entity> GraphReader::GetEntity(model::EntityId id) const {
  model::EntityRef ref;
  ref.id = id;
  return FindEntity(ref, model::NameResolution::kExact);
}

absl::StatusOr<model::Entity> GraphReader::FindEntity(const model::EntityRef& ref,
                                                      model::NameResolution resolution,
                                                      model::Rollup rollup) const {
  auto scope = Open(std::nullopt, rollup);
  if (!scope.ok()) return scope.status();
  return FindIn(*scope, ref, resolution);
}

absl::StatusOr<model::Entity> GraphReader::FindStoredEntity(
    const model::EntityRef& ref, model::NameResolution resolution) const {
  return Find(*store_->Snapshot(), ref, resolution);
}

absl::StatusOr<model::Entity> GraphReader::FindIn(const Scope& scope, const model::EntityRef& ref,
                                                  model::NameResolution resolution) const {
  auto e = Find(*scope.view, ref, resolution);
  if (!e.ok()) return e.status();
  const Groups& g = *scope.groups;
  if (g.Trivial(scope.rollup)) return e;
  auto seen =
      EntityAsSeen(*scope.view, &entities_, &g, g.GroupOf(e->id, model::kMaxDay, scope.rollup));
  if (!seen.ok()) return seen.status();
  return **seen;
}

absl::StatusOr<GroupsAnswer> GraphReader::ListGroups(std::optional<model::EntityId> entity) const {
  auto view = store_->Snapshot();
  auto groups = GroupsOf(*view);
  if (!groups.ok()) return groups.status();
  GroupsAnswer answer;
  answer.merges = (*groups)->merges();
  std::vector<model::EntityId> ids;
  for (const model::Membership& m : (*groups)->memberships()) {
    if (entity && m.member != *entity && m.parent != *entity) continue;
    answer.memberships.push_back(m);
    ids.insert(ids.end(), {m.member, m.parent});
  }
  for (const model::EntityMerge& m : answer.merges) ids.insert(ids.end(), {m.from, m.into});
  WorkLease unlimited;
  auto entities = LoadEntities(*view, ids, &entities_, &unlimited, nullptr);
  if (!entities.ok()) return entities.status();
  answer.entities = std::move(*entities);
  return answer;
}

absl::StatusOr<std::shared_ptr<const Groups>> GraphReader::GroupsOf(
    const storage::ReadView& view) const {
  std::shared_ptr<const Groups> cached;
  {
    absl::MutexLock lock(&groups_mu_);
    cached = groups_;
  }
  auto loaded = Groups::Current(view, cached);
  if (!loaded.ok() || *loaded == cached) return loaded;
  absl::MutexLock lock(&groups_mu_);
  // Versions only grow: keep the newest of two loads that raced.
  if (groups_ == nullptr || groups_->version() < (*loaded)->version()) groups_ = *loaded;
  return *loaded;
}

absl::StatusOr<GraphReader::Scope> GraphReader::Open(std::optional<int64_t> as_of_micros,
                                                     model::Rollup rollup) const {
  Scope scope;
  auto view = SnapshotAt(as_of_micros);
  if (!view.ok()) return view.status();
  scope.view = *std::move(view);
  auto groups = GroupsOf(*scope.view);
  if (!groups.ok()) return groups.status();
  scope.groups = *std::move(groups);
  scope.rollup = rollup;
  if (!scope.groups->Trivial(rollup)) {
    scope.under = std::make_unique<GroupsUnder>(scope.groups, rollup);
    scope.view->GroupBy(scope.under.get());
  }
  return scope;
}

absl::StatusOr<std::vector<model::Entity>> GraphReader::SearchEntities(const std::string& prefix,
                                                                       int limit) const {
  // An empty folded prefix would match every name: a blank or
  // punctuation-only prefix is a mistake, not a request for everything.
  const std::string folded = FoldName(prefix);
  if (folded.empty()) {
    return model::InvalidArgument(
        {{"prefix", "has nothing to match once case, spaces and marks are ignored; give the "
                    "start of a name"}});
  }
  auto view = store_->Snapshot();
  std::vector<model::EntityId> ids;
  std::set<model::EntityId> seen;
  absl::Status s = view->ScanAliases(folded, [&](std::string_view, model::EntityId id) {
    if (seen.insert(id).second) ids.push_back(id);
    return static_cast<int>(ids.size()) < limit;
  });
  if (!s.ok()) return s;
  auto groups = GroupsOf(*view);
  if (!groups.ok()) return groups.status();
  // After merges, a survivor stands for those merged into it, once.
  std::vector<model::Entity> out;
  std::set<model::EntityId> shown;
  for (model::EntityId id : ids) {
    if (!shown.insert((*groups)->Canonical(id)).second) continue;
    auto e = EntityAsSeen(*view, &entities_, groups->get(), id);
    if (!e.ok()) return e.status();
    out.push_back(**e);
  }
  return out;
}

absl::StatusOr<std::unique_ptr<storage::ReadView>> GraphReader::SnapshotAt(
    std::optional<int64_t> as_of_micros) const {
  auto view = store_->Snapshot();
  if (!as_of_micros) return view;
  auto bounds = AsOfBounds(*view, *as_of_micros);
  if (!bounds.ok()) return bounds.status();
  view->RestrictTo(*bounds);
  return view;
}

absl::StatusOr<CompiledFilter> GraphReader::Compile(const EdgeFilter& f,
                                                    const storage::ReadView& view) const {
  CompiledFilter filter(f);
  if (!filter.needs_claims()) return filter;
  if (view.as_of()) {
    // Claims are kept for the present only.
    std::vector<model::FieldViolation> violations;
    if (f.min_sources > 1)
      violations.push_back({"filter.min_sources", "is not available with as_of"});
    if (f.contested != Contested::kAny) {
      violations.push_back({"filter.contested", "is not available with as_of"});
    }
    return model::InvalidArgument(violations);
  }
  if (absl::Status s = RequireClaims(*store_, "filter.min_sources or filter.contested");
      !s.ok()) {
    return s;
  }
  filter.UseClaims(view);
  return filter;
}

absl::StatusOr<StatementPage> GraphReader::ListStatements(const StatementQuery& q,
                                                          WorkLease* memory) const {
  std::vector<model::FieldViolation> violations;
  ValidateStatementQuery(q, &violations);
  if (!violations.empty()) return model::InvalidArgument(violations);
  auto scope = Open(q.as_of_micros, q.rollup);
  if (!scope.ok()) return scope.status();
  const storage::ReadView* view = scope->view.get();
  auto entity = FindIn(*scope, q.entity, q.resolution);
  if (!entity.ok()) return entity.status();

  WorkLease own = NewLease();
  StatementPage page;
  Hydrator hydrator(*view, &entities_, memory != nullptr ? memory : &own, scope->groups.get());
  auto filter = Compile(q.filter, *view);
  if (!filter.ok()) return filter.status();
  MergedScan scan(*view, q, *filter, entity->id);
  if (absl::Status s = CollectPage([&] { return scan.Next(); }, *filter, q.page_size, q.detail,
                                   &hydrator, &page);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = scan.status(); !s.ok()) return s;
  if (absl::Status s = filter->claims_status(); !s.ok()) return s;
  return page;
}

absl::StatusOr<StatementView> GraphReader::GetStatement(model::StatementId id,
                                                        std::optional<int64_t> as_of_micros) const {
  auto scope = Open(as_of_micros, model::Rollup::kNone);
  if (!scope.ok()) return scope.status();
  WorkLease unlimited;
  Hydrator hydrator(*scope->view, &entities_, &unlimited, scope->groups.get());
  return hydrator.Load(id);
}

absl::StatusOr<TraverseAnswer> GraphReader::Traverse(const TraverseQuery& q, const StopFn& stop,
                                                     WorkLease* memory) const {
  std::vector<model::FieldViolation> violations;
  if (q.seeds.empty() || q.seeds.size() > 100) {
    violations.push_back({"seeds", "give 1 to 100 seed entities"});
  }
  for (size_t i = 0; i < q.seeds.size(); ++i) {
    CheckRef(q.seeds[i], "seeds[" + std::to_string(i) + "]", &violations);
  }
  ValidateEdgeFilter(q.filter, "filter.", &violations);
  const TraverseLimits& l = q.limits;
  if (!InRange(l.max_depth, 1, 6)) violations.push_back({"max_depth", "must be in 1..6"});
  if (!InRange(l.max_nodes, 1, 100000)) violations.push_back({"max_nodes", "must be in 1..100000"});
  if (!InRange(l.max_edges, 1, 1000000)) {
    violations.push_back({"max_edges", "must be in 1..1000000"});
  }
  if (!InRange(l.max_fanout, 1, 1000000)) {
    violations.push_back({"max_fanout", "must be in 1..1000000"});
  }
  if (!InRange(l.evidence_per_edge, 0, 100)) {
    violations.push_back({"evidence_per_edge", "must be in 0..100"});
  }
  if (q.temporal) {
    ValidateTemporalOptions(*q.temporal, &violations);
    if (q.count_sources) {
      violations.push_back(
          {"count_sources", "is not counted for a time-respecting traversal (temporal_mode)"});
    }
  }
  if (!violations.empty()) return model::InvalidArgument(violations);

  auto scope = Open(q.as_of_micros, q.rollup);
  if (!scope.ok()) return scope.status();
  const storage::ReadView* view = scope->view.get();
  std::vector<model::EntityId> seeds;
  for (const auto& ref : q.seeds) {
    auto e = FindIn(*scope, ref, q.resolution);
    if (!e.ok()) return e.status();
    seeds.push_back(e->id);
  }
  WorkLease own = NewLease();
  if (memory == nullptr) memory = &own;
  TraverseAnswer answer;
  auto filter = Compile(q.filter, *view);
  if (!filter.ok()) return filter.status();
  std::optional<SourceCounter> sources;
  if (q.count_sources) sources.emplace(*view);
  auto r = q.temporal ? graph::TemporalTraverse(*view, seeds, q.direction, *filter, *q.temporal, l,
                                                stop, memory)
                      : graph::Traverse(*view, seeds, q.direction, *filter, l, stop, memory,
                                        sources ? &*sources : nullptr);
  if (!r.ok()) return r.status();
  if (absl::Status s = filter->claims_status(); !s.ok()) return s;
  answer.result = std::move(*r);
  ScratchCharge scratch(memory);  // before `ids`: released after it is freed
  if (absl::Status s =
          scratch.Charge(HeapBytes(answer.result.nodes.size() * sizeof(model::EntityId)));
      !s.ok()) {
    return s;
  }
  std::vector<model::EntityId> ids;
  ids.reserve(answer.result.nodes.size());
  for (const auto& n : answer.result.nodes) ids.push_back(n.id);
  auto entities = LoadEntities(*view, ids, &entities_, memory, scope->groups.get());
  if (!entities.ok()) return entities.status();
  answer.entities = std::move(*entities);
  return answer;
}

namespace {

// Time-respecting paths in the shape of static ones, so that one answer
// (and one conversion to the wire) serves both.
absl::StatusOr<PathsResult> TemporalAsPaths(absl::StatusOr<TemporalPathsResult> r) {
  if (!r.ok()) return r.status();
  PathsResult out;
  out.distance = r->distance;
  if (r->distance >= 0) out.best = PathSpan{r->departure, r->arrival};
  for (TemporalPath& p : r->paths) {
    std::vector<PathHop> hops;
    for (const TemporalHop& h : p.hops) {
      PathHop hop;
      hop.from = h.from;
      hop.to = h.to;
      hop.count = h.count;
      hop.used_day = h.day;
      for (const HopStatement& s : h.statements) hop.statements.push_back(s.id);
      hops.push_back(std::move(hop));
    }
    out.paths.push_back(std::move(p.entities));
    out.hops.push_back(std::move(hops));
    out.spans.push_back({p.departure, p.arrival});
  }
  return out;
}

}  // namespace

absl::StatusOr<PathAnswer> GraphReader::FindPaths(const PathQuery& q, const StopFn& stop,
                                                  WorkLease* memory) const {
  std::vector<model::FieldViolation> violations;
  CheckRef(q.from, "from", &violations);
  CheckRef(q.to, "to", &violations);
  ValidateEdgeFilter(q.filter, "filter.", &violations);
  ValidatePathLimits(q.max_hops, q.max_paths, q.evidence_per_hop, &violations);
  if (q.temporal) {
    ValidateTemporalOptions(*q.temporal, &violations);
    if (q.count_sources) {
      violations.push_back(
          {"count_sources", "is not counted for time-respecting paths (temporal_mode)"});
    }
  }
  if (!violations.empty()) return model::InvalidArgument(violations);
  auto scope = Open(q.as_of_micros, q.rollup);
  if (!scope.ok()) return scope.status();
  const storage::ReadView* view = scope->view.get();
  auto from = FindIn(*scope, q.from, q.resolution);
  if (!from.ok()) return from.status();
  auto to = FindIn(*scope, q.to, q.resolution);
  if (!to.ok()) return to.status();
  if (from->id == to->id) {
    return model::InvalidArgument(
        {{"to", scope->under
                    ? "is, after merges and roll-up, the same entity as `from` (" + from->name + ")"
                    : "must differ from `from`"}});
  }

  WorkLease own = NewLease();
  if (memory == nullptr) memory = &own;
  PathAnswer answer;
  auto filter = Compile(q.filter, *view);
  if (!filter.ok()) return filter.status();
  std::optional<SourceCounter> sources;
  if (q.count_sources) sources.emplace(*view);
  auto r = q.temporal ? TemporalAsPaths(graph::FindTemporalPaths(
                            *view, from->id, to->id, q.direction, *filter, *q.temporal, q.max_hops,
                            q.max_paths, q.evidence_per_hop, stop, memory))
                      : graph::FindPaths(*view, from->id, to->id, q.direction, *filter, q.max_hops,
                                         q.max_paths, q.evidence_per_hop, stop, memory,
                                         sources ? &*sources : nullptr);
  if (!r.ok()) return r.status();
  if (absl::Status s = filter->claims_status(); !s.ok()) return s;
  answer.result = std::move(*r);
  std::vector<model::EntityId> ids = {from->id, to->id};
  Hydrator hydrator(*view, &entities_, memory, scope->groups.get());
  for (const auto& p : answer.result.paths) ids.insert(ids.end(), p.begin(), p.end());
  for (const auto& hops : answer.result.hops) {
    for (const auto& hop : hops) {
      for (model::StatementId id : hop.statements) {
        if (answer.statements.count(id)) continue;
        auto v = hydrator.Load(id);
        if (!v.ok()) return v.status();
        if (absl::Status s = memory->Charge(MapEntryBytes<model::StatementId, StatementView>());
            !s.ok()) {
          return s;
        }
        answer.statements.emplace(id, std::move(*v));
      }
    }
  }
  auto entities = LoadEntities(*view, ids, &entities_, memory, scope->groups.get());
  if (!entities.ok()) return entities.status();
  answer.entities = std::move(*entities);
  return answer;
}

absl::StatusOr<WatchAnswer> GraphReader::Watch(const WatchQuery& q, WorkLease* memory) const {
  std::vector<model::FieldViolation> violations;
  if (q.entity) CheckRef(*q.entity, "entity", &violations);
  if (!violations.empty()) return model::InvalidArgument(violations);
  auto view = store_->Snapshot();
  WorkLease own = NewLease();
  if (memory == nullptr) memory = &own;
  FeedQuery feed;
  feed.after = q.after;
  feed.filter = q.filter;
  feed.max_changes = q.max_changes;
  if (q.entity) {
    auto e = Find(*view, *q.entity, q.resolution);
    if (!e.ok()) return e.status();
    feed.entity = e->id;
  }
  auto page = ReadFeed(*view, feed);
  if (!page.ok()) return page.status();
  WatchAnswer answer;
  Hydrator hydrator(*view, &entities_, memory);
  for (Change& c : page->changes) {
    auto v = hydrator.FromStatement(std::move(c.statement));
    if (!v.ok()) return v.status();
    answer.statements.push_back(*std::move(v));
  }
  answer.page = *std::move(page);
  return answer;
}

absl::StatusOr<uint64_t> GraphReader::DatabaseId() const {
  auto v = store_->GetMeta(kMetaDatabaseId);
  if (absl::IsNotFound(v.status())) return 0;  // no Ingestor opened it yet
  if (!v.ok()) return v.status();
  auto id = storage::DecodeId(*v);
  if (!id) return absl::DataLossError("corrupt meta database_id");
  return *id;
}

absl::StatusOr<DataStatistics> GraphReader::Statistics() const {
  DataStatistics out;
  auto id = DatabaseId();
  if (!id.ok()) return id.status();
  out.database_id = *id;
  auto view = store_->Snapshot();
  auto last_statement = view->LastStatementId();
  if (!last_statement.ok()) return last_statement.status();
  out.statements_ingested = *last_statement;
  auto retracted = view->LastRetractionSeq();
  if (!retracted.ok()) return retracted.status();
  out.statements_retracted = *retracted;
  auto next_entity = view->FindMeta(kMetaNextEntity);
  if (!next_entity.ok()) return next_entity.status();
  if (next_entity->has_value()) {
    auto next = storage::DecodeId(**next_entity);
    if (!next || *next == 0) return absl::DataLossError("corrupt meta next_entity_id");
    out.entities = *next - 1;
  }
  auto window = LoadClaimWindow(*store_);
  if (!window.ok()) return window.status();
  out.claim_window_days = *window;
  const storage::StoreStats stats = store_->Stats();
  out.documents_estimate = stats.estimated_documents;
  out.disk_bytes = stats.live_sst_bytes;
  return out;
}

absl::StatusOr<TimelineAnswer> GraphReader::Timeline(const TimelineQuery& q, const StopFn& stop,
                                                     WorkLease* memory) const {
  std::vector<model::FieldViolation> violations;
  CheckRef(q.a, "a", &violations);
  CheckRef(q.b, "b", &violations);
  ValidateEdgeFilter(q.filter, "filter.", &violations);
  ValidatePageSize(q.page_size, &violations);
  if (!violations.empty()) return model::InvalidArgument(violations);
  auto scope = Open(q.as_of_micros, q.rollup);
  if (!scope.ok()) return scope.status();
  const storage::ReadView* view = scope->view.get();
  auto a = FindIn(*scope, q.a, q.resolution);
  if (!a.ok()) return a.status();
  auto b = FindIn(*scope, q.b, q.resolution);
  if (!b.ok()) return b.status();

  WorkLease own = NewLease();
  if (memory == nullptr) memory = &own;
  TimelineAnswer answer;
  answer.a = *a;
  answer.b = *b;
  auto compiled = Compile(q.filter, *view);
  if (!compiled.ok()) return compiled.status();
  const CompiledFilter& filter = *compiled;
  if (!q.resume_after) {
    std::optional<SourceCounter> sources;
    if (q.count_sources) sources.emplace(*view);
    auto buckets = RelationTimeline(*view, a->id, b->id, filter, q.granularity, stop, memory,
                                    sources ? &*sources : nullptr);
    if (!buckets.ok()) return buckets.status();
    answer.buckets = std::move(*buckets);
  }
  storage::EdgeScan scan;
  scan.entity = a->id;
  scan.pair_with = b->id;
  scan.day_lo = filter.day_lo();
  scan.day_hi = filter.day_hi();
  scan.resume_after = q.resume_after;
  auto it = view->ScanEdges(scan);
  bool started = false;
  auto next = [&]() -> const model::EdgeEntry* {
    if (started) it->Next();
    started = true;
    return it->Valid() ? &it->entry() : nullptr;
  };
  Hydrator hydrator(*view, &entities_, memory, scope->groups.get());
  if (absl::Status s = CollectPage(next, filter, q.page_size, q.detail, &hydrator, &answer.page);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = it->status(); !s.ok()) return s;
  if (absl::Status s = filter.claims_status(); !s.ok()) return s;
  return answer;
}

absl::StatusOr<ProfileAnswer> GraphReader::Profile(const ProfileQuery& q, const StopFn& stop,
                                                   WorkLease* memory) const {
  std::vector<model::FieldViolation> violations;
  CheckRef(q.entity, "entity", &violations);
  if (!InRange(q.top, 0, 100)) violations.push_back({"top", "must be in 0..100"});
  if (!violations.empty()) return model::InvalidArgument(violations);
  auto scope = Open(q.as_of_micros, q.rollup);
  if (!scope.ok()) return scope.status();
  const storage::ReadView* view = scope->view.get();
  auto e = FindIn(*scope, q.entity, q.resolution);
  if (!e.ok()) return e.status();
  WorkLease own = NewLease();
  if (memory == nullptr) memory = &own;
  ProfileAnswer answer;
  answer.entity = *e;
  std::optional<SourceCounter> sources;
  if (q.count_sources) sources.emplace(*view);
  auto p = graph::Profile(*view, e->id, q.top, stop, memory, sources ? &*sources : nullptr);
  if (!p.ok()) return p.status();
  answer.profile = std::move(*p);
  std::vector<model::EntityId> ids;
  for (const auto& c : answer.profile.top) ids.push_back(c.id);
  auto entities = LoadEntities(*view, ids, &entities_, memory, scope->groups.get());
  if (!entities.ok()) return entities.status();
  answer.counterparts = std::move(*entities);
  return answer;
}

absl::StatusOr<ClaimsAnswer> GraphReader::ListClaims(const ClaimsQuery& q, const StopFn& stop,
                                                     WorkLease* memory) const {
  std::vector<model::FieldViolation> violations;
  if (q.claimant) CheckRef(*q.claimant, "claimant", &violations);
  if (!q.claimant || q.entity.given() || q.other) CheckRef(q.entity, "entity", &violations);
  if (q.other) CheckRef(*q.other, "other", &violations);
  if (q.other && q.claimant) {
    violations.push_back({"other", "cannot be given with claimant: give entity alone"});
  }
  ValidateWindow(q.date_from, q.date_to, "", &violations);
  if (q.min_sources < 0) violations.push_back({"min_sources", "must be 0 or more"});
  ValidatePageSize(q.page_size, &violations);
  if (!violations.empty()) return model::InvalidArgument(violations);
  if (absl::Status s = RequireClaims(*store_, "ListClaims"); !s.ok()) return s;
  auto view = store_->Snapshot();
  std::optional<model::EntityId> entity, other, claimant;
  for (auto [ref, id] : {std::pair{q.entity.given() ? &q.entity : nullptr, &entity},
                         std::pair{q.other ? &*q.other : nullptr, &other},
                         std::pair{q.claimant ? &*q.claimant : nullptr, &claimant}}) {
    if (ref == nullptr) continue;
    auto found = Find(*view, *ref, q.resolution);
    if (!found.ok()) return found.status();
    *id = found->id;
  }
  WorkLease own = NewLease();
  if (memory == nullptr) memory = &own;
  ClaimCriteria criteria;
  if (q.date_from.year != 0) criteria.day_lo = model::FirstDay(q.date_from);
  if (q.date_to.year != 0) criteria.day_hi = model::LastDay(q.date_to);
  criteria.contested_only = q.contested_only;
  criteria.min_sources = q.min_sources;
  auto all = claimant ? FindClaimantClaims(*view, *claimant, entity, criteria, q.order, stop, memory)
                      : FindClaims(*view, *entity, other, criteria, q.order, stop, memory);
  if (!all.ok()) return all.status();
  ClaimsAnswer answer;
  answer.total = all->size();
  if (claimant) {
    constexpr size_t kClaimantAbout = 10;
    answer.claimant_profile = TallyClaimant(*all, *claimant, kClaimantAbout);
  }
  const uint64_t begin = std::min<uint64_t>(q.offset, all->size());
  const uint64_t end = std::min<uint64_t>(begin + q.page_size, all->size());
  answer.claims.assign(std::make_move_iterator(all->begin() + begin),
                       std::make_move_iterator(all->begin() + end));
  if (end < all->size()) answer.next_offset = end;
  std::vector<model::EntityId> ids;
  for (const auto& c : answer.claims) ids.insert(ids.end(), {c.subject.actor, c.subject.target});
  if (answer.claimant_profile) {
    for (const auto& [id, n] : answer.claimant_profile->about) ids.push_back(id);
  }
  auto entities = LoadEntities(*view, ids, &entities_, memory, nullptr);
  if (!entities.ok()) return entities.status();
  answer.entities = std::move(*entities);
  return answer;
}

absl::StatusOr<ClaimAnswer> GraphReader::GetClaim(model::StatementId id, int max_statements,
                                                  WorkLease* memory) const {
  if (!InRange(max_statements, 1, kMaxClaimStatements)) {
    return model::InvalidArgument({{"max_statements", "must be in 1..1000"}});
  }
  if (absl::Status s = RequireClaims(*store_, "GetClaim"); !s.ok()) return s;
  auto view = store_->Snapshot();
  auto statement = view->GetStatement(id);
  if (absl::IsNotFound(statement.status())) {
    return absl::NotFoundError("no claim " + std::to_string(id));
  }
  if (!statement.ok()) return statement.status();
  auto claim = ClaimOfStatement(*view, *statement);
  if (!claim.ok()) return claim.status();
  if (claim->id != id) {
    return absl::NotFoundError("no claim " + std::to_string(id) + ": statement " +
                               std::to_string(id) + " belongs to claim " +
                               std::to_string(claim->id));
  }
  auto ids = ClaimStatements(*view, *claim);
  if (!ids.ok()) return ids.status();
  WorkLease own = NewLease();
  if (memory == nullptr) memory = &own;
  Hydrator hydrator(*view, &entities_, memory);
  auto views = hydrator.LoadMany(*ids);
  if (!views.ok()) return views.status();
  ClaimAnswer answer;
  answer.claim = *claim;
  std::vector<model::EntityId> entity_ids = {claim->subject.actor, claim->subject.target};
  for (StatementView& v : *views) {
    if (v.statement.attributed_to != 0) entity_ids.push_back(v.statement.attributed_to);
    std::vector<StatementView>* side = &answer.other;
    if (v.statement.modality == model::Modality::kAsserted) side = &answer.asserting;
    if (v.statement.modality == model::Modality::kDenied) side = &answer.denying;
    if (static_cast<int>(side->size()) >= max_statements) {
      answer.truncated = true;
      continue;
    }
    side->push_back(std::move(v));
  }
  auto entities = LoadEntities(*view, entity_ids, &entities_, memory, nullptr);
  if (!entities.ok()) return entities.status();
  answer.entities = std::move(*entities);
  return answer;
}

}  // namespace entente::graph
