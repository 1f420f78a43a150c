#include "cli/progress.h"

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

std::string DescribeProgress(uint64_t count, std::string_view unit, double seconds) {
  const std::string u(unit);
  std::string text = FormatCount(count) + " " + u + " read";
  if (seconds >= 0.1) {
    text += absl::StrFormat(" (%s %s/s)", FormatCount(static_cast<uint64_t>(count / seconds)), u);
  }
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

void Progress::Update(uint64_t count, Clock::time_point now) {
  if (!enabled_ || now - last_draw_ < interval_) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // "\r" back to column 0, "ESC [K" erases the rest of the previous text.
  absl::FPrintF(out_, "\r\x1b[K%s", DescribeProgress(count, unit_, seconds));
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
