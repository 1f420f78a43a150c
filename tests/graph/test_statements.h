// Statement inputs for graph tests.
#ifndef ENTENTE_TESTS_GRAPH_TEST_STATEMENTS_H_
#define ENTENTE_TESTS_GRAPH_TEST_STATEMENTS_H_

#include <string>

#include "model/types.h"

namespace entente::graph {

inline model::StatementInput Stmt(const std::string& actor, const std::string& target,
                                   model::Date date = {2024, 10, 21},
                                   const std::string& code = "062") {
  model::StatementInput in;
  in.actor.name = actor;
  in.target.name = target;
  in.action_text = "cooperated militarily with";
  in.cameo_code = code;
  in.date = date;
  in.source.document_id = "doc-1";
  in.source.publisher = "News Today";
  in.quote = actor + " and " + target;
  in.confidence = 0.9;
  return in;
}

}  // namespace entente::graph

#endif  // ENTENTE_TESTS_GRAPH_TEST_STATEMENTS_H_
