// Every RocksDB key and index value of Entente is encoded here, and only here.
//
// Integers are big-endian so that byte order is numeric order. Day numbers
// (days since 1970-01-01, signed) have their sign bit flipped so that
// negative days sort before positive ones.
//
// Column family  key                                          value
// -------------  -------------------------------------------  ------------------
// default        "meta/" name                                 meta value
// statements     statement_id:u64                             StatementRecord
// out_edges      actor:u64 | day:i32 | statement_id:u64       EdgeValue
// in_edges       target:u64 | day:i32 | statement_id:u64      EdgeValue
// entities       entity_id:u64                                EntityRecord
// names          0x01 | name bytes                            entity_id:u64
//                0x02 | folded alias | 0x00 | entity_id:u64   (empty)
// documents      document_id bytes                            DocumentRecord
// idempotency    xxh3-128 of the key:16 bytes                 statement_id:u64
// pair_edges     lo:u64 | hi:u64 | day:i32 | statement_id:u64 EdgeValue (counterpart = actor)
// summaries      entity:u64 | dir:u8 | counterpart:u64 |      SummaryValue (merged)
//                root:u8 | month:i32
// claims         0x01 | actor:u64 | target:u64 | kind:u8 |     ClaimValue
//                action_len:u16 | action bytes | first_day:i32
//                0x02 | claim id:u64 | set:u8 | member bytes  count:varint
//                0x03 | claimant:u64 | claim id:u64           (empty)
// default        "group/" 0x01 | member:u64 | parent:u64       MembershipRecord
//                "group/" 0x02 | merge id:u64                 MergeRecord
// history        0x01 | statement_id:u64                      RetractedRecord
//                0x02 | retraction seq:u64                    statement_id:u64 |
//                                                             watermark:u64
//                0x03 | out_edges key                         seq:u64 | EdgeValue
//                0x04 | in_edges key                          seq:u64 | EdgeValue
//                0x05 | pair_edges key                        seq:u64 | EdgeValue
//
// history (issue 12) keeps what retraction takes out of the live families:
// each retracted statement as it was (0x01, with when and why), and the
// retraction log (0x02) in commit order, seq 1, 2, ... Each log entry holds
// the retracted statement's id and the watermark of its commit: the next
// statement id then, so every statement whose id is below it was ingested
// before the retraction. Statement ids are given in commit order, so the
// statements (live and retracted, by id) and the log (by seq) merge into
// one change feed in commit order (graph/feed.h) without a row per ingest,
// and a bulk load needs no change rows. 0x03-0x05 keep the retracted
// statement's index entries (the live key behind a tag, the live value
// behind its retraction seq), so a read as of an instant before the
// retraction scans a window of them as it scans the live index.
//
// group rows (issue 13, graph/groups.h) say who is who: that an entity
// belongs to another (0x01, one row per member and parent, its role and
// period in the value) and which entities were merged into which (0x02, by
// merge id in commit order; an undone merge keeps its row, marked undone).
// They never touch the statements or their index: queries apply them as
// they read (storage::EntityGroups), so an undo restores exactly the state
// before. They live in the default family beside meta/ (a handful of rows
// per entity at most) and every change bumps meta/groups_version in the
// same commit, so readers know when to reload them.
//
// claims (issue 11, docs/claims.md; storage/claim_book.h keeps it at
// online ingest and retraction, in stores made online: graph/ingestor.h,
// kMetaClaimWindow) holds one row per claim under its subject (model::ClaimSubject: kind 1 with the
// CAMEO code, kind 2 with the unclassified action text) and the first day of its period, so a
// subject's claims sort by date and one seek finds the claim of a day. A subject's claims never
// overlap (model::GroupIntoClaims), so the claim holding a statement is the last one whose first
// day is not after the statement's. The member rows count, per claim, each document, independent
// source and claimant, to keep the claim's distinct counts exact as statements come and go. They
// hang under the claim's id, its smallest statement id, which depends only on the statements
// present (so a bulk load writes the same rows as online ingest); they move when it changes: when
// claims join (the smallest id stays) and when a retraction rebuilds a claim. Each claimant member
// row has a claimant row (0x03) beside it, written and deleted with it (WriteSet), so that a
// claimant's claims are one prefix scan away.
//
// ClaimValue: 0x01 | last_day:i32 | id:u64 | then varints:
//   statements, documents, sources, claimants, asserted, denied, intended,
//   hypothetical | first_ingested:i64 | last_ingested:i64 (microseconds,
//   two's complement, big-endian). Varints are LEB128, minimal.
//
// EdgeValue, compact (what is written): 0x01 | flags:u8 |
//   counterpart:varint | [confidence:f32 bits u32] | [attributed_to:varint] |
//   code_len:u8 | cameo code bytes | action_len:varint | action text bytes
//   flags: modality (bits 0-2), date precision (bits 3-4: 0 day, 1 month,
//   2 year), confidence present (bit 5; absent means 1.0), attributed_to
//   present (bit 6; absent means none). Varints are LEB128, minimal.
//   The entry covers what a list of statements shows, so such a list is
//   answered from the index alone (graph::StatementDetail::kIndex).
// EdgeValue, legacy (written before covering entries; still read, never
//   written): counterpart:u64 | confidence:f32 bits u32 | modality:u8 |
//   code_len:u8 | cameo code bytes. Its first byte is 0 for every id below
//   2^56, which tells the two apart; EdgeEntry::covering is false for it,
//   and a list reads its statement instead.
// SummaryValue: count:u64 | first_day:i32 | last_day:i32 | goldstein_x10:i64
//
// pair_edges holds each statement once under its two entities in id order
// (lo <= hi), so the dyad of a and b over a window is one key range.
// summaries holds, per entity, direction (1 out, 2 in), counterpart, CAMEO
// root (1..20, 0 unclassified) and month (year*12 + month-1), the count,
// first and last day and Goldstein sum (tenths, exact) of those statements;
// a merge operator adds deltas, so ingest never reads them.
//
// Retraction (graph::Ingestor::Retract) deletes a statement's statements,
// out_edges, in_edges and pair_edges keys, and rewrites each summary cell
// it touched with a Put of the cell recomputed from the remaining index
// entries (a Delete if none remain): a delta cannot take back a first or
// last day. What it leaves behind, which a consistency check must accept:
// - idempotency entries whose statement id no longer exists in statements
//   (kept on purpose: the key stays reserved, so a replayed ingest of a
//   retracted statement is a duplicate instead of bringing it back);
// - documents entries that no statement names any more (a document loses
//   its entry only when it is retracted by document id);
// - entities (and their names) that no statement mentions (entities are
//   never deleted; ids are never reused, nor are statement ids).
//
// An out_edges (or in_edges) scan of one entity over a date window
// [day_lo, day_hi] reads exactly the keys from EdgeKey(e, day_lo, 0) to
// EdgeKey(e, day_hi, max), i.e. only the window.
//
// Tags below reach disk. DO NOT CHANGE their values.
#ifndef ENTENTE_STORAGE_KEY_CODEC_H_
#define ENTENTE_STORAGE_KEY_CODEC_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/claim.h"
#include "model/types.h"

