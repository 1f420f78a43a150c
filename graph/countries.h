// The world's countries that every new database starts with
// (reference/countries/countries.tsv, built into the binary).
#ifndef ENTENTE_GRAPH_COUNTRIES_H_
#define ENTENTE_GRAPH_COUNTRIES_H_

#include <string>
#include <vector>

namespace entente::graph {

struct Country {
  std::string alpha3;
  std::string alpha2;
  std::string name;
  std::vector<std::string> aliases;
};

// Parsed once; rows in the order of the file (by alpha-3 code).
const std::vector<Country>& Countries();

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_COUNTRIES_H_
