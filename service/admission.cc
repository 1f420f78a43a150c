#include "service/admission.h"

#include "absl/strings/str_cat.h"
#include "service/auth.h"

namespace entente::service {

const char* CallClassName(CallClass c) {
  switch (c) {
    case CallClass::kOpen:
      return "open";
    case CallClass::kHealthWatch:
      return "health_watch";
    case CallClass::kReader:
      return "reader";
    case CallClass::kWriter:
      return "writer";
    case CallClass::kAdmin:
      return "admin";
  }
  return "admin";
}

CallClass CallClassOf(std::string_view full_method) {
  if (full_method == "/grpc.health.v1.Health/Watch") return CallClass::kHealthWatch;
  switch (RuleFor(absl::string_view(full_method.data(), full_method.size())).role) {
    case Role::kOpen:
      return CallClass::kOpen;
    case Role::kReader:
      return CallClass::kReader;
    case Role::kWriter:
      return CallClass::kWriter;
    case Role::kAdmin:
      return CallClass::kAdmin;
  }
  return CallClass::kAdmin;
}

std::string_view PeerHost(std::string_view peer) {
  if (!peer.starts_with("ipv4:") && !peer.starts_with("ipv6:")) return peer;
  const size_t colon = peer.rfind(':');
  // "ipv6:[::1]:5555": the port follows the bracket; a v4 port follows the
  // last colon after the scheme.
  if (colon <= 4 || (peer.starts_with("ipv6:") && peer[colon - 1] != ']')) return peer;
  return peer.substr(0, colon);
}

absl::Status Admission::Acquire(CallClass c, std::string_view peer) {
  if (c == CallClass::kHealthWatch) return AcquireWatch(peer);
  std::atomic<int>& n = in_use_[static_cast<int>(c)];
  int now = n.load(std::memory_order_relaxed);
  do {
    if (limits_.per_pool > 0 && now >= limits_.per_pool) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "server busy: ", limits_.per_pool, " ", CallClassName(c),
          " calls already in flight, the limit set by --max_concurrent_streams; retry with "
          "backoff"));
    }
  } while (!n.compare_exchange_weak(now, now + 1, std::memory_order_relaxed));
  return absl::OkStatus();
}

void Admission::Release(CallClass c, std::string_view peer) {
  if (c == CallClass::kHealthWatch) return ReleaseWatch(peer);
  in_use_[static_cast<int>(c)].fetch_sub(1, std::memory_order_relaxed);
}

absl::Status Admission::AcquireWatch(std::string_view peer) {
  const std::string_view host = PeerHost(peer);
  absl::MutexLock lock(&mu_);
  std::atomic<int>& total = in_use_[static_cast<int>(CallClass::kHealthWatch)];
  auto it = watches_by_peer_.find(host);
  const int mine = it == watches_by_peer_.end() ? 0 : it->second;
  if (mine >= limits_.watches_per_peer || total.load() >= limits_.watches_total) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many health Watch streams: at most ", limits_.watches_per_peer,
        " from one client address and ", limits_.watches_total,
        " in all; poll grpc.health.v1.Health/Check instead"));
  }
  if (it == watches_by_peer_.end()) it = watches_by_peer_.emplace(std::string(host), 0).first;
  ++it->second;
  total.fetch_add(1);
  return absl::OkStatus();
}

void Admission::ReleaseWatch(std::string_view peer) {
  const std::string_view host = PeerHost(peer);
  absl::MutexLock lock(&mu_);
  in_use_[static_cast<int>(CallClass::kHealthWatch)].fetch_sub(1);
  auto it = watches_by_peer_.find(host);
  if (it != watches_by_peer_.end() && --it->second <= 0) watches_by_peer_.erase(it);
}

}  // namespace entente::service
