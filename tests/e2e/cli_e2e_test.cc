// The built `entente` command line against a started entente-server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "entente/v1/graph.pb.h"
#include "entente/v1/groups.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace entente {
namespace {

class CliE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(ENTENTE_SERVER_BIN, dir_.Sub("db"));
    ASSERT_NE(server_->port(), 0) << server_->log();
  }

  testing::RunResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {ENTENTE_CLI_BIN, "--server", server_->address()});
    return testing::Run(args);
  }

  // Ingests the seed fixture; fails the test if that fails.
  void IngestSeed() {
    auto r = Cli({"ingest", fixture_});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  const std::string fixture_ = std::string(ENTENTE_FIXTURES_DIR) + "/seed-2024-10-22.jsonl";
  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
};

int FixtureLines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

TEST_F(CliE2eTest, IngestsTheSeedFixtureAndListsRussia) {
  auto r = Cli({"ingest", fixture_});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("accepted " + std::to_string(FixtureLines(fixture_))), std::string::npos)
      << all;

  r = Cli({"statements", "Russia", "--direction", "in"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("North Korea"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("deployed troops to"), std::string::npos) << r.out;

  // Re-ingesting adds nothing.
  r = Cli({"ingest", fixture_});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("accepted 0"), std::string::npos) << r.out << r.err;
}

