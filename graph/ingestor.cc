#include "graph/ingestor.h"

#include <xxhash.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <random>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "graph/as_of.h"
#include "graph/countries.h"
#include "graph/names.h"
#include "graph/taxonomy.h"
#include "graph/validate.h"
#include "model/claim.h"
#include "storage/claim_book.h"
#include "storage/key_codec.h"

namespace entente::graph {
namespace {

constexpr char kMetaCountriesSeeded[] = "countries_seeded";

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Length-prefixed, so that ("ab","c") and ("a","bc") hash apart.
void AppendField(std::string* buf, std::string_view s) {
  storage::PutU32(buf, static_cast<uint32_t>(s.size()));
  buf->append(s);
}

std::string Hash128(std::string_view tag, std::string_view content) {
  std::string buf(tag);
  buf.append(content);
  const XXH128_hash_t h = XXH3_128bits(buf.data(), buf.size());
  std::string out;
  storage::PutU64(&out, h.high64);
  storage::PutU64(&out, h.low64);
  return out;
}

// The idempotency hash of a client's key.
std::string KeyHash(std::string_view key) { return Hash128("k", key); }

// The idempotency hash of a statement without a client key: of everything
// that makes the statement what it is.
std::string ContentHash(const model::Statement& s) {
  std::string c;
  storage::PutU64(&c, s.actor);
  storage::PutU64(&c, s.target);
  storage::PutU64(&c, s.attributed_to);
  AppendField(&c, s.action_text);
  AppendField(&c, s.cameo_code);
  storage::PutU32(&c, static_cast<uint32_t>(s.date.year));
  storage::PutU32(&c, static_cast<uint32_t>(s.date.month));
  storage::PutU32(&c, static_cast<uint32_t>(s.date.day));
  AppendField(&c, s.document_id);
  AppendField(&c, s.quote);
  c.push_back(static_cast<char>(s.modality));
  AppendField(&c, std::to_string(s.confidence));
  AppendField(&c, s.extractor_name);
  AppendField(&c, s.extractor_version);
  return Hash128("c", c);
}

// A given code is kept; otherwise the lexicon may know the action's text.
void ClassifyAction(const model::StatementInput& in, model::Statement* s) {
  if (!in.cameo_code.empty()) {
    s->cameo_code = in.cameo_code;
    s->code_source = model::CodeSource::kGiven;
  } else if (auto code = Taxonomy::Get().Classify(in.action_text)) {
    s->cameo_code = *code;
    s->code_source = model::CodeSource::kLexicon;
  } else {
    s->code_source = model::CodeSource::kUnclassified;
  }
}

// The statement to store for `in`, its names resolved to these ids.
model::Statement ToStatement(const model::StatementInput& in, model::EntityId actor,
                             model::EntityId target, model::EntityId attributed_to, int64_t now) {
  model::Statement s;
  s.actor = actor;
  s.target = target;
  s.attributed_to = attributed_to;
  s.action_text = in.action_text;
  ClassifyAction(in, &s);
  s.date = in.date;
  s.document_id = in.source.document_id;
  s.quote = in.quote;
  s.modality =
      in.modality == model::Modality::kUnspecified ? model::Modality::kAsserted : in.modality;
  // -0.0 passes the range check and equals 0.0, but would print, store and
  // hash (ContentHash) differently: one confidence, one representation.
  s.confidence = in.confidence.value_or(1.0) + 0.0;
  s.extractor_name = in.extractor_name;
  s.extractor_version = in.extractor_version;
  s.ingested_at_micros = now;
  s.idempotency_key = in.idempotency_key;
  s.reported = in.reported;
  return s;
}

}  // namespace

model::CodeSource ClassifyStatementAction(std::string_view action_text,
                                          std::string_view given_code, std::string* code) {
  model::StatementInput in;
  in.action_text = action_text;
  in.cameo_code = given_code;
  model::Statement s;
  ClassifyAction(in, &s);
  *code = std::move(s.cameo_code);
  return s.code_source;
}

namespace {

absl::Status EnsureDatabaseId(storage::Store* store) {
  auto id = store->GetMeta(kMetaDatabaseId);
  if (id.ok() || !absl::IsNotFound(id.status())) return id.status();
  std::random_device random;
  const uint64_t value = (uint64_t{random()} << 32) ^ random();
  storage::WriteSet ws = store->NewWriteSet();
  ws.PutMeta(kMetaDatabaseId, storage::EncodeId(value == 0 ? 1 : value));
  return store->Commit(ws);
}

}  // namespace

absl::StatusOr<IdCounters> LoadIdCounters(const storage::Store& store) {
  IdCounters counters;
  for (auto [name, counter] : {std::pair{kMetaNextEntity, &counters.next_entity},
                               std::pair{kMetaNextStatement, &counters.next_statement}}) {
    auto v = store.GetMeta(name);
    if (v.ok()) {
      auto id = storage::DecodeId(*v);
      if (!id) return absl::DataLossError(std::string("corrupt meta ") + name);
      *counter = *id;
    } else if (!absl::IsNotFound(v.status())) {
      return v.status();
    }
  }
  return counters;
}

absl::StatusOr<std::optional<int32_t>> LoadClaimWindow(const storage::Store& store) {
  auto v = store.GetMeta(kMetaClaimWindow);
  if (absl::IsNotFound(v.status())) return std::nullopt;
  if (!v.ok()) return v.status();
  const auto window = storage::DecodeId(*v);
  if (!window || *window > static_cast<uint64_t>(model::kMaxClaimWindowDays)) {
    return absl::DataLossError(std::string("corrupt meta ") + kMetaClaimWindow);
  }
  return static_cast<int32_t>(*window);
}

absl::StatusOr<uint64_t> StartKeepingClaims(storage::Store* store, int32_t window_days) {
  auto kept = LoadClaimWindow(*store);
  if (!kept.ok()) return kept.status();
  if (kept->has_value()) {
    return absl::FailedPreconditionError("the database keeps claims already, with a window of " +
                                         std::to_string(**kept) + " days");
  }
  auto written = storage::RebuildAllClaims(store, window_days);
  if (!written.ok()) return written.status();
  // Last, so that a rebuild cut short leaves a store that keeps no claims.
  storage::WriteSet ws = store->NewWriteSet();
  ws.PutMeta(kMetaClaimWindow, storage::EncodeId(window_days));
  if (absl::Status st = store->Commit(ws); !st.ok()) return st;
  return *written;
}

SummaryShare SummaryShareOf(std::string_view code) {
  return {static_cast<uint8_t>(Taxonomy::RootIndex(code)),
          static_cast<int32_t>(std::lround(Taxonomy::Get().GoldsteinOf(code) * 10))};
}

// The state of one batch being applied: what it has created so far, so that
// later statements of the same batch see earlier ones.
class Ingestor::Batch {
 public:
  Batch(storage::Store* store, model::NameResolution resolution, model::EntityId* next_entity,
        model::StatementId* next_statement, NameCache* exact_cache, NameCache* alias_cache,
        std::unordered_map<std::string, model::StatementId>* hashes,
        std::unordered_set<std::string>* documents, std::optional<int32_t> claim_window)
      : hashes_(*hashes),
        documents_(*documents),
        view_(store->Latest()),
        ws_(store->NewWriteSet()),
        resolution_(resolution),
        next_entity_(next_entity),
        next_statement_(next_statement),
        exact_cache_(exact_cache),
        alias_cache_(alias_cache) {
    if (claim_window) claims_.emplace(view_.get(), *claim_window);
  }

