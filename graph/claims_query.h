// Claims as queries read them (docs/claims.md): the claims of an entity or
// a pair, the claim holding a statement, and a claim's statements. The
// claims are kept at ingest (storage/claim_book.h); these only read them.
#ifndef ENTENTE_GRAPH_CLAIMS_QUERY_H_
#define ENTENTE_GRAPH_CLAIMS_QUERY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/filter.h"
#include "graph/work_budget.h"
#include "model/types.h"
#include "storage/store.h"

namespace entente::graph {

// Ok if `store` keeps claims; else FailedPrecondition saying how to make
// it keep them. `what` names what needs them ("ListClaims").
absl::Status RequireClaims(const storage::Store& store, const std::string& what);

enum class ClaimOrder {
  kSources,  // most independent sources, then statements, then newest
  kRecent,   // latest last day first, then id descending
};

struct ClaimCriteria {
  int32_t day_lo = model::kMinDay;  // some day of the claim in [day_lo, day_hi]
  int32_t day_hi = model::kMaxDay;
  bool contested_only = false;
  int32_t min_sources = 0;
};

// Whether `c` passes `criteria`.
bool ClaimPasses(const storage::ClaimRow& c, const ClaimCriteria& criteria);
// The order of `order`: true if `a` comes before `b`.
bool ClaimBefore(const storage::ClaimRow& a, const storage::ClaimRow& b, ClaimOrder order);

// The claims with `entity` as actor or target (and `other` as the other
// end, if set) that pass `criteria`, in `order`. Each row is charged to
// `memory`. Cost: the entity's (or pair's) claims; for claims where the
// entity is the target, one summary scan to find their actors.
absl::StatusOr<std::vector<storage::ClaimRow>> FindClaims(const storage::ReadView& view,
                                                          model::EntityId entity,
                                                          std::optional<model::EntityId> other,
                                                          const ClaimCriteria& criteria,
                                                          ClaimOrder order, const StopFn& stop,
                                                          WorkLease* memory);

// The claims with `claimant` among their claimants (everything it claims),
// only those where `entity` is actor or target if set, that pass
// `criteria`, in `order`. Cost: the claimant's claims, one statement read
// and one claim seek each.
absl::StatusOr<std::vector<storage::ClaimRow>> FindClaimantClaims(
    const storage::ReadView& view, model::EntityId claimant, std::optional<model::EntityId> entity,
    const ClaimCriteria& criteria, ClaimOrder order, const StopFn& stop, WorkLease* memory);

// What a claimant's claims add up to (ListClaims by claimant).
struct ClaimantProfile {
  uint64_t claims = 0;
  uint64_t contested = 0;
  uint64_t corroborated = 0;  // at least 2 independent sources
  std::vector<std::pair<model::EntityId, uint64_t>> about;  // most claims first, then id
};
// `claims` added up: counts, and the entities they are about, `claimant`
// left out, at most `top` of them.
ClaimantProfile TallyClaimant(const std::vector<storage::ClaimRow>& claims,
                              model::EntityId claimant, size_t top);

// The subject of the statement of index entry `e` (model::ClaimSubjectOf):
// from the entry, or, for an unclassified entry written before entries
// carried the action text, from its statement.
absl::StatusOr<model::ClaimSubject> ClaimSubjectOfEntry(const storage::ReadView& view,
                                                        const model::EdgeEntry& e);

// The claim of `subject` holding `day`: the latest one starting on or
// before it, since a subject's claims never overlap. DataLoss naming
// `statement` (the statement of that day) if none does; check reports it.
absl::StatusOr<storage::ClaimRow> ClaimHoldingDay(const storage::ReadView& view,
                                                  const model::ClaimSubject& subject,
                                                  int32_t day, model::StatementId statement);

// The claim holding `s`. DataLoss if it has none (check reports it).
absl::StatusOr<storage::ClaimRow> ClaimOfStatement(const storage::ReadView& view,
                                                   const model::Statement& s);

// The ids of `claim`'s statements, oldest first (by first day, then id):
// the statements of its subject whose first day is in its days, read from
// the pair's index in that window.
absl::StatusOr<std::vector<model::StatementId>> ClaimStatements(const storage::ReadView& view,
                                                                const storage::ClaimRow& claim);

// Every claim of a database at a glance, for a report on a whole file.
struct ClaimsSummary {
  uint64_t claims = 0;
  uint64_t statements = 0;  // in all claims: every statement once
  uint64_t contested = 0;
  std::map<uint64_t, uint64_t> by_sources;  // independent sources -> claims with that many
  std::vector<storage::ClaimRow> most_sources;    // ClaimOrder::kSources, at most `top`
  std::vector<storage::ClaimRow> most_contested;  // the contested ones, likewise
  // What the upstream dataset says (model::ReportedCoverage, GDELT's
  // NumSources), next to what Entente counts: statements that carry it, and
  // per claim among those, the highest NumSources of its statements ->
  // claims; and the claims whose highest NumSources is above their counted
  // independent sources (the dataset saw sources that were not ingested).
  uint64_t reported_statements = 0;
  std::map<uint64_t, uint64_t> by_reported_sources;
  uint64_t reported_above_counted = 0;
};

// Reads every claim once, and every statement once for the reported
// coverage (whole-database work: for entente-admin, never for a query).
absl::StatusOr<ClaimsSummary> SummarizeClaims(const storage::ReadView& view, size_t top);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_CLAIMS_QUERY_H_
