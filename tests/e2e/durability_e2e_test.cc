// Durability with the real binaries: consistency check (entente admin check,
// entente-admin check), online backup and offline restore, graceful
// shutdown on SIGTERM.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "entente/v1/admin.grpc.pb.h"
#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace entente {
namespace {

std::shared_ptr<grpc::Channel> Connect(const testing::ServerProcess& server) {
  return grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
}

const char* kNames[] = {"Russia", "North Korea", "South Korea", "China", "Japan", "Ukraine"};

// `n` statements among kNames, seeded, keys "prefix-i".
v1::IngestRequest RandomBatch(uint32_t seed, int n, const std::string& prefix) {
  std::mt19937 rng(seed);
  const char* codes[] = {"042", "062", "072", "112", "190"};
  v1::IngestRequest req;
  for (int i = 0; i < n; ++i) {
    auto* s = req.add_statements();
    s->mutable_actor()->set_name(kNames[rng() % 6]);
    s->mutable_target()->set_name(kNames[rng() % 6]);
    s->mutable_action()->set_cameo_code(codes[rng() % 5]);
    s->mutable_date()->set_year(2020 + static_cast<int>(rng() % 5));
    s->mutable_date()->set_month(1 + static_cast<int>(rng() % 12));
    s->mutable_source()->set_document_id("doc-" + std::to_string(rng() % 7));
    s->set_quote(prefix + " quote " + std::to_string(i));
    s->set_idempotency_key(prefix + "-" + std::to_string(i));
  }
  return req;
}

void MustIngest(const testing::ServerProcess& server, const v1::IngestRequest& req) {
  auto stub = v1::IngestService::NewStub(Connect(server));
  v1::IngestResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub->Ingest(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.accepted(), static_cast<uint64_t>(req.statements_size()));
}

// Answers of ListStatements, GetEntityProfile and FindPaths, serialized.
std::vector<std::string> Answers(const testing::ServerProcess& server) {
  auto graph = v1::GraphService::NewStub(Connect(server));
  std::vector<std::string> out;
  for (const char* name : kNames) {
    v1::ListStatementsRequest req;
    req.mutable_entity()->set_name(name);
    req.set_page_size(1000);
    v1::ListStatementsResponse list;
    grpc::ClientContext c1;
    EXPECT_TRUE(graph->ListStatements(&c1, req, &list).ok()) << name;
    out.push_back(list.SerializeAsString());
    v1::GetEntityProfileRequest preq;
    preq.mutable_entity()->set_name(name);
    v1::GetEntityProfileResponse profile;
    grpc::ClientContext c2;
    EXPECT_TRUE(graph->GetEntityProfile(&c2, preq, &profile).ok()) << name;
    out.push_back(profile.SerializeAsString());
  }
  v1::FindPathsRequest freq;
  freq.mutable_from()->set_name("Japan");
  freq.mutable_to()->set_name("Ukraine");
  freq.set_max_paths(20);
  v1::FindPathsResponse paths;
  grpc::ClientContext c3;
  EXPECT_TRUE(graph->FindPaths(&c3, freq, &paths).ok());
  out.push_back(paths.SerializeAsString());
  return out;
}

TEST(DurabilityE2eTest, BackupWhileOnlineRestoresTheStateAtBackupTime) {
  testing::TempDir dir;
  const std::string data = dir.Sub("db");
  std::vector<std::string> at_backup;
  {
    testing::ServerProcess server(ENTENTE_SERVER_BIN, data);
    ASSERT_NE(server.port(), 0) << server.log();
    auto r = testing::Run({ENTENTE_CLI_BIN, "--server", server.address(), "ingest",
                           std::string(ENTENTE_FIXTURES_DIR) + "/seed-2024-10-22.jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    MustIngest(server, RandomBatch(1, 400, "before"));
    r = testing::Run({ENTENTE_CLI_BIN, "--server", server.address(), "admin", "check"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("checked 426 statements"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("consistent"), std::string::npos) << r.out;

    at_backup = Answers(server);
    r = testing::Run({ENTENTE_CLI_BIN, "--server", server.address(), "admin", "backup"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("backup 1 taken"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(data + "-backups"), std::string::npos) << r.out;

    // Writes after the backup are not in it.
    MustIngest(server, RandomBatch(2, 300, "after"));
    EXPECT_NE(Answers(server), at_backup);
    r = testing::Run({ENTENTE_CLI_BIN, "--server", server.address(), "admin", "backups"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("1 backup in"), std::string::npos) << r.out;
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  }
  // A restore never overwrites a database.
  auto r = testing::Run({ENTENTE_ADMIN_BIN, "restore", "--backup_dir", data + "-backups",
                         "--data", data});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;

  const std::string restored = dir.Sub("restored");
  r = testing::Run({ENTENTE_ADMIN_BIN, "restore", "--backup-dir", data + "-backups", "--data",
                    restored});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", restored});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("checked 426 statements"), std::string::npos) << r.out;

  testing::ServerProcess server(ENTENTE_SERVER_BIN, restored);
  ASSERT_NE(server.port(), 0) << server.log();
  EXPECT_EQ(Answers(server), at_backup);
  // And it takes writes like any database.
  MustIngest(server, RandomBatch(3, 10, "restored"));
}

// Claims (docs/claims.md) through the binaries: a server made with --claims
// keeps them across a kill -9 and restart, and both checks verify them; an
// import with --claims finds them; bad windows are refused.
TEST(DurabilityE2eTest, ClaimsKeptByTheServerAndFoundByTheImportAreChecked) {
  testing::TempDir dir;
  const std::string data = dir.Sub("db");
  {
    testing::ServerProcess server(ENTENTE_SERVER_BIN, data, {"--claims", "--claim_window_days=3"});
    ASSERT_NE(server.port(), 0) << server.log();
    MustIngest(server, RandomBatch(5, 200, "c"));
    EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL) << server.log();
  }
  {
    // Restarted without the flags: the database keeps claims all the same.
    testing::ServerProcess server(ENTENTE_SERVER_BIN, data);
    ASSERT_NE(server.port(), 0) << server.log();
    MustIngest(server, RandomBatch(6, 100, "d"));
    auto r = testing::Run({ENTENTE_CLI_BIN, "--server", server.address(), "admin", "check"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.find(" 0 claims"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" claims in "), std::string::npos) << r.out;
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  }
  auto r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", data});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  const std::string tsv = dir.Sub("rows.tsv");
  std::ofstream(tsv) << "North Korea\tDeploy troops\tRussia\t2024-10-18\n"
                     << "North Korea\tDeploy troops\tRussia\t2024-10-19\n"
                     << "Russia\tHost a visit\tNorth Korea\t2024-06-19\n";
  r = testing::Run({ENTENTE_ADMIN_BIN, "import", "--data", dir.Sub("imported"), "--claims", tsv});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("found 2 claims"), std::string::npos) << r.out;
  r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", dir.Sub("imported")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(", 2 claims:"), std::string::npos) << r.out;
  // The report: two claims of three statements, the deployment first. A TSV
  // file is one document, so every claim has one source.
  r = testing::Run({ENTENTE_ADMIN_BIN, "claims-report", "--data", dir.Sub("imported")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 claims of 3 statements; 0 contested"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("        1           2  100.00%"), std::string::npos) << r.out;
  EXPECT_LT(r.out.find("North Korea -> Russia"), r.out.find("Russia -> North Korea")) << r.out;
  r = testing::Run({ENTENTE_ADMIN_BIN, "claims-report", "--data", data + "-missing"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;

  // An empty database made by a server with --claims gets the claims of
  // what is imported into it, with its own window, without the flag.
  const std::string empty = dir.Sub("empty-with-claims");
  {
    testing::ServerProcess server(ENTENTE_SERVER_BIN, empty, {"--claims", "--claim_window_days=0"});
    ASSERT_NE(server.port(), 0) << server.log();
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  }
  r = testing::Run({ENTENTE_ADMIN_BIN, "import", "--data", empty, tsv});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("found 3 claims"), std::string::npos) << r.out;  // window 0: 18th, 19th
  r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", empty});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  // A database made without claims is given them offline.
  const std::string plain = dir.Sub("plain");
  {
    testing::ServerProcess server(ENTENTE_SERVER_BIN, plain);
    ASSERT_NE(server.port(), 0) << server.log();
    MustIngest(server, RandomBatch(7, 100, "p"));
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  }
  r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", plain});
  EXPECT_NE(r.out.find(", 0 claims:"), std::string::npos) << r.out;
  r = testing::Run({ENTENTE_ADMIN_BIN, "claims", "--data", plain, "--claim_window_days", "0"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("the database keeps claims from now on"), std::string::npos) << r.out;
  r = testing::Run({ENTENTE_ADMIN_BIN, "claims", "--data", plain});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("keeps claims already, with a window of 0 days"), std::string::npos)
      << r.err;
  r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", plain});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find(", 0 claims:"), std::string::npos) << r.out;
  r = testing::Run({ENTENTE_ADMIN_BIN, "claims", "--data", plain, "--claim_window_days", "32"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;

  r = testing::Run({ENTENTE_ADMIN_BIN, "import", "--data", dir.Sub("bad"), "--claims",
                    "--claim_window_days", "32", tsv});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--claim_window_days: '32' is not a whole number in 0..31"), std::string::npos) << r.err;
  r = testing::Run({ENTENTE_SERVER_BIN, "--data", dir.Sub("bad"), "--claim_window_days=-1"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--claim_window_days: '-1' is not a whole number in 0..31"), std::string::npos) << r.err;
}

// (kind, statement id) of each change, read from `cursor` until caught up;
// `cursors` gets each change's cursor; at most `limit` changes.
std::vector<std::pair<int, uint64_t>> Watch(const testing::ServerProcess& server,
                                            const std::string& cursor,
                                            std::vector<std::string>* cursors = nullptr,
                                            size_t limit = SIZE_MAX) {
  auto graph = v1::GraphService::NewStub(Connect(server));
  v1::WatchStatementsRequest req;
  req.set_cursor(cursor);
  req.set_stop_when_caught_up(true);
  req.set_statement_view(v1::STATEMENT_VIEW_BASIC);
  grpc::ClientContext ctx;
  auto reader = graph->WatchStatements(&ctx, req);
  v1::WatchStatementsResponse resp;
  std::vector<std::pair<int, uint64_t>> out;
  while (out.size() < limit && reader->Read(&resp)) {
    for (const auto& c : resp.changes()) {
      if (out.size() == limit) break;
      out.push_back({c.kind(), c.statement().id()});
      if (cursors != nullptr) cursors->push_back(c.cursor());
    }
  }
  if (out.size() == limit) ctx.TryCancel();
  grpc::Status st = reader->Finish();
  EXPECT_TRUE(st.ok() || st.error_code() == grpc::StatusCode::CANCELLED) << st.error_message();
  return out;
}

std::vector<uint64_t> MustRetract(const testing::ServerProcess& server,
                                  const std::vector<uint64_t>& ids) {
  auto stub = v1::IngestService::NewStub(Connect(server));
  v1::RetractRequest req;
  for (uint64_t id : ids) req.add_statement_ids(id);
  req.set_reason("durability test");
  v1::RetractResponse resp;
  grpc::ClientContext ctx;
  EXPECT_TRUE(stub->Retract(&ctx, req, &resp).ok());
  return {resp.retracted_ids().begin(), resp.retracted_ids().end()};
}

// The change feed across a kill -9: a watch resumed from the last cursor it
// read gets exactly what the whole feed holds after it, nothing missed
// (not even what was acknowledged just before the kill) or repeated.
TEST(DurabilityE2eTest, AWatchResumedAfterKill9MissesAndRepeatsNothing) {
  testing::TempDir dir;
  const std::string data = dir.Sub("watched");
  std::vector<std::string> cursors;
  std::vector<std::pair<int, uint64_t>> first;
  std::vector<uint64_t> retracted;
  {
    testing::ServerProcess server(ENTENTE_SERVER_BIN, data);
    ASSERT_NE(server.port(), 0) << server.log();
    MustIngest(server, RandomBatch(21, 300, "w1"));
    retracted = MustRetract(server, {3, 17, 150});
    first = Watch(server, "", &cursors, 200);  // the first read stops half way
    ASSERT_EQ(first.size(), 200u);
    MustIngest(server, RandomBatch(22, 100, "w2"));
    auto more = MustRetract(server, {5, 320});
    retracted.insert(retracted.end(), more.begin(), more.end());
    server.Stop(SIGKILL);
  }
  testing::ServerProcess server(ENTENTE_SERVER_BIN, data);
  ASSERT_NE(server.port(), 0) << server.log();
  MustIngest(server, RandomBatch(23, 50, "w3"));
  auto more = MustRetract(server, {360, 7});
  retracted.insert(retracted.end(), more.begin(), more.end());
  ASSERT_EQ(retracted.size(), 7u);

  const auto resumed = Watch(server, cursors.back());
  const auto whole = Watch(server, "");
  auto joined = first;
  joined.insert(joined.end(), resumed.begin(), resumed.end());
  EXPECT_EQ(joined, whole);
  // Everything acknowledged is there once: 450 ingests, 7 retractions,
  // each retraction after its ingest.
  std::map<uint64_t, int> ingested_at;
  size_t retractions = 0;
  for (size_t i = 0; i < whole.size(); ++i) {
    const auto [kind, id] = whole[i];
    if (kind == v1::StatementChange::INGESTED) {
      EXPECT_TRUE(ingested_at.emplace(id, static_cast<int>(i)).second) << "repeated " << id;
    } else {
      ++retractions;
      ASSERT_TRUE(ingested_at.count(id)) << "retracted before ingested: " << id;
    }
  }
  EXPECT_EQ(ingested_at.size(), 450u);
  EXPECT_EQ(retractions, 7u);

  // A cursor of another database is refused, naming the field.
  testing::TempDir other_dir;
  testing::ServerProcess other(ENTENTE_SERVER_BIN, other_dir.Sub("other"));
  ASSERT_NE(other.port(), 0) << other.log();
  auto graph = v1::GraphService::NewStub(Connect(other));
  v1::WatchStatementsRequest req;
  req.set_cursor(cursors.back());
  grpc::ClientContext ctx;
  auto reader = graph->WatchStatements(&ctx, req);
  v1::WatchStatementsResponse resp;
  while (reader->Read(&resp)) {
  }
  grpc::Status st = reader->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("cursor"), std::string::npos) << st.error_message();
}

// A real GDELT export: the report puts GDELT's own NumSources (kept as given
// on each statement) next to the sources counted from the ingested
// documents. One SOURCEURL per event, so every claim is counted from one or
// two documents while GDELT saw up to a dozen sources.
TEST(DurabilityE2eTest, ClaimsReportPutsGdeltsReportedSourcesNextToTheCountedOnes) {
  testing::TempDir dir;
  const std::string data = dir.Sub("gdelt");
  {
    testing::ServerProcess server(ENTENTE_SERVER_BIN, data, {"--claims"});
    ASSERT_NE(server.port(), 0) << server.log();
    auto r = testing::Run({ENTENTE_CLI_BIN, "--server", server.address(), "import", "--format",
                           "gdelt",
                           std::string(ENTENTE_SHARED_DATA_DIR) + "/gdelt/20190121220000.export.CSV"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("accepted 1067"), std::string::npos) << r.out;
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  }
  auto r = testing::Run({ENTENTE_ADMIN_BIN, "claims-report", "--data", data, "--top", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Every accepted row has NumSources >= 1.
  EXPECT_NE(r.out.find("1067 statements in "), std::string::npos) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(for (\d+) of those claims it is above)")))
      << r.out;
  EXPECT_GT(std::stoi(m[1]), 0) << r.out;
}

TEST(DurabilityE2eTest, OfflineCheckReportsACorruptDatabase) {
  testing::TempDir dir;
  const std::string data = dir.Sub("db");
  {
    testing::ServerProcess server(ENTENTE_SERVER_BIN, data);
    ASSERT_NE(server.port(), 0) << server.log();
    MustIngest(server, RandomBatch(4, 50, "x"));
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  }
  auto r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", data});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  {
    auto store = storage::Store::Open(data, storage::StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    auto s = (*store)->Latest()->GetStatement(7);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*store)
                    ->DeleteRawForTest("out_edges",
                                       storage::EdgeKey(s->actor, model::FirstDay(s->date), 7))
                    .ok());
  }
  r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", data});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("missing_index_entry out_edges"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("statement 7 has no out_edges entry"), std::string::npos) << r.out;

  // Online, the same report through AdminService.
  testing::ServerProcess server(ENTENTE_SERVER_BIN, data);
  ASSERT_NE(server.port(), 0) << server.log();
  r = testing::Run({ENTENTE_CLI_BIN, "--server", server.address(), "admin", "check"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("missing_index_entry: 1"), std::string::npos) << r.out;
  auto admin = v1::AdminService::NewStub(Connect(server));
  v1::CheckRequest bad;
  bad.set_max_problems(-1);
  v1::CheckResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = admin->Check(&ctx, bad, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("max_problems"), std::string::npos) << st.error_message();
  r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", dir.Sub("nothing-here")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("nothing-here")));
}

double SecondsToStop(testing::ServerProcess& server, int* exit_code) {
  const auto start = std::chrono::steady_clock::now();
  *exit_code = server.Stop(SIGTERM);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(DurabilityE2eTest, AnIdleConnectedClientDoesNotDelayShutdown) {
  testing::TempDir dir;
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir.Sub("db"), {"--grace_ms", "20000"});
  ASSERT_NE(server.port(), 0) << server.log();
  // Connected, one call done, then idle (and a second channel idle too).
  auto channel = Connect(server);
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(health->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &resp).ok());
  auto other = Connect(server);
  ASSERT_TRUE(other->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5)));
  int code = -1;
  const double secs = SecondsToStop(server, &code);
  EXPECT_EQ(code, 0) << server.log();
  // Not the 20 s grace: nothing was in flight.
  EXPECT_LT(secs, 2.0) << server.log();
  std::printf("SIGTERM with two idle connected clients: exit %d after %.2f s (grace 20 s)\n",
              code, secs);
}

TEST(DurabilityE2eTest, AStreamStillOpenAfterTheGraceIsCancelledAndTheServerExits) {
  testing::TempDir dir;
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir.Sub("db"), {"--grace_ms", "1500"});
  ASSERT_NE(server.port(), 0) << server.log();
  auto stub = v1::IngestService::NewStub(Connect(server));
  grpc::ClientContext ctx;
  v1::IngestResponse resp;
  auto stream = stub->IngestStream(&ctx, &resp);
  ASSERT_TRUE(stream->Write(RandomBatch(5, 5, "stream")));
  // The server has read the first message: the call is in flight.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int code = -1;
  double secs = 0;
  std::thread stopper([&] { secs = SecondsToStop(server, &code); });
  // The client never ends its stream; the server cancels it after the grace.
  grpc::Status st = stream->Finish();
  stopper.join();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(code, 0) << server.log();
  EXPECT_GE(secs, 1.2) << "the call in flight was not given its grace";
  EXPECT_LT(secs, 1.5 + 3.0) << server.log();
  std::printf("SIGTERM with a stream in flight: stream ended %d (%s), exit %d after %.2f s "
              "(grace 1.5 s)\n",
              st.error_code(), st.error_message().c_str(), code, secs);
}

}  // namespace
}  // namespace entente
