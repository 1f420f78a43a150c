// Consistency check of a whole database, read from one snapshot: every
// statement has exactly its out, in and pair index entries, no index entry
// points to a missing statement or disagrees with it, every summary cell
// equals what the index entries imply, and the entities, documents and
// statements that statements, names and idempotency keys refer to exist.
//
// Store::Check() runs it. It reads every key once, in key order, with no
// random reads; memory is about 10 bytes per statement id and 1 bit per
// entity id (ids are allocated densely by the ingestor), plus 8 bytes per
// document. In a store that keeps claims, a second pass recomputes them
// pair by pair (storage/check_claims.cc): it reads each statement and its
// document by key, holds one pair's statements at a time and 8 bytes per
// claim.
#ifndef ENTENTE_STORAGE_CHECK_H_
#define ENTENTE_STORAGE_CHECK_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace entente::storage {

// Values are part of the admin protocol's numbering (ProblemKind in
// proto/entente/v1/admin.proto is this plus one). Add new ones at the end.
enum class ProblemKind : uint8_t {
  kCorruptRecord = 0,           // a key or value that does not decode
  kMissingIndexEntry = 1,       // a statement without its out/in/pair entry
  kOrphanIndexEntry = 2,        // an index entry whose statement does not exist
  kIndexMismatch = 3,           // an index entry that disagrees with its statement
  kSummaryMismatch = 4,         // a summary cell that differs from the entries
  kMissingSummary = 5,          // entries imply a summary cell that is absent
  kOrphanSummary = 6,           // a summary cell no entry implies
  kMissingEntity = 7,           // a statement or name refers to an absent entity
  kMissingDocument = 8,         // a statement's document is absent
  kDanglingIdempotencyKey = 9,  // an idempotency key of an absent statement
  kMissingIdempotencyKey = 10,  // a statement no idempotency key points to
  kMissingClaim = 11,           // statements make a claim that is not stored
  kClaimMismatch = 12,          // a claim or its member counts differ from its statements'
  kOrphanClaim = 13,            // a claim or member count no statements make
  kGroupRule = 14,              // memberships or merges that break a rule (graph/groups.h)
};
inline constexpr int kProblemKinds = 15;

// "missing_index_entry", ...
std::string_view ProblemKindName(ProblemKind kind);

struct CheckProblem {
  ProblemKind kind = ProblemKind::kCorruptRecord;
  std::string column_family;  // where the offending (or missing) key is
  std::string key;            // its raw bytes
  uint64_t statement_id = 0;  // the statement concerned; 0 if none
  std::string description;    // for people: what was expected and found
};

struct CheckCounts {
  uint64_t statements = 0;
  uint64_t out_edges = 0;
  uint64_t in_edges = 0;
  uint64_t pair_edges = 0;
  uint64_t summaries = 0;
  uint64_t entities = 0;
  uint64_t names = 0;
  uint64_t documents = 0;
  uint64_t idempotency_keys = 0;
  uint64_t claims = 0;
};

struct CheckReport {
  CheckCounts checked;
  uint64_t problems_total = 0;
  std::array<uint64_t, kProblemKinds> problems_by_kind{};
  // The first CheckOptions::max_problems problems, in the order found.
  std::vector<CheckProblem> problems;

  bool consistent() const { return problems_total == 0; }
};

struct CheckOptions {
  size_t max_problems = 100;
  // The CAMEO root (0..20) and Goldstein score in tenths a summary cell
  // files a statement with this code under: the graph layer's taxonomy,
  // which storage does not know. REQUIRED.
  std::function<void(std::string_view cameo_code, uint8_t* root, int32_t* goldstein_x10)>
      classify;
  // The store's claim window if it keeps claims (graph::LoadClaimWindow):
  // the claims are then recomputed from the statements and compared.
  std::optional<int32_t> claim_window;
};

// Counts `problem` in `report` and lists it if fewer than `max_problems`
// are listed: how every pass of the check reports what it finds.
void RecordProblem(CheckProblem problem, size_t max_problems, CheckReport* report);

// "12 statements, ...: consistent" or the problem totals and the listed
// problems, one a line; for entente-admin and logs.
std::string FormatCheckReport(const CheckReport& report);

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_CHECK_H_
