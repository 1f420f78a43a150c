// ReplicatedWrites: IngestService's writes (Ingest, IngestStream, Retract
// and the writes of who is who) when the server runs with --replication
// (docs/scaling.md). A write is checked as without
// replication, appended to the replicated log (replication/log.h) and
// answered once JetStream acknowledged it and this server's own follower
// applied it; every server applies every entry, in the log's order, with
// the same code as without replication (IngestLocally, RetractLocally), so
// every replica holds the same statements under the same ids.
//
// Determinism: an entry carries the time its server took it, and the
// Ingestor's clock (entry_micros, given to the Ingestor at construction)
// reads, while the entry is applied, the greatest such time of the entries
// so far (servers' clocks differ, and entries reach the log out of their
// time order). That floor is stored with the applied sequence
// (storage::LogApplied), so a restarted replica goes on from the same
// value, and ingest and retraction times are the same on every replica.
//
// Thread-safety: Ingest and Retract run concurrently on gRPC's threads;
// Apply runs on the log's follower thread.
#ifndef ENTENTE_SERVICE_REPLICATED_WRITES_H_
#define ENTENTE_SERVICE_REPLICATED_WRITES_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "entente/v1/ingest.pb.h"
#include "graph/ingestor.h"
#include "graph/reader.h"
#include "replication/log.h"
#include "service/ingest_service.h"
#include "service/metrics.h"

namespace entente::service {

class ReplicatedWrites {
 public:
  // `log`, `ingestor` and `entry_micros` (the Ingestor's clock) must
  // outlive this. Call Follow() before serving.
  ReplicatedWrites(replication::Log* log, graph::Ingestor* ingestor,
                   const graph::GraphReader* reader, Metrics* metrics,
                   std::atomic<int64_t>* entry_micros);

  // Starts applying the log after `applied` (the store's kMetaLogApplied,
  // zeros if none).
  absl::Status Follow(const storage::LogApplied& applied,
                      std::function<void(const std::string&)> log_line);

  // Appends the (checked) request and answers as the call would without
  // replication, plus the log sequence. UNAVAILABLE if JetStream does not
  // acknowledge it (no quorum): the write may or may not be applied later,
  // as with any call cut short; resend it with the same idempotency keys.
  // DEADLINE_EXCEEDED if acknowledged but not applied here in time.
  grpc::Status Ingest(grpc::ServerContext* ctx, const v1::IngestRequest& req,
                      const IngestPart& part, v1::IngestResponse* resp);
  grpc::Status Retract(grpc::ServerContext* ctx, const v1::RetractRequest& req,
                       v1::RetractResponse* resp);

  // The writes of who is who, the same way; `caller` as in
  // SetMembershipLocally (ingest_service.h). Names are resolved when the
  // entry is applied, on the state the log gives at that point.
  grpc::Status GroupWrite(grpc::ServerContext* ctx, const std::string& caller,
                          const v1::SetMembershipRequest& req, v1::SetMembershipResponse* resp);
  grpc::Status GroupWrite(grpc::ServerContext* ctx, const std::string& caller,
                          const v1::RemoveMembershipRequest& req,
                          v1::RemoveMembershipResponse* resp);
  grpc::Status GroupWrite(grpc::ServerContext* ctx, const std::string& caller,
                          const v1::MergeEntitiesRequest& req, v1::MergeEntitiesResponse* resp);
  grpc::Status GroupWrite(grpc::ServerContext* ctx, const std::string& caller,
                          const v1::UnmergeEntitiesRequest& req, v1::UnmergeEntitiesResponse* resp);

  // The follower's apply function: one entry, on the store.
  absl::Status Apply(const replication::Entry& entry);

  // Waits until this server applied the log up to `sequence`; UNAVAILABLE
  // naming the lag at the deadline (read your writes on any replica).
  grpc::Status WaitApplied(uint64_t sequence, std::chrono::system_clock::time_point deadline) const;

  const replication::Log& log() const { return *log_; }

 private:
  // What the follower got applying an entry this server appended, for the
  // call waiting on it.
  struct Answer {
    grpc::Status status;
    std::string response;  // the serialized response
  };
  // Appends a write of who is who (kind 3..6) and parses its answer.
  grpc::Status Group(grpc::ServerContext* ctx, uint8_t kind, const std::string& caller,
                     const google::protobuf::MessageLite& req, google::protobuf::MessageLite* resp);
  // Applies one (payload of a kind 3..6).
  absl::Status ApplyGroup(uint8_t kind, std::string_view payload, Answer* answer);
  // Appends one entry of Ingest and parses its answer, with its sequence.
  grpc::Status AppendIngest(grpc::ServerContext* ctx, const v1::IngestRequest& req,
                            const IngestPart& part, v1::IngestResponse* one);
  // Appends `entry` and waits for its Answer.
  grpc::Status Submit(grpc::ServerContext* ctx, const std::string& entry, uint64_t* sequence,
                      Answer* answer);

  replication::Log* const log_;
  graph::Ingestor* const ingestor_;
  const graph::GraphReader* const reader_;
  Metrics* const metrics_;
  std::atomic<int64_t>* const entry_micros_;
  // Tells this process's entries from others' in the log (random at start).
  const uint64_t origin_;
  std::atomic<uint64_t> next_call_{1};
  // The clock floor (see above); the follower's thread only.
  int64_t clock_floor_ = 0;

  std::mutex mu_;
  std::map<uint64_t, Answer> answers_;  // by sequence; of this origin only
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_REPLICATED_WRITES_H_
