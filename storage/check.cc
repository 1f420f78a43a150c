// Store::Check(): see storage/check.h.
//
// Each family is read once in key order from one snapshot. Statements leave
// a 64-bit fingerprint of what their index entries must say (actor, target,
// day, code, confidence, modality, and the list fields of a covering
// entry); each index entry recomputes it from its key and value, so "entry agrees with statement" needs no random read, and
// a bit per family records that the statement's entry was seen. Summary
// cells are recomputed per entity while scanning out_edges (then in_edges),
// which are in entity order as the summaries family is, and merged with it.
#include "storage/check.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rocksdb/db.h"
#include "storage/check_claims.h"
#include "storage/key_codec.h"
#include "storage/record_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/statement_rows.h"
#include "storage/store.h"

namespace entente::storage {
namespace {

constexpr uint8_t kSeenOut = 1, kSeenIn = 2, kSeenPair = 4, kSeenIdempotency = 8;

uint32_t Hash32(const std::string& buf) {
  const uint64_t h = std::hash<std::string>{}(buf);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

// What an index entry says of its statement, hashed: the upper half from
// the fields every entry has (actor, target, day, code, confidence,
// modality), the lower half from the list fields of a covering entry (0
// for an entry written without them: see Matches).
uint64_t Fingerprint(model::EntityId actor, model::EntityId target, int32_t day,
                     const model::EdgeEntry& e) {
  std::string core;
  PutU64(&core, actor);
  PutU64(&core, target);
  PutU32(&core, EncodeDay(day));
  uint32_t bits = 0;
  std::memcpy(&bits, &e.confidence, sizeof bits);
  PutU32(&core, bits);
  core.push_back(static_cast<char>(e.modality));
  core.append(e.cameo_code);
  uint32_t list_hash = 0;
  if (e.covering) {
    std::string list(1, static_cast<char>(e.precision));
    PutU64(&list, e.attributed_to);
    list.append(e.action_text);
    list_hash = Hash32(list) | 1;  // never 0
  }
  return (uint64_t{Hash32(core) | 1u} << 32) | list_hash;  // never 0: 0 marks "no statement"
}

// The fingerprint of a statement's index entries, as the rows it writes
// (storage/statement_rows.h) say.
uint64_t FingerprintOf(const model::Statement& s) {
  model::EdgeEntry e;
  DecodeEdgeValue(EdgeValueOf(s, s.target), &e);
  return Fingerprint(s.actor, s.target, model::FirstDay(s.date), e);
}

// An entry agrees with its statement's fingerprint; one written before the
// list fields existed is held to the core fields only.
bool Matches(uint64_t entry, uint64_t statement) {
  if (entry == statement) return true;
  return (entry & 0xffffffffu) == 0 && (entry >> 32) == (statement >> 32);
}

std::string Hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) absl::StrAppendFormat(&out, "%02x", c);
  return out;
}

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

class Checker {
 public:
  Checker(rocksdb::DB* db, const rocksdb::Snapshot* snapshot, const CheckOptions& options)
      : db_(db), options_(options) {
    ro_.snapshot = snapshot;
    ro_.fill_cache = false;  // a whole-database scan must not evict the working set
  }

  CheckReport& report() { return report_; }

