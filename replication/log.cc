#include "replication/log.h"

#include <nats/nats.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace entente::replication {
namespace {

// Entries asked for at once: enough to amortise a round trip, few enough
// that a node restarting mid-batch redoes little.
constexpr int kFetchBatch = 256;
// How long one fetch waits for new entries before asking again.
constexpr int64_t kFetchWaitMs = 500;
// Pause before retrying after a NATS error or a failed apply.
constexpr auto kRetryPause = std::chrono::milliseconds(200);

absl::Status NatsError(std::string_view what, natsStatus s,
                       jsErrCode jerr = static_cast<jsErrCode>(0)) {
  std::string text = absl::StrCat("NATS ", std::string(what), ": ", natsStatus_GetText(s));
  // The JetStream API's own description ("insufficient resources", ...),
  // which the status alone ("Error") does not give.
  const char* detail = nats_GetLastError(nullptr);
  if (detail != nullptr && *detail != '\0' && std::string_view(detail) != natsStatus_GetText(s)) {
    absl::StrAppend(&text, ": ", detail);
  }
  if (jerr != 0) absl::StrAppend(&text, " (JetStream error ", static_cast<int>(jerr), ")");
  // A timeout or a lost connection is the cluster's state, not the
  // request's: the caller may retry.
  return absl::UnavailableError(text);
}

}  // namespace

struct Log::Nats {
  natsOptions* opts = nullptr;
  natsConnection* conn = nullptr;
  jsCtx* js = nullptr;
  natsSubscription* sub = nullptr;  // the follower's; only its thread uses it
  ~Nats() {
    if (sub != nullptr) natsSubscription_Destroy(sub);
    if (js != nullptr) jsCtx_Destroy(js);
    if (conn != nullptr) {
      natsConnection_Close(conn);
      natsConnection_Destroy(conn);
    }
    if (opts != nullptr) natsOptions_Destroy(opts);
  }
};

absl::StatusOr<std::vector<std::string>> ParseServerList(std::string_view list) {
  std::vector<std::string> out;
  const std::vector<std::string> urls = absl::StrSplit(std::string(list), ',');
  for (const std::string& url : urls) {
    if (url.empty()) return absl::InvalidArgumentError("--replication has an empty server URL");
    if (!std::string_view(url).starts_with("nats://")) {
      return absl::InvalidArgumentError(
          absl::StrCat("--replication: '", url, "' is not a nats://HOST:PORT URL"));
    }
    out.emplace_back(url);
  }
  if (out.empty()) return absl::InvalidArgumentError("--replication names no NATS server");
  return out;
}

Log::Log(const LogOptions& options)
    : options_(options), subject_(options.stream + ".writes"), nats_(std::make_unique<Nats>()) {}

Log::~Log() { Stop(); }

void Log::Stop() {
  stop_ = true;
  if (follower_.joinable()) follower_.join();
}

void Log::Say(const std::string& line) const {
  if (log_) log_(line);
}