  // The batch's claims, if the store keeps them.
  storage::ClaimBook* claims() { return claims_ ? &*claims_ : nullptr; }

  // After a successful commit: the entities this batch created may be cached.
  // Their folded names only under alias resolution: an entity created by an
  // exact name may share its folded name with an older entity, which stays
  // the one an alias lookup finds.
  void PublishNames() {
    for (const auto& [name, id] : exact_) exact_cache_->Put(name, id);
    if (resolution_ != model::NameResolution::kAlias) return;
    for (const auto& [folded, id] : alias_) alias_cache_->Put(folded, id);
  }

  storage::WriteSet& write_set() { return ws_; }

  // Hashes and documents seen so far: this batch's, or in bulk mode every
  // staged batch's.
  std::unordered_map<std::string, model::StatementId>& hashes_;
  std::unordered_set<std::string>& documents_;

  // Resolves without creating. Returns the id, 0 if the name is new, or an
  // error (unknown id: NotFound; storage failure: other codes).
  absl::StatusOr<model::EntityId> Lookup(const model::EntityRef& ref) {
    if (ref.id != 0) {
      if (created_ids_.count(ref.id)) return ref.id;
      auto e = view_->GetEntity(ref.id);
      if (!e.ok()) return e.status();
      return ref.id;
    }
    if (resolution_ == model::NameResolution::kExact) {
      if (const auto* cached = exact_cache_->Find(ref.name)) return *cached;
      auto it = exact_.find(ref.name);
      if (it != exact_.end()) return it->second;
      auto id = view_->FindExactName(ref.name);
      if (absl::IsNotFound(id.status())) return 0;
      if (id.ok()) exact_cache_->Put(ref.name, *id);
      return id;
    }
    const std::string folded = FoldName(ref.name);
    if (const auto* cached = alias_cache_->Find(folded)) return *cached;
    auto it = alias_.find(folded);
    if (it != alias_.end()) return it->second;
    auto id = view_->FindAlias(folded);
    if (absl::IsNotFound(id.status())) return 0;
    if (id.ok()) alias_cache_->Put(folded, *id);
    return id;
  }

