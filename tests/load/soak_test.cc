// The load test: `entente-bench soak` (bench/soak.h), 16 concurrent clients
// writing and reading for 20 s, against a real entente-server on loopback.
// It asserts what must hold under sustained mixed load, not speed: no call
// fails or returns a wrong-looking (empty) answer, the server's memory stays
// bounded, and it still shuts down cleanly. The figures are printed.
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace entente {
namespace {

// A line of /proc/PID/status ("VmHWM:   123456 kB") in MiB; -1 if absent.
double StatusMiB(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024;
  }
  return -1;
}

// Peak resident memory of the server over the whole soak. What it may hold:
// the binary and its shared libraries (~30 MiB resident at start), the
// RocksDB block cache (64 MiB, the default --block_cache_mb), write buffers
// (32 MiB for the whole database, storage/store.cc), index and filter blocks
// of a database of some tens of MB, and gRPC's buffers for 16 connections
// with one call each (well under 1 MiB a call at these sizes): about
// 150 MiB at most. 256 MiB leaves room for allocator slack; a leak per call
// (each soak makes thousands) or an unbounded cache or queue crosses it.
// Measured: a peak of 65 MiB on a loaded 2-core machine (bench/README.md).
constexpr double kMaxPeakRssMiB = 256;

TEST(SoakTest, SixteenClientsForTwentySecondsWithoutErrorsInBoundedMemory) {
  testing::TempDir dir;
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir.path() + "/db");
  ASSERT_NE(server.port(), 0) << server.log();
  const double rss_before = StatusMiB(server.pid(), "VmRSS");

  const auto soak = testing::Run({ENTENTE_BENCH_BIN, "soak", "--server", server.address(),
                                  "--clients", "16", "--seconds", "20"});
  const double peak = StatusMiB(server.pid(), "VmHWM");
  const double rss_after = StatusMiB(server.pid(), "VmRSS");
  std::cout << soak.out << soak.err;
  std::printf("server memory: %.1f MiB resident at start, %.1f MiB at end, peak %.1f MiB "
              "(bound %.0f MiB)\n",
              rss_before, rss_after, peak, kMaxPeakRssMiB);

  EXPECT_EQ(soak.exit_code, 0) << "the soak counted failed calls (see above)";
  EXPECT_THAT(soak.out, ::testing::HasSubstr("\nerrors: 0\n"));
  // Every kind of call ran: a summary row of each with a non-zero count.
  for (const char* kind : {"Ingest", "IngestStream", "ListStatements", "Traverse", "FindPaths",
                           "GetRelationTimeline"}) {
    EXPECT_TRUE(std::regex_search(soak.out, std::regex(std::string("\n") + kind + " +[1-9]")))
        << kind << " never ran";
  }
  ASSERT_GT(peak, 0) << "no VmHWM in /proc/" << server.pid() << "/status";
  EXPECT_LT(peak, kMaxPeakRssMiB);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
}

}  // namespace
}  // namespace entente
