// The option rule (docs/flags.md) on each of the four real programs: both
// spellings, --name=value, strict numbers, unknown options named, usage
// errors on one line with a pointer to --help and exit 2 (the health check:
// 1), --help and --version. No server is needed: every case ends before one
// would be called, or at a port where nothing listens.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace entente {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Program {
  std::string name;
  std::string binary;
  std::vector<std::string> prefix;  // the command, for admin and the CLI
  int usage_exit;
};

const std::vector<Program>& Programs() {
  static const auto* programs = new std::vector<Program>{
      {"entente-server", ENTENTE_SERVER_BIN, {}, 2},
      {"entente-admin check", ENTENTE_ADMIN_BIN, {"check"}, 2},
      {"entente-healthcheck", ENTENTE_HEALTHCHECK_BIN, {}, 1},
      {"entente: statements", ENTENTE_CLI_BIN, {"statements", "X"}, 2},
  };
  return *programs;
}

testing::RunResult RunProgram(const Program& p, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {p.binary};
  argv.insert(argv.end(), p.prefix.begin(), p.prefix.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::Run(argv);
}

TEST(FlagsE2eTest, UnknownOptionsAreNamedOnOneLineWithAPointerToHelp) {
  for (const Program& p : Programs()) {
    const auto r = RunProgram(p, {"--no-such-option", "1"});
    EXPECT_EQ(r.exit_code, p.usage_exit) << p.name << ": " << r.err;
    EXPECT_THAT(r.err, StartsWith(p.name + ": unknown option '--no-such-option'\n")) << p.name;
    EXPECT_THAT(r.err, HasSubstr("--help' for usage.\n")) << p.name;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << p.name << ": " << r.err;
  }
}

TEST(FlagsE2eTest, EveryProgramHasHelpAndVersionOnStdout) {
  for (const Program& p : Programs()) {
    const auto help = RunProgram(p, {"--help"});
    EXPECT_EQ(help.exit_code, 0) << p.name << ": " << help.err;
    EXPECT_THAT(help.out, HasSubstr("--")) << p.name;
    // Each help teaches the spelling rule (the CLI's in its options' names).
    if (p.binary != ENTENTE_CLI_BIN) {
      EXPECT_THAT(help.out, HasSubstr("dashes or underscores")) << p.name;
    }
    const auto version = testing::Run({p.binary, "--version"});
    EXPECT_EQ(version.exit_code, 0) << p.name;
    EXPECT_THAT(version.out, HasSubstr(" (git ")) << p.name;
  }
}

// A bad number is an error naming the option, in each program; it used to
// be 1 (atoi) or silently ignored in entente-admin.
TEST(FlagsE2eTest, NumbersAreStrictAndTheOptionIsNamed) {
  testing::TempDir dir;
  const std::string tsv = dir.Sub("a.tsv");
  std::ofstream(tsv) << "A\tMake statement\tB\t2020-01-01\n";
  struct Case {
    std::vector<std::string> argv;
    int exit;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{ENTENTE_ADMIN_BIN, "import", "--data", dir.Sub("db"), "--batch", "abc", tsv},
            2,
            "entente-admin import: --batch: 'abc' is not a whole number in 1..10000000\n"},
           {{ENTENTE_ADMIN_BIN, "import", "--data", dir.Sub("db"), "--threads=12x", tsv},
            2,
            "entente-admin import: --threads: '12x' is not a whole number in 1..256\n"},
           {{ENTENTE_SERVER_BIN, "--data", dir.Sub("s"), "--max-message-mb", "0"},
            2,
            "entente-server: --max_message_mb: '0' is not a whole number in 1..2047\n"},
           {{ENTENTE_HEALTHCHECK_BIN, "--timeout-ms", "soon"},
            1,
            "entente-healthcheck: --timeout_ms: 'soon' is not a whole number in 1..86400000\n"},
           {{ENTENTE_CLI_BIN, "neighbors", "X", "--depth", "two"},
            2,
            "entente: neighbors: --depth: 'two' is not a whole number"},
       }) {
    const auto r = testing::Run(c.argv);
    EXPECT_EQ(r.exit_code, c.exit) << c.argv[0] << ": " << r.err;
    EXPECT_THAT(r.err, StartsWith(c.message)) << c.argv[0];
  }
  // Nothing was imported by the refused commands.
  EXPECT_FALSE(std::ifstream(dir.Sub("db") + "/CURRENT").good());
}

// The spellings that scripts, units and docs use, old and new, all work.
TEST(FlagsE2eTest, DashesUnderscoresAndEqualsAreAcceptedEverywhere) {
  testing::TempDir dir;
  const std::string tsv = dir.Sub("a.tsv");
  std::ofstream(tsv) << "A\tMake statement\tB\t2020-01-01\n";
  // entente-admin: --data=DIR was refused before.
  auto r = testing::Run({ENTENTE_ADMIN_BIN, "import", "--data=" + dir.Sub("db"), "--memory-mb",
                         "16", "--tmp_dir=" + dir.Sub("tmp"), "--batch", "500", tsv});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("accepted 1"));
  r = testing::Run({ENTENTE_ADMIN_BIN, "check", "--data", dir.Sub("db"), "--max-problems=5"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // entente-healthcheck: --timeout-ms was refused before; nothing listens on
  // port 1, so "cannot connect" (2) shows the flags were taken.
  for (const std::string& flag : {"--timeout-ms", "--timeout_ms"}) {
    r = testing::Run({ENTENTE_HEALTHCHECK_BIN, "--server=127.0.0.1:1", flag, "100"});
    EXPECT_EQ(r.exit_code, 2) << flag << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("cannot connect to 127.0.0.1:1")) << flag;
  }
  // entente: --min_sources was refused before. Exit 1 is the call failing,
  // after the options were read.
  for (const std::string& flag : {"--min-sources", "--min_sources"}) {
    r = testing::Run({ENTENTE_CLI_BIN, "--server=127.0.0.1:1", "--timeout", "2s", "statements",
                      "X", flag, "2", "--exact=true"});
    EXPECT_EQ(r.exit_code, 1) << flag << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("cannot reach the server")) << flag;
  }
  // entente-server: both spellings in one command line.
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir.Sub("server"),
                                {"--block-cache-mb=16", "--grace_ms", "100", "--log-format=text",
                                 "--max_concurrent_streams=8", "--sync=false"});
  EXPECT_NE(server.port(), 0) << server.log();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
}

}  // namespace
}  // namespace entente
