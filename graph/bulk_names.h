// The name table of a bulk load (graph/bulk_loader.h): exact name -> entity
// id, each distinct name's bytes copied once into an arena of large blocks,
// so that a lookup allocates nothing and the table costs about 50 bytes a
// name. Not thread-safe.
#ifndef ENTENTE_GRAPH_BULK_NAMES_H_
#define ENTENTE_GRAPH_BULK_NAMES_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/types.h"

namespace entente::graph {

class BulkNameTable {
 public:
  using Slot = uint32_t;
  static constexpr Slot kNone = UINT32_MAX;

  // The slot of `name`, or kNone if it was never added.
  Slot Find(std::string_view name) const {
    auto it = map_.find(name);
    return it == map_.end() ? kNone : it->second;
  }
  // Adds `name` (REQUIRES: not added before) with `id` (0: not created yet).
  Slot Add(std::string_view name, model::EntityId id);

  model::EntityId id(Slot s) const { return ids_[s]; }
  void set_id(Slot s, model::EntityId id) { ids_[s] = id; }
  // The name's bytes in the arena: valid as long as the table.
  std::string_view name(Slot s) const { return names_[s]; }
  size_t size() const { return ids_.size(); }

 private:
  static constexpr size_t kBlockBytes = 1 << 20;
  absl::flat_hash_map<std::string_view, Slot> map_;  // keys in blocks_
  std::vector<model::EntityId> ids_;
  std::vector<std::string_view> names_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* free_ = nullptr;
  size_t free_bytes_ = 0;
};

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_BULK_NAMES_H_
