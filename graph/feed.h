// The change feed (issue 12; docs/queries.md, "Watching changes"): every
// statement ingested and every statement retracted, once each, in commit
// order, from a cursor on.
//
// It needs no row per change. Statement ids are given in commit order (the
// Ingestor commits under its lock; a bulk load fills an empty store), and
// retraction keeps each statement in the history family with a log entry
// holding the watermark of its commit (storage/key_codec.h). So the
// ingests are the statements, live or retracted, by id; the retractions
// are the log by seq; and a retraction with watermark w comes after every
// ingest below w and before the rest.
#ifndef ENTENTE_GRAPH_FEED_H_
#define ENTENTE_GRAPH_FEED_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/filter.h"
#include "model/types.h"
#include "storage/store.h"

namespace entente::graph {

// A place in the feed: every ingest up to statement id `ingested` and every
// retraction up to log seq `retracted` come before it. {0, 0} is the start.
struct FeedCursor {
  model::StatementId ingested = 0;
  uint64_t retracted = 0;
  friend bool operator==(const FeedCursor&, const FeedCursor&) = default;
};

enum class ChangeKind { kIngested = 1, kRetracted = 2 };

struct Change {
  ChangeKind kind = ChangeKind::kIngested;
  // As ingested; for a retraction, as it was when retracted.
  model::Statement statement;
  std::optional<model::Retraction> retraction;  // kRetracted, and a kIngested since retracted
  FeedCursor cursor;                            // the place right after this change: resume from it
};

struct FeedQuery {
  FeedCursor after;
  // Only changes of statements it is the actor or the target of.
  std::optional<model::EntityId> entity;
  // Only changes of statements that pass it; no claim criteria (a
  // retracted statement has no claim left): InvalidArgument naming them.
  EdgeFilter filter;
  size_t max_changes = 1000;  // 1..10000
};

struct FeedPage {
  std::vector<Change> changes;
  // The place after everything this page read, kept or filtered out:
  // resume from it.
  FeedCursor cursor;
  // The page holds every change of the snapshot after `after`.
  bool caught_up = false;
};

// An ingest, from the live statements or from history.
struct Ingest {
  model::Statement statement;
  std::optional<model::Retraction> retraction;  // since retracted
};

// The first `n` ingests with ids above `after`, live and retracted merged
// by id (the feed's ingests; graph/as_of.h searches them by time).
absl::StatusOr<std::vector<Ingest>> IngestsAfter(const storage::ReadView& view,
                                                 model::StatementId after, size_t n);

// InvalidArgument naming `cursor` when `q.after` is beyond the end of the
// feed in `view` (a cursor of another database, or of a later state), or
// naming the field of a bad filter or max_changes.
absl::StatusOr<FeedPage> ReadFeed(const storage::ReadView& view, const FeedQuery& q);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_FEED_H_
