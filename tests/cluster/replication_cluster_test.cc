// The replicated write log with every part real (docs/scaling.md): three
// nats-server processes clustered with JetStream and three entente-server
// replicas with --replication, all on 127.0.0.1 with ports chosen here.
// Clients ingest through every node at once; one NATS server and one
// Entente node are killed with SIGKILL in the middle and restarted on
// their data; at the end every acknowledged statement is on every replica,
// each replica's store is consistent (graph::CheckStore), and the replicas'
// stores are equal key by key (all but each database's random id).
//
// Then: a retraction, a membership and a merge through different nodes; a
// write read from another node with the write's log_sequence as
// minimum; and with two NATS servers down (no quorum) a write fails with
// UNAVAILABLE instead of being acknowledged, and succeeds once they are back.
//
// Figures (statements acknowledged, calls refused while a node was down,
// time) are printed to stdout.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "entente/v1/admin.grpc.pb.h"
#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "graph/check.h"
#include "graph/ingestor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "storage/backup.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/testing/db_dump.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace entente {
namespace {

constexpr int kNodes = 3;
constexpr int kEntities = 10;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

// One nats-server of the cluster: its ports and store stay the same across
// restarts, as a real server's would.
class NatsServer {
 public:
  NatsServer(std::string name, std::string store_dir, std::string log_file)
      : name_(std::move(name)),
        store_dir_(std::move(store_dir)),
        log_file_(std::move(log_file)),
        client_port_(FreePort()),
        cluster_port_(FreePort()) {}
  ~NatsServer() { Kill(); }

  std::string url() const { return "nats://127.0.0.1:" + std::to_string(client_port_); }
  std::string route() const { return "nats://127.0.0.1:" + std::to_string(cluster_port_); }

  void Start(const std::string& routes, const std::string& cluster_name) {
    std::vector<std::string> argv = {ENTENTE_NATS_SERVER_BIN,
                                     "-a",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(client_port_),
                                     "-n",
                                     name_,
                                     "-js",
                                     "-sd",
                                     store_dir_,
                                     "--cluster_name",
                                     cluster_name,
                                     "-cluster",
                                     route(),
                                     "-routes",
                                     routes};
    Exec(argv);
  }
  void Exec(std::vector<std::string> argv) {
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  // Alone, not clustered: for a stream of one replica (--stream_replicas 1).
  void StartAlone() {
    Exec({ENTENTE_NATS_SERVER_BIN, "-a", "127.0.0.1", "-p", std::to_string(client_port_), "-n",
          name_, "-js", "-sd", store_dir_});
  }
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  const std::string name_, store_dir_, log_file_;
  const int client_port_, cluster_port_;
  pid_t pid_ = -1;
};

using grpc::health::v1::HealthCheckResponse;

struct Sent {
  std::string key;  // idempotency key; also the quote
  int actor;
  int target;
};

std::string Name(int e) { return "Cluster entity " + std::to_string(e); }

v1::IngestRequest Request(const std::vector<Sent>& batch) {
  v1::IngestRequest req;
  req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
  for (const auto& s : batch) {
    v1::Statement* p = req.add_statements();
    p->mutable_actor()->set_name(Name(s.actor));
    p->mutable_target()->set_name(Name(s.target));
    p->mutable_action()->set_cameo_code(s.actor % 2 ? "042" : "190");
    p->mutable_date()->set_year(2020 + s.actor % 5);
    p->mutable_date()->set_month(1 + s.target % 12);
    p->mutable_source()->set_document_id("cluster-doc-" + std::to_string(s.target % 4));
    p->set_quote(s.key);
    p->set_idempotency_key(s.key);
  }
  return req;
}

// The entente-server replicas, each restartable on its data directory.
class Replicas {
 public:
  Replicas(const testing::TempDir& dir, std::string nats_urls)
      : dir_(dir), nats_urls_(std::move(nats_urls)) {
    servers_.resize(kNodes + 1);  // + a node started from a backup
  }

