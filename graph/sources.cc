#include "graph/sources.h"

#include <algorithm>

#include "model/claim.h"

namespace entente::graph {

absl::StatusOr<uint32_t> SourceCounter::SourceOf(model::StatementId id) {
  auto s = view_.GetStatement(id);
  if (!s.ok()) return s.status();
  auto known = by_document_.find(s->document_id);
  if (known != by_document_.end()) return known->second;
  auto doc = view_.GetDocument(s->document_id);
  if (!doc.ok()) return doc.status();
  const std::string source = model::IndependentSourceOf(s->document_id, doc->publisher);
  const uint32_t n = numbers_.try_emplace(source, static_cast<uint32_t>(numbers_.size()))
                         .first->second;
  by_document_.emplace(s->document_id, n);
  return n;
}

uint64_t CountDistinct(std::vector<uint32_t>* ids) {
  std::sort(ids->begin(), ids->end());
  return static_cast<uint64_t>(std::unique(ids->begin(), ids->end()) - ids->begin());
}

}  // namespace entente::graph
