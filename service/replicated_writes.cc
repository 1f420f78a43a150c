#include "service/replicated_writes.h"

#include <chrono>
#include <random>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "model/violations.h"
#include "service/grpc_status.h"
#include "storage/key_codec.h"

namespace entente::service {
namespace {

// A log entry, as appended and applied. These bytes stay in the stream
// (and its backups) for as long as its retention: DO NOT CHANGE the layout
// or the kinds; add kinds.
//   kind:u8 | micros:u64 | origin:u64 | index_base:u64 | resolution:u8 |
//   whole_call:u8 | the request, serialized (IngestRequest, RetractRequest)
// whole_call: 0 a message of IngestStream, 1 a whole Ingest call, 2 one of
// the parts of a whole call too large for one entry (IngestPart).
// Integers big-endian. micros: when the server took the write; origin: the
// process that appended it; the rest: service/ingest_service.h IngestPart.
// The writes of who is who (kinds 3..6) carry before their request the
// caller's name (as CallerName gives it): caller_len:u32 | caller bytes.
enum class Kind : uint8_t {
  kIngest = 1,
  kRetract = 2,
  kSetMembership = 3,
  kRemoveMembership = 4,
  kMergeEntities = 5,
  kUnmergeEntities = 6,
};
constexpr size_t kHeaderSize = 1 + 8 + 8 + 8 + 1 + 1;

struct Header {
  Kind kind = Kind::kIngest;
  int64_t micros = 0;
  uint64_t origin = 0;
  IngestPart part;
};

std::string EncodeHeader(const Header& h) {
  std::string out;
  out.push_back(static_cast<char>(h.kind));
  out += storage::EncodeId(static_cast<uint64_t>(h.micros));
  out += storage::EncodeId(h.origin);
  out += storage::EncodeId(h.part.index_base);
  out.push_back(static_cast<char>(h.part.resolution));
  out.push_back(h.part.whole_call ? (h.part.one_of_several ? 2 : 1) : 0);
  return out;
}

std::string Encode(const Header& h, const google::protobuf::MessageLite& request) {
  std::string out = EncodeHeader(h);
  request.AppendToString(&out);
  return out;
}

// Nullopt if `data` is too short; the payload is what follows kHeaderSize.
std::optional<Header> DecodeHeader(std::string_view data) {
  if (data.size() < kHeaderSize) return std::nullopt;
  Header h;
  h.kind = static_cast<Kind>(data[0]);
  h.micros = static_cast<int64_t>(*storage::DecodeId(data.substr(1, 8)));
  h.origin = *storage::DecodeId(data.substr(9, 8));
  h.part.index_base = *storage::DecodeId(data.substr(17, 8));
  h.part.resolution = static_cast<model::NameResolution>(static_cast<uint8_t>(data[25]));
  h.part.whole_call = data[26] != 0;
  h.part.one_of_several = data[26] == 2;
  return h;
}

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t RandomOrigin() {
  std::random_device random;
  const uint64_t v = (uint64_t{random()} << 32) ^ random();
  return v == 0 ? 1 : v;
}

// Answers kept for calls that gave up waiting are dropped beyond this many.
constexpr size_t kMaxKeptAnswers = 4096;

}  // namespace

ReplicatedWrites::ReplicatedWrites(replication::Log* log, graph::Ingestor* ingestor,
                                   const graph::GraphReader* reader, Metrics* metrics,
                                   std::atomic<int64_t>* entry_micros)
    : log_(log),
      ingestor_(ingestor),
      reader_(reader),
      metrics_(metrics),
      entry_micros_(entry_micros),
      origin_(RandomOrigin()) {}

absl::Status ReplicatedWrites::Follow(const storage::LogApplied& applied,
                                      std::function<void(const std::string&)> log_line) {
  clock_floor_ = applied.clock_micros;
  return log_->Follow(
      applied.sequence, [this](const replication::Entry& e) { return Apply(e); },
      std::move(log_line));
}

absl::Status ReplicatedWrites::Apply(const replication::Entry& entry) {
  const auto header = DecodeHeader(entry.data);
  // A malformed entry is skipped the same way on every replica; it cannot
  // come from an Entente server.
  if (!header) return absl::OkStatus();
  clock_floor_ = std::max(clock_floor_, header->micros);
  entry_micros_->store(clock_floor_);
  entry.stamp->set_value(storage::EncodeLogApplied({entry.sequence, clock_floor_}));
  const std::string_view payload = entry.data.substr(kHeaderSize);
  Answer answer;
  switch (header->kind) {
    case Kind::kIngest: {
      v1::IngestRequest req;
      v1::IngestResponse resp;
      if (!req.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) break;
      if (absl::Status st =
              IngestLocally(ingestor_, metrics_, req, header->part, &answer.status, &resp);
          !st.ok()) {
        return st;  // the store failed: the follower retries this entry
      }
      resp.set_log_sequence(entry.sequence);
      answer.response = resp.SerializeAsString();
      break;
    }
    case Kind::kRetract: {
      v1::RetractRequest req;
      v1::RetractResponse resp;
      if (!req.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) break;
      if (absl::Status st = RetractLocally(ingestor_, req, &resp); !st.ok()) return st;
      resp.set_log_sequence(entry.sequence);
      answer.response = resp.SerializeAsString();
      break;
    }
    case Kind::kSetMembership:
    case Kind::kRemoveMembership:
    case Kind::kMergeEntities:
    case Kind::kUnmergeEntities:
      if (absl::Status st = ApplyGroup(static_cast<uint8_t>(header->kind), payload, &answer);
          !st.ok()) {
        return st;
      }
      break;
  }
  if (header->origin == origin_) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_[entry.sequence] = std::move(answer);
    while (answers_.size() > kMaxKeptAnswers) answers_.erase(answers_.begin());
  }
  return absl::OkStatus();
}