  model::EntityId Create(const model::EntityRef& ref) {
    model::Entity e;
    e.id = (*next_entity_)++;
    e.name = ref.name;
    e.kind = ref.kind == model::EntityKind::kUnspecified ? model::EntityKind::kOther : ref.kind;
    ws_.PutEntity(e);
    std::string folded = FoldName(ref.name);
    // An exact name is unique; a folded alias may be shared (exact "alpha"
    // and "Alpha" both fold to "alpha") and then resolves to the lowest id.
    ws_.PutExactName(ref.name, e.id);
    ws_.PutAlias(folded, e.id);
    exact_.emplace(ref.name, e.id);
    alias_.emplace(std::move(folded), e.id);
    created_ids_.insert(e.id);
    created_.emplace_back(e.id, e.name);
    return e.id;
  }

  // The entities this batch made, in id order, with their names.
  const std::vector<std::pair<model::EntityId, std::string>>& created() const { return created_; }

  // Looks up the client keys of `batch` in the store at once (one MultiGet
  // rather than a Get per statement), for FindDuplicate, and keeps each
  // key's hash by its position in the batch, for Apply.
  absl::Status PrefetchKeys(const std::vector<model::StatementInput>& batch) {
    key_hashes_.assign(batch.size(), std::string());
    std::vector<std::string> hashes;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].idempotency_key.empty()) continue;
      key_hashes_[i] = KeyHash(batch[i].idempotency_key);
      hashes.push_back(key_hashes_[i]);
    }
    if (hashes.empty()) return absl::OkStatus();
    auto ids = view_->FindIdempotencyHashes(hashes);
    if (!ids.ok()) return ids.status();
    stored_.reserve(hashes.size());
    for (size_t i = 0; i < hashes.size(); ++i) stored_.emplace(std::move(hashes[i]), (*ids)[i]);
    return absl::OkStatus();
  }

  // Returns the stored id if the hash is known (in the store or earlier in
  // this batch), 0 if new.
  absl::StatusOr<model::StatementId> FindDuplicate(const std::string& hash) {
    auto it = hashes_.find(hash);
    if (it != hashes_.end()) return it->second;
    if (auto known = stored_.find(hash); known != stored_.end()) return known->second;
    auto id = view_->FindIdempotencyHash(hash);
    if (absl::IsNotFound(id.status())) return 0;
    return id;
  }

  // Whether statement i of the batch was stored before (in the store, or
  // earlier in the batch); if so it is counted as a duplicate in `out`.
  absl::StatusOr<bool> SeenBefore(const std::string& hash, size_t i, IngestOutcome* out) {
    auto dup = FindDuplicate(hash);
    if (!dup.ok()) return dup.status();
    if (*dup == 0) return false;
    ++out->duplicate;
    out->ids[i] = *dup;
    return true;
  }

  // Applies statement i of the batch (`index` in the request), after
  // PrefetchKeys of the whole batch: rejects it
  // into `out`, counts it as a duplicate, or adds it. Fails only when the
  // store does.
  absl::Status Apply(const model::StatementInput& in, size_t i, uint64_t index, int64_t now,
                     IngestOutcome* out);

  absl::Status AddStatement(model::Statement& s, const std::string& hash,
                            const model::Document& doc) {
    s.id = (*next_statement_)++;
    hashes_.emplace(hash, s.id);
    if (!documents_.count(doc.document_id)) {
      auto existing = view_->GetDocument(doc.document_id);
      if (absl::IsNotFound(existing.status())) {
        ws_.PutDocument(doc);
        if (claims_) publishers_.emplace(doc.document_id, doc.publisher);
      } else if (!existing.ok()) {
        return existing.status();
      } else if (claims_) {
        publishers_.emplace(doc.document_id, existing->publisher);
      }
      documents_.insert(doc.document_id);
    }
    ws_.PutStatement(s, hash, SummaryShareOf(s.cameo_code));
    if (!claims_) return absl::OkStatus();
    // Claims are kept only online, where documents_ is this batch's, so
    // every document in it has its publisher here.
    return claims_->Add(storage::ClaimMemberOf(s, publishers_[s.document_id]));
  }

 private:
  std::unique_ptr<storage::ReadView> view_;
  storage::WriteSet ws_;
  std::optional<storage::ClaimBook> claims_;  // reads through view_
  // With claims_: the stored publisher of each document this batch names.
  std::unordered_map<std::string, std::string> publishers_;
  const model::NameResolution resolution_;
  model::EntityId* next_entity_;
  model::StatementId* next_statement_;
  NameCache* exact_cache_;
  NameCache* alias_cache_;
  std::unordered_map<std::string, model::EntityId> exact_;
  std::unordered_map<std::string, model::EntityId> alias_;
  std::unordered_set<model::EntityId> created_ids_;
  std::vector<std::pair<model::EntityId, std::string>> created_;
  // PrefetchKeys' answers: client key hash -> stored id, 0 if none.
  std::unordered_map<std::string, model::StatementId> stored_;
  // The hash of statement i's client key (empty if none), from PrefetchKeys;
  // Apply takes it.
  std::vector<std::string> key_hashes_;
};

