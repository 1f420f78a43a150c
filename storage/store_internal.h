// Parts of Store shared by its implementation files; not for other code.
#ifndef ENTENTE_STORAGE_STORE_INTERNAL_H_
#define ENTENTE_STORAGE_STORE_INTERNAL_H_

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace entente::storage {

// Writes staged for a bulk load: per column family, (key, value) in arrival
// order; summaries already added up per key.
struct Store::Staged {
  std::vector<std::vector<std::pair<std::string, std::string>>> puts;
  std::unordered_map<std::string, std::string> summaries;
};

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_STORE_INTERNAL_H_
