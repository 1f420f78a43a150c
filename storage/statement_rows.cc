#include "storage/statement_rows.h"

#include <algorithm>

#include "storage/record_codec.h"

namespace entente::storage {

model::EdgeEntry EdgeEntryOf(const model::Statement& s, model::EntityId counterpart) {
  model::EdgeEntry e;
  e.entity = counterpart == s.target ? s.actor : s.target;
  e.day = model::FirstDay(s.date);
  e.statement = s.id;
  e.actor = s.actor;
  e.target = s.target;
  e.counterpart = counterpart;
  e.cameo_code = s.cameo_code;
  e.confidence = static_cast<float>(s.confidence);
  e.modality = s.modality;
  e.covering = true;
  e.precision = model::PrecisionOf(s.date);
  e.attributed_to = s.attributed_to;
  e.action_text = s.action_text;
  return e;
}

std::string EdgeValueOf(const model::Statement& s, model::EntityId counterpart) {
  return EncodeEdgeValue(EdgeEntryOf(s, counterpart));
}

void EmitStatementRows(const model::Statement& s, std::string_view idempotency_hash,
                       SummaryShare share, StatementRowSink* sink) {
  const int32_t day = model::FirstDay(s.date);
  sink->Row(StatementFamily::kStatements, StatementKey(s.id), EncodeStatement(s));
  const std::string to_target = EdgeValueOf(s, s.target);
  const std::string from_actor = s.actor == s.target ? to_target : EdgeValueOf(s, s.actor);
  sink->Row(StatementFamily::kOutEdges, EdgeKey(s.actor, day, s.id), to_target);
  sink->Row(StatementFamily::kInEdges, EdgeKey(s.target, day, s.id), from_actor);
  // A pair entry's counterpart is the actor (key_codec.h).
  sink->Row(StatementFamily::kPairEdges,
            PairKey(std::min(s.actor, s.target), std::max(s.actor, s.target), day, s.id),
            from_actor);
  sink->Row(StatementFamily::kIdempotency, idempotency_hash, EncodeId(s.id));
  for (SummaryCell& cell : SummaryCellsOf(s, share.root)) {
    AddToSummary(&cell, day, share.goldstein_x10);
    sink->Cell(cell);
  }
}

void AddToSummary(SummaryCell* cell, int32_t day, int64_t goldstein_x10) {
  if (cell->count == 0) {
    cell->first_day = day;
    cell->last_day = day;
  }
  ++cell->count;
  cell->first_day = std::min(cell->first_day, day);
  cell->last_day = std::max(cell->last_day, day);
  cell->goldstein_x10 += goldstein_x10;
}

}  // namespace entente::storage
