// WorkBudget: the memory that queries may hold at once, over the whole
// server. Each query holds a WorkLease on it that grows as the query's
// working set (search state, answer) grows; a charge the budget cannot
// cover fails the query with ResourceExhausted instead of letting the
// process grow until the kernel kills it.
//
// Leases take from the shared pool in chunks, so most charges are a local
// add and a compare; only every chunk's worth of charges touches the pool
// (one atomic compare-and-swap). The pool is conservative: what the leases
// have charged is at most what they reserved, which is at most the limit.
//
// What is charged is an estimate of heap bytes, computed with the helpers
// at the end of this file from the containers a query fills;
// tests/graph/work_budget_test.cc checks the estimates against the bytes
// the queries really allocate.
#ifndef ENTENTE_GRAPH_WORK_BUDGET_H_
#define ENTENTE_GRAPH_WORK_BUDGET_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"

// Defined when a sanitizer's allocator replaces malloc (ASan, TSan, MSan):
// then there is no glibc arena to trim, nor a malloc chunk to measure.
// WorkLease's trim and tests/graph/work_budget_test.cc's allocation counting
// both go by it.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ENTENTE_SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define ENTENTE_SANITIZER_MALLOC 1
#endif
#endif

namespace entente::graph {

// The entente-server flag that sets the budget; refusals name it, so that
// whoever reads the error knows which limit to raise.
inline constexpr char kQueryMemoryFlag[] = "--query_memory_mb";

// Thread-safety: safe for concurrent use; the pool is lock-free (atomics),
// so no lease ever waits for another. Must outlive every lease on it.
class WorkBudget {
 public:
  // `limit_bytes` > 0. `chunk_bytes` is how much a lease takes from the pool
  // at a time; 0 picks limit/64 within 4 KiB..1 MiB (so a few dozen
  // concurrent queries waste little of the pool in reserved, unused slack).
  explicit WorkBudget(size_t limit_bytes, size_t chunk_bytes = 0);
  WorkBudget(const WorkBudget&) = delete;
  WorkBudget& operator=(const WorkBudget&) = delete;

  size_t limit_bytes() const { return limit_; }
  size_t chunk_bytes() const { return chunk_; }
  // Reserved by the leases alive now.
  size_t reserved_bytes() const { return reserved_.load(std::memory_order_relaxed); }
  // The most ever reserved at once.
  size_t peak_bytes() const { return peak_.load(std::memory_order_relaxed); }
  // Charges refused so far.
  uint64_t refusals() const { return refusals_.load(std::memory_order_relaxed); }

 private:
  friend class WorkLease;
  // Reserves `bytes` unless that would pass the limit.
  bool TryTake(size_t bytes);
  void Give(size_t bytes);

  const size_t limit_;
  const size_t chunk_;
  std::atomic<size_t> reserved_{0};
  std::atomic<size_t> peak_{0};
  std::atomic<uint64_t> refusals_{0};
};

// What one query holds of a WorkBudget, returned to it when the lease is
// destroyed. Without a budget (default-constructed, or on a null budget)
// every charge succeeds and charged() still counts.
//
// A lease that held 4 MiB or more, or was refused a charge, also hands the
// memory freed by then back to the OS when it goes (malloc_trim, or a purge
// of jemalloc's arenas where the executable links jemalloc): malloc's
// per-thread arenas would otherwise each keep a large query's worth, and the
// server's resident memory would outgrow the budget. Callers declare the
// lease before what it pays for, so that it goes after.
//
// Thread-safety: not thread-safe; one query, one thread. Movable.
class WorkLease {
 public:
  WorkLease() = default;
  explicit WorkLease(WorkBudget* budget)
      : budget_(budget), reserved_(budget == nullptr ? kUnlimited : 0) {}
  WorkLease(WorkLease&& other) noexcept { *this = std::move(other); }
  WorkLease& operator=(WorkLease&& other) noexcept;
  ~WorkLease() { ReturnAll(); }

  // Adds `bytes` to what the query holds. ResourceExhausted, with a message
  // naming kQueryMemoryFlag, if the budget cannot cover it; the charge is
  // then not added, and the query should give up (its caller drops the
  // lease, which returns everything).
  absl::Status Charge(size_t bytes) {
    charged_ += bytes;
    if (charged_ <= reserved_) return absl::OkStatus();
    return Grow(bytes);
  }
  // Takes `bytes` (at most what is charged) off: memory the query freed.
  // Hands reserved slack beyond two chunks back to the pool.
  void Release(size_t bytes);

  // Bytes charged and not released.
  size_t charged() const { return charged_; }
  bool limited() const { return budget_ != nullptr; }

 private:
  static constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();
  absl::Status Grow(size_t bytes);
  void ReturnAll();

  WorkBudget* budget_ = nullptr;
  size_t reserved_ = kUnlimited;  // taken from budget_ (kUnlimited: none)
  size_t charged_ = 0;
  bool refused_ = false;  // a charge was refused
};

// Charges scratch (memory a query frees before it returns) to a lease and
// releases it all when it goes out of scope. Declare it before the
// containers it pays for, so that it releases after they are freed.
class ScratchCharge {
 public:
  explicit ScratchCharge(WorkLease* lease) : lease_(lease) {}
  ScratchCharge(const ScratchCharge&) = delete;
  ScratchCharge& operator=(const ScratchCharge&) = delete;
  ~ScratchCharge() { lease_->Release(charged_); }

  absl::Status Charge(size_t bytes) {
    absl::Status s = lease_->Charge(bytes);
    if (s.ok()) charged_ += bytes;
    return s;
  }

 private:
  WorkLease* const lease_;
  size_t charged_ = 0;
};

// ------------------------------------------------------------- Estimates
//
// Heap bytes of what queries keep, for glibc's malloc on 64-bit Linux (an
// 8-byte header, 16-byte granules, 32 bytes at least) and libstdc++'s
// containers. Fixed, small per-call costs (one iterator, a page of ids)
// are not charged: only what grows with the data a query meets.

// Bytes malloc takes for a request of `n` bytes.
constexpr size_t HeapBytes(size_t n) {
  const size_t granules = (n + 8 + 15) / 16;
  return granules < 2 ? 32 : granules * 16;
}

// The heap part of a string (none while it fits the 15-byte inline buffer).
inline size_t StringHeapBytes(const std::string& s) {
  return s.capacity() > 15 ? HeapBytes(s.capacity() + 1) : 0;
}

// One element of a std::map<K, V> (or std::set<K> with V = an empty pair
// half): its red-black node, 32 bytes of links and colour plus the value.
template <typename K, typename V>
constexpr size_t MapEntryBytes() {
  return HeapBytes(32 + sizeof(std::pair<const K, V>));
}

// One element of a std::unordered_map (value_type `T`) with a cheap hash:
// its node (a next pointer and the value) and its share of the bucket
// array, which holds up to two pointers per element after a rehash.
template <typename T>
constexpr size_t HashEntryBytes() {
  return HeapBytes(8 + sizeof(T)) + 2 * sizeof(void*);
}

// One element of a std::vector<T> filled by push_back: capacity doubles, so
// up to twice its size.
template <typename T>
constexpr size_t GrownVectorBytes() {
  return 2 * sizeof(T);
}

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_WORK_BUDGET_H_
