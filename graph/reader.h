// GraphReader: the read side of the graph. Every call reads one consistent
// snapshot of the store.
//
// Thread-safety: safe for concurrent use (it holds no mutable state).
#ifndef ENTENTE_GRAPH_READER_H_
#define ENTENTE_GRAPH_READER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/types.h"
#include "storage/store.h"

namespace entente::graph {

// A statement with what a reader needs to make sense of it.
struct StatementView {
  model::Statement statement;
  model::Entity actor;
  model::Entity target;
  std::optional<model::Entity> attributed_to;
  model::Document source;
};

struct StatementQuery {
  model::EntityRef entity;
  model::NameResolution resolution = model::NameResolution::kAlias;
  model::Direction direction = model::Direction::kBoth;
  model::Date date_from;  // year 0: open
  model::Date date_to;    // year 0: open; its last day is included
  std::string code_prefix;
  double min_confidence = 0;
  int page_size = 50;  // 1..1000
  std::optional<storage::EdgePosition> resume_after;
};

struct StatementPage {
  std::vector<StatementView> statements;  // newest first
  std::optional<storage::EdgePosition> next;  // resume here; none: no more
};

inline constexpr int kMaxPageSize = 1000;

class GraphReader {
 public:
  // `store` must outlive the reader.
  explicit GraphReader(const storage::Store* store) : store_(store) {}

  // NotFound if the id does not exist.
  absl::StatusOr<model::Entity> GetEntity(model::EntityId id) const;
  // By id or name; NotFound if no entity matches. Never creates one.
  absl::StatusOr<model::Entity> FindEntity(const model::EntityRef& ref,
                                           model::NameResolution resolution) const;
  // Entities whose folded name or alias starts with the folded prefix, each
  // once, at most `limit`.
  absl::StatusOr<std::vector<model::Entity>> SearchEntities(const std::string& prefix,
                                                            int limit) const;
  // InvalidArgument (with the field named in the message) for a bad query;
  // NotFound for an unknown entity.
  absl::StatusOr<StatementPage> ListStatements(const StatementQuery& q) const;
  absl::StatusOr<StatementView> GetStatement(model::StatementId id) const;

 private:
  const storage::Store* const store_;
};

// Checks a query's filters; appends violations with fields named as in
// ListStatementsRequest.
void ValidateStatementQuery(const StatementQuery& q, std::vector<model::FieldViolation>* out);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_READER_H_
