// StreamWatchdog: ends streaming calls that have been idle too long.
//
// A stream with no deadline (an IngestStream whose client stopped writing,
// a health Watch, a reflection stream) would otherwise hold its admission
// slot and its server thread for as long as its client keeps the
// connection. The watchdog fails a stream with DEADLINE_EXCEEDED once no
// message has passed in either direction for the idle limit
// (--stream_idle_s); clients that stream for longer only need to keep
// writing or reading.
//
// Thread-safe. The watchdog runs on a thread of its own.
#ifndef ENTENTE_SERVICE_STREAM_WATCHDOG_H_
#define ENTENTE_SERVICE_STREAM_WATCHDOG_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"

struct grpc_call;

namespace entente::service {

class StreamWatchdog {
 public:
  // What a watched stream shares with the watchdog; owned by the stream's
  // observer, between Watch() and Unwatch().
  struct Stream {
    explicit Stream(grpc_call* c) : call(c) { Touch(); }
    // A message went one way or the other.
    void Touch() {
      last_activity_ns.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                             std::memory_order_relaxed);
    }
    grpc_call* const call;
    std::atomic<int64_t> last_activity_ns{0};
  };

  // `idle` <= 0: the watchdog ends nothing and starts no thread.
  explicit StreamWatchdog(std::chrono::milliseconds idle);
  // Stops and joins the thread.
  ~StreamWatchdog();
  StreamWatchdog(const StreamWatchdog&) = delete;
  StreamWatchdog& operator=(const StreamWatchdog&) = delete;

  // From now on `s` is ended when idle; its call must stay alive until
  // Unwatch(s).
  void Watch(Stream* s);
  // The watchdog no longer touches `s` once this returns. True if it ended
  // the stream for being idle (the client then got DEADLINE_EXCEEDED with
  // IdleMessage()).
  bool Unwatch(Stream* s);

  std::string IdleMessage() const;

 private:
  void Loop();

  const std::chrono::milliseconds idle_;
  absl::Mutex mu_;
  absl::flat_hash_set<Stream*> streams_ ABSL_GUARDED_BY(mu_);
  // Ended for idleness and not yet unwatched.
  absl::flat_hash_set<Stream*> ended_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_STREAM_WATCHDOG_H_
