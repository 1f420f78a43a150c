// Admission: how many calls entente-server serves at once, in separate
// pools so that one kind of caller cannot take another's capacity.
//
// Every call draws a slot from the pool of the role its method needs
// (RuleFor in service/auth.h): open (health Check), reader (GraphService,
// reflection), writer (IngestService) or admin (AdminService, unknown
// methods). With a tokens file, only callers holding a token of that role
// or above get as far as admission (the token check runs first, in the
// transport), so unauthenticated callers can only ever fill the open pools,
// and a flood of reads cannot take the slots that writes need.
//
// Health Watch streams have a pool of their own, small and bounded per
// client address: Watch needs no token and lasts as long as its client
// wants, so without that bound anyone who reaches the port could hold every
// slot (docs/security.md).
//
// Thread-safe.
#ifndef ENTENTE_SERVICE_ADMISSION_H_
#define ENTENTE_SERVICE_ADMISSION_H_

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace entente::service {

enum class CallClass { kOpen = 0, kHealthWatch = 1, kReader = 2, kWriter = 3, kAdmin = 4 };
inline constexpr int kCallClassCount = 5;

// "open", "health_watch", "reader", "writer", "admin".
const char* CallClassName(CallClass c);

// The pool a call of `full_method` ("/package.Service/Method") draws from.
CallClass CallClassOf(std::string_view full_method);

// The client address of gRPC's peer string without its port:
// "ipv4:127.0.0.1:5555" -> "ipv4:127.0.0.1", "ipv6:[::1]:5555" ->
// "ipv6:[::1]"; anything else unchanged.
std::string_view PeerHost(std::string_view peer);

struct AdmissionLimits {
  // Calls at once in each of the open, reader, writer and admin pools
  // (--max_concurrent_streams); <= 0: no limit.
  int per_pool = 256;
  // Health Watch streams at once from one client address, and in all.
  int watches_per_peer = 4;
  int watches_total = 64;
};

class Admission {
 public:
  explicit Admission(AdmissionLimits limits) : limits_(limits) {}

  // Takes a slot in `c`'s pool for a call from `peer` (gRPC's peer
  // string), to be given back with Release(c, peer). ResourceExhausted,
  // naming the limit and how to stay under it, when the pool is full.
  absl::Status Acquire(CallClass c, std::string_view peer);
  void Release(CallClass c, std::string_view peer);

  // Slots in use in `c`'s pool now.
  int in_use(CallClass c) const {
    return in_use_[static_cast<int>(c)].load(std::memory_order_relaxed);
  }

 private:
  absl::Status AcquireWatch(std::string_view peer);
  void ReleaseWatch(std::string_view peer);

  const AdmissionLimits limits_;
  // Lock-free: the pools of ordinary calls are taken on every call.
  std::array<std::atomic<int>, kCallClassCount> in_use_{};
  absl::Mutex mu_;
  // Watch streams by PeerHost(); taken only by Watch calls, which are rare.
  std::map<std::string, int, std::less<>> watches_by_peer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_ADMISSION_H_
