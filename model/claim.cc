#include "model/claim.h"

#include <algorithm>
#include <numeric>

namespace entente::model {

ClaimSubject ClaimSubjectOf(const Statement& s) {
  ClaimSubject subject;
  subject.actor = s.actor;
  subject.target = s.target;
  if (s.cameo_code.empty()) {
    subject.action_text = s.action_text;
  } else {
    subject.cameo_code = s.cameo_code;
  }
  return subject;
}

DayRange DayRangeOf(const Date& d) { return DayRange{FirstDay(d), LastDay(d)}; }

bool DaysMatch(DayRange a, DayRange b, int32_t window_days) {
  // Day numbers are within +-3 million, so the sums cannot overflow.
  return a.first <= b.last + window_days && b.first <= a.last + window_days;
}

std::vector<std::vector<size_t>> GroupIntoClaims(const std::vector<DayRange>& days,
                                                 int32_t window_days) {
  std::vector<size_t> order(days.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return days[a].first != days[b].first ? days[a].first < days[b].first : a < b;
  });
  std::vector<std::vector<size_t>> claims;
  int32_t chain_last = 0;
  for (size_t i : order) {
    // Every member of the open chain starts no later than days[i], so
    // days[i] matches one of them iff it starts within the window after the
    // chain's latest last day.
    if (claims.empty() || days[i].first > chain_last + window_days) {
      claims.emplace_back();
      chain_last = days[i].last;
    } else {
      chain_last = std::max(chain_last, days[i].last);
    }
    claims.back().push_back(i);
  }
  for (std::vector<size_t>& claim : claims) std::sort(claim.begin(), claim.end());
  return claims;
}

std::string IndependentSourceOf(std::string_view document_id, std::string_view publisher) {
  std::string source(publisher.empty() ? "d" : "p");
  source.append(publisher.empty() ? document_id : publisher);
  return source;
}

bool IsContested(uint32_t asserted, uint32_t denied) { return asserted > 0 && denied > 0; }

}  // namespace entente::model
