// ClaimBook: keeps the claims family (storage/key_codec.h) right as
// statements are stored and deleted, by the rule of model/claim.h
// (docs/claims.md).
//
// One book serves one write set: it loads the claims the write set's
// statements touch, changes them in memory (so that two statements of one
// batch see each other), and writes the result into the same write set, so
// claims commit atomically with their statements.
//
// - Add: a statement joins the claim it matches, or starts one; a statement
//   matching several claims joins them (the one with the smallest id keeps
//   it, the others' member counts move to it). O(log n) reads per
//   statement, plus the members of claims it joins.
// - Remove: the statement's claim is rebuilt in WriteTo from the statements
//   of its period that remain (read from pair_edges and the statements), and
//   may split. O(claim size): retraction is rare, ingest is not.
//
// Claims and their member rows are named by their smallest statement id, so
// what the book writes depends only on the statements present, not on the
// order they came in.
//
// Thread-safety: none; one book per write set, used by the one thread that
// builds it, while nothing else commits (graph::Ingestor's lock).
#ifndef ENTENTE_STORAGE_CLAIM_BOOK_H_
#define ENTENTE_STORAGE_CLAIM_BOOK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "model/claim.h"
#include "model/types.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace entente::storage {

// What one statement adds to its claim.
struct ClaimMember {
  model::StatementId id = 0;
  model::ClaimSubject subject;
  model::DayRange days;
  std::string document_id;
  std::string source;            // model::IndependentSourceOf
  model::EntityId claimant = 0;  // attributed_to; 0: none
  model::Modality modality = model::Modality::kAsserted;
  int64_t ingested_at_micros = 0;
};

// `publisher`: of the statement's document as stored (empty if it has none).
// REQUIRES: s.id != 0 and s.date valid.
ClaimMember ClaimMemberOf(const model::Statement& s, std::string_view publisher);

// The members of the statements `ids` (read with their documents'
// publishers; a document that is gone counts as its own source), in the
// order of `ids`. NotFound if a statement is missing.
absl::StatusOr<std::vector<ClaimMember>> ReadClaimMembers(
    const ReadView& view, const std::vector<model::StatementId>& ids);

// A claim and its member counts as its statements make it.
struct ComputedClaim {
  ClaimRow row;
  std::map<std::pair<ClaimSet, std::string>, uint64_t> members;
};
// The claims that `members` (of any subjects) make, computed from scratch:
// what the claims family must hold for them (check).
std::vector<ComputedClaim> ComputeClaims(const std::vector<ClaimMember>& members,
                                         int32_t window_days);

// Replaces the whole claims family with the claims the stored statements
// make, pair by pair, in commits of a few thousand claims: for a store that
// kept none (bulk-loaded, or made before claims). Returns the claims
// written. Nothing else may write meanwhile; if it fails part way, run it
// again.
absl::StatusOr<uint64_t> RebuildAllClaims(Store* store, int32_t window_days);

class ClaimBook {
 public:
  // `view` must show the store as the write set will find it: nothing may
  // commit between the view and the write set.
  // REQUIRES: 0 <= window_days <= model::kMaxClaimWindowDays
  ClaimBook(const ReadView* view, int32_t window_days);
  ~ClaimBook();
  ClaimBook(const ClaimBook&) = delete;
  ClaimBook& operator=(const ClaimBook&) = delete;

  // Counts a statement the write set stores, whose id must be greater than
  // every stored one's (ids only grow). FailedPrecondition after a Remove (a
  // book either adds or removes).
  absl::Status Add(const ClaimMember& m);
  // Takes back a statement the write set deletes. DataLoss if no stored
  // claim holds it. FailedPrecondition after an Add.
  absl::Status Remove(const model::Statement& s);
  // Writes every changed claim and member count into `ws`.
  absl::Status WriteTo(WriteSet* ws);

 private:
  struct Claim;
  using MemberKey = std::pair<ClaimSet, std::string>;

  absl::Status Load(const model::ClaimSubject& subject, model::DayRange days);
  std::vector<Claim*> Matching(const model::ClaimSubject& subject, model::DayRange days);
  Claim* NewClaim(const model::ClaimSubject& subject);
  absl::Status LoadAllMembers(Claim* c);
  // Adds `delta` (may be negative) to one member count of `c`, keeping its
  // distinct count.
  absl::Status Bump(Claim* c, ClaimSet set, std::string_view member, int64_t delta);
  absl::Status Count(Claim* c, const ClaimMember& m);
  absl::Status Absorb(Claim* into, Claim* from);
  absl::Status Rebuild(Claim* c);

  const ReadView* const view_;
  const int32_t window_days_;
  bool adding_ = false;
  bool removing_ = false;
  std::vector<std::unique_ptr<Claim>> claims_;
  std::map<model::ClaimSubject, std::vector<Claim*>> by_subject_;
  // The ids of the stored claims loaded, live or not: memory is newer.
  std::unordered_set<model::StatementId> known_;
  std::unordered_set<model::StatementId> removed_;
};

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_CLAIM_BOOK_H_
