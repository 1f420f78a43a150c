// The option rule of every program (server/flags.h, docs/flags.md), on a
// CLI11 app of the kind the programs build.
#include "server/flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace entente::flags {
namespace {

using ::testing::HasSubstr;

struct Options {
  std::string metrics_listen;
  std::string data = "./data";
  int block_cache_mb = 64;
  bool sync = false;
};

// An app like entente-server's; `help_asked` is set when help was printed.
class FlagsTest : public ::testing::Test {
 protected:
  FlagsTest() {
    Configure(&app_, "prog 1.0 (git abc)\n");
    AddText(&app_, "metrics_listen", &options_.metrics_listen, "HOST:PORT", "metrics");
    AddText(&app_, "data", &options_.data, "DIR", "the database");
    AddInt(&app_, "block_cache_mb", &options_.block_cache_mb, 0, 1024, "MiB", "cache");
    AddSwitch(&app_, "sync", &options_.sync, "fsync");
  }

  // Parses `args`; the exit status Parse returned, or -1 to go on.
  int Run(const std::vector<std::string>& args) {
    ::testing::internal::CaptureStderr();
    ::testing::internal::CaptureStdout();
    auto exit = Parse(&app_, args, {"prog", [](const CLI::App& a) { return Help(a, "head"); }});
    err_ = ::testing::internal::GetCapturedStderr();
    out_ = ::testing::internal::GetCapturedStdout();
    return exit ? *exit : -1;
  }

  CLI::App app_;
  Options options_;
  std::string out_, err_;
};

TEST(NamesTest, BothSpellingsTheGivenOneFirst) {
  EXPECT_EQ(Names("metrics_listen"), "--metrics_listen,--metrics-listen");
  EXPECT_EQ(Names("min-sources"), "--min-sources,--min_sources");
  EXPECT_EQ(Names("data"), "--data");
}

TEST_F(FlagsTest, DashesUnderscoresAndEqualsAreOneOption) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--metrics-listen", "127.0.0.1:9464", "--block-cache-mb=16"},
           {"--metrics_listen=127.0.0.1:9464", "--block_cache_mb", "16"}}) {
    options_ = Options();
    ASSERT_EQ(Run(args), -1) << err_;
    EXPECT_EQ(options_.metrics_listen, "127.0.0.1:9464");
    EXPECT_EQ(options_.block_cache_mb, 16);
  }
}

TEST_F(FlagsTest, AValueMayStartWithADashAndKeepsItsDashes) {
  ASSERT_EQ(Run({"--data", "-my-dir", "--metrics-listen=a-b=c"}), -1) << err_;
  EXPECT_EQ(options_.data, "-my-dir");
  EXPECT_EQ(options_.metrics_listen, "a-b=c");
}

TEST_F(FlagsTest, TheLastOfARepeatedOptionWins) {
  ASSERT_EQ(Run({"--data", "a", "--data=b"}), -1) << err_;
  EXPECT_EQ(options_.data, "b");
}

TEST_F(FlagsTest, SwitchesTakeTrueOrFalse) {
  ASSERT_EQ(Run({"--sync"}), -1) << err_;
  EXPECT_TRUE(options_.sync);
  ASSERT_EQ(Run({"--sync=false"}), -1) << err_;
  EXPECT_FALSE(options_.sync);
  EXPECT_EQ(Run({"--sync=maybe"}), kExitUsage);
  EXPECT_THAT(err_, HasSubstr("prog: --sync: 'maybe' is not true or false\n"));
}

TEST_F(FlagsTest, NumbersAreWholeAndInRangeElseTheOptionIsNamed) {
  for (const std::string bad : {"abc", "12abc", "", "1.5", "1025", "-1", "0x10"}) {
    options_ = Options();
    EXPECT_EQ(Run({"--block-cache-mb", bad}), kExitUsage) << bad;
    EXPECT_EQ(err_, "prog: --block_cache_mb: '" + bad +
                        "' is not a whole number in 0..1024\nRun 'prog --help' for usage.\n");
    EXPECT_EQ(options_.block_cache_mb, 64) << "never read as atoi would";
  }
  ASSERT_EQ(Run({"--block-cache-mb", "+8"}), -1) << err_;
  EXPECT_EQ(options_.block_cache_mb, 8);
}

TEST_F(FlagsTest, UnknownOptionsAndArgumentsAreNamed) {
  EXPECT_EQ(Run({"--data", "x", "--bogus-flag", "1"}), kExitUsage);
  EXPECT_EQ(err_, "prog: unknown option '--bogus-flag'\nRun 'prog --help' for usage.\n");
  EXPECT_EQ(Run({"stray"}), kExitUsage);
  EXPECT_THAT(err_, HasSubstr("unexpected argument 'stray'"));
  EXPECT_EQ(Run({"-x"}), kExitUsage);
  EXPECT_THAT(err_, HasSubstr("unknown option '-x'"));
}

TEST_F(FlagsTest, AMissingValueIsNamed) {
  EXPECT_EQ(Run({"--data"}), kExitUsage);
  EXPECT_THAT(err_, HasSubstr("prog: option '--data' needs a value\n"));
}

TEST_F(FlagsTest, HelpAndVersionGoToStdoutAndExitZero) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_THAT(out_, HasSubstr("head\n\nOptions:\n"));
  EXPECT_THAT(out_, HasSubstr("  --block_cache_mb MiB\n      cache (default: 64)\n"));
  EXPECT_THAT(out_, HasSubstr("  --sync\n      fsync\n"));
  EXPECT_EQ(err_, "");
  EXPECT_EQ(Run({"-h"}), 0);
  EXPECT_EQ(Run({"--version"}), 0);
  EXPECT_EQ(out_, "prog 1.0 (git abc)\n");
}

TEST(AddDurationTest, TakesAbslDurationsOfZeroOrMore) {
  CLI::App app;
  Configure(&app, "");
  absl::Duration age = absl::ZeroDuration();
  AddDuration(&app, "stream_max_age", &age, "DURATION", "retention");
  const auto parse = [&](std::vector<std::string> args) {
    ::testing::internal::CaptureStderr();
    auto exit = Parse(&app, args, {"prog", [](const CLI::App&) { return ""; }});
    const std::string err = ::testing::internal::GetCapturedStderr();
    return exit ? err : "";
  };
  EXPECT_EQ(parse({"--stream-max-age", "1h30m"}), "");
  EXPECT_EQ(age, absl::Minutes(90));
  EXPECT_EQ(parse({"--stream_max_age=0"}), "");
  EXPECT_EQ(age, absl::ZeroDuration());
  for (const std::string bad : {"-1h", "3", "1x", "inf"}) {
    EXPECT_THAT(parse({"--stream_max_age", bad}),
                HasSubstr("prog: --stream_max_age: '" + bad + "' is not a duration")) << bad;
  }
}

TEST(ParseIntTest, NamesTheOptionAndTheRange) {
  EXPECT_EQ(*ParseInt("top", "20", 0, 1000), 20);
  const auto bad = ParseInt("top", "1e3", 0, 1000);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "--top: '1e3' is not a whole number in 0..1000");
}

}  // namespace
}  // namespace entente::flags