namespace {

// Parses the caller and the request of a write of who is who and applies it
// with `local` (a ...Locally of ingest_service.h). A malformed one is
// skipped, the same way on every replica.
template <typename Req, typename Resp, typename Local>
absl::Status ApplyOne(std::string_view payload, graph::Ingestor* ingestor,
                      const graph::GraphReader& reader, Local local, grpc::Status* status,
                      std::string* response) {
  if (payload.size() < 4) return absl::OkStatus();  // malformed: skipped everywhere
  const uint32_t caller_len = static_cast<uint32_t>(
      *storage::DecodeId(std::string(4, '\0') + std::string(payload.substr(0, 4))));
  if (payload.size() - 4 < caller_len) return absl::OkStatus();
  const std::string caller(payload.substr(4, caller_len));
  const std::string_view body = payload.substr(4 + caller_len);
  Req req;
  if (!req.ParseFromArray(body.data(), static_cast<int>(body.size()))) return absl::OkStatus();
  Resp resp;
  if (absl::Status st = local(ingestor, reader, req, caller, status, &resp); !st.ok()) return st;
  *response = resp.SerializeAsString();
  return absl::OkStatus();
}

}  // namespace

absl::Status ReplicatedWrites::ApplyGroup(uint8_t kind, std::string_view payload, Answer* answer) {
  switch (static_cast<Kind>(kind)) {
    case Kind::kSetMembership:
      return ApplyOne<v1::SetMembershipRequest, v1::SetMembershipResponse>(
          payload, ingestor_, *reader_, SetMembershipLocally, &answer->status, &answer->response);
    case Kind::kRemoveMembership:
      return ApplyOne<v1::RemoveMembershipRequest, v1::RemoveMembershipResponse>(
          payload, ingestor_, *reader_, RemoveMembershipLocally, &answer->status,
          &answer->response);
    case Kind::kMergeEntities:
      return ApplyOne<v1::MergeEntitiesRequest, v1::MergeEntitiesResponse>(
          payload, ingestor_, *reader_, MergeEntitiesLocally, &answer->status, &answer->response);
    case Kind::kUnmergeEntities:
      return ApplyOne<v1::UnmergeEntitiesRequest, v1::UnmergeEntitiesResponse>(
          payload, ingestor_, *reader_, UnmergeEntitiesLocally, &answer->status, &answer->response);
    default:
      return absl::OkStatus();
  }
}

grpc::Status ReplicatedWrites::Group(grpc::ServerContext* ctx, uint8_t kind,
                                     const std::string& caller,
                                     const google::protobuf::MessageLite& req,
                                     google::protobuf::MessageLite* resp) {
  Header h;
  h.kind = static_cast<Kind>(kind);
  h.micros = WallMicros();
  h.origin = origin_;
  std::string entry = EncodeHeader(h);
  entry += storage::EncodeId(caller.size()).substr(4);  // u32
  entry += caller;
  req.AppendToString(&entry);
  uint64_t seq = 0;
  Answer answer;
  if (grpc::Status s = Submit(ctx, entry, &seq, &answer); !s.ok()) return s;
  if (!answer.status.ok()) return answer.status;
  if (!resp->ParseFromString(answer.response)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unreadable answer of the replicated log");
  }
  return grpc::Status::OK;
}

grpc::Status ReplicatedWrites::GroupWrite(grpc::ServerContext* ctx, const std::string& caller,
                                          const v1::SetMembershipRequest& req,
                                          v1::SetMembershipResponse* resp) {
  return Group(ctx, static_cast<uint8_t>(Kind::kSetMembership), caller, req, resp);
}

