// What one statement writes to the store: its record, its three index
// entries (out_edges, in_edges, pair_edges), its idempotency entry and its
// share of two summary cells, as the column family layout of key_codec.h
// says. This is the one place that turns a statement into rows; the online
// commit (WriteSet::PutStatement), bulk staging, retraction
// (WriteSet::DeleteStatement) and the consistency check all go through it,
// so they cannot disagree about what a statement's rows are.
#ifndef ENTENTE_STORAGE_STATEMENT_ROWS_H_
#define ENTENTE_STORAGE_STATEMENT_ROWS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "model/types.h"
#include "storage/key_codec.h"

namespace entente::storage {

// The column families a statement has rows in (summaries apart: see
// StatementRowSink::Cell).
enum class StatementFamily : uint8_t {
  kStatements,
  kOutEdges,
  kInEdges,
  kPairEdges,
  kIdempotency,
};

// Receives a statement's rows. Keys and values are only valid during the
// call.
class StatementRowSink {
 public:
  virtual ~StatementRowSink() = default;
  virtual void Row(StatementFamily family, std::string_view key, std::string_view value) = 0;
  // One of the statement's two summary cells (the actor's out cell, the
  // target's in cell), counting this statement alone.
  virtual void Cell(const SummaryCell& cell) = 0;
};

// What a statement adds to the summaries: its CAMEO root (1..20, 0 when
// unclassified) and Goldstein score in tenths (graph decides both from the
// code).
struct SummaryShare {
  uint8_t root = 0;
  int32_t goldstein_x10 = 0;
};

// Sends every row of `s` to `sink`, in StatementFamily order, then its two
// cells. REQUIRES: s.id != 0, idempotency_hash.size() == kIdempotencyHashSize.
void EmitStatementRows(const model::Statement& s, std::string_view idempotency_hash,
                       SummaryShare share, StatementRowSink* sink);

// The index value (out_edges, in_edges, pair_edges) of `s` whose
// counterpart is `counterpart`.
std::string EdgeValueOf(const model::Statement& s, model::EntityId counterpart);
// The index entry whose value that is: `s` seen from its other end (from
// the actor when `counterpart` is the target), covering.
model::EdgeEntry EdgeEntryOf(const model::Statement& s, model::EntityId counterpart);

// Counts one statement of day `day` with Goldstein score `goldstein_x10` in
// `cell`: the rule of what a summary cell holds (count, first and last day,
// Goldstein sum), for ingest, retraction and the check alike. A cell with
// count 0 takes `day` as its first and last day.
void AddToSummary(SummaryCell* cell, int32_t day, int64_t goldstein_x10);

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_STATEMENT_ROWS_H_