  // Starts node i; retries while JetStream elects its leaders after the
  // NATS servers' own start.
  bool Start(int i) {
    for (int attempt = 0; attempt < 40; ++attempt) {
      auto s = std::make_unique<testing::ServerProcess>(
          ENTENTE_SERVER_BIN, dir_.Sub("entente-" + std::to_string(i)),
          std::vector<std::string>{"--replication", nats_urls_, "--backup_dir",
                                   dir_.Sub("backups-" + std::to_string(i)), "--replication_node",
                                   "node-" + std::to_string(i)});
      if (s->port() != 0) {
        if (attempt > 0) {
          std::printf("  node %d up after %d failed starts, the last: %s\n", i, attempt,
                      last_failure_.c_str());
        }
        std::lock_guard<std::mutex> lock(mu_);
        servers_[i] = std::move(s);
        return true;
      }
      last_failure_ = s->log();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
  }
  void Kill(int i) {
    std::unique_ptr<testing::ServerProcess> s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      s = std::move(servers_[i]);
    }
    if (s) s->Stop(SIGKILL);
  }
  void StopAll() {
    for (size_t i = 0; i < servers_.size(); ++i) {
      std::unique_ptr<testing::ServerProcess> s;
      {
        std::lock_guard<std::mutex> lock(mu_);
        s = std::move(servers_[i]);
      }
      if (s) {
        EXPECT_EQ(s->Stop(SIGTERM), 0) << s->log();
      }
    }
  }
  // The address of node i; empty while it is down.
  std::string Address(int i) {
    std::lock_guard<std::mutex> lock(mu_);
    return servers_[i] ? servers_[i]->address() : "";
  }
  std::string data(int i) const { return dir_.Sub("entente-" + std::to_string(i)); }
  std::string backups(int i) const { return dir_.Sub("backups-" + std::to_string(i)); }
  const std::string& last_failure() const { return last_failure_; }

