// Log: Entente's replicated write log, a NATS JetStream stream kept on
// three NATS servers (R3, RAFT inside JetStream). A server that takes a write
// appends it here and acknowledges it only once JetStream has (a quorum of
// the stream's replicas holds it); every server, the appending one too,
// follows the stream in order and applies each entry to its own store
// (docs/scaling.md).
//
// The log moves bytes: what an entry means is the caller's (service/
// replicated_writes.h). It knows nothing of gRPC.
//
// Exactly once: the follower applies entry N inside a
// storage::ScopedCommitMeta that writes N as meta kMetaLogApplied in the
// same WriteBatch as the entry's own writes, and starts after the sequence
// the store holds. So a crash before the commit applies N again after the
// restart (it was never stored), and a crash after it does not.
//
// Thread-safety: Append, applied, WaitApplied and state may be called
// concurrently from any thread; Follow once.
#ifndef ENTENTE_REPLICATION_LOG_H_
#define ENTENTE_REPLICATION_LOG_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/store.h"

namespace entente::replication {

struct LogOptions {
  // NATS server URLs, nats://host:port; at least one. The client connects to
  // any and fails over to the others (and to those the cluster announces).
  std::vector<std::string> servers;
  // The JetStream stream; created (file storage, `replicas` replicas) if
  // missing. Its subject is stream + ".writes".
  std::string stream = "entente";
  int replicas = 3;
  // Retention, set when this Log creates the stream (an existing stream
  // keeps its own): entries older than max_age, and the oldest beyond
  // max_bytes, are dropped; zero: no limit. A node behind the first entry
  // kept cannot catch up from the log (docs/scaling.md).
  std::chrono::seconds max_age{0};
  int64_t max_bytes = 0;
  // This node's durable consumer on the stream. Unique per node: two nodes
  // sharing one would each see only part of the log.
  std::string consumer;
  // How long a connect and each append may wait for NATS.
  std::chrono::milliseconds timeout{5000};
  // How long Open() asks again for the stream while JetStream does not
  // answer (its servers just started, or the one reached is rejoining).
  std::chrono::milliseconds startup_timeout{30000};
};

// One entry as the follower hands it over.
struct Entry {
  uint64_t sequence = 0;  // the stream sequence, 1, 2, ...
  std::string_view data;
  // The stamp that the entry's commits carry: meta kMetaLogApplied with
  // EncodeLogApplied({sequence, 0}). The apply may set_value() it to carry
  // its clock too (storage/key_codec.h).
  storage::ScopedCommitMeta* stamp = nullptr;
};

// Where a node stands in the log, for health, metrics and GetServerInfo.
struct LogState {
  std::string stream;
  std::string consumer;
  uint64_t applied = 0;      // the last sequence applied here
  uint64_t stream_last = 0;  // the stream's last sequence, as last seen
  uint64_t lag = 0;          // stream_last - applied
  // The NATS connection is up. While it is down, stream_last (hence lag)
  // is as of the last contact: the node cannot know how far behind it is.
  bool connected = false;
  // The follower has heard from JetStream since the start, so `lag` is a
  // measure; until then the node does not know how far behind it is.
  bool known = false;
  // The stream no longer holds the entries after `applied` (retention):
  // this node cannot catch up from the log (docs/scaling.md).
  bool behind_retention = false;
};

// Parses "nats://h1:4222,nats://h2:4222" (comma separated, none empty).
absl::StatusOr<std::vector<std::string>> ParseServerList(std::string_view list);

class Log {
 public:
  // Connects and makes sure the stream exists. Unavailable if no server
  // answers within options.timeout, or JetStream not within
  // options.startup_timeout; FailedPrecondition if the stream exists
  // with another subject.
  static absl::StatusOr<std::unique_ptr<Log>> Open(const LogOptions& options);
  ~Log();  // Stop()
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Appends `data`; returns its stream sequence once JetStream acknowledged
  // it. `msg_id`, if not empty, is the JetStream message id: within the
  // stream's duplicate window (2 minutes) an append with an id already
  // stored is not stored again and returns the first one's sequence.
  // Unavailable if not acknowledged within options.timeout (no quorum, no
  // server): the entry may then still be stored, and be applied.
  absl::StatusOr<uint64_t> Append(std::string_view data, const std::string& msg_id);

  // The function that applies one entry to the store. It must commit the
  // entry's writes on the calling thread (the follower stamps them with the
  // sequence). A non-OK status is logged and the same entry retried after a
  // pause: the log's order must hold.
  using ApplyFn = std::function<absl::Status(const Entry&)>;
  // Starts the follower thread: consumes entries after `applied` (the
  // sequence the store holds, storage kMetaLogApplied, 0 if none) in order
  // with this node's durable consumer, which it (re)creates itself,
  // retrying until NATS answers. `log` receives one line per event worth an
  // operator's eye (retries).
  absl::Status Follow(uint64_t applied, ApplyFn apply, std::function<void(const std::string&)> log);

  // Stops the follower (after the entry it is applying) and waits for it.
  // The apply function is not called after. Idempotent.
  void Stop();

  // The last sequence applied here.
  uint64_t applied() const { return applied_.load(); }
  // Where this node stands: applied, the stream's last sequence as last
  // seen, the lag between them, the connection.
  LogState state() const;
  // The largest entry Append takes: the NATS servers' max_payload (1 MiB
  // unless configured), as announced when this Log connected.
  size_t max_entry_bytes() const;
  // Waits until applied() >= sequence; false at the deadline.
  bool WaitApplied(uint64_t sequence, std::chrono::steady_clock::time_point deadline) const;

 private:
  struct Nats;
  explicit Log(const LogOptions& options);
  void FollowLoop();
  // (Re)creates this node's durable consumer starting after applied().
  absl::Status Subscribe();
  void Say(const std::string& line) const;
  // The stream's first sequence still kept (retention); 0 if JetStream
  // does not answer.
  uint64_t FirstKept() const;

  // Constant after Open() / Follow().
  const LogOptions options_;
  const std::string subject_;
  std::unique_ptr<Nats> nats_;
  ApplyFn apply_;
  std::function<void(const std::string&)> log_;

  std::atomic<uint64_t> applied_{0};
  std::atomic<uint64_t> stream_last_{0};  // as of the last fetch
  std::atomic<bool> in_touch_{false};     // see LogState::known
  std::atomic<bool> behind_retention_{false};
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable applied_cv_;
  std::thread follower_;
};

}  // namespace entente::replication

#endif  // ENTENTE_REPLICATION_LOG_H_
