#include "tests/graph/icews_data.h"

#include <fstream>

#include "graph/taxonomy.h"

namespace entente::graph {

absl::StatusOr<std::vector<model::StatementInput>> ReadIcews14(const std::string& name) {
  const std::string path = std::string(ENTENTE_SHARED_DATA_DIR "/icews14/") + name;
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError("cannot read " + path +
                               ": ICEWS14 comes from the shared folder beside the project "
                               "(set ENTENTE_SHARED_DIR when configuring)");
  }
  std::vector<model::StatementInput> out;
  std::string line;
  for (int n = 1; std::getline(file, line); ++n) {
    std::vector<std::string> cols;
    for (size_t at = 0;;) {
      const size_t tab = line.find('\t', at);
      cols.push_back(line.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    model::StatementInput in;
    if (cols.size() != 4 || !model::ParseDate(cols[3], &in.date)) {
      return absl::DataLossError(path + ":" + std::to_string(n) + ": not 4 columns with a date");
    }
    in.actor.name = cols[0];
    in.action_text = cols[1];
    in.cameo_code = Taxonomy::Get().CodeForRelation(cols[1]).value_or("");
    in.target.name = cols[2];
    in.source.document_id = name;
    in.idempotency_key = name + ":" + std::to_string(n);
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace entente::graph
