// Structured logging: one JSON object per line on stderr, for log
// collectors (Loki, Elasticsearch, journald) that parse fields rather than
// text. Lines are written whole with one write(2), so lines from concurrent
// calls never interleave.
#ifndef ENTENTE_SERVICE_JSON_LOG_H_
#define ENTENTE_SERVICE_JSON_LOG_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace entente::service {

enum class LogFormat { kText, kJson };

// Appends `s` as a JSON string literal (with quotes): '"', '\\' and control
// characters escaped, bytes that are not valid UTF-8 replaced by U+FFFD, so
// the line stays parseable whatever a client sent.
void AppendJsonString(std::string_view s, std::string* out);

// `s` made safe for a text log line: backslash, control characters and
// bytes that are not valid UTF-8 become escapes (\\, \n, \r, \t, \xNN), so
// what a client sent can neither start a log line of its own nor hide in one.
std::string EscapeLogText(std::string_view s);

// RFC 3339 in UTC with milliseconds: 2024-10-22T09:15:02.123Z.
std::string Rfc3339Utc(std::chrono::system_clock::time_point t);

// Builds one JSON object, fields in the order added. Keys are trusted
// (literals); values are escaped.
class JsonLine {
 public:
  // Starts a log record: "ts" (now), "level" and "msg".
  static JsonLine Log(std::string_view level, std::string_view msg);

  JsonLine& Str(std::string_view key, std::string_view value);
  JsonLine& Int(std::string_view key, int64_t value);
  // Non-finite values are written as null (JSON has no NaN).
  JsonLine& Num(std::string_view key, double value, int decimals = 3);
  // The object and a newline.
  std::string Finish() const;

 private:
  void Key(std::string_view key);
  std::string body_;
};

// Writes one whole line to stderr.
void WriteStderrLine(std::string_view line);

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_JSON_LOG_H_