  std::unique_ptr<rocksdb::Iterator> Scan(rocksdb::ColumnFamilyHandle* cf) {
    return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro_, cf));
  }

  void Problem(ProblemKind kind, std::string_view cf, std::string_view key, uint64_t statement,
               std::string description) {
    RecordProblem({kind, std::string(cf), std::string(key), statement, std::move(description)},
                  options_.max_problems, &report_);
  }

  absl::Status Entities(rocksdb::ColumnFamilyHandle* cf) {
    auto it = Scan(cf);
    it->SeekToLast();
    if (it->Valid()) {
      if (auto id = DecodeEntityKey(View(it->key()))) entities_.resize(*id + 1, false);
    }
    model::Entity e;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.checked.entities;
      auto id = DecodeEntityKey(View(it->key()));
      if (!id || !DecodeEntity(View(it->value()), &e)) {
        Problem(ProblemKind::kCorruptRecord, "entities", View(it->key()), 0,
                "entity record does not decode");
        continue;
      }
      if (*id < entities_.size()) entities_[*id] = true;
    }
    return FromRocksDb(it->status(), "check entities");
  }

  bool HasEntity(model::EntityId id) const { return id < entities_.size() && entities_[id]; }

  absl::Status Names(rocksdb::ColumnFamilyHandle* cf) {
    auto it = Scan(cf);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.checked.names;
      const std::string_view key = View(it->key());
      std::optional<model::EntityId> id;
      if (!key.empty() && key[0] == kNameTagExact) {
        id = DecodeId(View(it->value()));
      } else if (auto alias = DecodeAliasKey(key)) {
        id = alias->entity;
      }
      if (!id) {
        Problem(ProblemKind::kCorruptRecord, "names", key, 0, "name entry does not decode");
      } else if (!HasEntity(*id)) {
        Problem(ProblemKind::kMissingEntity, "names", key, 0,
                absl::StrCat("name entry refers to entity ", *id, ", which does not exist"));
      }
    }
    return FromRocksDb(it->status(), "check names");
  }

  absl::Status Documents(rocksdb::ColumnFamilyHandle* cf) {
    auto it = Scan(cf);
    model::Document d;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.checked.documents;
      if (!DecodeDocument(View(it->value()), &d)) {
        Problem(ProblemKind::kCorruptRecord, "documents", View(it->key()), 0,
                "document record does not decode");
        continue;
      }
      documents_.push_back(std::hash<std::string_view>{}(View(it->key())));
    }
    std::sort(documents_.begin(), documents_.end());
    return FromRocksDb(it->status(), "check documents");
  }

  absl::Status Statements(rocksdb::ColumnFamilyHandle* cf) {
    auto it = Scan(cf);
    it->SeekToLast();
    if (it->Valid()) {
      if (auto id = DecodeStatementKey(View(it->key()))) {
        fingerprints_.resize(*id + 1, 0);
        seen_.resize(*id + 1, 0);
      }
    }
    model::Statement s;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.checked.statements;
      const std::string_view key = View(it->key());
      auto id = DecodeStatementKey(key);
      if (!id || *id == 0 || *id >= fingerprints_.size() || !DecodeStatement(View(it->value()), &s)) {
        Problem(ProblemKind::kCorruptRecord, "statements", key, id.value_or(0),
                "statement record does not decode");
        continue;
      }
      for (auto [role, entity] : {std::pair{"actor", s.actor}, std::pair{"target", s.target},
                                  std::pair{"attributed_to", s.attributed_to}}) {
        if (entity == 0 && std::string_view(role) == "attributed_to") continue;
        if (!HasEntity(entity)) {
          Problem(ProblemKind::kMissingEntity, "entities", EntityKey(entity), *id,
                  absl::StrCat("statement ", *id, ": ", role, " entity ", entity,
                               " does not exist"));
        }
      }
      if (!std::binary_search(documents_.begin(), documents_.end(),
                              std::hash<std::string_view>{}(s.document_id))) {
        Problem(ProblemKind::kMissingDocument, "documents", s.document_id, *id,
                absl::StrCat("statement ", *id, ": document \"", s.document_id,
                             "\" does not exist"));
      }
      fingerprints_[*id] = FingerprintOf(s);
    }
    return FromRocksDb(it->status(), "check statements");
  }

  // One pass over out_edges (kSummaryOut) or in_edges (kSummaryIn), merged
  // with the summaries of that direction.
  absl::Status Edges(rocksdb::ColumnFamilyHandle* cf, rocksdb::ColumnFamilyHandle* summaries,
                     uint8_t dir) {
    const char* cf_name = dir == kSummaryOut ? "out_edges" : "in_edges";
    const uint8_t bit = dir == kSummaryOut ? kSeenOut : kSeenIn;
    uint64_t& count = dir == kSummaryOut ? report_.checked.out_edges : report_.checked.in_edges;
    summary_it_ = Scan(summaries);
    summary_it_->SeekToFirst();
    summary_dir_ = dir;
    auto it = Scan(cf);
    std::optional<model::EntityId> current;
    std::map<std::string, SummaryCell> expected;  // of `current`, by key
    model::EdgeEntry e;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++count;
      const std::string_view key = View(it->key());
      auto k = DecodeEdgeKey(key);
      if (!k || !DecodeEdgeValue(View(it->value()), &e)) {
        Problem(ProblemKind::kCorruptRecord, cf_name, key, k ? k->statement : 0,
                "index entry does not decode");
        continue;
      }
      if (current != k->entity) {
        if (current) MergeSummaries(*current, expected);
        expected.clear();
        current = k->entity;
      }
      const model::EntityId actor = dir == kSummaryOut ? k->entity : e.counterpart;
      const model::EntityId target = dir == kSummaryOut ? e.counterpart : k->entity;
      if (!Entry(cf_name, key, k->statement, bit, Fingerprint(actor, target, k->day, e))) {
        continue;  // what it would add to summaries is already reported
      }
      SummaryCell c;
      c.entity = k->entity;
      c.dir = dir;
      c.counterpart = e.counterpart;
      int32_t goldstein_x10 = 0;
      options_.classify(e.cameo_code, &c.root, &goldstein_x10);
      c.month = SummaryMonth(model::DateOfDay(k->day));
      AddToSummary(&expected.try_emplace(SummaryKey(c), c).first->second, k->day, goldstein_x10);
    }
    if (current) MergeSummaries(*current, expected);
    MergeSummaries(std::nullopt, {});
    if (absl::Status s = FromRocksDb(summary_it_->status(), "check summaries"); !s.ok()) return s;
    summary_it_.reset();
    return FromRocksDb(it->status(), std::string("check ") + cf_name);
  }

  absl::Status Pairs(rocksdb::ColumnFamilyHandle* cf) {
    auto it = Scan(cf);
    model::EdgeEntry e;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.checked.pair_edges;
      const std::string_view key = View(it->key());
      auto k = DecodePairKey(key);
      if (!k || !DecodeEdgeValue(View(it->value()), &e)) {
        Problem(ProblemKind::kCorruptRecord, "pair_edges", key, k ? k->statement : 0,
                "index entry does not decode");
        continue;
      }
      // The value names the actor; the target is the pair's other member.
      const model::EntityId actor = e.counterpart;
      const model::EntityId target = actor == k->lo ? k->hi : k->lo;
      const bool member = actor == k->lo || actor == k->hi;
      Entry("pair_edges", key, k->statement, kSeenPair,
            member ? Fingerprint(actor, target, k->day, e) : 0);
    }
    return FromRocksDb(it->status(), "check pair_edges");
  }

  absl::Status Idempotency(rocksdb::ColumnFamilyHandle* cf, uint64_t next_statement_id) {
    auto it = Scan(cf);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.checked.idempotency_keys;
      const std::string_view key = View(it->key());
      auto id = DecodeId(View(it->value()));
      if (!id || key.size() != kIdempotencyHashSize) {
        Problem(ProblemKind::kCorruptRecord, "idempotency", key, 0,
                "idempotency entry does not decode");
        continue;
      }
      if (*id < fingerprints_.size() && fingerprints_[*id] != 0) {
        seen_[*id] |= kSeenIdempotency;
        continue;
      }
      // A retracted statement's key stays, reserved (storage/key_codec.h):
      // only an id that was never allocated is dangling.
      const bool allocated = *id != 0 && (next_statement_id == 0 || *id < next_statement_id);
      if (!allocated) {
        Problem(ProblemKind::kDanglingIdempotencyKey, "idempotency", key, *id,
                absl::StrCat("idempotency key points to statement ", *id,
                             ", which was never stored"));
      }
    }
    return FromRocksDb(it->status(), "check idempotency");
  }

  // Reports every statement whose entries were not all seen. `statements`
  // reads the statement back, for the key of what is missing.
  void Unseen(rocksdb::ColumnFamilyHandle* statements) {
    for (model::StatementId id = 1; id < fingerprints_.size(); ++id) {
      if (fingerprints_[id] == 0) continue;
      const uint8_t seen = seen_[id];
      if (seen == (kSeenOut | kSeenIn | kSeenPair | kSeenIdempotency)) continue;
      model::Statement s;
      std::string value;
      const bool read = db_->Get(ro_, statements, StatementKey(id), &value).ok() &&
                        DecodeStatement(value, &s);
      const int32_t day = read ? model::FirstDay(s.date) : 0;
      struct Missing {
        uint8_t bit;
        const char* cf;
        std::string key;
      };
      const Missing missing[] = {
          {kSeenOut, "out_edges", read ? EdgeKey(s.actor, day, id) : ""},
          {kSeenIn, "in_edges", read ? EdgeKey(s.target, day, id) : ""},
          {kSeenPair, "pair_edges",
           read ? PairKey(std::min(s.actor, s.target), std::max(s.actor, s.target), day, id) : ""},
      };
      for (const auto& m : missing) {
        if (seen & m.bit) continue;
        Problem(ProblemKind::kMissingIndexEntry, m.cf, m.key, id,
                absl::StrCat("statement ", id, " has no ", m.cf, " entry"));
      }
      if (!(seen & kSeenIdempotency)) {
        Problem(ProblemKind::kMissingIdempotencyKey, "idempotency", "", id,
                absl::StrCat("no idempotency key points to statement ", id));
      }
    }
  }

 private:
  // Checks one index entry against its statement's fingerprint (0: the
  // entry cannot be right whatever the statement); true if it agrees.
  bool Entry(std::string_view cf, std::string_view key, model::StatementId id, uint8_t bit,
             uint64_t fingerprint) {
    if (id >= fingerprints_.size() || fingerprints_[id] == 0) {
      Problem(ProblemKind::kOrphanIndexEntry, cf, key, id,
              absl::StrCat(std::string(cf), " entry for statement ", id, ", which does not exist"));
      return false;
    }
    if (!Matches(fingerprint, fingerprints_[id]) || (seen_[id] & bit)) {
      Problem(ProblemKind::kIndexMismatch, cf, key, id,
              absl::StrCat(std::string(cf), " entry ", Hex(key), " disagrees with statement ", id,
                           " (entity, day, counterpart, code, confidence, modality, date "
                           "precision, claimant or action text)"));
      return false;
    }
    seen_[id] |= bit;
    return true;
  }

  bool SummaryOfDir(std::string_view key) const {
    return key.size() == kSummaryKeySize && static_cast<uint8_t>(key[8]) == summary_dir_;
  }

  // Merges the expected cells of `entity` with the stored ones of the
  // current direction. Stored cells of entities before it that no entry
  // implied are orphans. nullopt: the end, every remaining stored cell.
  void MergeSummaries(std::optional<model::EntityId> entity,
                      const std::map<std::string, SummaryCell>& expected) {
    const std::string prefix = entity ? SummaryPrefix(*entity, summary_dir_) : "";
    auto ex = expected.begin();
    rocksdb::Iterator* it = summary_it_.get();
    const char* dir_name = summary_dir_ == kSummaryOut ? "out" : "in";
    while (true) {
      std::optional<std::string_view> stored;
      if (it->Valid()) {
        const std::string_view key = View(it->key());
        if (!entity || key < prefix || key.substr(0, prefix.size()) == prefix) stored = key;
      }
      if (!stored && ex == expected.end()) break;
      if (stored && (!SummaryOfDir(*stored) && stored->size() == kSummaryKeySize)) {
        it->Next();  // the other direction's cell: its own pass checks it
        continue;
      }
      SummaryCell actual;
      if (stored && !DecodeSummary(*stored, View(it->value()), &actual)) {
        if (summary_dir_ == kSummaryOut) {
          Problem(ProblemKind::kCorruptRecord, "summaries", *stored, 0,
                  "summary cell does not decode");
        }
        it->Next();
        continue;
      }
      if (stored) ++report_.checked.summaries;
      const int order = !stored ? 1 : ex == expected.end() ? -1 : stored->compare(ex->first);
      if (order < 0) {
        Problem(ProblemKind::kOrphanSummary, "summaries", *stored, 0,
                absl::StrFormat("%s summary cell of entity %d (counterpart %d, root %d, month "
                                "%d) has count %d but no index entry implies it",
                                dir_name, actual.entity, actual.counterpart, actual.root,
                                actual.month, actual.count));
        it->Next();
      } else if (order > 0) {
        const SummaryCell& c = ex->second;
        Problem(ProblemKind::kMissingSummary, "summaries", ex->first, 0,
                absl::StrFormat("%s summary cell of entity %d (counterpart %d, root %d, month "
                                "%d) is absent; its entries count %d",
                                dir_name, c.entity, c.counterpart, c.root, c.month, c.count));
        ++ex;
      } else {
        const SummaryCell& c = ex->second;
        if (actual.count != c.count || actual.first_day != c.first_day ||
            actual.last_day != c.last_day || actual.goldstein_x10 != c.goldstein_x10) {
          Problem(ProblemKind::kSummaryMismatch, "summaries", *stored, 0,
                  absl::StrFormat("%s summary cell of entity %d (counterpart %d, root %d, month "
                                  "%d) holds count %d, days %d..%d, Goldstein x10 %d; its "
                                  "entries imply %d, %d..%d, %d",
                                  dir_name, c.entity, c.counterpart, c.root, c.month,
                                  actual.count, actual.first_day, actual.last_day,
                                  actual.goldstein_x10, c.count, c.first_day, c.last_day,
                                  c.goldstein_x10));
        }
        it->Next();
        ++ex;
      }
    }
  }

  rocksdb::DB* db_;
  const CheckOptions& options_;
  rocksdb::ReadOptions ro_;
  CheckReport report_;
  std::vector<bool> entities_;             // by entity id: exists
  std::vector<uint64_t> documents_;        // hashes of document ids, sorted
  std::vector<uint64_t> fingerprints_;     // by statement id; 0: no statement
  std::vector<uint8_t> seen_;              // by statement id: kSeen* bits
  std::unique_ptr<rocksdb::Iterator> summary_it_;
  uint8_t summary_dir_ = kSummaryOut;
};

}  // namespace