TEST_F(CliE2eTest, MalformedAndInvalidLinesAreReportedWithTheirLineNumbers) {
  const std::string path = dir_.Sub("mixed.jsonl");
  std::ofstream(path)
      << R"({"actor":{"name":"A"},"action":{"text":"met"},"target":{"name":"B"},"date":{"year":2024},"source":{"documentId":"d"}})"
      << "\n{not json\n"
      << R"({"actor":{"name":"A"},"action":{"text":"met"},"target":{"name":"B"},"date":{"year":2024},"source":{"documentId":"d"},"confidence":1.5})"
      << "\n";
  auto r = Cli({"ingest", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("accepted 1"), std::string::npos) << all;
  EXPECT_NE(all.find("rejected 2"), std::string::npos) << all;
  EXPECT_NE(all.find("mixed.jsonl:2"), std::string::npos) << all;
  EXPECT_NE(all.find("mixed.jsonl:3"), std::string::npos) << all;
  EXPECT_NE(all.find("confidence"), std::string::npos) << all;
}

TEST_F(CliE2eTest, UnknownEntityAndUnreachableServerFailWithMessages) {
  auto r = Cli({"statements", "Atlantis"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("NOT_FOUND"), std::string::npos) << r.err;
  r = testing::Run({ENTENTE_CLI_BIN, "--server", "127.0.0.1:1", "search", "kor"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot reach"), std::string::npos) << r.err;
}

// --timeout against a server that accepts connections and never answers, so
// only the deadline ends the call: its length is the option's.
TEST_F(CliE2eTest, TimeoutBoundsACallAndBadValuesAreUsageErrors) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 16), 0);  // the kernel completes handshakes; nobody reads
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string silent = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  const auto timed = [](std::vector<std::string> argv) {
    const auto start = std::chrono::steady_clock::now();
    testing::RunResult r = testing::Run(argv);
    return std::make_pair(
        r, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };

  auto [fast, fast_s] =
      timed({ENTENTE_CLI_BIN, "--server", silent, "search", "kor", "--timeout", "500ms"});
  EXPECT_EQ(fast.exit_code, 1) << fast.err;
  EXPECT_NE(fast.err.find("DEADLINE_EXCEEDED"), std::string::npos) << fast.err;
  EXPECT_GE(fast_s, 0.45);
  EXPECT_LT(fast_s, 2.5);
  // A bare number is seconds; before the command it applies as well.
  auto [slow, slow_s] =
      timed({ENTENTE_CLI_BIN, "--timeout", "3", "--server", silent, "search", "kor"});
  EXPECT_EQ(slow.exit_code, 1) << slow.err;
  EXPECT_NE(slow.err.find("DEADLINE_EXCEEDED"), std::string::npos) << slow.err;
  EXPECT_GE(slow_s, 2.9);
  EXPECT_LT(slow_s, 15);
  close(fd);

  IngestSeed();
  auto r = Cli({"search", "kor", "--timeout=10s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Korea"), std::string::npos) << r.out;

  for (const std::string bad : {"abc", "0", "-1s", "25h", "inf", "", "10 parsecs"}) {
    r = Cli({"search", "kor", "--timeout", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--timeout '" + bad + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("500ms"), std::string::npos) << r.err;
  }
  r = testing::Run({ENTENTE_CLI_BIN, "--timeout"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'--timeout' needs a value"), std::string::npos) << r.err;
}

TEST_F(CliE2eTest, HelpHasExamplesAndBadUsageExits2) {
  auto r = Cli({"statements", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("entente statements"), std::string::npos) << r.out << r.err;
  r = Cli({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
}

// Whether every non-empty line of `out` parses as a `Message` in the protobuf
// JSON mapping, and there is at least one.
template <typename Message>
::testing::AssertionResult IsJsonLinesOf(const std::string& out) {
  int lines = 0;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    Message message;
    auto status = google::protobuf::util::JsonStringToMessage(line, &message);
    if (!status.ok()) {
      return ::testing::AssertionFailure() << status.ToString() << " in line: " << line;
    }
    ++lines;
  }
  if (lines == 0) return ::testing::AssertionFailure() << "no JSON lines";
  return ::testing::AssertionSuccess();
}

TEST_F(CliE2eTest, NeighborsListsEntitiesByDepthAndEdges) {
  IngestSeed();
  auto r = Cli({"neighbors", "North Korea", "--depth", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("DEPTH"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Russia"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GOLDSTEIN"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 seed"), std::string::npos) << r.out;

  // Material conflict (--quad mx) leaves nothing from North Korea in the seed:
  // its deployment is material cooperation (072), not fighting.
  r = Cli({"neighbors", "North Korea", "--quad", "mx"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 entity (1 seed), 0 edges"), std::string::npos) << r.out;

  r = Cli({"neighbors", "North Korea", "--max-nodes", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("truncated by max_nodes"), std::string::npos) << r.out;

  r = Cli({"neighbors", "North Korea", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsJsonLinesOf<v1::TraverseResponse>(r.out)) << r.out;
}

TEST_F(CliE2eTest, PathShowsHopsWithEvidence) {
  IngestSeed();
  auto r = Cli({"path", "Mark Rutte", "Ukraine"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("distance 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Mark Rutte -> NATO -> Ukraine"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[030]"), std::string::npos) << r.out;

  r = Cli({"path", "Mark Rutte", "Ukraine", "--max-hops", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("no path within 1 hop"), std::string::npos) << r.out;

  r = Cli({"path", "South Korea", "Russia", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsJsonLinesOf<v1::FindPathsResponse>(r.out)) << r.out;
}

TEST_F(CliE2eTest, TimelineChartsBucketsAndListsStatements) {
  IngestSeed();
  auto r = Cli({"timeline", "Russia", "North Korea", "--by", "day"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Russia (A) and North Korea (B), by day"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2024-10-01"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("deployed troops to"), std::string::npos) << r.out;

  r = Cli({"timeline", "Russia", "North Korea", "--limit", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 of "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("raise --limit"), std::string::npos) << r.out;

  r = Cli({"timeline", "Russia", "North Korea", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsJsonLinesOf<v1::GetRelationTimelineResponse>(r.out)) << r.out;
}

TEST_F(CliE2eTest, ProfileShowsCountsQuadMixAndCounterparts) {
  IngestSeed();
  auto r = Cli({"profile", "North Korea"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("quad mix"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Top counterparts"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Russia"), std::string::npos) << r.out;

  r = Cli({"profile", "PRK", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsJsonLinesOf<v1::GetEntityProfileResponse>(r.out)) << r.out;
}

TEST_F(CliE2eTest, SharedFilterOptionsNarrowStatements) {
  IngestSeed();
  // Russia's statements in the seed: 072, 062, 062 and 062 with North Korea
  // (material cooperation), and 111, 112 and 130 (all verbal conflict) from
  // South Korea's side, of which only the 130 is intended.
  auto r = Cli({"statements", "Russia", "--quad", "vx,mx", "--code", "111,112"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 statements"), std::string::npos) << r.out;
  r = Cli({"statements", "Russia", "--code", "111", "--code", "13"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 statements"), std::string::npos) << r.out;
  r = Cli({"statements", "Russia", "--quad", "mc"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("4 statements"), std::string::npos) << r.out;
  r = Cli({"statements", "Russia", "--modality", "intended"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 statement\n"), std::string::npos) << r.out;

  for (const std::vector<std::string>& bad : {
           std::vector<std::string>{"statements", "Russia", "--quad", "war"},
           {"neighbors", "Russia", "--modality", "maybe"},
           {"path", "Russia", "NATO", "--code", "x1"},
           {"timeline", "Russia", "NATO", "--since", "2024-11", "--until", "2024-10"},
           {"timeline", "Russia", "NATO", "--min-confidence", "2"},
       }) {
    r = Cli(bad);
    EXPECT_EQ(r.exit_code, 2) << bad[0] << " " << bad.back() << ": " << r.out << r.err;
  }
}

TEST_F(CliE2eTest, QueryCommandsHaveHelpWithExamples) {
  for (const std::string command :
       {"neighbors", "path", "timeline", "profile", "claims", "claim"}) {
    auto r = Cli({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Examples:\n  entente " + command), std::string::npos) << r.out;
  }
  auto r = Cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("  timeline "), std::string::npos) << r.out;
}

// The claims fixture (tests/fixtures/README.md) on a server that keeps
// claims: the deployment's corroborated, contested claim through `claims`
// and `claim`, and --min-sources changing a path.
TEST_F(CliE2eTest, ClaimsShowSourcesAndSidesAndMinSourcesChangesAPath) {
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir_.Sub("claims-db"), {"--claims"});
  ASSERT_NE(server.port(), 0) << server.log();
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {ENTENTE_CLI_BIN, "--server", server.address()});
    return testing::Run(args);
  };
  auto r = cli({"ingest", std::string(ENTENTE_FIXTURES_DIR) + "/claims-2024-10.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  r = cli({"claims", "North Korea", "Russia"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Claim 1 first: 9 statements, 5 documents, 4 sources, 5 asserted and 3 denied.
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("\n +1  2024-10-18  2024-10-20  North Korea  072 +Russia +9 +5 +4  "
                        "yes \\(5/3\\)\n")))
      << r.out;
  EXPECT_NE(r.out.find("3 of 3 claims shown"), std::string::npos) << r.out;
  r = cli({"claims", "North Korea", "--contested"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 of 1 claim shown"), std::string::npos) << r.out;

  r = cli({"claims", "--claimant", "David Lammy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("David Lammy: 5 claims, 1 contested, 2 corroborated (2+ sources)\n"
                       "about United Kingdom (3), "),
            std::string::npos)
      << r.out;
  r = cli({"claims", "--claimant", "David Lammy", "North Korea"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 of 2 claims shown"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("David Lammy  111"), std::string::npos) << r.out;

  r = cli({"claim", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 independent sources"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Denying (3)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("groundless rumours"), std::string::npos) << r.out;
  r = cli({"claim", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("belongs to claim 1"), std::string::npos) << r.err;

  r = cli({"path", "United Kingdom", "Russia", "--min-sources", "2", "--sources"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("United Kingdom -> South Korea -> Russia"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("South Korea -> Russia: 2 statements from 2 independent sources"),
            std::string::npos)
      << r.out;
  r = cli({"timeline", "North Korea", "Russia", "--sources", "--limit", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("SOURCES +GOLDSTEIN"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n2024-10 +13 .* +4 +[0-9.-]+ +[+.-]+\n")))
      << r.out;
  // The profile's counts get their sources too: the 13 statements with
  // Russia come from the 4 publishers of the deployment claim.
  r = cli({"profile", "North Korea", "--sources"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sources     4 independent sources (publishers)"), std::string::npos)
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nRussia +11 +2 +13 +4\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nDavid Lammy +0 +1 +1 +1\n"))) << r.out;
  r = cli({"statements", "Russia", "--min-sources", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--min-sources"), std::string::npos) << r.err;

  // Without --claims the server says what to do.
  r = Cli({"claims", "Russia"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--claims"), std::string::npos) << r.err;
}

// The rows of a small ICEWS14-style file: a name with U+00A0, two identical
// rows, one with three fields and one with a bad date.
constexpr char kSmallIcewsTsv[] =
    "Alpha\xC2\xA0One\tMake statement\tBeta\t2014-01-02\n"
    "Alpha\tConsult\tBeta\t2014-01-03\n"
    "Alpha\tConsult\tBeta\t2014-01-03\n"
    "Alpha\tConsult\t2014-01-04\n"
    "Alpha\tConsult\tBeta\t2014-13-01\n";

// Envoy -> Hub -> Target is a static path whose second hop came first;
// Envoy -> Relay -> Link -> Target keeps time, with 17 days before its
// last hop.
constexpr char kTimedChainTsv[] =
    "Envoy\tConsult\tHub\t2014-03-05\n"
    "Hub\tConsult\tTarget\t2014-03-01\n"
    "Envoy\tConsult\tRelay\t2014-03-02\n"
    "Relay\tConsult\tLink\t2014-03-03\n"
    "Link\tConsult\tTarget\t2014-03-20\n";

// path --temporal: a static path whose second hop came first is refuted;
// the time-respecting one shows each hop's day.
TEST_F(CliE2eTest, TemporalPathShowsUsedDaysAndRefutesAStaticPath) {
  const std::string path = dir_.Sub("temporal.tsv");
  std::ofstream(path) << kTimedChainTsv;
  ASSERT_EQ(Cli({"import", "--format", "icews-tsv", path}).exit_code, 0);
  auto r = Cli({"path", "Envoy", "Target", "--direction", "out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Envoy -> Hub -> Target\n"), std::string::npos) << r.out;
  r = Cli({"path", "Envoy", "Target", "--direction", "out", "--temporal", "earliest"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("distance 3\nbest path: departs 2014-03-02, arrives 2014-03-20, 18 days\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Envoy -> Relay -> Link -> Target  (2014-03-02 .. 2014-03-20)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  2014-03-20  Link -> Target: 1 statement\n"), std::string::npos) << r.out;
  // With at most 10 days between hops, no path is left.
  r = Cli({"path", "Envoy", "Target", "--direction", "out", "--temporal", "fastest", "--max-gap",
           "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no path within 4 hops"), std::string::npos) << r.out;
  // Bad usage says what is wrong.
  r = Cli({"path", "Envoy", "Target", "--max-gap", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--max-gap needs --temporal"), std::string::npos) << r.err;
  r = Cli({"path", "Envoy", "Target", "--temporal", "soonest"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not one of earliest, latest, fastest, shortest"), std::string::npos)
      << r.err;
}

// neighbors --temporal: Target is statically 2 hops away through Hub, but
// Hub -> Target (March 1st) came before Envoy -> Hub (the 5th): in time it
// is reached in 3 hops, on the 20th; each entity shows when it was reached.
TEST_F(CliE2eTest, TemporalNeighborsShowArrivalDays) {
  const std::string path = dir_.Sub("temporal.tsv");
  std::ofstream(path) << kTimedChainTsv;
  ASSERT_EQ(Cli({"import", "--format", "icews-tsv", path}).exit_code, 0);
  auto r = Cli({"neighbors", "Envoy", "--direction", "out", "--depth", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("arrivalDate"), std::string::npos) << r.out;
  r = Cli({"neighbors", "Envoy", "--direction", "out", "--depth", "3", "--temporal"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ARRIVED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2014-03-20"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5 entities (1 seed), 4 edges"), std::string::npos) << r.out;
  // Ten days at most between hops: Link -> Target (17 days on) is cut.
  r = Cli({"neighbors", "Envoy", "--direction", "out", "--depth", "3", "--temporal", "--max-gap",
           "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 entities (1 seed), 3 edges"), std::string::npos) << r.out;
  r = Cli({"neighbors", "Envoy", "--start", "2014-03-04"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--start needs --temporal"), std::string::npos) << r.err;
}

TEST_F(CliE2eTest, ImportIcewsTsvKeepsIdenticalRowsAndReportsBadLines) {
  const std::string path = dir_.Sub("small.tsv");
  std::ofstream(path) << kSmallIcewsTsv;
  auto r = Cli({"import", "--format", "icews-tsv", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("accepted 3, duplicate 0, rejected 2 (5 lines read"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("small.tsv:4: columns: expected 4 tab-separated fields, found 3"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("small.tsv:5: date: '2014-13-01' is not a date"), std::string::npos)
      << r.out;

  // The two identical rows are two events; the server classified the relation.
  r = Cli({"statements", "Alpha", "--exact"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 statements"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Consult [040]"), std::string::npos) << r.out;
  // The no-break space is part of the name, byte for byte.
  r = Cli({"statements", "Alpha\xC2\xA0One", "--exact"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 statement\n"), std::string::npos) << r.out;

  r = Cli({"import", "--format", "icews-tsv", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("accepted 0, duplicate 3, rejected 2"), std::string::npos) << r.out;
}

TEST_F(CliE2eTest, ImportsTheRawIcewsSample) {
  const std::string sample =
      std::string(ENTENTE_SHARED_DATA_DIR) + "/icews-raw/events.2018.sample-dev.tab";
  auto r = Cli({"import", "--format", "icews", sample});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 600 events under a header row.
  EXPECT_NE(r.out.find("accepted 600, duplicate 0, rejected 0 (601 lines read"),
            std::string::npos)
      << r.out;
  // Row 1: Foreign Affairs (Bangladesh) consults (040, leading zero kept)
  // High Ranking Military Personnel (Vietnam); row 2 the other way round.
  r = Cli({"statements", "Foreign Affairs (Bangladesh)", "--exact"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Consult [040]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 statements"), std::string::npos) << r.out;

  r = Cli({"import", "--format", "icews", "--batch", "7", sample});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("accepted 0, duplicate 600, rejected 0"), std::string::npos) << r.out;
}

TEST_F(CliE2eTest, ImportsGdeltAndRejectsRowsWithoutBothActors) {
  const std::string export_file =
      std::string(ENTENTE_SHARED_DATA_DIR) + "/gdelt/20190121220000.export.CSV";
  auto r = Cli({"import", "--format", "gdelt", export_file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 1,629 rows, of which 562 have no Actor1 or no Actor2 (name and code
  // empty); every EventCode of the file is a CAMEO code the server knows.
  EXPECT_NE(r.out.find("accepted 1067, duplicate 0, rejected 562 (1629 lines read"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("20190121220000.export.CSV:2: Actor2Name: empty, and so is Actor2Code"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("and 552 more rejected"), std::string::npos) << r.out;

  r = Cli({"import", "--format", "gdelt", export_file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("accepted 0, duplicate 1067, rejected 562"), std::string::npos) << r.out;

  // The publisher is the SOURCEURL's site, so that its articles count as one source.
  r = Cli({"statement", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::Statement s;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &s).ok()) << r.out;
  const std::string& url = s.source().url();
  const std::string& publisher = s.source().publisher();
  ASSERT_FALSE(publisher.empty()) << r.out;
  EXPECT_EQ(publisher.find('/'), std::string::npos) << publisher;
  EXPECT_NE(url.find(publisher), std::string::npos) << url << " " << publisher;

  // GDELT's NumMentions, NumSources and NumArticles (columns 32-34) come back
  // as given. Statement 1 is the file's first row, which has both actors.
  std::ifstream in(export_file);
  std::string first_row;
  ASSERT_TRUE(std::getline(in, first_row));
  const std::vector<std::string> fields = absl::StrSplit(first_row, '\t');
  ASSERT_EQ(fields.size(), 61u);
  EXPECT_EQ(url, fields[60]);
  EXPECT_EQ(absl::StrCat(s.reported().mentions()), fields[31]) << r.out;
  EXPECT_EQ(absl::StrCat(s.reported().sources()), fields[32]) << r.out;
  EXPECT_EQ(absl::StrCat(s.reported().articles()), fields[33]) << r.out;
}

TEST_F(CliE2eTest, ImportRejectsBadUsage) {
  const std::string path = dir_.Sub("x.tsv");
  std::ofstream(path) << kSmallIcewsTsv;
  EXPECT_EQ(Cli({"import", path}).exit_code, 2);  // No --format.
  EXPECT_EQ(Cli({"import", "--format", "csv", path}).exit_code, 2);
  EXPECT_EQ(Cli({"import", "--format", "icews-tsv"}).exit_code, 2);
  EXPECT_EQ(Cli({"import", "--format", "icews-tsv", "--batch", "0", path}).exit_code, 2);
  EXPECT_EQ(Cli({"import", "--format", "icews-tsv", dir_.Sub("missing.tsv")}).exit_code, 2);
}

// The node and edge counts `entente export` reports on stderr:
// "exported N nodes and M edges to ...".
std::pair<int, int> ExportedCounts(const std::string& err) {
  int nodes = -1, edges = -1;
  const size_t at = err.find("exported ");
  if (at != std::string::npos) std::sscanf(err.c_str() + at, "exported %d node%*s and %d", &nodes,
                                           &edges);
  return {nodes, edges};
}

constexpr char kDebianPython[] = "/usr/bin/python3";

// What networkx makes of a GraphML file: "NODES EDGES\n", then the node
// names (by node id), one a line. It fails unless the file declares the
// `label` and `weight` keys Gephi and yEd map by name, every node's label is
// its name, and every edge's weight its count.
testing::RunResult ReadGraphMl(const std::string& path) {
  return testing::Run(
      {kDebianPython, "-c",
       "import networkx,sys,xml.etree.ElementTree as ET\n"
       "ns={'g':'http://graphml.graphdrawing.org/xmlns'}\n"
       "keys={(k.get('for'),k.get('attr.name')):k.get('attr.type')\n"
       "      for k in ET.parse(sys.argv[1]).getroot().iterfind('g:key',ns)}\n"
       "assert keys[('node','label')]=='string' and keys[('edge','weight')]=='double', keys\n"
       "g=networkx.read_graphml(sys.argv[1])\n"
       "assert all(d['label']==d['name'] for _,d in g.nodes(data=True))\n"
       "assert all(d['weight']==d['count']>0 for _,_,d in g.edges(data=True))\n"
       "print(g.number_of_nodes(), g.number_of_edges())\n"
       "[print(d['name']) for _, d in sorted(g.nodes(data=True))]",
       path});
}

TEST_F(CliE2eTest, ExportGraphMlIsReadByNetworkx) {
  if (access(kDebianPython, X_OK) != 0) GTEST_SKIP() << "no " << kDebianPython;
  IngestSeed();
  const std::string path = dir_.Sub("nk.graphml");
  auto r = Cli({"export", "neighbors", "North Korea", "--depth", "1", "--format", "graphml",
                "--out", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto [nodes, edges] = ExportedCounts(r.err);
  ASSERT_GT(nodes, 1) << r.err;
  ASSERT_GT(edges, 0) << r.err;
  auto py = ReadGraphMl(path);
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out.substr(0, py.out.find('\n')),
            std::to_string(nodes) + " " + std::to_string(edges))
      << py.out;
  EXPECT_NE(py.out.find("\nRussia\n"), std::string::npos) << py.out;

  r = Cli({"export", "path", "Mark Rutte", "Ukraine", "--format", "graphml", "--out", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ExportedCounts(r.err), std::make_pair(3, 2)) << r.err;
  py = ReadGraphMl(path);
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out.substr(0, py.out.find('\n')), "3 2") << py.out;
}

TEST_F(CliE2eTest, ExportEscapesNamesInEveryFormat) {
  if (access(kDebianPython, X_OK) != 0) GTEST_SKIP() << "no " << kDebianPython;
  // Quotes, &, <, a comma and U+00A0 in a name.
  const std::string odd = "Tom \"T\" & <Co>,\xC2\xA0Ltd";
  const std::string path = dir_.Sub("odd.tsv");
  std::ofstream(path) << odd << "\tConsult\tBeta\t2014-01-03\n";
  auto r = Cli({"import", "--format", "icews-tsv", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  const std::string graphml = dir_.Sub("odd.graphml");
  r = Cli({"export", "neighbors", odd, "--exact", "--format", "graphml", "--out", graphml});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto py = ReadGraphMl(graphml);
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_NE(py.out.find("2 1\n"), std::string::npos) << py.out;
  EXPECT_NE(py.out.find("\n" + odd + "\n"), std::string::npos) << py.out;

  r = Cli({"export", "neighbors", odd, "--exact", "--format", "dot"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("digraph entente {\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("[label=\"Tom \\\"T\\\" & <Co>,\xC2\xA0Ltd\""), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(" -> "), std::string::npos) << r.out;

  const std::string prefix = dir_.Sub("odd");
  r = Cli({"export", "neighbors", odd, "--exact", "--format", "csv", "--out", prefix});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::stringstream nodes, edges;
  nodes << std::ifstream(prefix + "-nodes.csv").rdbuf();
  edges << std::ifstream(prefix + "-edges.csv").rdbuf();
  EXPECT_EQ(nodes.str().rfind("id,name,kind,depth\r\n", 0), 0u) << nodes.str();
  EXPECT_NE(nodes.str().find(",\"Tom \"\"T\"\" & <Co>,\xC2\xA0Ltd\",other,0\r\n"),
            std::string::npos)
      << nodes.str();
  EXPECT_EQ(edges.str().rfind("actor_id,target_id,actor,target,count,first,last,goldstein\r\n", 0),
            0u)
      << edges.str();
  EXPECT_NE(edges.str().find(",1,2014-01-03,2014-01-03,"), std::string::npos) << edges.str();
  // Python's csv module reads both back: 2 nodes, 1 edge, the name intact.
  auto check = testing::Run(
      {kDebianPython, "-c",
       "import csv,sys; n=list(csv.DictReader(open(sys.argv[1],newline=''))); "
       "e=list(csv.DictReader(open(sys.argv[2],newline=''))); "
       "print(len(n), len(e)); print(e[0]['actor'])",
       prefix + "-nodes.csv", prefix + "-edges.csv"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, "2 1\n" + odd + "\n");
}

TEST_F(CliE2eTest, ExportRejectsBadUsage) {
  IngestSeed();
  for (const std::vector<std::string>& bad : {
           std::vector<std::string>{"export", "neighbors", "Russia"},  // No --format.
           {"export", "neighbors", "Russia", "--format", "svg"},
           {"export", "neighbors", "Russia", "--format", "csv"},  // csv needs --out.
           {"export", "path", "Russia", "--format", "dot"},      // Needs two names.
           {"export", "path", "Russia", "NATO", "--format", "dot", "--depth", "2"},
           {"export", "timeline", "Russia", "--format", "dot"},
       }) {
    auto r = Cli(bad);
    EXPECT_EQ(r.exit_code, 2) << bad.back() << ": " << r.out << r.err;
  }
}

TEST_F(CliE2eTest, ImportAndExportHaveHelpWithExamples) {
  for (const std::string command : {"import", "export"}) {
    auto r = Cli({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Examples:\n  entente " + command), std::string::npos) << r.out;
  }
}

// The ids in `out`, one JSON statement per line, whose action text is `text`.
std::vector<uint64_t> IdsWithAction(const std::string& out, const std::string& text) {
  std::vector<uint64_t> ids;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    v1::Statement s;
    if (google::protobuf::util::JsonStringToMessage(line, &s).ok() && s.action().text() == text) {
      ids.push_back(s.id());
    }
  }
  return ids;
}

TEST_F(CliE2eTest, RetractRemovesAStatementAndADocument) {
  IngestSeed();
  auto r = Cli({"statements", "Russia", "--direction", "in", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<uint64_t> troops = IdsWithAction(r.out, "deployed troops to");
  ASSERT_EQ(troops.size(), 1u) << r.out;
  const std::string id = std::to_string(troops[0]);

  r = Cli({"retract", "--id", id, "--id", "999999", "--reason", "test"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("retracted 1 statement: " + id), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not found: statement 999999"), std::string::npos) << r.out;
  r = Cli({"statements", "Russia", "--direction", "in"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("deployed troops to"), std::string::npos) << r.out;
  r = Cli({"statement", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("NOT_FOUND"), std::string::npos) << r.err;

  r = Cli({"retract", "--document", "newstoday-2024-10-22-yoon-nato"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("retracted " + std::to_string(FixtureLines(fixture_) - 1) + " statements"),
            std::string::npos)
      << r.out;
  // The first 20 ids, then how many more.
  EXPECT_NE(r.out.find(" and " + std::to_string(FixtureLines(fixture_) - 1 - 20) + " more"),
            std::string::npos)
      << r.out;
  // Acknowledged means in the write-ahead log: a kill -9 right after the
  // answer loses none of it.
  server_->Stop(SIGKILL);
  server_ = std::make_unique<testing::ServerProcess>(ENTENTE_SERVER_BIN, dir_.Sub("db"));
  ASSERT_NE(server_->port(), 0) << server_->log();
  r = Cli({"statements", "NATO"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("Ukraine"), std::string::npos) << r.out;
  r = Cli({"profile", "Russia"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("North Korea"), std::string::npos) << r.out;
  // Re-ingesting brings nothing back.
  r = Cli({"ingest", fixture_});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("accepted 0"), std::string::npos) << r.out << r.err;
}

// --as-of: a path and a statement as the server knew them before a
// retraction, and now.
TEST_F(CliE2eTest, AsOfReadsSeeWhatWasKnownBeforeARetraction) {
  IngestSeed();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::time_t seconds = micros / 1000000;
  char day_time[32];
  std::strftime(day_time, sizeof day_time, "%Y-%m-%dT%H:%M:%S", std::gmtime(&seconds));
  char before[48];
  std::snprintf(before, sizeof before, "%s.%06dZ", day_time, static_cast<int>(micros % 1000000));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto r = Cli({"retract", "--id", "21", "--reason", "wrong target"});  // NATO -> Ukraine
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  r = Cli({"path", "Mark Rutte", "Ukraine", "--as-of", before});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Mark Rutte -> NATO -> Ukraine"), std::string::npos) << r.out;
  r = Cli({"path", "Mark Rutte", "Ukraine"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("Mark Rutte -> NATO -> Ukraine"), std::string::npos) << r.out;

  EXPECT_EQ(Cli({"statement", "21", "--as-of", before}).exit_code, 0);
  EXPECT_EQ(Cli({"statement", "21"}).exit_code, 1);
  r = Cli({"statements", "Ukraine", "--as-of", "2000-01-01"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("0 statements"), std::string::npos) << r.out;
  r = Cli({"statements", "Ukraine", "--as-of", "yesterday"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--as-of: 'yesterday' is not a time"), std::string::npos) << r.err;
}

TEST_F(CliE2eTest, RetractHasHelpAndRejectsBadUsage) {
  auto r = Cli({"retract", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Examples:\n  entente retract --id"), std::string::npos) << r.out;
  r = Cli({"retract"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--id or --document"), std::string::npos) << r.err;
  r = Cli({"retract", "--id", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--id"), std::string::npos) << r.err;
  r = Cli({"retract", "17"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(CliE2eTest, MergeMergesUnmergeRoundTrip) {
  IngestSeed();
  auto r = Cli({"merge", "Mark Rutte", "NATO", "--reason", "one voice in this story"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^merge 1: Mark Rutte \(#\d+\) merged into )"
                                                  R"(NATO \(#\d+\))")))
      << r.out;
  EXPECT_NE(r.out.find("'entente unmerge 1' undoes it"), std::string::npos) << r.out;
  r = Cli({"entity", "Mark Rutte"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(name\s+NATO\n)"))) << r.out;

  r = Cli({"merges"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ID  FROM"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("one voice in this story"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 merge, 1 in force"), std::string::npos) << r.out;

  r = Cli({"unmerge", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("undid merge 1: Mark Rutte"), std::string::npos) << r.out;
  r = Cli({"entity", "Mark Rutte"});
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(name\s+Mark Rutte\n)"))) << r.out;
  r = Cli({"merges", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsJsonLinesOf<v1::EntityMerge>(r.out)) << r.out;
  EXPECT_NE(r.out.find("undoneAtMicros"), std::string::npos) << r.out;

  // Undone twice, an unknown id, no reason: the field is named.
  r = Cli({"unmerge", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("INVALID_ARGUMENT"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("merge_id"), std::string::npos) << r.err;
  r = Cli({"unmerge", "99"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("NOT_FOUND: merge_id"), std::string::npos) << r.err;
  r = Cli({"merge", "Mark Rutte", "NATO"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--reason is required"), std::string::npos) << r.err;
}

TEST_F(CliE2eTest, TimelineRollsMembersUpToTheirCountry) {
  IngestSeed();
  auto r =
      Cli({"member", "Yoon Suk Yeol", "South Korea", "--role", "president", "--since", "2022-05"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(Yoon Suk Yeol \(#\d+\) belongs to South Korea \(#\d+\) as )"
                        R"(president, from 2022-05 \(origin rpc\))")))
      << r.out;

  r = Cli({"timeline", "South Korea", "Russia"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("by month: 1 statement in 1 month"), std::string::npos) << r.out;
  r = Cli({"timeline", "South Korea", "Russia", "--rollup", "country"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("by month: 3 statements in 1 month"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Yoon Suk Yeol"), std::string::npos) << "statements name who acted";
  r = Cli({"statements", "South Korea", "--rollup", "parent", "--code", "11"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 statements"), std::string::npos) << r.out;  // Yoon's 111 and 112s

  r = Cli({"members", "South Korea"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("president"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 membership\n"), std::string::npos) << r.out;
  r = Cli({"member", "Yoon Suk Yeol", "South Korea", "--remove"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Cli({"timeline", "South Korea", "Russia", "--rollup", "country"});
  EXPECT_NE(r.out.find("by month: 1 statement in 1 month"), std::string::npos) << r.out;

  // Bad values are named.
  r = Cli({"timeline", "South Korea", "Russia", "--rollup", "galaxy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--rollup: 'galaxy' is not one of country, parent"), std::string::npos)
      << r.err;
  r = Cli({"member", "Yoon Suk Yeol", "South Korea", "--since", "2024", "--until", "2020"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("until"), std::string::npos) << r.err;
  r = Cli({"member", "South Korea", "South Korea"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("parent"), std::string::npos) << r.err;
  for (const char* command :
       {"statements", "neighbors", "path", "timeline", "profile", "member", "merge"}) {
    r = Cli({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    if (std::string(command) != "member" && std::string(command) != "merge") {
      EXPECT_NE(r.out.find("--rollup country|parent"), std::string::npos) << command << r.out;
    }
  }
}

TEST_F(CliE2eTest, ImportRecordsTheCountriesOfIcewsActors) {
  const std::string path = dir_.Sub("events.tab");
  const std::string header =
      "Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\t"
      "CAMEO Code\tIntensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\t"
      "Sentence Number\tPublisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude\n";
  std::ofstream(path)
      << header
      << "1\t2014-01-02\tSergey Lavrov\tGovernment\tRussian Federation\tConsult\t040\t1\t"
         "Ukraine\t\tUkraine\t10\t1\tAFP\tKyiv\tNA\tNA\tUkraine\t50.4\t30.5\n"
      << "2\t2014-01-03\tSergey Lavrov\tGovernment\tRussian Federation\tConsult\t040\t1\t"
         "Citizen (Atlantis)\tCivilian\tAtlantis\t11\t1\tAFP\tNA\tNA\tNA\tNA\t0\t0\n";
  auto r = Cli({"import", "--format", "icews", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("accepted 2, duplicate 0, rejected 0"), std::string::npos) << r.out;
  // Lavrov in Russia (once); Ukraine is the country itself; Atlantis is no
  // country the server knows.
  EXPECT_NE(r.out.find("memberships: 1 set from the country columns (icews-country), 1 skipped"),
            std::string::npos)
      << r.out;
  r = Cli({"members", "Sergey Lavrov", "--exact", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::Membership m;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &m).ok()) << r.out;
  EXPECT_EQ(m.parent().name(), "Russia");
  EXPECT_EQ(m.role(), "Government");
  EXPECT_EQ(m.origin(), "icews-country");
  r = Cli({"statements", "Russia", "--rollup", "country"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 statements"), std::string::npos) << r.out;
}

// ---- Gephi-ready exports and --format csv ----

// What the seed fixture holds, read as the server reads it.
std::vector<v1::Statement> ReadStatements(const std::string& path) {
  std::vector<v1::Statement> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    v1::Statement s;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &s).ok()) << line;
    out.push_back(std::move(s));
  }
  return out;
}

// A date as the CLI writes it: YYYY, YYYY-MM or YYYY-MM-DD.
std::string DateText(const v1::Date& d) {
  if (d.month() == 0) return absl::StrFormat("%04d", d.year());
  if (d.day() == 0) return absl::StrFormat("%04d-%02d", d.year(), d.month());
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// The records of RFC 4180 text: CRLF between records, commas between
// fields, a quoted field holding commas, line breaks and doubled quotes.
// Written here, apart from the CLI's writer, so that each checks the other.
// Sets *error for what the RFC does not allow (a bare LF outside quotes, a
// quote inside an unquoted field, an unclosed quote, no final CRLF).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text, std::string* error) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(std::move(field));
      records.push_back(std::move(record));
      field.clear();
      record.clear();
      was_quoted = false;
      ++i;
    } else if (c == '"' || c == '\n' || c == '\r' || was_quoted) {
      *error = absl::StrCat("unexpected character at offset ", i);
      return records;
    } else {
      field += c;
    }
  }
  if (quoted || !field.empty() || !record.empty()) *error = "the last record is not ended by CRLF";
  return records;
}

// The statement columns every --format csv starts with (docs/cli.md).
const std::vector<std::string> kStatementColumns = {
    "statement_id", "date",      "actor_id",  "actor",      "action_code", "action",
    "quad_class",   "goldstein", "target_id", "target",     "quote",       "document_id",
    "url",          "publisher", "title",     "published",  "said_by_id",  "said_by",
    "confidence",   "modality",  "extractor", "ingested_at"};

using CsvRow = std::map<std::string, std::string>;

// Parses a command's CSV into rows by column name; fails unless it is valid
// RFC 4180 with the header kStatementColumns + `extra` and every row as
// wide.
::testing::AssertionResult ParseStatementCsv(const std::string& text,
                                             const std::vector<std::string>& extra,
                                             std::vector<CsvRow>* rows) {
  std::string error;
  auto records = ParseCsv(text, &error);
  if (!error.empty()) return ::testing::AssertionFailure() << error << " in:\n" << text;
  std::vector<std::string> header = kStatementColumns;
  header.insert(header.end(), extra.begin(), extra.end());
  if (records.empty() || records[0] != header) {
    return ::testing::AssertionFailure() << "header is not as documented:\n" << text;
  }
  for (size_t i = 1; i < records.size(); ++i) {
    if (records[i].size() != header.size()) {
      return ::testing::AssertionFailure() << "record " << i << " has " << records[i].size()
                                           << " fields, the header " << header.size();
    }
    CsvRow row;
    for (size_t j = 0; j < header.size(); ++j) row[header[j]] = records[i][j];
    rows->push_back(std::move(row));
  }
  return ::testing::AssertionSuccess();
}

// Whether each row is one of `statements`: one with the row's actor,
// action, target and date has the row's quote, document, publisher, speaker
// and modality.
::testing::AssertionResult RowsAreStatementsOf(const std::vector<CsvRow>& rows,
                                               const std::vector<v1::Statement>& statements) {
  for (const CsvRow& row : rows) {
    bool found = false;
    for (const v1::Statement& s : statements) {
      found |= row.at("actor") == s.actor().name() && row.at("action") == s.action().text() &&
               row.at("target") == s.target().name() && row.at("date") == DateText(s.date()) &&
               row.at("quote") == s.quote() && row.at("document_id") == s.source().document_id() &&
               row.at("publisher") == s.source().publisher() &&
               row.at("said_by") == s.attributed_to().name() &&
               row.at("modality") == (s.modality() == v1::MODALITY_UNSPECIFIED
                                          ? "asserted"
                                          : absl::AsciiStrToLower(v1::Modality_Name(s.modality())));
    }
    if (!found) {
      return ::testing::AssertionFailure()
             << "no statement " << row.at("actor") << " -" << row.at("action") << "-> "
             << row.at("target") << " on " << row.at("date") << " with quote '" << row.at("quote")
             << "'";
    }
  }
  return ::testing::AssertionSuccess();
}

// The statements with `entity` as actor or target.
size_t CountWith(const std::vector<v1::Statement>& statements, const std::string& entity) {
  return std::count_if(statements.begin(), statements.end(), [&](const v1::Statement& s) {
    return s.actor().name() == entity || s.target().name() == entity;
  });
}

TEST_F(CliE2eTest, StatementsStatementAndWatchCsvAreTheFixtureStatements) {
  IngestSeed();
  const auto seed = ReadStatements(fixture_);
  auto r = Cli({"statements", "North Korea", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<CsvRow> rows;
  ASSERT_TRUE(ParseStatementCsv(r.out, {}, &rows));
  EXPECT_EQ(rows.size(), CountWith(seed, "North Korea"));
  EXPECT_TRUE(RowsAreStatementsOf(rows, seed));
  ASSERT_FALSE(rows.empty());
  // The table's counts go to stderr, so stdout stays one CSV document.
  EXPECT_NE(r.err.find(absl::StrCat(rows.size(), " statements")), std::string::npos) << r.err;

  r = Cli({"statement", rows[0].at("statement_id"), "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<CsvRow> one;
  ASSERT_TRUE(ParseStatementCsv(r.out, {}, &one));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], rows[0]);

  // The change feed: a row per statement ingested.
  r = Cli({"watch", "--once", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rows.clear();
  ASSERT_TRUE(
      ParseStatementCsv(r.out, {"change", "retracted_at", "retraction_reason", "cursor"}, &rows));
  EXPECT_EQ(rows.size(), seed.size());
  EXPECT_TRUE(RowsAreStatementsOf(rows, seed));
  for (const CsvRow& row : rows) EXPECT_EQ(row.at("change"), "ingested");
}

TEST_F(CliE2eTest, NeighborsPathTimelineAndProfileCsvCarryTheirEvidence) {
  IngestSeed();
  const auto seed = ReadStatements(fixture_);
  // A depth-1 traversal follows the relations of North Korea: each shows
  // its newest --evidence (default 3) statements.
  std::map<std::pair<std::string, std::string>, size_t> pairs;
  for (const auto& s : seed) {
    if (s.actor().name() == "North Korea" || s.target().name() == "North Korea") {
      ++pairs[{s.actor().name(), s.target().name()}];
    }
  }
  size_t evidence = 0;
  for (const auto& [pair, n] : pairs) evidence += std::min<size_t>(n, 3);
  auto r = Cli({"neighbors", "North Korea", "--depth", "1", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<CsvRow> rows;
  ASSERT_TRUE(ParseStatementCsv(
      r.out, {"edge_actor_id", "edge_actor", "edge_target_id", "edge_target", "edge_count"},
      &rows));
  EXPECT_EQ(rows.size(), evidence) << r.out;
  EXPECT_TRUE(RowsAreStatementsOf(rows, seed));
  for (const CsvRow& row : rows) {
    EXPECT_EQ(row.at("edge_actor_id"), row.at("actor_id"));
    EXPECT_EQ(row.at("edge_target"), row.at("target"));
    EXPECT_EQ(row.at("edge_count"), std::to_string(pairs[{row.at("actor"), row.at("target")}]));
  }

  r = Cli({"path", "Mark Rutte", "Ukraine", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rows.clear();
  ASSERT_TRUE(ParseStatementCsv(r.out, {"path", "hop", "hop_count"}, &rows));
  EXPECT_TRUE(RowsAreStatementsOf(rows, seed));
  std::set<std::string> hops;
  for (const CsvRow& row : rows) hops.insert(row.at("hop"));
  EXPECT_EQ(hops, (std::set<std::string>{"1", "2"})) << r.out;

  r = Cli({"timeline", "Russia", "North Korea", "--limit", "100", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rows.clear();
  ASSERT_TRUE(ParseStatementCsv(r.out, {}, &rows));
  const size_t between = pairs[{"Russia", "North Korea"}] + pairs[{"North Korea", "Russia"}];
  EXPECT_EQ(rows.size(), between);
  EXPECT_TRUE(RowsAreStatementsOf(rows, seed));

  // Every counterpart of North Korea is in its top 10, so with enough
  // evidence per counterpart the rows are all its statements.
  r = Cli({"profile", "North Korea", "--evidence", "100", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rows.clear();
  ASSERT_TRUE(
      ParseStatementCsv(r.out, {"counterpart_id", "counterpart", "counterpart_count"}, &rows));
  EXPECT_EQ(rows.size(), CountWith(seed, "North Korea"));
  EXPECT_TRUE(RowsAreStatementsOf(rows, seed));
  for (const CsvRow& row : rows) {
    EXPECT_TRUE(row.at("counterpart") == row.at("actor") ||
                row.at("counterpart") == row.at("target"))
        << row.at("counterpart");
  }
}

TEST_F(CliE2eTest, ClaimsCsvHasEachSideWithItsStatements) {
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir_.Sub("claims-db"), {"--claims"});
  ASSERT_NE(server.port(), 0) << server.log();
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {ENTENTE_CLI_BIN, "--server", server.address()});
    return testing::Run(args);
  };
  const std::string fixture = std::string(ENTENTE_FIXTURES_DIR) + "/claims-2024-10.jsonl";
  auto r = cli({"ingest", fixture});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto statements = ReadStatements(fixture);
  const std::vector<std::string> extra = {"claim_id", "side", "claim_statements", "claim_sources",
                                          "claim_contested"};
  r = cli({"claims", "North Korea", "Russia", "--evidence", "100", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<CsvRow> rows;
  ASSERT_TRUE(ParseStatementCsv(r.out, extra, &rows));
  ASSERT_FALSE(rows.empty());
  EXPECT_TRUE(RowsAreStatementsOf(rows, statements));
  std::map<std::string, std::vector<CsvRow>> by_claim;
  for (const CsvRow& row : rows) {
    const std::string& m = row.at("modality");
    EXPECT_EQ(row.at("side"), m == "asserted" ? "asserting" : m == "denied" ? "denying" : "other");
    by_claim[row.at("claim_id")].push_back(row);
  }
  // A claim's rows are all its statements (at most 100 a side): what
  // `claim ID --format csv` prints.
  for (const auto& [id, claim_rows] : by_claim) {
    EXPECT_EQ(std::to_string(claim_rows.size()), claim_rows[0].at("claim_statements"));
    r = cli({"claim", id, "--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<CsvRow> one;
    ASSERT_TRUE(ParseStatementCsv(r.out, extra, &one));
    EXPECT_EQ(one, claim_rows) << id;
  }
}

TEST_F(CliE2eTest, CsvQuotesCommasQuotesAndLineBreaks) {
  if (access(kDebianPython, X_OK) != 0) GTEST_SKIP() << "no " << kDebianPython;
  const std::string quote = "He said, \"no\"\r\nand left;\nthen: \"twice\", ok";
  const std::string actor = "Tom \"T\", Ltd";
  v1::Statement s;
  s.mutable_actor()->set_name(actor);
  s.mutable_action()->set_text("met");
  s.mutable_target()->set_name("Beta");
  s.mutable_date()->set_year(2024);
  s.mutable_source()->set_document_id("doc,1");
  s.set_quote(quote);
  std::string line;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(s, &line).ok());
  const std::string path = dir_.Sub("odd.jsonl");
  std::ofstream(path) << line << "\n";
  auto r = Cli({"ingest", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  r = Cli({"statements", actor, "--exact", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<CsvRow> rows;
  ASSERT_TRUE(ParseStatementCsv(r.out, {}, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("quote"), quote);
  EXPECT_EQ(rows[0].at("actor"), actor);
  EXPECT_EQ(rows[0].at("document_id"), "doc,1");
  // Python's csv module, another reader, gets the same fields back.
  const std::string csv = dir_.Sub("odd.csv");
  std::ofstream(csv, std::ios::binary) << r.out;
  auto py = testing::Run({kDebianPython, "-c",
                          "import csv,sys; r=list(csv.DictReader(open(sys.argv[1],newline=''))); "
                          "sys.stdout.write(r[0]['actor']+'|'+r[0]['quote'])",
                          csv});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, actor + "|" + quote);
}

TEST_F(CliE2eTest, BadFormatIsAUsageErrorNamingTheAllowedValues) {
  for (std::vector<std::string> command : {
           std::vector<std::string>{"statements", "Russia"},
           {"statement", "1"},
           {"neighbors", "Russia"},
           {"path", "Russia", "NATO"},
           {"timeline", "Russia", "NATO"},
           {"profile", "Russia"},
           {"claims", "Russia"},
           {"claim", "1"},
           {"watch", "--once"},
       }) {
    command.insert(command.end(), {"--format", "xml"});
    auto r = Cli(command);
    EXPECT_EQ(r.exit_code, 2) << command[0];
    EXPECT_NE(r.err.find("--format: 'xml' is not one of table, csv"), std::string::npos)
        << command[0] << ": " << r.err;
    command.back() = "csv";
    command.push_back("--json");
    EXPECT_EQ(Cli(command).exit_code, 2) << command[0];
  }
  auto r = Cli({"export", "neighbors", "Russia", "--format", "xml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("graphml, gexf, dot, csv"), std::string::npos) << r.err;
}

// Checks a GEXF file against the fixture the graph came from, and prints
// "NODES EDGES" as networkx reads it. argv: the file, the fixture, and
// "out" (an edge counts actor -> target statements, as a traversal does) or
// "either" (both ways, as a path's hop does). An edge must have the
// statements' count as weight, start on the first day of the earliest and
// end on the last day of the latest (a traversal dates statements by the
// first day of their period, so then within the latest's period).
constexpr char kCheckGexf[] = R"(
import calendar, json, re, sys, xml.etree.ElementTree as ET
import networkx
path, fixture, mode = sys.argv[1:4]
ns = {'g': 'http://www.gexf.net/1.2draft'}
root = ET.parse(path).getroot()
assert root.tag == '{http://www.gexf.net/1.2draft}gexf', root.tag
graph = root.find('g:graph', ns)
assert graph.get('mode') == 'dynamic' and graph.get('timeformat') == 'date', graph.attrib
labels = {n.get('id'): n.get('label') for n in graph.iterfind('g:nodes/g:node', ns)}
def days(d):
    y, m, dd = d['year'], d.get('month', 0), d.get('day', 0)
    last = dd or calendar.monthrange(y, m or 12)[1]
    return '%04d-%02d-%02d' % (y, m or 1, dd or 1), '%04d-%02d-%02d' % (y, m or 12, last)
stmts = [json.loads(l) for l in open(fixture) if l.strip()]
edges = list(graph.iterfind('g:edges/g:edge', ns))
assert edges
for e in edges:
    a, t = labels[e.get('source')], labels[e.get('target')]
    ends = lambda s: (s['actor']['name'], s['target']['name'])
    mine = [s for s in stmts if ends(s) == (a, t) or (mode == 'either' and ends(s) == (t, a))]
    count = {v.get('for'): v.get('value') for v in e.iterfind('g:attvalues/g:attvalue', ns)}
    assert float(e.get('weight')) == len(mine) == int(count['count']), (a, t, e.attrib)
    spans = sorted(days(s['date']) for s in mine)
    assert re.fullmatch(r'\d{4}-\d\d-\d\d', e.get('end')), e.attrib
    assert e.get('start') == spans[0][0], (a, t, e.attrib, spans)
    latest = max(spans)
    if mode == 'either':
        assert e.get('end') == latest[1], (a, t, e.attrib, spans)
    else:
        assert latest[0] <= e.get('end') <= latest[1], (a, t, e.attrib, spans)
g = networkx.read_gexf(path)
print(g.number_of_nodes(), g.number_of_edges())
)";

TEST_F(CliE2eTest, ExportGexfIsADynamicGraphWithDatedEdges) {
  if (access(kDebianPython, X_OK) != 0) GTEST_SKIP() << "no " << kDebianPython;
  IngestSeed();
  const std::string path = dir_.Sub("nk.gexf");
  auto r = Cli(
      {"export", "neighbors", "North Korea", "--depth", "1", "--format", "gexf", "--out", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto py = testing::Run({kDebianPython, "-c", kCheckGexf, path, fixture_, "out"});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  auto [nodes, edges] = ExportedCounts(r.err);
  EXPECT_EQ(py.out, absl::StrCat(nodes, " ", edges, "\n"));

  // A path's hops carry their statements, so their dates keep their
  // precision: "2024-10" ends on October 31.
  r = Cli({"export", "path", "Mark Rutte", "Ukraine", "--format", "gexf", "--out", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  py = testing::Run({kDebianPython, "-c", kCheckGexf, path, fixture_, "either"});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  std::tie(nodes, edges) = ExportedCounts(r.err);
  EXPECT_EQ(py.out, absl::StrCat(nodes, " ", edges, "\n"));
}

// `entente info` (GraphService.GetServerInfo): the running server's
// version, as its --version prints it, and what the database holds.
TEST_F(CliE2eTest, InfoShowsTheServersVersionAndWhatItHolds) {
  IngestSeed();
  const int n = FixtureLines(fixture_);
  const testing::RunResult version = testing::Run({ENTENTE_SERVER_BIN, "--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  // "entente-server 0.1.0 (git 1a2b3c4)\n" -> "0.1.0 (git 1a2b3c4)".
  const std::string expected =
      std::string(absl::StripAsciiWhitespace(version.out.substr(version.out.find(' ') + 1)));

  auto r = Cli({"info"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(expected), std::string::npos) << expected << " in\n" << r.out;
  EXPECT_NE(r.out.find(absl::StrFormat("%d (%d ingested, 0 retracted)", n, n)), std::string::npos)
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("role +standalone"))) << r.out;

  r = Cli({"info", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::GetServerInfoResponse info;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &info).ok()) << r.out;
  EXPECT_EQ(info.data().statements(), static_cast<uint64_t>(n));
  EXPECT_EQ(info.replication().role(), v1::REPLICATION_ROLE_STANDALONE);

  r = Cli({"info", "extra"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("takes no arguments"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace entente