absl::StatusOr<std::unique_ptr<Log>> Log::Open(const LogOptions& options) {
  if (options.servers.empty()) return absl::InvalidArgumentError("no NATS server");
  if (options.consumer.empty()) return absl::InvalidArgumentError("no consumer name");
  std::unique_ptr<Log> log(new Log(options));
  Nats& n = *log->nats_;
  std::vector<const char*> urls;
  for (const auto& s : options.servers) urls.push_back(s.c_str());
  natsStatus s = natsOptions_Create(&n.opts);
  if (s == NATS_OK) s = natsOptions_SetServers(n.opts, urls.data(), static_cast<int>(urls.size()));
  // Reconnect for ever, quickly: a NATS server killed or restarted must
  // cost a write a moment, not the node its connection.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(n.opts, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(n.opts, 100);
  if (s == NATS_OK) s = natsOptions_SetTimeout(n.opts, options.timeout.count());
  if (s != NATS_OK) return NatsError("options", s);
  s = natsConnection_Connect(&n.conn, n.opts);
  if (s != NATS_OK) return NatsError("connect to " + absl::StrJoin(options.servers, ","), s);
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = options.timeout.count();
  s = natsConnection_JetStream(&n.js, n.conn, &jo);
  if (s != NATS_OK) return NatsError("JetStream context", s);

  // Right after the NATS servers start, or when the server this client
  // reached is still rejoining its cluster, JetStream's API does not answer
  // yet: ask again, a short wait each time, until options.startup_timeout.
  const auto give_up = std::chrono::steady_clock::now() + options.startup_timeout;
  jsOptions ask;
  jsOptions_Init(&ask);
  ask.Wait = std::min<int64_t>(2000, options.timeout.count());
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  while (true) {
    jerr = static_cast<jsErrCode>(0);
    s = js_GetStreamInfo(&si, n.js, options.stream.c_str(), &ask, &jerr);
    if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr) {
      jsStreamConfig cfg;
      jsStreamConfig_Init(&cfg);
      const char* subjects[] = {log->subject_.c_str()};
      cfg.Name = options.stream.c_str();
      cfg.Subjects = subjects;
      cfg.SubjectsLen = 1;
      // On disk on each of `replicas` servers: the log is the writes' only
      // copy until every node has applied them.
      cfg.Storage = js_FileStorage;
      cfg.Replicas = options.replicas;
      cfg.MaxAge = std::chrono::duration_cast<std::chrono::nanoseconds>(options.max_age).count();
      if (options.max_bytes > 0) cfg.MaxBytes = options.max_bytes;
      jerr = static_cast<jsErrCode>(0);
      s = js_AddStream(&si, n.js, &cfg, &ask, &jerr);
      if (jerr == JSStreamNameExistErr) continue;  // another node made it meanwhile
    }
    // "No suitable peers": the NATS servers have not all joined the
    // cluster yet, so the stream cannot be placed on three of them.
    const bool transient = s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS ||
                           s == NATS_CONNECTION_DISCONNECTED || jerr == JSClusterNoPeersErr;
    if (s == NATS_OK || !transient || std::chrono::steady_clock::now() >= give_up) break;
    std::this_thread::sleep_for(kRetryPause);
  }
  if (s != NATS_OK) return NatsError("stream " + options.stream, s, jerr);
  bool subject_ok = false;
  for (int i = 0; i < si->Config->SubjectsLen; ++i) {
    subject_ok |= log->subject_ == si->Config->Subjects[i];
  }
  jsStreamInfo_Destroy(si);
  if (!subject_ok) {
    return absl::FailedPreconditionError(absl::StrCat("stream ", options.stream,
                                                      " exists without the subject ", log->subject_,
                                                      ": not an Entente log"));
  }
  return log;
}

absl::StatusOr<uint64_t> Log::Append(std::string_view data, const std::string& msg_id) {
  if (data.size() > max_entry_bytes()) {
    return absl::InvalidArgumentError(absl::StrCat("an entry of ", data.size(),
                                                   " bytes is larger than the NATS servers' "
                                                   "max_payload (",
                                                   max_entry_bytes(), " bytes)"));
  }
  natsMsg* msg = nullptr;
  natsStatus s =
      natsMsg_Create(&msg, subject_.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
  if (s != NATS_OK) return NatsError("message", s);
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = options_.timeout.count();
  if (!msg_id.empty()) po.MsgId = msg_id.c_str();
  // While the stream elects a leader (a NATS server died) an append fails
  // at once with "no responders", or times out: try again with the same
  // message id until options_.timeout, so that JetStream stores it once
  // even if an earlier try got through unacknowledged.
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    po.MaxWait = std::max<int64_t>(left.count(), 1);
    jerr = static_cast<jsErrCode>(0);
    s = js_PublishMsg(&ack, nats_->js, msg, &po, &jerr);
    if (s == NATS_OK || std::chrono::steady_clock::now() + kRetryPause >= deadline) break;
    const bool transient = s == NATS_NO_RESPONDERS || s == NATS_TIMEOUT ||
                           s == NATS_CONNECTION_DISCONNECTED || s == NATS_NO_SERVER ||
                           s == NATS_STALE_CONNECTION;
    if (!transient) break;
    std::this_thread::sleep_for(kRetryPause / 2);
  }
  natsMsg_Destroy(msg);
  if (s != NATS_OK) return NatsError("append to " + options_.stream, s, jerr);
  const uint64_t seq = ack->Sequence;
  jsPubAck_Destroy(ack);
  return seq;
}

size_t Log::max_entry_bytes() const {
  // The server's INFO of the last connection; kept while reconnecting. 0
  // only without one, and then NATS' default.
  const int64_t announced = natsConnection_GetMaxPayload(nats_->conn);
  return announced > 0 ? static_cast<size_t>(announced) : size_t{1} << 20;
}

