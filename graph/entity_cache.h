// EntityCache: entities by id, shared by every query of a GraphReader, so
// that the entities a query meets (the hubs above all) are read and decoded
// from the store once rather than once per query, and a query's answer
// shares them instead of copying them (with their aliases) into every
// statement.
//
// Entities never change once written (storage/key_codec.h: ids are never
// reused and entities never deleted), so a cached entity is never stale and
// needs no invalidation. An entity merge that rewrites entities must clear
// the cache.
//
// Bounded by an estimate of the bytes it holds: a shard that passes its
// share is emptied (a crude eviction, but the set of entities that queries
// meet is small next to the bound for any realistic data).
//
// Thread-safe: 16 shards, each with its own mutex.
#ifndef ENTENTE_GRAPH_ENTITY_CACHE_H_
#define ENTENTE_GRAPH_ENTITY_CACHE_H_

#include <array>
#include <cstddef>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "model/types.h"

namespace entente::graph {

class EntityCache {
 public:
  // `max_bytes` 0: caches nothing.
  explicit EntityCache(size_t max_bytes);
  EntityCache(const EntityCache&) = delete;
  EntityCache& operator=(const EntityCache&) = delete;

  // Null if `id` is not cached.
  std::shared_ptr<const model::Entity> Find(model::EntityId id) const;
  void Put(std::shared_ptr<const model::Entity> entity);

  // Bytes an entity is counted for (its object, name and aliases).
  static size_t BytesOf(const model::Entity& e);

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<model::EntityId, std::shared_ptr<const model::Entity>> entities
        ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };
  Shard& ShardOf(model::EntityId id) const { return shards_[id % kShards]; }

  const size_t max_shard_bytes_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_ENTITY_CACHE_H_
