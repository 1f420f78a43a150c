#include "server/flag_spelling.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace entente::server {
namespace {

TEST(UnderscoreFlagNameTest, DashesInTheNameBecomeUnderscores) {
  EXPECT_EQ(UnderscoreFlagName("--metrics-listen=127.0.0.1:9090"),
            "--metrics_listen=127.0.0.1:9090");
  EXPECT_EQ(UnderscoreFlagName("--block-cache-mb"), "--block_cache_mb");
  EXPECT_EQ(UnderscoreFlagName("--block_cache_mb"), "--block_cache_mb");
}

TEST(UnderscoreFlagNameTest, TheValueKeepsItsDashes) {
  EXPECT_EQ(UnderscoreFlagName("--data=/var/lib/my-data"), "--data=/var/lib/my-data");
  EXPECT_EQ(UnderscoreFlagName("--log-format=a-b=c-d"), "--log_format=a-b=c-d");
}

TEST(UnderscoreFlagNameTest, OtherArgumentsAreUnchanged) {
  EXPECT_EQ(UnderscoreFlagName("--"), "--");
  EXPECT_EQ(UnderscoreFlagName("-x-y"), "-x-y");
  EXPECT_EQ(UnderscoreFlagName("file-name.tsv"), "file-name.tsv");
  EXPECT_EQ(UnderscoreFlagName("-"), "-");
  EXPECT_EQ(UnderscoreFlagName(""), "");
}

TEST(UnderscoreFlagNamesTest, RewritesArgvUpToABareDoubleDash) {
  std::vector<std::string> args = {"entente-server", "--max-message-mb", "8",
                                   "--log-format=json", "my-file", "--",
                                   "--not-a-flag"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  UnderscoreFlagNames(static_cast<int>(argv.size()), argv.data());
  EXPECT_STREQ(argv[0], "entente-server");
  EXPECT_STREQ(argv[1], "--max_message_mb");
  EXPECT_STREQ(argv[2], "8");
  EXPECT_STREQ(argv[3], "--log_format=json");
  EXPECT_STREQ(argv[4], "my-file");
  EXPECT_STREQ(argv[5], "--");
  EXPECT_STREQ(argv[6], "--not-a-flag");
}

}  // namespace
}  // namespace entente::server