Ingestor::Ingestor(storage::Store* store, Clock clock, Mode mode,
                   std::optional<int32_t> new_store_claim_window)
    : store_(store),
      clock_(clock ? std::move(clock) : Clock(NowMicros)),
      mode_(mode),
      new_store_claim_window_(new_store_claim_window) {
  if (mode_ == Mode::kBulk) {
    exact_cache_.Unbound();
    alias_cache_.Unbound();
  }
}

absl::Status Ingestor::FinishBulk() {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ != Mode::kBulk) return absl::FailedPreconditionError("not a bulk ingestor");
  staged_hashes_.clear();
  staged_documents_.clear();
  return store_->IngestStaged();
}

int64_t Ingestor::Now() {
  // A clock stepped back (NTP) must not date a commit before the last one.
  last_commit_micros_ = std::max(last_commit_micros_, clock_());
  return last_commit_micros_;
}

absl::Status Ingestor::Init() {
  std::lock_guard<std::mutex> lock(mu_);
  auto counters = LoadIdCounters(*store_);
  if (!counters.ok()) return counters.status();
  next_entity_ = counters->next_entity;
  next_statement_ = counters->next_statement;
  if (absl::Status st = EnsureDatabaseId(store_); !st.ok()) return st;
  const auto view = store_->Snapshot();
  auto last_seq = view->LastRetractionSeq();
  if (!last_seq.ok()) return last_seq.status();
  last_retraction_seq_ = *last_seq;
  auto last_commit = LastCommitMicros(*view);
  if (!last_commit.ok()) return last_commit.status();
  last_commit_micros_ = *last_commit;
  auto window = LoadClaimWindow(*store_);
  if (!window.ok()) return window.status();
  claim_window_ = *window;
  if (mode_ == Mode::kBulk && next_statement_ != 1) {
    // Summaries are staged as totals, which would replace, not add to,
    // those already stored.
    return absl::FailedPreconditionError(
        "a bulk load needs a database without statements; use online ingest to add to one");
  }
  auto seeded = store_->GetMeta(kMetaCountriesSeeded);
  if (seeded.ok()) return mode_ == Mode::kOnline ? ExamineNewNames() : absl::OkStatus();
  if (!absl::IsNotFound(seeded.status())) return seeded.status();

  storage::WriteSet ws = store_->NewWriteSet();
  std::unordered_set<std::string> exact_taken;
  for (const Country& c : Countries()) {
    model::Entity e;
    e.id = next_entity_++;
    e.name = c.name;
    e.kind = model::EntityKind::kCountry;
    e.country_code = c.alpha3;
    e.aliases = c.aliases;
    ws.PutEntity(e);
    // Only the canonical name is an exact name: under exact resolution a
    // name is an identifier, so "Russian Federation" in a curated file must
    // stay its own entity rather than come back as "Russia".
    if (exact_taken.insert(c.name).second) ws.PutExactName(c.name, e.id);
    std::vector<std::string_view> names = {c.name};
    names.insert(names.end(), c.aliases.begin(), c.aliases.end());
    std::unordered_set<std::string> folded_done;
    for (std::string_view n : names) {
      std::string folded = FoldName(n);
      if (folded_done.insert(folded).second) ws.PutAlias(folded, e.id);
    }
  }
  ws.PutMeta(kMetaNextEntity, storage::EncodeId(next_entity_));
  ws.PutMeta(kMetaCountriesSeeded, "1");
  // A new store asked to keep claims keeps them from its first statement.
  // The bulk loader does not build them yet, so a bulk-loaded store keeps
  // none.
  const bool keep_claims = mode_ == Mode::kOnline && new_store_claim_window_.has_value();
  if (keep_claims) ws.PutMeta(kMetaClaimWindow, storage::EncodeId(*new_store_claim_window_));
  absl::Status st = store_->Commit(ws);
  if (st.ok() && keep_claims) claim_window_ = *new_store_claim_window_;
  return st;
}

