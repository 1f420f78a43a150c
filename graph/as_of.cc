#include "graph/as_of.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "graph/feed.h"

namespace entente::graph {
namespace {

// The first statement, live or retracted, with an id of at least `id`: its
// id and ingest time.
absl::StatusOr<std::optional<std::pair<model::StatementId, int64_t>>> FirstFrom(
    const storage::ReadView& view, model::StatementId id) {
  auto first = IngestsAfter(view, id - 1, 1);
  if (!first.ok()) return first.status();
  if (first->empty()) return std::nullopt;
  const model::Statement& s = first->front().statement;
  return std::pair{s.id, s.ingested_at_micros};
}

// When retraction `seq` (which exists) was committed.
absl::StatusOr<int64_t> RetractedAt(const storage::ReadView& view, uint64_t seq) {
  auto entry = view.GetRetractionLogEntry(seq);
  if (!entry.ok()) return entry.status();
  model::Statement st;
  model::Retraction r;
  if (absl::Status s = view.GetRetracted(entry->statement, &st, &r); !s.ok()) return s;
  return r.at_micros;
}

// W(T): the highest statement id ingested at or before `micros`.
absl::StatusOr<model::StatementId> Watermark(const storage::ReadView& view, int64_t micros) {
  auto last = view.LastStatementId();
  if (!last.ok()) return last.status();
  model::StatementId lo = 1, hi = *last, best = 0;
  while (lo <= hi) {
    const model::StatementId mid = lo + (hi - lo) / 2;
    auto first = FirstFrom(view, mid);
    if (!first.ok()) return first.status();
    if (!*first) break;  // cannot be: `last` exists
    if ((*first)->second <= micros) {
      best = (*first)->first;
      lo = (*first)->first + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

// S(T): the highest retraction seq committed at or before `micros`.
absl::StatusOr<uint64_t> Retractions(const storage::ReadView& view, int64_t micros) {
  auto last = view.LastRetractionSeq();
  if (!last.ok()) return last.status();
  uint64_t lo = 1, hi = *last, best = 0;
  while (lo <= hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    auto at = RetractedAt(view, mid);
    if (!at.ok()) return at.status();
    if (*at <= micros) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

}  // namespace

absl::StatusOr<storage::AsOf> AsOfBounds(const storage::ReadView& view, int64_t micros) {
  auto w = Watermark(view, micros);
  if (!w.ok()) return w.status();
  auto s = Retractions(view, micros);
  if (!s.ok()) return s.status();
  return storage::AsOf{*w, *s};
}

absl::StatusOr<int64_t> LastCommitMicros(const storage::ReadView& view) {
  int64_t latest = 0;
  auto last = view.LastStatementId();
  if (!last.ok()) return last.status();
  if (*last != 0) {
    auto first = FirstFrom(view, *last);
    if (!first.ok()) return first.status();
    if (*first) latest = (*first)->second;
  }
  auto seq = view.LastRetractionSeq();
  if (!seq.ok()) return seq.status();
  if (*seq != 0) {
    auto at = RetractedAt(view, *seq);
    if (!at.ok()) return at.status();
    latest = std::max(latest, *at);
  }
  return latest;
}

}  // namespace entente::graph
