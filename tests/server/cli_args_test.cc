// entente's ParseArgs (cli/args.h): the command files' OptionSpecs read by
// the rule of every program (docs/flags.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/args.h"

namespace entente::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<OptionSpec> kSpecs = {
    {"min-sources", "N", "sources"},
    {"code", "PREFIX", "repeatable"},
    {"exact", "", "a switch"},
    {"help", "", "show this help"},
};

TEST(CliArgsTest, BothSpellingsAndBothValueForms) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--min-sources", "2", "Russia"},
                                                                {"--min_sources=2", "Russia"}}) {
    auto parsed = ParseArgs(kSpecs, args);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->Get("min-sources"), "2");
    EXPECT_THAT(parsed->positional(), ElementsAre("Russia"));
  }
}

TEST(CliArgsTest, RepeatedOptionsKeepEveryValueInOrder) {
  auto parsed = ParseArgs(kSpecs, {"--code", "19", "A", "--code=04", "--exact", "B"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->GetAll("code"), ElementsAre("19", "04"));
  EXPECT_EQ(parsed->Get("code"), "04");
  EXPECT_TRUE(parsed->Has("exact"));
  EXPECT_FALSE(parsed->Has("min-sources"));
  EXPECT_THAT(parsed->positional(), ElementsAre("A", "B"));
}

TEST(CliArgsTest, DashAloneAfterDoubleDashAndNegativeValuesArePositionalOrValues) {
  auto parsed = ParseArgs(kSpecs, {"-", "--min-sources", "-1", "--", "--code", "-x"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Get("min-sources"), "-1");
  EXPECT_THAT(parsed->positional(), ElementsAre("-", "--code", "-x"));
  EXPECT_FALSE(parsed->Has("code"));
}

TEST(CliArgsTest, SwitchesTakeTrueOrFalseAndHelpIsReported) {
  auto off = ParseArgs(kSpecs, {"--exact=false"});
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_FALSE(off->Has("exact"));
  EXPECT_THAT(ParseArgs(kSpecs, {"--exact=maybe"}).status().message(),
              HasSubstr("--exact: 'maybe' is not true or false"));
  auto help = ParseArgs(kSpecs, {"X", "-h"});
  ASSERT_TRUE(help.ok()) << help.status();
  EXPECT_TRUE(help->help());
}

TEST(CliArgsTest, ErrorsNameTheArgument) {
  EXPECT_EQ(ParseArgs(kSpecs, {"--bogus"}).status().message(), "unknown option '--bogus'");
  EXPECT_EQ(ParseArgs(kSpecs, {"-z"}).status().message(), "unknown option '-z'");
  EXPECT_EQ(ParseArgs(kSpecs, {"X", "--min-sources"}).status().message(),
            "option '--min-sources' needs a value");
  EXPECT_EQ(ParseIntOption("depth", "abc", 1, 5).status().message(),
            "--depth: 'abc' is not a whole number in 1..5");
}

}  // namespace
}  // namespace entente::cli