void RecordProblem(CheckProblem problem, size_t max_problems, CheckReport* report) {
  ++report->problems_total;
  ++report->problems_by_kind[static_cast<int>(problem.kind)];
  if (report->problems.size() < max_problems) report->problems.push_back(std::move(problem));
}

std::string_view ProblemKindName(ProblemKind kind) {
  static constexpr std::string_view kNames[kProblemKinds] = {
      "corrupt_record",       "missing_index_entry", "orphan_index_entry",
      "index_mismatch",       "summary_mismatch",    "missing_summary",
      "orphan_summary",       "missing_entity",      "missing_document",
      "dangling_idempotency_key", "missing_idempotency_key", "missing_claim",
      "claim_mismatch",       "orphan_claim",        "group_rule"};
  const auto i = static_cast<size_t>(kind);
  return i < kProblemKinds ? kNames[i] : "unknown";
}

std::string FormatCheckReport(const CheckReport& report) {
  const CheckCounts& c = report.checked;
  std::string out = absl::StrFormat(
      "checked %d statements, %d out_edges, %d in_edges, %d pair_edges, %d summary cells, "
      "%d entities, %d names, %d documents, %d idempotency keys, %d claims: ",
      c.statements, c.out_edges, c.in_edges, c.pair_edges, c.summaries, c.entities, c.names,
      c.documents, c.idempotency_keys, c.claims);
  if (report.consistent()) return out + "consistent\n";
  absl::StrAppend(&out, report.problems_total, " problem",
                  report.problems_total == 1 ? "" : "s", "\n");
  for (int k = 0; k < kProblemKinds; ++k) {
    if (report.problems_by_kind[k] == 0) continue;
    absl::StrAppend(&out, "  ", std::string(ProblemKindName(static_cast<ProblemKind>(k))), ": ",
                    report.problems_by_kind[k], "\n");
  }
  for (const auto& p : report.problems) {
    absl::StrAppend(&out, std::string(ProblemKindName(p.kind)), " ", p.column_family, " key ", Hex(p.key),
                    ": ", p.description, "\n");
  }
  if (report.problems.size() < report.problems_total) {
    absl::StrAppend(&out, "(", report.problems_total - report.problems.size(),
                    " more not listed)\n");
  }
  return out;
}

