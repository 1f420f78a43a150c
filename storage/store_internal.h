// Parts of Store shared by its implementation files; not for other code.
#ifndef ENTENTE_STORAGE_STORE_INTERNAL_H_
#define ENTENTE_STORAGE_STORE_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/store.h"

namespace entente::storage {

// Writes staged for a bulk load, per column family in arrival order.
// Keys and values live in one growing buffer per column family rather than
// two heap strings per entry: a bulk load stages millions of small entries,
// and their allocations and frees dominated its profile.
struct StagedColumn {
  struct Entry {
    uint64_t prefix;  // first 8 key bytes, big-endian: most comparisons end here
    uint64_t offset;  // of the key in `bytes`; the value follows it
    uint32_t key_size;
    uint32_t value_size;
  };
  std::string bytes;
  std::vector<Entry> entries;

  void Add(std::string_view key, std::string_view value);
  std::string_view Key(const Entry& e) const { return {bytes.data() + e.offset, e.key_size}; }
  std::string_view Value(const Entry& e) const {
    return {bytes.data() + e.offset + e.key_size, e.value_size};
  }
};

struct Store::Staged {
  std::vector<StagedColumn> columns;  // one per handle
  // Summary deltas added up per key as they are staged.
  std::unordered_map<std::string, std::string> summaries;
};

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_STORE_INTERNAL_H_
