#include "service/stream_watchdog.h"

#include <grpc/grpc.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace entente::service {

StreamWatchdog::StreamWatchdog(std::chrono::milliseconds idle) : idle_(idle) {
  if (idle_.count() > 0) thread_ = std::thread([this] { Loop(); });
}

StreamWatchdog::~StreamWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void StreamWatchdog::Watch(Stream* s) {
  if (idle_.count() <= 0) return;
  absl::MutexLock lock(&mu_);
  streams_.insert(s);
}

bool StreamWatchdog::Unwatch(Stream* s) {
  if (idle_.count() <= 0) return false;
  absl::MutexLock lock(&mu_);
  streams_.erase(s);
  return ended_.erase(s) > 0;
}

std::string StreamWatchdog::IdleMessage() const {
  return absl::StrCat("stream idle: no message either way for ", idle_.count() / 1000.0,
                      " s, the limit set by --stream_idle_s; keep writing or reading, or open "
                      "a new stream");
}

void StreamWatchdog::Loop() {
  // Checks a few times per idle period, so a stream ends at most a quarter
  // of the limit late.
  const absl::Duration period =
      absl::Milliseconds(std::clamp<int64_t>(idle_.count() / 4, 10, 1000));
  const std::string message = IdleMessage();
  absl::MutexLock lock(&mu_);
  while (!mu_.AwaitWithTimeout(absl::Condition(&stopping_), period)) {
    const int64_t cutoff =
        (std::chrono::steady_clock::now() - idle_).time_since_epoch().count();
    for (Stream* s : streams_) {
      if (s->last_activity_ns.load(std::memory_order_relaxed) > cutoff) continue;
      if (!ended_.insert(s).second) continue;
      // Safe under mu_: the call outlives Unwatch(), which waits for mu_.
      grpc_call_cancel_with_status(s->call, GRPC_STATUS_DEADLINE_EXCEEDED, message.c_str(),
                                   nullptr);
    }
  }
}

}  // namespace entente::service
