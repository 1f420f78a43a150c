#include "graph/feed.h"

#include <algorithm>
#include <string>
#include <utility>

#include "model/violations.h"
#include "storage/statement_rows.h"

namespace entente::graph {
namespace {

struct Logged {
  uint64_t seq = 0;
  storage::RetractionLogEntry entry;
};

absl::StatusOr<std::vector<Logged>> RetractionsAfter(const storage::ReadView& view, uint64_t after,
                                                     size_t n) {
  std::vector<Logged> out;
  absl::Status s =
      view.ScanRetractionLog(after, [&](uint64_t seq, const storage::RetractionLogEntry& e) {
        out.push_back({seq, e});
        return out.size() < n;
      });
  if (!s.ok()) return s;
  return out;
}

// InvalidArgument naming `cursor` unless both its places exist in `view`.
absl::Status CheckCursor(const storage::ReadView& view, const FeedCursor& c) {
  const auto beyond = [] {
    return model::InvalidArgument(
        {{"cursor",
          "is not a place in this database's feed (from another database, or from a "
          "later state of it)"}});
  };
  if (c.ingested != 0) {
    auto first = IngestsAfter(view, c.ingested - 1, 1);
    if (!first.ok()) return first.status();
    if (first->empty() || first->front().statement.id != c.ingested) return beyond();
  }
  if (c.retracted != 0) {
    auto entry = view.GetRetractionLogEntry(c.retracted);
    if (absl::IsNotFound(entry.status())) return beyond();
    if (!entry.ok()) return entry.status();
  }
  return absl::OkStatus();
}

// Whether the change of `s` is one `q` asks for.
bool Wanted(const FeedQuery& q, const CompiledFilter& filter, const model::Statement& s) {
  if (q.entity && s.actor != *q.entity && s.target != *q.entity) return false;
  return filter.Matches(storage::EdgeEntryOf(s, s.target));
}

absl::Status Validate(const FeedQuery& q) {
  std::vector<model::FieldViolation> violations;
  ValidateEdgeFilter(q.filter, "filter.", &violations);
  if (q.filter.min_sources > 1) {
    violations.push_back({"filter.min_sources", "is not available on the change feed"});
  }
  if (q.filter.contested != Contested::kAny) {
    violations.push_back({"filter.contested", "is not available on the change feed"});
  }
  if (q.max_changes < 1 || q.max_changes > 10000) {
    violations.push_back({"max_changes", "must be in 1..10000"});
  }
  if (!violations.empty()) return model::InvalidArgument(violations);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Ingest>> IngestsAfter(const storage::ReadView& view,
                                                 model::StatementId after, size_t n) {
  std::vector<Ingest> out;
  absl::Status s = view.ScanStatementsAfter(after, [&](const model::Statement& st) {
    out.push_back({st, std::nullopt});
    return out.size() < n;
  });
  if (!s.ok()) return s;
  size_t retracted = 0;
  s = view.ScanRetractedAfter(after, [&](const model::Statement& st, const model::Retraction& r) {
    out.push_back({st, r});
    return ++retracted < n;
  });
  if (!s.ok()) return s;
  std::sort(out.begin(), out.end(),
            [](const Ingest& a, const Ingest& b) { return a.statement.id < b.statement.id; });
  if (out.size() > n) out.resize(n);
  return out;
}

absl::StatusOr<FeedPage> ReadFeed(const storage::ReadView& view, const FeedQuery& q) {
  if (absl::Status s = Validate(q); !s.ok()) return s;
  if (absl::Status s = CheckCursor(view, q.after); !s.ok()) return s;
  const CompiledFilter filter(q.filter);
  const size_t n = q.max_changes;
  auto ingests = IngestsAfter(view, q.after.ingested, n);
  if (!ingests.ok()) return ingests.status();
  auto retractions = RetractionsAfter(view, q.after.retracted, n);
  if (!retractions.ok()) return retractions.status();

  FeedPage page;
  page.cursor = q.after;
  size_t i = 0, r = 0;
  // A retraction comes after the ingests below its watermark. Each stream
  // was read up to n, so neither runs out before n changes are taken
  // unless it has no more.
  for (size_t taken = 0; taken < n; ++taken) {
    const bool have_i = i < ingests->size();
    const bool have_r = r < retractions->size();
    if (!have_i && !have_r) break;
    const bool ingest_next =
        have_i && (!have_r || (*ingests)[i].statement.id < (*retractions)[r].entry.watermark);
    Change c;
    if (ingest_next) {
      Ingest& in = (*ingests)[i++];
      page.cursor.ingested = in.statement.id;
      c.kind = ChangeKind::kIngested;
      c.statement = std::move(in.statement);
      c.retraction = std::move(in.retraction);
    } else {
      const Logged& l = (*retractions)[r++];
      page.cursor.retracted = l.seq;
      c.kind = ChangeKind::kRetracted;
      model::Retraction why;
      if (absl::Status s = view.GetRetracted(l.entry.statement, &c.statement, &why); !s.ok()) {
        return absl::DataLossError("retraction log entry " + std::to_string(l.seq) +
                                   " names statement " + std::to_string(l.entry.statement) +
                                   ", which history does not hold: " + std::string(s.message()));
      }
      c.retraction = std::move(why);
    }
    c.cursor = page.cursor;
    if (Wanted(q, filter, c.statement)) page.changes.push_back(std::move(c));
  }
  page.caught_up = ingests->size() < n && retractions->size() < n && i == ingests->size() &&
                   r == retractions->size();
  return page;
}

}  // namespace entente::graph