 private:
  const testing::TempDir& dir_;
  const std::string nats_urls_;
  std::mutex mu_;
  std::vector<std::unique_ptr<testing::ServerProcess>> servers_;
  std::string last_failure_;
};

grpc::Status Ingest(const std::string& address, const v1::IngestRequest& req,
                    v1::IngestResponse* resp) {
  auto stub =
      v1::IngestService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(8));
  return stub->Ingest(&ctx, req, resp);
}

// What the test knows: the id of each acknowledged statement, and the
// batches never acknowledged (to resend with the same keys).
struct Ledger {
  std::mutex mu;
  std::map<std::string, uint64_t> acknowledged;
  std::vector<std::vector<Sent>> pending;
  uint64_t max_sequence = 0;
  uint64_t refused = 0;
};

using testing::Dump;

// Every row of every column family of the database in `dir`, with each
// database's own random id left out.
Dump DumpDatabase(const std::string& dir) {
  Dump out = testing::DumpDatabase(dir);
  std::erase_if(out["default"], [](const auto& row) {
    return row.first == storage::MetaKey(graph::kMetaDatabaseId);
  });
  return out;
}

uint64_t Digest(const Dump& dump) {
  XXH64_state_t* st = XXH64_createState();
  XXH64_reset(st, 0);
  for (const auto& [cf, rows] : dump) {
    XXH64_update(st, cf.data(), cf.size() + 1);
    for (const auto& [k, v] : rows) {
      const uint64_t sizes[2] = {k.size(), v.size()};
      XXH64_update(st, sizes, sizeof sizes);
      XXH64_update(st, k.data(), k.size());
      XXH64_update(st, v.data(), v.size());
    }
  }
  const uint64_t d = XXH64_digest(st);
  XXH64_freeState(st);
  return d;
}

TEST(ReplicationClusterTest, AcknowledgedWritesReachEveryReplicaThroughKills) {
  ASSERT_EQ(testing::Run({ENTENTE_NATS_SERVER_BIN, "--version"}).exit_code, 0)
      << "nats-server not found: deploy/install-deps.sh installs it (Debian nats-server)";
  testing::TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  auto phase = [&](const char* name) {
    std::printf("  %5.1f s  %s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                name);
    std::fflush(stdout);
  };
  std::vector<std::unique_ptr<NatsServer>> nats;
  for (int i = 0; i < kNodes; ++i) {
    nats.push_back(std::make_unique<NatsServer>("n" + std::to_string(i),
                                                dir.Sub("nats-" + std::to_string(i)),
                                                dir.Sub("nats-" + std::to_string(i) + ".log")));
  }
  std::string routes, urls;
  for (const auto& n : nats) {
    routes += (routes.empty() ? "" : ",") + n->route();
    urls += (urls.empty() ? "" : ",") + n->url();
  }
  for (auto& n : nats) n->Start(routes, "entente-test");

  Replicas replicas(dir, urls);
  for (int i = 0; i < kNodes; ++i) {
    ASSERT_TRUE(replicas.Start(i)) << "node " << i << ": " << replicas.last_failure();
  }

  phase("cluster up");
  Ledger ledger;
  std::atomic<uint64_t> next_key{0};
  std::atomic<bool> stop{false};
  // Client c sends each batch to node (c + n) % 3, n counting its batches:
  // every node takes writes from every client.
  auto client = [&](int c) {
    std::mt19937 rng(c + 1);
    uint64_t n = 0;
    while (!stop) {
      std::vector<Sent> batch(1 + rng() % 30);
      for (auto& s : batch) {
        s.key = "cluster-" + std::to_string(next_key++);
        s.actor = static_cast<int>(rng() % kEntities);
        s.target = static_cast<int>(rng() % kEntities);
      }
      // A node that is down is passed over, as a client's balancer would.
      std::string address;
      for (int tries = 0; tries < kNodes && address.empty(); ++tries) {
        address = replicas.Address(static_cast<int>((c + n++) % kNodes));
      }
      v1::IngestResponse resp;
      const grpc::Status st = address.empty()
                                  ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "all nodes down")
                                  : Ingest(address, Request(batch), &resp);
      std::lock_guard<std::mutex> lock(ledger.mu);
      if (!st.ok()) {
        ++ledger.refused;
        ledger.pending.push_back(std::move(batch));
        continue;
      }
      EXPECT_EQ(resp.accepted(), batch.size());
      EXPECT_GT(resp.log_sequence(), 0u);
      ledger.max_sequence = std::max(ledger.max_sequence, resp.log_sequence());
      for (size_t i = 0; i < batch.size(); ++i) {
        ledger.acknowledged[batch[i].key] = resp.statement_ids(static_cast<int>(i));
      }
    }
  };
  std::vector<std::thread> clients;
  for (int c = 0; c < kNodes; ++c) clients.emplace_back(client, c);

  // Mid-ingest: kill one NATS server and one Entente node, let the others
  // go on without them, then restart both on their data.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  nats[1]->Kill();
  replicas.Kill(2);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  nats[1]->Start(routes, "entente-test");
  phase("NATS server 1 restarted");
  ASSERT_TRUE(replicas.Start(2)) << replicas.last_failure();
  phase("node 2 restarted");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  stop = true;
  for (auto& t : clients) t.join();

  phase("clients stopped");
  // Resend what was never acknowledged, with the same keys: each statement
  // is stored once whether or not its first try reached the log.
  uint64_t resent_duplicates = 0;
  for (const auto& batch : ledger.pending) {
    v1::IngestResponse resp;
    grpc::Status st = grpc::Status::CANCELLED;
    for (int attempt = 0; attempt < 20 && !st.ok(); ++attempt) {
      resp.Clear();
      st = Ingest(replicas.Address(0), Request(batch), &resp);
      if (!st.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(resp.accepted() + resp.duplicate(), batch.size());
    resent_duplicates += resp.duplicate();
    for (size_t i = 0; i < batch.size(); ++i) {
      ledger.acknowledged[batch[i].key] = resp.statement_ids(static_cast<int>(i));
    }
  }

  phase("resent");
  // A write through each node returns once that node applied everything
  // before it: then every node holds the whole log.
  for (int i = 0; i < kNodes; ++i) {
    v1::IngestResponse resp;
    grpc::Status st = Ingest(replicas.Address(i), v1::IngestRequest(), &resp);
    ASSERT_TRUE(st.ok()) << "node " << i << ": " << st.error_message();
    EXPECT_GE(resp.log_sequence(), ledger.max_sequence);
  }
  phase("barrier passed");
  // Acknowledged statements, by the ids they were acknowledged with, served
  // by every node (one in 50 here, for time; all of them in the stores
  // below).
  for (int i = 0; i < kNodes; ++i) {
    auto graph = v1::GraphService::NewStub(
        grpc::CreateChannel(replicas.Address(i), grpc::InsecureChannelCredentials()));
    size_t found = 0, asked = 0;
    for (const auto& [key, id] : ledger.acknowledged) {
      if (id % 50 != 0) continue;
      ++asked;
      v1::GetStatementRequest req;
      req.set_id(id);
      v1::Statement s;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      if (graph->GetStatement(&ctx, req, &s).ok() && s.quote() == key) ++found;
    }
    EXPECT_GT(asked, 0u);
    EXPECT_EQ(found, asked) << "node " << i;
  }

  phase("sampled reads checked");
  // Read your writes: a statement written through node 0 is read from the
  // others with the write's sequence as minimum, without waiting or polling.
  {
    std::vector<Sent> one = {{"cluster-read-your-writes", 1, 2}};
    v1::IngestResponse resp;
    grpc::Status st = Ingest(replicas.Address(0), Request(one), &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ledger.acknowledged[one[0].key] = resp.statement_ids(0);
    for (int i = 1; i < kNodes; ++i) {
      auto graph = v1::GraphService::NewStub(
          grpc::CreateChannel(replicas.Address(i), grpc::InsecureChannelCredentials()));
      v1::GetStatementRequest req;
      req.set_id(resp.statement_ids(0));
      req.set_min_log_sequence(resp.log_sequence());
      v1::Statement s;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      st = graph->GetStatement(&ctx, req, &s);
      ASSERT_TRUE(st.ok()) << "node " << i << ": " << st.error_message();
      EXPECT_EQ(s.quote(), one[0].key);
      // A sequence not yet in the log: UNAVAILABLE at the deadline, naming
      // how far this node is.
      req.set_min_log_sequence(resp.log_sequence() + 1000);
      grpc::ClientContext late;
      late.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
      st = graph->GetStatement(&late, req, &s);
      EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
      EXPECT_NE(st.error_message().find("applied the replicated log up to"), std::string::npos)
          << st.error_message();
    }
  }

  // A retraction through node 2 reaches every node (the stores below).
  std::vector<uint64_t> retracted;
  {
    v1::RetractRequest req;
    for (const auto& [key, id] : ledger.acknowledged) {
      if (req.statement_ids_size() == 5) break;
      req.add_statement_ids(id);
    }
    req.set_reason("cluster test");
    auto stub = v1::IngestService::NewStub(
        grpc::CreateChannel(replicas.Address(2), grpc::InsecureChannelCredentials()));
    v1::RetractResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(8));
    grpc::Status st = stub->Retract(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.retracted(), 5u);
    EXPECT_GT(resp.log_sequence(), 0u);
    retracted.assign(resp.retracted_ids().begin(), resp.retracted_ids().end());
    std::erase_if(ledger.acknowledged, [&](const auto& kv) {
      return std::find(retracted.begin(), retracted.end(), kv.second) != retracted.end();
    });
  }
  uint64_t merge_id = 0;
  // The writes of who is who go through the log too: a membership through
  // node 0, a merge through node 1 (names resolved when applied), an
  // unknown entity's NOT_FOUND answered as without replication.
  {
    auto stub0 = v1::IngestService::NewStub(
        grpc::CreateChannel(replicas.Address(0), grpc::InsecureChannelCredentials()));
    auto stub1 = v1::IngestService::NewStub(
        grpc::CreateChannel(replicas.Address(1), grpc::InsecureChannelCredentials()));
    v1::SetMembershipRequest member;
    member.mutable_member()->set_name(Name(5));
    member.mutable_parent()->set_name(Name(6));
    member.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    member.set_role("unit");
    v1::SetMembershipResponse member_resp;
    grpc::ClientContext c1;
    grpc::Status st = stub0->SetMembership(&c1, member, &member_resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(member_resp.membership().role(), "unit");
    v1::MergeEntitiesRequest merge;
    merge.mutable_from()->set_name(Name(7));
    merge.mutable_into()->set_name(Name(8));
    merge.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    merge.set_reason("cluster test");
    v1::MergeEntitiesResponse merge_resp;
    grpc::ClientContext c2;
    st = stub1->MergeEntities(&c2, merge, &merge_resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_GT(merge_resp.merge().id(), 0u);
    merge_id = merge_resp.merge().id();
    merge.mutable_from()->set_name("Cluster entity nobody");
    grpc::ClientContext c3;
    st = stub1->MergeEntities(&c3, merge, &merge_resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  }
  phase("read your writes checked");
  // A new node from a backup: node 0's backup now, restored into node 3's
  // directory and started after the writes below, catches up from the
  // sequence the backup holds (the digests at the end).
  {
    auto admin = v1::AdminService::NewStub(
        grpc::CreateChannel(replicas.Address(0), grpc::InsecureChannelCredentials()));
    v1::Backup backup;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status st = admin->CreateBackup(&ctx, v1::CreateBackupRequest(), &backup);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_TRUE(
        storage::RestoreBackup(replicas.backups(0), backup.id(), replicas.data(kNodes)).ok());
  }
  // Every kind of write goes through the log. A whole call larger than one
  // NATS message (max_payload, 1 MiB) is appended in parts and answered as
  // one: ids in order, the rejection at its index in the call.
  {
    std::vector<Sent> big(900);
    for (size_t i = 0; i < big.size(); ++i) {
      big[i] = {"cluster-big-" + std::to_string(i), static_cast<int>(i % kEntities),
                static_cast<int>((i * 7) % kEntities)};
    }
    v1::IngestRequest req = Request(big);
    for (auto& st : *req.mutable_statements()) st.set_quote(st.quote() + std::string(1500, '.'));
    req.mutable_statements(700)->mutable_date()->set_month(13);
    ASSERT_GT(req.ByteSizeLong(), size_t{1} << 20);
    v1::IngestResponse resp;
    grpc::Status st = Ingest(replicas.Address(2), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.accepted(), big.size() - 1);
    EXPECT_EQ(resp.rejected(), 1u);
    ASSERT_EQ(resp.rejections_size(), 1);
    EXPECT_EQ(resp.rejections(0).index(), 700u);
    EXPECT_EQ(resp.rejections(0).field(), "statements[700].date.month");
    ASSERT_EQ(resp.statement_ids_size(), static_cast<int>(big.size()));
    EXPECT_EQ(resp.statement_ids(700), 0u);
    // Read back from another node, in full, by the answered ids.
    auto graph = v1::GraphService::NewStub(
        grpc::CreateChannel(replicas.Address(1), grpc::InsecureChannelCredentials()));
    size_t found = 0;
    for (size_t i = 0; i < big.size(); i += 9) {
      if (i == 700) continue;
      v1::GetStatementRequest get;
      get.set_id(resp.statement_ids(static_cast<int>(i)));
      get.set_min_log_sequence(resp.log_sequence());
      v1::Statement got;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      if (graph->GetStatement(&ctx, get, &got).ok() &&
          got.quote() == req.statements(static_cast<int>(i)).quote()) {
        ++found;
      }
    }
    EXPECT_EQ(found, 100u);
    // The same call with every statement invalid fails as one call would,
    // naming the fields, and stores nothing.
    for (auto& s : *req.mutable_statements()) s.mutable_date()->set_month(13);
    resp.Clear();
    st = Ingest(replicas.Address(2), req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(st.error_message().substr(0, 24), "statements[0].date.month");
    EXPECT_NE(st.error_message().find("(and 899 more)"), std::string::npos) << st.error_message();
  }
  // IngestStream through node 1: one entry per message, indices across the
  // stream.
  {
    auto stub = v1::IngestService::NewStub(
        grpc::CreateChannel(replicas.Address(1), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::IngestResponse resp;
    auto writer = stub->IngestStream(&ctx, &resp);
    for (int m = 0; m < 3; ++m) {
      std::vector<Sent> part(10);
      for (int i = 0; i < 10; ++i) {
        part[i] = {"cluster-stream-" + std::to_string(m * 10 + i), m + i, m * 10 + i};
      }
      v1::IngestRequest req = Request(part);
      if (m == 1) req.mutable_statements(5)->mutable_date()->set_month(13);
      ASSERT_TRUE(writer->Write(req));
    }
    writer->WritesDone();
    grpc::Status st = writer->Finish();
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.accepted(), 29u);
    ASSERT_EQ(resp.rejections_size(), 1);
    EXPECT_EQ(resp.rejections(0).index(), 15u);
    EXPECT_GT(resp.log_sequence(), 0u);
  }
  // Undoing the writes of who is who: the membership through node 2, the
  // merge through node 0.
  {
    auto stub2 = v1::IngestService::NewStub(
        grpc::CreateChannel(replicas.Address(2), grpc::InsecureChannelCredentials()));
    v1::RemoveMembershipRequest remove;
    remove.mutable_member()->set_name(Name(5));
    remove.mutable_parent()->set_name(Name(6));
    remove.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    v1::RemoveMembershipResponse removed;
    grpc::ClientContext c1;
    grpc::Status st = stub2->RemoveMembership(&c1, remove, &removed);
    EXPECT_TRUE(st.ok()) << st.error_message();
    grpc::ClientContext c2;  // a second time: nothing left to remove
    st = stub2->RemoveMembership(&c2, remove, &removed);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
    auto stub0 = v1::IngestService::NewStub(
        grpc::CreateChannel(replicas.Address(0), grpc::InsecureChannelCredentials()));
    v1::UnmergeEntitiesRequest unmerge;
    unmerge.set_merge_id(merge_id);
    v1::UnmergeEntitiesResponse unmerged;
    grpc::ClientContext c3;
    st = stub0->UnmergeEntities(&c3, unmerge, &unmerged);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_GT(unmerged.merge().undone_at_micros(), 0);
  }
  ASSERT_TRUE(replicas.Start(kNodes)) << "node 3 (from a backup): " << replicas.last_failure();
  phase("every kind of write, and a node from a backup, checked");
  // Quorum lost (two of three NATS servers down): a write fails with
  // UNAVAILABLE, never acknowledged; once they are back, the same write
  // (same key) is stored once.
  {
    nats[1]->Kill();
    nats[2]->Kill();
    std::vector<Sent> one = {{"cluster-no-quorum", 3, 4}};
    v1::IngestResponse resp;
    grpc::Status st = Ingest(replicas.Address(0), Request(one), &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
    nats[1]->Start(routes, "entente-test");
    nats[2]->Start(routes, "entente-test");
    st = grpc::Status::CANCELLED;
    for (int attempt = 0; attempt < 30 && !st.ok(); ++attempt) {
      resp.Clear();
      st = Ingest(replicas.Address(1), Request(one), &resp);
      if (!st.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.accepted() + resp.duplicate(), 1u);
    ledger.acknowledged[one[0].key] = resp.statement_ids(0);
    for (int i = 0; i <= kNodes; ++i) {  // the barrier again, for the last writes
      v1::IngestResponse barrier;
      st = Ingest(replicas.Address(i), v1::IngestRequest(), &barrier);
      ASSERT_TRUE(st.ok()) << "node " << i << ": " << st.error_message();
      // Caught up, so serving (--max_lag's default 1000 entries).
      auto health = grpc::health::v1::Health::NewStub(
          grpc::CreateChannel(replicas.Address(i), grpc::InsecureChannelCredentials()));
      grpc::health::v1::HealthCheckResponse h;
      grpc::ClientContext hc;
      ASSERT_TRUE(health->Check(&hc, grpc::health::v1::HealthCheckRequest(), &h).ok());
      EXPECT_EQ(h.status(), grpc::health::v1::HealthCheckResponse::SERVING) << "node " << i;
    }
  }

  // --- issue 15, GetServerInfo (graph.proto): every node says it is a
  // replica of the same stream under its own consumer, caught up: lag 0 and
  // the same applied sequence. Polled (10 s at most): the last barrier's
  // entry may still be on its way to the other nodes. ---
  {
    std::vector<v1::GetServerInfoResponse> infos(kNodes);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (bool settled = false; !settled;) {
      for (int i = 0; i < kNodes; ++i) {
        auto graph = v1::GraphService::NewStub(
            grpc::CreateChannel(replicas.Address(i), grpc::InsecureChannelCredentials()));
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        grpc::Status st = graph->GetServerInfo(&ctx, v1::GetServerInfoRequest(), &infos[i]);
        ASSERT_TRUE(st.ok()) << "node " << i << ": " << st.error_message();
      }
      settled = true;
      for (const auto& info : infos) {
        const auto& r = info.replication();
        settled = settled && r.lag_known() && r.connected() && r.lag() == 0 &&
                  r.applied_sequence() == infos[0].replication().applied_sequence();
      }
      if (!settled && std::chrono::steady_clock::now() >= until) break;
      if (!settled) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::set<std::string> nodes;
    for (int i = 0; i < kNodes; ++i) {
      const auto& r = infos[i].replication();
      EXPECT_EQ(r.role(), v1::REPLICATION_ROLE_REPLICA) << "node " << i;
      EXPECT_EQ(r.stream(), infos[0].replication().stream()) << "node " << i;
      EXPECT_TRUE(r.connected() && r.lag_known()) << "node " << i;
      EXPECT_EQ(r.lag(), 0u) << "node " << i;
      EXPECT_FALSE(r.behind_retention()) << "node " << i;
      EXPECT_EQ(r.applied_sequence(), infos[0].replication().applied_sequence()) << "node " << i;
      EXPECT_GE(r.applied_sequence(), ledger.max_sequence) << "node " << i;
      nodes.insert(r.node());
    }
    EXPECT_EQ(nodes.size(), static_cast<size_t>(kNodes)) << "consumers must differ";
  }
  // --- end issue 15, GetServerInfo ---

  phase("quorum loss checked");
  replicas.StopAll();
  for (auto& n : nats) n->Kill();

  phase("stopped");
  // Each store consistent, and all three equal.
  std::vector<uint64_t> digests;
  for (int i = 0; i < kNodes; ++i) {
    {
      auto store = storage::Store::Open(replicas.data(i), storage::StoreOptions());
      ASSERT_TRUE(store.ok()) << store.status();
      // Every acknowledged statement, the last ones too, under its id.
      auto view = (*store)->Latest();
      size_t found = 0;
      for (const auto& [key, id] : ledger.acknowledged) {
        auto st = view->GetStatement(id);
        if (st.ok() && st->quote == key) ++found;
      }
      EXPECT_EQ(found, ledger.acknowledged.size()) << "node " << i;
      for (uint64_t id : retracted) {
        EXPECT_FALSE(view->GetStatement(id).ok()) << "node " << i << ", retracted " << id;
      }
      auto report = graph::CheckStore(**store, 10);
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_TRUE(report->consistent())
          << "node " << i << ": " << report->problems_total << " problems";
    }
    digests.push_back(Digest(DumpDatabase(replicas.data(i))));
  }
  EXPECT_EQ(digests[0], digests[1]);
  EXPECT_EQ(digests[0], digests[2]);
  // The node started from node 0's backup holds the same.
  const uint64_t from_backup = Digest(DumpDatabase(replicas.data(kNodes)));
  EXPECT_EQ(from_backup, digests[0]);
  if (digests[0] != digests[1] || digests[0] != digests[2]) {
    // Name the first differing rows, to know what diverged.
    const Dump a = DumpDatabase(replicas.data(0));
    for (int i = 1; i < kNodes; ++i) {
      const Dump b = DumpDatabase(replicas.data(i));
      for (const auto& [cf, rows] : a) {
        const auto& other = b.at(cf);
        if (rows != other) {
          ADD_FAILURE() << "node 0 and " << i << " differ in " << cf << " (" << rows.size()
                        << " vs " << other.size() << " rows)";
          for (size_t r = 0; r < std::min(rows.size(), other.size()); ++r) {
            if (rows[r] != other[r]) {
              ADD_FAILURE() << "first at key of " << rows[r].first.size() << " bytes: "
                            << storage::DecodeId(rows[r].first.substr(0, 8)).value_or(0);
              break;
            }
          }
        }
      }
    }
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "replication cluster test: %zu statements acknowledged (log sequence %llu), 1 NATS "
      "server and 1 Entente node killed -9 and restarted, %llu calls refused or cut and "
      "resent (%llu statements already stored), digests %016llx %016llx %016llx, node from "
      "a backup %016llx, %.1f s\n",
      ledger.acknowledged.size(), static_cast<unsigned long long>(ledger.max_sequence),
      static_cast<unsigned long long>(ledger.refused),
      static_cast<unsigned long long>(resent_duplicates),
      static_cast<unsigned long long>(digests[0]), static_cast<unsigned long long>(digests[1]),
      static_cast<unsigned long long>(digests[2]), static_cast<unsigned long long>(from_backup),
      seconds);
}

HealthCheckResponse::ServingStatus Health(const std::string& address) {
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::health::v1::HealthCheckResponse h;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (!health->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &h).ok()) {
    return HealthCheckResponse::UNKNOWN;
  }
  return h.status();
}

// A node that needs entries the stream's retention dropped must neither skip
// them (its store would differ from the others') nor take traffic: it stays
// NOT_SERVING and says to restore a newer backup.
TEST(ReplicationClusterTest, ANodeBehindTheStreamsRetentionIsNotServingAndSaysSo) {
  testing::TempDir dir;
  NatsServer nats("alone", dir.Sub("nats"), dir.Sub("nats.log"));
  nats.StartAlone();
  const std::vector<std::string> flags = {"--replication",    nats.url(), "--stream_replicas", "1",
                                          "--stream_max_age", "1s"};
  std::unique_ptr<testing::ServerProcess> a;
  for (int attempt = 0; attempt < 20 && (a == nullptr || a->port() == 0); ++attempt) {
    if (a != nullptr) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto with_name = flags;
    with_name.insert(with_name.end(), {"--replication_node", "a"});
    a = std::make_unique<testing::ServerProcess>(ENTENTE_SERVER_BIN, dir.Sub("a"), with_name);
  }
  ASSERT_NE(a->port(), 0) << a->log();
  v1::IngestResponse resp;
  grpc::Status st =
      Ingest(a->address(), Request({{"retention-1", 1, 2}, {"retention-2", 2, 3}}), &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(Health(a->address()), HealthCheckResponse::SERVING);
  // Past --stream_max_age the entries are gone from the stream.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto with_name = flags;
  with_name.insert(with_name.end(), {"--replication_node", "b", "--max_lag", "0"});
  testing::ServerProcess b(ENTENTE_SERVER_BIN, dir.Sub("b"), with_name);
  ASSERT_NE(b.port(), 0) << b.log();
  // Not for a moment serving, though its lag (0 entries pending) is within
  // any --max_lag; and a later entry does not make it skip the gap.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Health(b.address()), HealthCheckResponse::NOT_SERVING) << "check " << i;
    if (i == 4) {
      ASSERT_TRUE(Ingest(a->address(), Request({{"retention-3", 3, 4}}), &resp).ok());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  EXPECT_EQ(Health(a->address()), HealthCheckResponse::SERVING);
  EXPECT_EQ(b.Stop(SIGTERM), 0);
  EXPECT_NE(b.log().find("it cannot catch up; restore a newer backup"), std::string::npos)
      << b.log();
  auto store = storage::Store::Open(dir.Sub("b"), storage::StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_FALSE((*store)->Latest()->GetStatement(resp.statement_ids(0)).ok())
      << "node b applied an entry past the gap";
  EXPECT_EQ(a->Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace entente
