// EdgeFilter: which statements a query follows, shared by every query.
#ifndef ENTENTE_GRAPH_FILTER_H_
#define ENTENTE_GRAPH_FILTER_H_

#include <bitset>
#include <cstdint>
#include <optional>
#include <functional>
#include <string>
#include <vector>

#include "model/types.h"

namespace entente::graph {

// Every non-empty criterion must pass; within a list, any element may match.
struct EdgeFilter {
  model::Date date_from;  // year 0: open
  model::Date date_to;    // year 0: open; its last day is included
  std::vector<std::string> code_prefixes;
  std::vector<model::QuadClass> quad_classes;
  double min_confidence = 0;
  std::vector<model::Modality> modalities;
};

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
  // Everything but the window (which the scan applies).
  bool Matches(const model::EdgeEntry& e) const;

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
};

// Returns true when the caller's deadline has passed or it cancelled;
// queries check it as they go and then return DeadlineExceeded/Cancelled.
using StopFn = std::function<bool()>;

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_FILTER_H_
