// The built `entente` command line against a started entente-server.
#include <fstream>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace entente
