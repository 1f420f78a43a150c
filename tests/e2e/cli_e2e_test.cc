// The built `entente` command line against a started entente-server.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "entente/v1/graph.pb.h"
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
  // Russia's statements in the seed: 072, 062 and 062 with North Korea, one
  // without a code, and 111, 112 and 130 (all verbal conflict) from South
  // Korea's side, of which only the 130 is intended.
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
  for (const std::string command : {"neighbors", "path", "timeline", "profile"}) {
    auto r = Cli({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Examples:\n  entente " + command), std::string::npos) << r.out;
  }
  auto r = Cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("  timeline "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace entente