grpc::Status ReplicatedWrites::GroupWrite(grpc::ServerContext* ctx, const std::string& caller,
                                          const v1::RemoveMembershipRequest& req,
                                          v1::RemoveMembershipResponse* resp) {
  return Group(ctx, static_cast<uint8_t>(Kind::kRemoveMembership), caller, req, resp);
}

grpc::Status ReplicatedWrites::GroupWrite(grpc::ServerContext* ctx, const std::string& caller,
                                          const v1::MergeEntitiesRequest& req,
                                          v1::MergeEntitiesResponse* resp) {
  return Group(ctx, static_cast<uint8_t>(Kind::kMergeEntities), caller, req, resp);
}

grpc::Status ReplicatedWrites::GroupWrite(grpc::ServerContext* ctx, const std::string& caller,
                                          const v1::UnmergeEntitiesRequest& req,
                                          v1::UnmergeEntitiesResponse* resp) {
  return Group(ctx, static_cast<uint8_t>(Kind::kUnmergeEntities), caller, req, resp);
}

grpc::Status ReplicatedWrites::WaitApplied(uint64_t sequence,
                                           std::chrono::system_clock::time_point deadline) const {
  // gRPC gives deadlines on the system clock; the wait runs on the steady one.
  const auto now = std::chrono::system_clock::now();
  const auto left = deadline > now ? deadline - now : std::chrono::system_clock::duration(0);
  // No deadline: wait a bounded time, as a client would have set one. Give
  // up a little before the deadline, so that the client gets the answer
  // naming the lag rather than its own DEADLINE_EXCEEDED.
  const auto margin =
      std::min<std::chrono::system_clock::duration>(left / 10, std::chrono::milliseconds(100));
  const auto wait =
      std::min<std::chrono::system_clock::duration>(left - margin, std::chrono::seconds(60));
  if (log_->WaitApplied(sequence, std::chrono::steady_clock::now() + wait)) {
    return grpc::Status::OK;
  }
  const replication::LogState st = log_->state();
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat("this server has applied the replicated log up to ", st.applied,
                                   ", ", sequence - st.applied, " entries short of ", sequence,
                                   " (lag ", st.lag, "); retry, or read from another server"));
}

grpc::Status ReplicatedWrites::Submit(grpc::ServerContext* ctx, const std::string& entry,
                                      uint64_t* sequence, Answer* answer) {
  // Unique per call: JetStream drops a second copy of one append (the
  // client library resending it after a reconnect) within its window.
  const std::string msg_id = absl::StrCat(absl::Hex(origin_), "-", next_call_++);
  if (entry.size() > log_->max_entry_bytes()) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("the request encodes to ", entry.size(),
                     " bytes, more than one entry of the replicated log holds (",
                     log_->max_entry_bytes(), " bytes: the NATS servers' max_payload); split it"));
  }
  auto seq = log_->Append(entry, msg_id);
  if (!seq.ok()) {
    // Not acknowledged: the client must not count it as stored.
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the write was not acknowledged by the replicated log (" +
                            seq.status().ToString() +
                            "); it may or may not be applied: resend it with the same "
                            "idempotency keys");
  }
  *sequence = *seq;
  if (grpc::Status s = WaitApplied(*seq, ctx->deadline()); !s.ok()) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "the write is in the replicated log (sequence " + std::to_string(*seq) +
                            ") but not yet applied on this server: " + s.error_message());
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = answers_.find(*seq);
  if (it == answers_.end()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the write is in the replicated log (sequence " + std::to_string(*seq) +
                            ") and applied, but its answer was dropped; resend it with the "
                            "same idempotency keys to learn its ids");
  }
  *answer = std::move(it->second);
  answers_.erase(it);
  return grpc::Status::OK;
}

