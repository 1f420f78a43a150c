#include "graph/bulk_names.h"

#include <algorithm>
#include <cstring>

namespace entente::graph {

BulkNameTable::Slot BulkNameTable::Add(std::string_view name, model::EntityId id) {
  if (free_bytes_ < name.size()) {
    const size_t size = std::max(kBlockBytes, name.size());
    blocks_.emplace_back(new char[size]);
    free_ = blocks_.back().get();
    free_bytes_ = size;
  }
  if (!name.empty()) std::memcpy(free_, name.data(), name.size());
  const std::string_view copy(free_, name.size());
  free_ += name.size();
  free_bytes_ -= name.size();
  const Slot slot = static_cast<Slot>(ids_.size());
  map_.emplace(copy, slot);
  ids_.push_back(id);
  names_.push_back(copy);
  return slot;
}

}  // namespace entente::graph
