#include "cli/progress.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"

namespace entente::cli {

std::string FormatCount(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Counted(uint64_t n, const std::string& noun) {
  return FormatCount(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string DescribeProgress(uint64_t count, std::string_view unit, double seconds) {
  const std::string u(unit);
  std::string text = FormatCount(count) + " " + u + " read";
  if (seconds >= 0.1) {
    text += absl::StrFormat(" (%s %s/s)", FormatCount(static_cast<uint64_t>(count / seconds)), u);
  }
  return text;
}

std::string FormatDuration(double seconds) {
  const auto s = static_cast<uint64_t>(seconds + 0.5);
  if (s < 60) return absl::StrFormat("%d s", s);
  if (s < 3600) return absl::StrFormat("%d min %02d s", s / 60, s % 60);
  return absl::StrFormat("%d h %02d min", s / 3600, s % 3600 / 60);
}

std::string DescribeProgress(uint64_t count, std::string_view unit, double seconds,
                             uint64_t bytes_done, uint64_t total_bytes) {
  std::string text = DescribeProgress(count, unit, seconds);
  if (total_bytes == 0 || seconds < 0.1 || bytes_done == 0) return text;
  const uint64_t done = std::min(bytes_done, total_bytes);
  const double left = seconds * static_cast<double>(total_bytes - done) / done;
  absl::StrAppendFormat(&text, ", %d%%, %s left", done * 100 / total_bytes, FormatDuration(left));
  return text;
}

Progress::Progress(std::FILE* out, bool enabled, std::string unit,
                   std::chrono::milliseconds interval)
    : out_(out),
      enabled_(enabled),
      unit_(std::move(unit)),
      interval_(interval),
      start_(Clock::now()),
      last_draw_(start_) {}

void Progress::Update(uint64_t count, uint64_t bytes, Clock::time_point now) {
  if (!enabled_ || now - last_draw_ < interval_) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // "\r" back to column 0, "ESC [K" erases the rest of the previous text.
  absl::FPrintF(out_, "\r\x1b[K%s", DescribeProgress(count, unit_, seconds, bytes, total_bytes_));
  std::fflush(out_);
  shown_ = true;
}

void Progress::Clear() {
  if (!shown_) return;
  std::fputs("\r\x1b[K", out_);
  std::fflush(out_);
  shown_ = false;
}

}  // namespace entente::cli
