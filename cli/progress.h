// A progress line for long-running commands.
#ifndef ENTENTE_CLI_PROGRESS_H_
#define ENTENTE_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace entente::cli {

// 1234567 -> "1,234,567".
std::string FormatCount(uint64_t n);

// "1 statement", "12 statements", "1,234 sources".
std::string Counted(uint64_t n, const std::string& noun);

// "12,345 lines read (4,567 lines/s)"; the rate is left out before there is
// a meaningful one (under 0.1 s).
std::string DescribeProgress(uint64_t count, std::string_view unit, double seconds);

// The same, followed by how much of `total_bytes` is done and the time left
// at the rate so far: "12,345 lines read (4,567 lines/s), 37%, 5 s left".
// Without a total (0), or before there is a rate, just DescribeProgress.
std::string DescribeProgress(uint64_t count, std::string_view unit, double seconds,
                             uint64_t bytes_done, uint64_t total_bytes);

// "5 s", "3 min 20 s", "2 h 05 min".
std::string FormatDuration(double seconds);

// One line on a terminal, redrawn in place at most every `interval`, erased by
// Clear(). When disabled (output is not a terminal) it writes nothing at all,
// so that logs and pipes get no carriage returns or escape sequences.
// Not thread-safe.
class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // `out` must outlive the Progress.
  Progress(std::FILE* out, bool enabled, std::string unit,
           std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  ~Progress() { Clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // The size of the whole input, for the share done and the time left; 0
  // (the default) when it is not known, as for a pipe.
  void set_total_bytes(uint64_t total) { total_bytes_ = total; }

  // Records that `count` units (and `bytes` of the input) are done; redraws
  // if `interval` has passed since the last drawing (or since construction).
  void Update(uint64_t count, uint64_t bytes = 0) { Update(count, bytes, Clock::now()); }
  void Update(uint64_t count, uint64_t bytes, Clock::time_point now);

  // Erases the line if one is shown.
  void Clear();

 private:
  std::FILE* const out_;
  const bool enabled_;
  const std::string unit_;
  const Clock::duration interval_;
  const Clock::time_point start_;
  Clock::time_point last_draw_;
  uint64_t total_bytes_ = 0;
  bool shown_ = false;
};

}  // namespace entente::cli

#endif  // ENTENTE_CLI_PROGRESS_H_
