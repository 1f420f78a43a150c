#include "graph/entity_cache.h"

namespace entente::graph {

EntityCache::EntityCache(size_t max_bytes) : max_shard_bytes_(max_bytes / kShards) {}

size_t EntityCache::BytesOf(const model::Entity& e) {
  // The object in its shared_ptr control block, a map slot, and the heap
  // strings (a short string lives inside its object).
  size_t n = sizeof(model::Entity) + 64;
  n += e.name.capacity() + e.country_code.capacity();
  for (const std::string& a : e.aliases) n += sizeof(std::string) + a.capacity();
  return n;
}

std::shared_ptr<const model::Entity> EntityCache::Find(model::EntityId id) const {
  Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entities.find(id);
  return it == shard.entities.end() ? nullptr : it->second;
}

void EntityCache::Put(std::shared_ptr<const model::Entity> entity) {
  const size_t bytes = BytesOf(*entity);
  if (bytes > max_shard_bytes_) return;
  Shard& shard = ShardOf(entity->id);
  absl::MutexLock lock(&shard.mu);
  if (shard.bytes + bytes > max_shard_bytes_) {
    shard.entities.clear();
    shard.bytes = 0;
  }
  if (shard.entities.emplace(entity->id, std::move(entity)).second) shard.bytes += bytes;
}

}  // namespace entente::graph