namespace {

// The request's statements in consecutive parts, each of which encodes to
// at most `limit` bytes as a request of its own; InvalidArgument naming the
// statement that alone exceeds it.
absl::StatusOr<std::vector<v1::IngestRequest>> Split(const v1::IngestRequest& req, size_t limit) {
  v1::IngestRequest empty = req;
  empty.clear_statements();
  // A repeated field's element costs its bytes plus a tag and a length.
  const auto cost = [](const v1::Statement& s) { return s.ByteSizeLong() + 1 + 5; };
  std::vector<v1::IngestRequest> parts;
  size_t size = 0;
  for (int i = 0; i < req.statements_size(); ++i) {
    const size_t c = cost(req.statements(i));
    if (empty.ByteSizeLong() + c > limit) {
      return model::InvalidArgument(
          {{absl::StrCat("statements[", i, "]"),
            absl::StrCat("encodes to ", c,
                         " bytes, more than one entry of the replicated log "
                         "holds (",
                         limit, " bytes: the NATS servers' max_payload)")}});
    }
    if (parts.empty() || size + c > limit) {
      parts.push_back(empty);
      size = empty.ByteSizeLong();
    }
    *parts.back().add_statements() = req.statements(i);
    size += c;
  }
  return parts;
}

// Every field violation in the rejections' statuses (their BadRequest).
std::vector<model::FieldViolation> ViolationsOf(const v1::IngestResponse& resp) {
  std::vector<model::FieldViolation> out;
  for (const auto& r : resp.rejections()) {
    google::rpc::BadRequest bad;
    bool found = false;
    for (const auto& detail : r.status().details()) {
      if (!detail.UnpackTo(&bad)) continue;
      for (const auto& v : bad.field_violations()) out.push_back({v.field(), v.description()});
      found = true;
    }
    if (!found) out.push_back({r.field(), r.description()});
  }
  return out;
}

// Adds one entry's answer to the call's: the counts, the rejections (up to
// `max_rejections` in all) and the ids.
void AddAnswer(v1::IngestResponse& one, size_t max_rejections, v1::IngestResponse* resp) {
  resp->set_accepted(resp->accepted() + one.accepted());
  resp->set_duplicate(resp->duplicate() + one.duplicate());
  resp->set_rejected(resp->rejected() + one.rejected());
  for (auto& r : *one.mutable_rejections()) {
    if (static_cast<size_t>(resp->rejections_size()) >= max_rejections) break;
    *resp->add_rejections() = std::move(r);
  }
  for (auto id : one.statement_ids()) resp->add_statement_ids(id);
  resp->set_log_sequence(one.log_sequence());
}

}  // namespace

grpc::Status ReplicatedWrites::AppendIngest(grpc::ServerContext* ctx, const v1::IngestRequest& req,
                                            const IngestPart& part, v1::IngestResponse* one) {
  Header h;
  h.kind = Kind::kIngest;
  h.micros = WallMicros();
  h.origin = origin_;
  h.part = part;
  uint64_t seq = 0;
  Answer answer;
  if (grpc::Status s = Submit(ctx, Encode(h, req), &seq, &answer); !s.ok()) return s;
  if (!answer.status.ok()) return answer.status;
  if (!one->ParseFromString(answer.response)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unreadable answer of the replicated log");
  }
  one->set_log_sequence(seq);
  return grpc::Status::OK;
}

grpc::Status ReplicatedWrites::Ingest(grpc::ServerContext* ctx, const v1::IngestRequest& req,
                                      const IngestPart& part, v1::IngestResponse* resp) {
  const size_t limit = log_->max_entry_bytes() - kHeaderSize;
  if (req.ByteSizeLong() <= limit) {
    v1::IngestResponse one;
    if (grpc::Status s = AppendIngest(ctx, req, part, &one); !s.ok()) return s;
    if (part.whole_call) {
      *resp = std::move(one);
    } else {
      AddAnswer(one, kMaxStreamRejections, resp);  // one message of a stream: add up
    }
    return grpc::Status::OK;
  }
  // Larger than one entry: in consecutive entries, answered as one. If an
  // append fails midway, the parts before it are stored: a resend with the
  // same idempotency keys completes the call, as after any call cut short.
  auto parts = Split(req, limit);
  if (!parts.ok()) return ToGrpcStatus(parts.status());
  v1::IngestResponse whole;
  v1::IngestResponse* into = part.whole_call ? &whole : resp;
  IngestPart p = part;
  p.one_of_several = part.whole_call;
  for (const v1::IngestRequest& r : *parts) {
    v1::IngestResponse one;
    if (grpc::Status s = AppendIngest(ctx, r, p, &one); !s.ok()) return s;
    AddAnswer(one, part.whole_call ? SIZE_MAX : kMaxStreamRejections, into);
    p.index_base += r.statements_size();
  }
  if (!part.whole_call) return grpc::Status::OK;
  if (whole.rejected() > 0 && whole.rejected() == static_cast<uint64_t>(req.statements_size())) {
    // Nothing was stored: fail the call as one entry would have.
    return BadRequest(ViolationsOf(whole));
  }
  // Keep one answer per the contract: a whole call's ids and rejections.
  *resp = std::move(whole);
  return grpc::Status::OK;
}

grpc::Status ReplicatedWrites::Retract(grpc::ServerContext* ctx, const v1::RetractRequest& req,
                                       v1::RetractResponse* resp) {
  Header h;
  h.kind = Kind::kRetract;
  h.micros = WallMicros();
  h.origin = origin_;
  uint64_t seq = 0;
  Answer answer;
  if (grpc::Status s = Submit(ctx, Encode(h, req), &seq, &answer); !s.ok()) return s;
  if (!answer.status.ok()) return answer.status;
  if (!resp->ParseFromString(answer.response)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unreadable answer of the replicated log");
  }
  return grpc::Status::OK;
}

}  // namespace entente::service