absl::StatusOr<CheckReport> Store::Check(const CheckOptions& options) const {
  if (!options.classify) return absl::InvalidArgumentError("CheckOptions.classify is required");
  // Holds the snapshot every pass reads, and releases it.
  const std::unique_ptr<ReadView> view = Snapshot();
  const rocksdb::Snapshot* snapshot = view->snapshot_;
  Checker checker(db_.get(), snapshot, options);
  uint64_t next_statement_id = 0;  // 0: unknown
  {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    std::string v;
    // Written by graph::Ingestor with every batch.
    if (db_->Get(ro, meta_, MetaKey("next_statement_id"), &v).ok()) {
      next_statement_id = DecodeId(v).value_or(0);
    }
  }
  for (absl::Status s : {checker.Entities(entities_), checker.Names(names_),
                         checker.Documents(documents_), checker.Statements(statements_)}) {
    if (!s.ok()) return s;
  }
  for (absl::Status s : {checker.Edges(out_edges_, summaries_, kSummaryOut),
                         checker.Edges(in_edges_, summaries_, kSummaryIn),
                         checker.Pairs(pair_edges_),
                         checker.Idempotency(idempotency_, next_statement_id)}) {
    if (!s.ok()) return s;
  }
  checker.Unseen(statements_);
  CheckReport report = std::move(checker.report());
  if (options.claim_window) {
    absl::Status s = CheckClaims(*view, *options.claim_window, options.max_problems, &report);
    if (!s.ok()) return s;
  }
  return report;
}

absl::Status Store::PutRawForTest(std::string_view cf, std::string_view key,
                                  std::string_view value) {
  for (auto* h : handles_) {
    if (h->GetName() != cf) continue;
    return FromRocksDb(db_->Put(rocksdb::WriteOptions(), h, rocksdb::Slice(key.data(), key.size()),
                                rocksdb::Slice(value.data(), value.size())),
                       "put raw");
  }
  return absl::InvalidArgumentError(absl::StrCat("no column family ", std::string(cf)));
}

absl::Status Store::DeleteRawForTest(std::string_view cf, std::string_view key) {
  for (auto* h : handles_) {
    if (h->GetName() != cf) continue;
    return FromRocksDb(
        db_->Delete(rocksdb::WriteOptions(), h, rocksdb::Slice(key.data(), key.size())),
        "delete raw");
  }
  return absl::InvalidArgumentError(absl::StrCat("no column family ", std::string(cf)));
}

}  // namespace entente::storage