uint64_t Log::FirstKept() const {
  jsOptions ask;
  jsOptions_Init(&ask);
  ask.Wait = std::min<int64_t>(2000, options_.timeout.count());
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  if (js_GetStreamInfo(&si, nats_->js, options_.stream.c_str(), &ask, &jerr) != NATS_OK) return 0;
  const uint64_t first = si->State.FirstSeq;
  jsStreamInfo_Destroy(si);
  return first;
}

LogState Log::state() const {
  LogState st;
  st.stream = options_.stream;
  st.consumer = options_.consumer;
  st.applied = applied_.load();
  st.stream_last = std::max(stream_last_.load(), st.applied);
  st.lag = st.stream_last - st.applied;
  st.connected = natsConnection_Status(nats_->conn) == NATS_CONN_STATUS_CONNECTED;
  st.known = in_touch_.load();
  st.behind_retention = behind_retention_.load();
  return st;
}

bool Log::WaitApplied(uint64_t sequence, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  return applied_cv_.wait_until(lock, deadline, [&] { return applied_.load() >= sequence; });
}

absl::Status Log::Follow(uint64_t applied, ApplyFn apply,
                         std::function<void(const std::string&)> log) {
  if (follower_.joinable()) return absl::FailedPreconditionError("already following");
  applied_ = applied;
  stream_last_ = applied;
  apply_ = std::move(apply);
  log_ = std::move(log);
  // The follower subscribes itself, retrying: a NATS server that just
  // restarted may keep the consumer API waiting for seconds, and the node
  // can serve reads meanwhile.
  follower_ = std::thread([this] { FollowLoop(); });
  return absl::OkStatus();
}

absl::Status Log::Subscribe() {
  Nats& n = *nats_;
  if (n.sub != nullptr) {
    natsSubscription_Destroy(n.sub);
    n.sub = nullptr;
  }
  // The store, not the consumer, says where to start: its sequence is
  // written with the writes themselves, while the consumer's acks may be
  // ahead of a store that lost its last commits (no --sync) or behind one
  // that committed and died before acking. So the durable consumer is made
  // anew at each start, after the store's sequence.
  jsOptions ask;
  jsOptions_Init(&ask);
  ask.Wait = std::min<int64_t>(2000, options_.timeout.count());
  jsErrCode jerr = static_cast<jsErrCode>(0);
  // A consumer with fetches waiting is another live node's (the same
  // --replication_node, or a copy of this store): taking it over would
  // leave each node with part of the log. A fetch of this node's previous
  // life expires within kFetchWaitMs, so the retry gets past that one.
  jsConsumerInfo* existing = nullptr;
  if (js_GetConsumerInfo(&existing, n.js, options_.stream.c_str(), options_.consumer.c_str(), &ask,
                         &jerr) == NATS_OK) {
    const int64_t waiting = existing->NumWaiting;
    jsConsumerInfo_Destroy(existing);
    if (waiting > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("the consumer ", options_.consumer,
                       " is in use by another node: give each node its own --replication_node"));
    }
  }
  jerr = static_cast<jsErrCode>(0);
  natsStatus s =
      js_DeleteConsumer(n.js, options_.stream.c_str(), options_.consumer.c_str(), &ask, &jerr);
  if (s != NATS_OK && s != NATS_NOT_FOUND && jerr != JSConsumerNotFoundErr) {
    return NatsError("delete consumer " + options_.consumer, s, jerr);
  }
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = options_.stream.c_str();
  so.Config.Durable = options_.consumer.c_str();
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = applied_.load() + 1;
  so.Config.AckPolicy = js_AckExplicit;
  // A node removed for good leaves no consumer behind: JetStream drops one
  // unused this long. A node back after longer makes its consumer anew from
  // its store's sequence, as at every start.
  so.Config.InactiveThreshold = std::chrono::nanoseconds(std::chrono::hours(24)).count();
  jerr = static_cast<jsErrCode>(0);
  s = js_PullSubscribe(&n.sub, n.js, subject_.c_str(), options_.consumer.c_str(), &ask, &so, &jerr);
  if (s != NATS_OK) return NatsError("subscribe " + options_.consumer, s, jerr);
  // What the new consumer has to deliver is how far behind this node is:
  // known now, rather than only once the first entries arrive.
  jsConsumerInfo* ci = nullptr;
  jerr = static_cast<jsErrCode>(0);
  if (natsSubscription_GetConsumerInfo(&ci, n.sub, &ask, &jerr) == NATS_OK) {
    std::lock_guard<std::mutex> lock(mu_);
    stream_last_ = std::max(stream_last_.load(), applied_.load() + ci->NumPending);
    in_touch_ = true;
    jsConsumerInfo_Destroy(ci);
  }
  // Entries this node needs that retention dropped are noticed here, not
  // only when a later entry arrives: the stream may hold none after them.
  if (const uint64_t first = FirstKept(); first > applied_.load() + 1) {
    behind_retention_ = true;
    Say(absl::StrCat("replication: this node applied the log up to ", applied_.load(),
                     " but the stream keeps entries from ", first,
                     " only (--stream_max_age/--stream_max_bytes): it cannot catch up; "
                     "restore a newer backup into its --data (docs/scaling.md)"));
  }
  return absl::OkStatus();
}