namespace entente::storage {

inline constexpr char kNameTagExact = 0x01;  // DO NOT CHANGE
inline constexpr char kNameTagAlias = 0x02;  // DO NOT CHANGE
inline constexpr size_t kEdgeKeySize = 20;
inline constexpr size_t kPairKeySize = 28;
inline constexpr size_t kSummaryKeySize = 22;
inline constexpr size_t kSummaryValueSize = 24;
inline constexpr uint8_t kSummaryOut = 1;  // DO NOT CHANGE
inline constexpr uint8_t kSummaryIn = 2;   // DO NOT CHANGE
inline constexpr size_t kIdempotencyHashSize = 16;
inline constexpr char kGroupTagMembership = 0x01;  // DO NOT CHANGE
inline constexpr char kGroupTagMerge = 0x02;       // DO NOT CHANGE
inline constexpr char kClaimTagClaim = 0x01;      // DO NOT CHANGE
inline constexpr char kClaimTagMember = 0x02;     // DO NOT CHANGE
inline constexpr char kClaimTagClaimant = 0x03;   // DO NOT CHANGE
inline constexpr uint8_t kClaimKindCode = 1;      // DO NOT CHANGE
inline constexpr uint8_t kClaimKindText = 2;      // DO NOT CHANGE
inline constexpr uint8_t kClaimValueVersion = 1;  // DO NOT CHANGE
// The fixed part of a legacy edge value, before its code.
inline constexpr size_t kEdgeValueCoreSize = 14;

void PutU64(std::string* out, uint64_t v);
void PutU32(std::string* out, uint32_t v);
uint64_t GetU64(const char* p);
uint32_t GetU32(const char* p);

// Day numbers with the sign bit flipped, so that encoded order is numeric.
uint32_t EncodeDay(int32_t day);
int32_t DecodeDay(uint32_t v);

std::string StatementKey(model::StatementId id);
std::optional<model::StatementId> DecodeStatementKey(std::string_view key);

std::string EntityKey(model::EntityId id);
std::optional<model::EntityId> DecodeEntityKey(std::string_view key);

// Key of one statement in out_edges (entity = actor) or in_edges (entity =
// target).
std::string EdgeKey(model::EntityId entity, int32_t day, model::StatementId id);

struct DecodedEdgeKey {
  model::EntityId entity;
  int32_t day;
  model::StatementId statement;
};
std::optional<DecodedEdgeKey> DecodeEdgeKey(std::string_view key);

// The 8-byte prefix every edge key of `entity` starts with.
std::string EdgePrefix(model::EntityId entity);

// Smallest key strictly greater than every key that starts with `prefix`
// (for iterate_upper_bound). Empty if no such key exists (prefix all 0xff).
std::string PrefixUpperBound(std::string_view prefix);

// The compact layout when e.covering, else the legacy one.
std::string EncodeEdgeValue(const model::EdgeEntry& e);
// Fills every field of `out` but its key fields and actor/target; the
// list fields (covering, precision, attributed_to, action_text) only for a
// compact value. False if `value` is malformed or not canonical.
bool DecodeEdgeValue(std::string_view value, model::EdgeEntry* out);

std::string ExactNameKey(std::string_view name);
std::string AliasKey(std::string_view folded, model::EntityId id);
// Prefix shared by the alias keys of exactly `folded` (ends with 0x00).
std::string AliasExactPrefix(std::string_view folded);
// Prefix shared by the alias keys of every folded name starting with `prefix`.
std::string AliasSearchPrefix(std::string_view folded_prefix);
struct DecodedAliasKey {
  std::string_view folded;
  model::EntityId entity;
};
std::optional<DecodedAliasKey> DecodeAliasKey(std::string_view key);

std::string EncodeId(uint64_t id);
std::optional<uint64_t> DecodeId(std::string_view value);

std::string MetaKey(std::string_view name);

// The replicated write log (replication/, docs/scaling.md): meta/ of this
// name holds the stream sequence (EncodeId) of the last log entry applied
// to this store, written in the WriteBatch of the entry's own commit
// (storage::ScopedCommitMeta), so that after a crash the store says exactly
// which entries it holds. Value: seq:u64 | clock:u64, the second the
// replicated writes' clock floor (microseconds since the epoch, at least 0:
// service/replicated_writes.h), which must be stored with the sequence.
// DO NOT CHANGE.
inline constexpr char kMetaLogApplied[] = "log_applied_seq";
struct LogApplied {
  uint64_t sequence = 0;
  int64_t clock_micros = 0;
};
std::string EncodeLogApplied(const LogApplied& applied);
// Nullopt unless 16 bytes with a clock of at least 0.
std::optional<LogApplied> DecodeLogApplied(std::string_view value);

// Group rows (default family, "group/" then a tag; DO NOT CHANGE).
std::string MembershipKey(model::EntityId member, model::EntityId parent);
// Every membership key; of one member.
std::string MembershipPrefix();
std::string MembershipPrefix(model::EntityId member);
struct DecodedMembershipKey {
  model::EntityId member;
  model::EntityId parent;
};
std::optional<DecodedMembershipKey> DecodeMembershipKey(std::string_view key);
std::string MergeKey(uint64_t merge_id);
std::string MergePrefix();
std::optional<uint64_t> DecodeMergeKey(std::string_view key);

// Key of one statement in pair_edges. REQUIRES: lo <= hi
std::string PairKey(model::EntityId lo, model::EntityId hi, int32_t day, model::StatementId id);
struct DecodedPairKey {
  model::EntityId lo;
  model::EntityId hi;
  int32_t day;
  model::StatementId statement;
};
std::optional<DecodedPairKey> DecodePairKey(std::string_view key);

// One summary cell: statements of `entity` with `counterpart` in direction
// `dir`, CAMEO root `root` and month `month`.
struct SummaryCell {
  model::EntityId entity = 0;
  uint8_t dir = kSummaryOut;
  model::EntityId counterpart = 0;
  uint8_t root = 0;
  int32_t month = 0;  // year * 12 + (month - 1)
  uint64_t count = 0;
  int32_t first_day = 0;
  int32_t last_day = 0;
  int64_t goldstein_x10 = 0;
};
std::string SummaryKey(const SummaryCell& c);
// The summary month of a date: year * 12 + (month - 1), January for a date
// of year precision (the month of its first day).
int32_t SummaryMonth(const model::Date& d);
// The two cells a statement counts in, keys only (count etc. zero): the
// actor's out cell and the target's in cell.
std::array<SummaryCell, 2> SummaryCellsOf(const model::Statement& s, uint8_t root);
// Prefix of every summary key of `entity` in direction `dir`.
std::string SummaryPrefix(model::EntityId entity, uint8_t dir);
std::string EncodeSummaryValue(const SummaryCell& c);
// Fills the key fields of `out` from `key` and the value fields from
// `value`; false if either is malformed.
bool DecodeSummary(std::string_view key, std::string_view value, SummaryCell* out);
// The sum of two encoded summary values (counts and Goldstein added, first
// day the min, last day the max). False if either is malformed.
bool MergeSummaryValues(std::string_view a, std::string_view b, std::string* out);

// ------------------------------------------------------------------ claims

// One claim as the claims family keeps it (docs/claims.md).
struct ClaimRow {
  model::ClaimSubject subject;
  int32_t first_day = 0;  // of the earliest period among its statements
  int32_t last_day = 0;   // of the latest
  model::StatementId id = 0;  // its smallest statement id; names its member rows
  uint64_t statements = 0;
  uint64_t documents = 0;  // distinct document ids
  uint64_t sources = 0;    // distinct independent sources
  uint64_t claimants = 0;  // distinct attributed_to entities
  // Statements per modality, indexed by model::Modality - 1 (asserted,
  // denied, intended, hypothetical).
  std::array<uint64_t, 4> modalities{};
  int64_t first_ingested_micros = 0;
  int64_t last_ingested_micros = 0;
};

// Every claim key of `subject` starts with this, and no other subject's
// key does (the action's length precedes its bytes).
// REQUIRES: the action (code or text) is at most 65,535 bytes.
std::string ClaimSubjectPrefix(const model::ClaimSubject& subject);
// Every claim key whose actor (and target) is this starts with these.
std::string ClaimActorPrefix(model::EntityId actor);
std::string ClaimPairPrefix(model::EntityId actor, model::EntityId target);
std::string ClaimKey(const model::ClaimSubject& subject, int32_t first_day);
// Fills subject and first_day from the key, the rest from the value; false
// if either is malformed or not canonical.
bool DecodeClaim(std::string_view key, std::string_view value, ClaimRow* out);
std::string EncodeClaimValue(const ClaimRow& c);

// The sets a claim counts distinct members of.
enum class ClaimSet : uint8_t {
  kDocument = 1,  // document id bytes; DO NOT CHANGE
  kSource = 2,    // model::IndependentSourceOf bytes; DO NOT CHANGE
  kClaimant = 3,  // attributed_to entity id, u64; DO NOT CHANGE
};
std::string ClaimMemberKey(model::StatementId claim, ClaimSet set, std::string_view member);
// Prefix of the member keys of one set of a claim (all sets: without set).
std::string ClaimMemberPrefix(model::StatementId claim);
std::string ClaimMemberPrefix(model::StatementId claim, ClaimSet set);
struct DecodedClaimMemberKey {
  model::StatementId claim;
  ClaimSet set;
  std::string_view member;  // points into the key
};
std::optional<DecodedClaimMemberKey> DecodeClaimMemberKey(std::string_view key);
// A claimant row: `member` is a kClaimant member's bytes (the claimant's
// id, u64).
std::string ClaimantKey(std::string_view member, model::StatementId claim);
std::string ClaimantPrefix(model::EntityId claimant);
struct DecodedClaimantKey {
  model::EntityId claimant;
  model::StatementId claim;
};
std::optional<DecodedClaimantKey> DecodeClaimantKey(std::string_view key);
// history (issue 12): a retracted statement, the retraction log, and the
// tags of the retracted index entries.
inline constexpr char kHistoryOutEdges = 0x03;
inline constexpr char kHistoryInEdges = 0x04;
inline constexpr char kHistoryPairEdges = 0x05;
std::string RetractedKey(model::StatementId id);
std::optional<model::StatementId> DecodeRetractedKey(std::string_view key);
std::string RetractionLogKey(uint64_t seq);
std::optional<uint64_t> DecodeRetractionLogKey(std::string_view key);
struct RetractionLogEntry {
  model::StatementId statement = 0;
  model::StatementId watermark = 0;  // the next statement id at its commit
};
std::string EncodeRetractionLogValue(const RetractionLogEntry& e);
std::optional<RetractionLogEntry> DecodeRetractionLogValue(std::string_view value);

std::string EncodeClaimMemberCount(uint64_t count);
// nullopt if malformed, not minimal, or 0 (a member counted by no
// statement has no row).
std::optional<uint64_t> DecodeClaimMemberCount(std::string_view value);

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_KEY_CODEC_H_