absl::Status Ingestor::Batch::Apply(const model::StatementInput& in, size_t i, uint64_t index,
                                    int64_t now, IngestOutcome* out) {
  const std::string prefix = "statements[" + std::to_string(index) + "].";
  std::vector<model::FieldViolation> violations;
  ValidateStatement(in, prefix, &violations);

  // Every reference is looked up before any is created, so that a statement
  // rejected for its target does not leave its new actor behind.
  const model::EntityRef* refs[] = {&in.actor, &in.target, &in.attributed_to};
  static constexpr const char* kFields[] = {"actor", "target", "attributed_to"};
  model::EntityId ids[] = {0, 0, 0};
  const bool valid = violations.empty();
  for (int r = 0; r < 3 && valid; ++r) {
    if (!refs[r]->given()) continue;
    auto id = Lookup(*refs[r]);
    if (absl::IsNotFound(id.status())) {
      violations.push_back({prefix + kFields[r] + ".id",
                            "no entity has id " + std::to_string(refs[r]->id)});
    } else if (!id.ok()) {
      return id.status();
    } else {
      ids[r] = *id;
    }
  }
  if (!violations.empty()) {
    ++out->rejected;
    out->rejections.push_back({index, std::move(violations)});
    return absl::OkStatus();
  }
  // A client key is checked before anything is created, so that a resent
  // statement naming a new entity does not create it.
  std::string hash;
  if (!in.idempotency_key.empty()) {
    hash = std::move(key_hashes_[i]);
    auto dup = SeenBefore(hash, i, out);
    if (!dup.ok()) return dup.status();
    if (*dup) return absl::OkStatus();
  }
  bool created = false;
  for (int r = 0; r < 3; ++r) {
    if (!refs[r]->given() || ids[r] != 0) continue;
    // An earlier reference of this statement may have just created the
    // same new name ("A" -> "A"): look again, or a self-loop would make two
    // entities of one name.
    auto id = Lookup(*refs[r]);
    if (!id.ok()) return id.status();
    ids[r] = *id != 0 ? *id : Create(*refs[r]);
    created = true;
  }

  model::Statement s = ToStatement(in, ids[0], ids[1], ids[2], now);
  if (hash.empty()) {
    hash = ContentHash(s);
    // A statement naming a just-created entity cannot have been seen.
    if (!created) {
      auto dup = SeenBefore(hash, i, out);
      if (!dup.ok()) return dup.status();
      if (*dup) return absl::OkStatus();
    }
  }
  if (absl::Status st = AddStatement(s, hash, in.source); !st.ok()) return st;
  ++out->accepted;
  out->ids[i] = s.id;
  return absl::OkStatus();
}