void Log::FollowLoop() {
  bool resubscribe = true;
  while (!stop_) {
    if (resubscribe) {
      if (absl::Status st = Subscribe(); !st.ok()) {
        Say("replication: " + st.ToString() + "; retrying");
        std::this_thread::sleep_for(kRetryPause);
        continue;
      }
      resubscribe = false;
    }
    natsMsgList list{};
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = natsSubscription_Fetch(&list, nats_->sub, kFetchBatch, kFetchWaitMs, &jerr);
    if (s == NATS_TIMEOUT) {  // nothing new: caught up
      in_touch_ = true;
      continue;
    }
    if (s != NATS_OK) {
      Say("replication: fetch: " + std::string(natsStatus_GetText(s)) + "; retrying");
      std::this_thread::sleep_for(kRetryPause);
      // A consumer lost with its NATS servers (or deleted) is made again.
      if (s == NATS_NOT_FOUND || jerr == JSConsumerNotFoundErr) resubscribe = true;
      continue;
    }
    for (int i = 0; i < list.Count && !stop_ && !resubscribe; ++i) {
      natsMsg* msg = list.Msgs[i];
      jsMsgMetaData* meta = nullptr;
      if (natsMsg_GetMetaData(&meta, msg) != NATS_OK) continue;  // not a stream message
      const uint64_t seq = meta->Sequence.Stream;
      const uint64_t pending = meta->NumPending;
      jsMsgMetaData_Destroy(meta);
      const uint64_t applied = applied_.load();
      if (seq <= applied) {  // a redelivery of what the store holds
        natsMsg_Ack(msg, nullptr);
        continue;
      }
      if (seq != applied + 1) {
        if (behind_retention_ || FirstKept() > applied + 1) {
          // The stream's retention dropped entries this node never
          // applied: skipping them would fork it from the others. Subscribe
          // says so in the log, at each try.
          behind_retention_ = true;
          for (int i = 0; i < 25 && !stop_; ++i) std::this_thread::sleep_for(kRetryPause);
        } else {
          // Entries came out of order (a redelivery after a timeout): ask
          // again from the first one missing.
          Say(absl::StrCat("replication: got entry ", seq, " after ", applied,
                           "; resubscribing from ", applied + 1));
        }
        resubscribe = true;
        break;
      }
      absl::Status st;
      {
        storage::ScopedCommitMeta stamp(storage::kMetaLogApplied,
                                        storage::EncodeLogApplied({seq, 0}));
        const Entry entry{
            seq,
            std::string_view(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg))),
            &stamp};
        st = apply_(entry);
      }
      if (!st.ok()) {
        // The same entry again later: skipping it would fork this node
        // from the others.
        Say(absl::StrCat("replication: applying entry ", seq, ": ", st.ToString(), "; retrying"));
        std::this_thread::sleep_for(kRetryPause);
        resubscribe = true;
        break;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        applied_ = seq;
        stream_last_ = std::max(stream_last_.load(), seq + pending);
        in_touch_ = true;
        behind_retention_ = false;
      }
      applied_cv_.notify_all();
      // Best effort: a lost ack is a redelivery, which the check above skips.
      natsMsg_Ack(msg, nullptr);
    }
    natsMsgList_Destroy(&list);
  }
}

}  // namespace entente::replication
