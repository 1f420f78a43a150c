#include "graph/work_budget.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>

// jemalloc's control interface, when the executable links jemalloc
// (CMakeLists.txt, ENTENTE_JEMALLOC); null otherwise. The graph library is
// linked both into the server (jemalloc) and into the tests (glibc), so which
// allocator runs is known only at run time.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp,
                       size_t newlen) __attribute__((weak));

namespace entente::graph {
namespace {

constexpr size_t kMinChunk = 4 << 10;
constexpr size_t kMaxChunk = 1 << 20;
// A lease that held this much, or was refused, hands the memory its query
// freed back to the OS.
constexpr size_t kTrimAfterBytes = 4 << 20;

#ifdef ENTENTE_SANITIZER_MALLOC
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// Hands what malloc holds freed back to the OS, for whichever allocator runs.
// Under a sanitizer malloc is the sanitizer's: glibc's arenas were never set
// up, and glibc's malloc_trim then initialises them from whichever threads
// call it at once (an ASan run crashed in mtrim so). The same holds under
// jemalloc, which is asked to purge its arenas instead.
void TrimFreedMemory() {
  if (kSanitized) return;
  if (mallctl != nullptr) {
    // 4096 is MALLCTL_ARENAS_ALL: every arena.
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
    return;
  }
  malloc_trim(0);
}

std::string Mib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

}  // namespace

WorkBudget::WorkBudget(size_t limit_bytes, size_t chunk_bytes)
    : limit_(limit_bytes),
      chunk_(chunk_bytes != 0 ? chunk_bytes : std::clamp(limit_bytes / 64, kMinChunk, kMaxChunk)) {}

bool WorkBudget::TryTake(size_t bytes) {
  size_t now = reserved_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ - now) return false;  // now <= limit_ always
  } while (!reserved_.compare_exchange_weak(now, now + bytes, std::memory_order_relaxed));
  const size_t after = now + bytes;
  size_t peak = peak_.load(std::memory_order_relaxed);
  while (after > peak && !peak_.compare_exchange_weak(peak, after, std::memory_order_relaxed)) {
  }
  return true;
}

void WorkBudget::Give(size_t bytes) { reserved_.fetch_sub(bytes, std::memory_order_relaxed); }

WorkLease& WorkLease::operator=(WorkLease&& other) noexcept {
  if (this == &other) return *this;
  ReturnAll();
  budget_ = std::exchange(other.budget_, nullptr);
  reserved_ = std::exchange(other.reserved_, kUnlimited);
  charged_ = std::exchange(other.charged_, 0);
  refused_ = std::exchange(other.refused_, false);
  return *this;
}

absl::Status WorkLease::Grow(size_t bytes) {
  // Only a lease on a budget gets here: an unlimited one never runs short.
  const size_t need = charged_ - reserved_;
  const size_t chunk = budget_->chunk_;
  const size_t want = (need + chunk - 1) / chunk * chunk;
  // A whole number of chunks, or, near the limit, just what is missing.
  const size_t taken = budget_->TryTake(want) ? want : budget_->TryTake(need) ? need : 0;
  if (taken != 0) {
    reserved_ += taken;
    return absl::OkStatus();
  }
  charged_ -= bytes;
  refused_ = true;
  budget_->refusals_.fetch_add(1, std::memory_order_relaxed);
  return absl::ResourceExhaustedError(
      "query needs more memory than the server's query budget has left: it holds " + Mib(charged_) +
      " and needs " + Mib(bytes) + " more, while the queries in flight hold " +
      Mib(budget_->reserved_bytes()) + " of the " + Mib(budget_->limit_bytes()) + " that " +
      kQueryMemoryFlag +
      " allows; narrow the query (date window, codes, depth, max_nodes, max_edges, evidence) "
      "or retry later");
}

void WorkLease::Release(size_t bytes) {
  charged_ -= std::min(bytes, charged_);
  if (budget_ == nullptr) return;
  // Keep one chunk of slack, so that a query that frees and grows again
  // does not go back and forth to the pool.
  const size_t keep = charged_ + budget_->chunk_;
  if (reserved_ > keep + budget_->chunk_) {
    budget_->Give(reserved_ - keep);
    reserved_ = keep;
  }
}

void WorkLease::ReturnAll() {
  if (budget_ != nullptr && reserved_ != 0) {
    budget_->Give(reserved_);
    // glibc's malloc gives each thread an arena of its own and keeps what
    // is freed there for that arena's next allocations. gRPC runs calls on
    // many threads, so without this every arena would keep a large query's
    // worth, and so would each of a flood of refused queries: the server's
    // resident memory would grow far past the budget. By the time the lease
    // goes, what it paid for is freed (callers declare it before the
    // answer, so it is destroyed after).
    if (refused_ || reserved_ >= kTrimAfterBytes) TrimFreedMemory();
  }
  budget_ = nullptr;
  reserved_ = kUnlimited;
  charged_ = 0;
  refused_ = false;
}

}  // namespace entente::graph
