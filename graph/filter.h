// EdgeFilter: which statements a query follows, shared by every query.
#ifndef ENTENTE_GRAPH_FILTER_H_
#define ENTENTE_GRAPH_FILTER_H_

#include <bitset>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/claim.h"
#include "model/types.h"

namespace entente::storage {
class ReadView;
}  // namespace entente::storage

namespace entente::graph {

// Which claims a query follows by whether they are contested
// (model::IsContested). Values as in claims.proto's ContestedCriterion.
// int32_t like the proto enum, so that any value a caller sends stays
// itself (and is refused) rather than wrapping onto a valid one.
enum class Contested : int32_t {
  kAny = 0,
  kOnly = 1,
  kExclude = 2,
};

// Every non-empty criterion must pass; within a list, any element may match.
struct EdgeFilter {
  model::Date date_from;  // year 0: open
  model::Date date_to;    // year 0: open; its last day is included
  std::vector<std::string> code_prefixes;
  std::vector<model::QuadClass> quad_classes;
  double min_confidence = 0;
  std::vector<model::Modality> modalities;
  // Criteria on the statement's claim (docs/claims.md); they need a store
  // that keeps claims. 0 and 1 are every statement.
  int32_t min_sources = 0;
  Contested contested = Contested::kAny;
};

// The claim facts a filter tests, found from a statement's index entry.
// One per query: it caches the claims it has read, so a query reads each
// claim it meets once, and only those of the statements it scans (the
// window, not the history).
//
// Thread-safety: none; a query runs on one thread.
class ClaimLookup {
 public:
  struct Facts {
    int32_t first_day = 0;
    int32_t last_day = 0;
    uint64_t sources = 0;
    bool contested = false;
  };
  // `view` must outlive the lookup.
  explicit ClaimLookup(const storage::ReadView& view) : view_(view) {}
  // The claim holding the statement of `e`; nullptr if it cannot be read
  // (status() says why: a store error, or a statement without a claim,
  // which check reports as MISSING_CLAIM).
  const Facts* Find(const model::EdgeEntry& e);
  const absl::Status& status() const { return status_; }

 private:
  const storage::ReadView& view_;
  // By subject, then by first day: a subject's claims never overlap
  // (they would be one), so a statement's claim is the last one starting
  // on or before its first day.
  std::map<model::ClaimSubject, std::map<int32_t, Facts>> claims_;
  absl::Status status_;
};

// An inclusive window of two optional dates (year 0: open): each a valid
// date, the second not before the first. Fields `prefix` + "date_from" and
// "date_to".
void ValidateWindow(const model::Date& from, const model::Date& to, const std::string& prefix,
                    std::vector<model::FieldViolation>* out);

// Appends violations with fields named `prefix` + the EdgeFilter field
// ("filter.date_from.month").
void ValidateEdgeFilter(const EdgeFilter& f, const std::string& prefix,
                        std::vector<model::FieldViolation>* out);

// A validated filter, ready to test index entries. Cheap to copy.
class CompiledFilter {
 public:
  // REQUIRES: ValidateEdgeFilter(f) found nothing.
  explicit CompiledFilter(const EdgeFilter& f);

  // The window as day numbers, inclusive; the scans read only these.
  int32_t day_lo() const { return day_lo_; }
  int32_t day_hi() const { return day_hi_; }
  // Everything but the window (which the scan applies). With claim
  // criteria, false also when the claim cannot be read: the query must then
  // return claims_status().
  bool Matches(const model::EdgeEntry& e) const;

  // Whether min_sources or contested narrow anything: the query must then
  // UseClaims, and no summary cell can answer it.
  bool needs_claims() const { return min_sources_ > 1 || contested_ != Contested::kAny; }
  // Reads claims from `view` (which must outlive every copy of the filter).
  void UseClaims(const storage::ReadView& view) {
    claims_ = std::make_shared<ClaimLookup>(view);
  }
  absl::Status claims_status() const { return claims_ ? claims_->status() : absl::OkStatus(); }

  // The filter as it applies to summary cells (per CAMEO root and month), if
  // it can: the window must be whole months and every criterion decidable
  // from the root alone (no confidence or modality, prefixes of 1-2 digits).
  struct ForCells {
    int32_t month_lo;  // year * 12 + month - 1, inclusive
    int32_t month_hi;
    std::bitset<21> roots;  // by root index; 0 is unclassified
  };
  std::optional<ForCells> ForSummaries() const;

 private:
  int32_t day_lo_;
  int32_t day_hi_;
  std::vector<std::string> prefixes_;
  uint8_t quad_mask_ = 0;      // bit q set: quad class q passes; 0: all
  uint8_t modality_mask_ = 0;  // bit m set: modality m passes; 0: all
  float min_confidence_;
  bool has_modalities_ = false;
  int32_t min_sources_ = 0;
  Contested contested_ = Contested::kAny;
  // Shared by the copies of one query's filter: a cache, not a criterion.
  std::shared_ptr<ClaimLookup> claims_;
};

// Returns true when the caller's deadline has passed or it cancelled;
// queries check it as they go and then return DeadlineExceeded/Cancelled.
using StopFn = std::function<bool()>;

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_FILTER_H_