absl::StatusOr<IngestOutcome> Ingestor::Ingest(const std::vector<model::StatementInput>& batch,
                                               model::NameResolution resolution,
                                               uint64_t index_base) {
  IngestOutcome out;
  out.ids.assign(batch.size(), 0);
  std::lock_guard<std::mutex> lock(mu_);
  const model::EntityId entity_mark = next_entity_;
  const model::StatementId statement_mark = next_statement_;
  std::unordered_map<std::string, model::StatementId> local_hashes;
  std::unordered_set<std::string> local_documents;
  const bool bulk = mode_ == Mode::kBulk;
  Batch b(store_, resolution, &next_entity_, &next_statement_, &exact_cache_, &alias_cache_,
          bulk ? &staged_hashes_ : &local_hashes, bulk ? &staged_documents_ : &local_documents,
          bulk ? std::nullopt : claim_window_);
  const int64_t now = Now();
  absl::Status st = b.PrefetchKeys(batch);
  for (size_t i = 0; i < batch.size() && st.ok(); ++i) {
    st = b.Apply(batch[i], i, index_base + i, now, &out);
  }
  storage::WriteSet& ws = b.write_set();
  if (st.ok() && !ws.empty()) {
    ws.PutMeta(kMetaNextEntity, storage::EncodeId(next_entity_));
    ws.PutMeta(kMetaNextStatement, storage::EncodeId(next_statement_));
    st = AddNameMemberships(b.created(), now, &ws);
    if (storage::ClaimBook* claims = b.claims(); claims != nullptr && st.ok()) {
      st = claims->WriteTo(&ws);
    }
    if (st.ok()) st = bulk ? store_->Stage(ws) : store_->Commit(ws);
  }
  if (!st.ok()) {
    // Nothing of the batch is stored, so its ids may be reused.
    next_entity_ = entity_mark;
    next_statement_ = statement_mark;
    return st;
  }
  b.PublishNames();
  return out;
}

}  // namespace entente::graph
