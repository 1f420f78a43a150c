// The claim rule: which statements make the same claim (docs/claims.md).
//
// A claim is what several statements report alike: the same actor, the same
// target, the same action, in dates close enough to be one event. Whether
// forty articles and a denial are one claim decides every corroboration and
// contest count Entente gives, so the rule lives here, once, and storage,
// the bulk loader, the consistency check and the tests' reference all call
// it (the reference through its own brute-force grouping, to check the
// sweep below).
#ifndef ENTENTE_MODEL_CLAIM_H_
#define ENTENTE_MODEL_CLAIM_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/date.h"
#include "model/types.h"

namespace entente::model {

// How many days apart two day-precision reports may be and still make one
// claim, unless the store was created with another window.
inline constexpr int32_t kDefaultClaimWindowDays = 1;
// Wider windows chain unrelated events into one claim; a month is the widest
// a store takes.
inline constexpr int32_t kMaxClaimWindowDays = 31;

// What a claim is about. Two statements can make one claim only if their
// subjects are equal.
struct ClaimSubject {
  EntityId actor = 0;
  EntityId target = 0;
  // The CAMEO code when the statement has one. The action text is then not
  // part of the subject: "sent troops to" and "deployed soldiers in", both
  // coded 1??, report one thing.
  std::string cameo_code;
  // The action text, byte for byte, when the statement is unclassified
  // (cameo_code empty); empty otherwise.
  std::string action_text;

  auto operator<=>(const ClaimSubject&) const = default;
};

ClaimSubject ClaimSubjectOf(const Statement& s);

// The days a statement's date covers, both inclusive: one day, a whole
// month or a whole year.
struct DayRange {
  int32_t first = 0;
  int32_t last = 0;

  bool operator==(const DayRange&) const = default;
};

// REQUIRES: DateError(d).empty()
DayRange DayRangeOf(const Date& d);

// True if two statements of one subject are near enough to make one claim:
// some day of `a` and some day of `b` are at most `window_days` apart. So
// two day-precision reports match within +-window_days, and a month- or
// year-precision report matches every day of its period (and window_days
// beyond). Claims are the chains this relation makes: a statement that
// matches two claims joins them into one.
// REQUIRES: 0 <= window_days <= kMaxClaimWindowDays
bool DaysMatch(DayRange a, DayRange b, int32_t window_days);

// Splits the statements of one subject into claims. `days[i]` is the i-th
// statement's period; the result lists each claim's statement indices in
// ascending order, claims ordered by their first day. O(n log n): a sweep in
// order of first day, which is exact for the chains of DaysMatch because a
// statement matches a chain iff it matches the chain's latest last day.
std::vector<std::vector<size_t>> GroupIntoClaims(const std::vector<DayRange>& days,
                                                 int32_t window_days);

// The independent source a document counts as: its publisher, byte for
// byte; a document without one is a source of its own. The two kinds never
// collide ("p" or "d" first), so a publisher named like a document id is
// still another source.
std::string IndependentSourceOf(std::string_view document_id, std::string_view publisher);

// A claim is contested when it holds both an ASSERTED and a DENIED
// statement: someone says it happened and someone (often its actor) says it
// did not. INTENDED and HYPOTHETICAL statements assert nothing happened.
bool IsContested(uint32_t asserted, uint32_t denied);

}  // namespace entente::model

#endif  // ENTENTE_MODEL_CLAIM_H_
