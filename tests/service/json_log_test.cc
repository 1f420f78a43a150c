// The JSON log line writer: whatever bytes a client sends (peer names,
// error messages quoting input) the line must stay one valid JSON object.
#include "service/json_log.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>

namespace entente::service {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// Parses `line` (one object and a newline) with protobuf's JSON parser, a
// strict one independent of the writer.
google::protobuf::Struct Parse(const std::string& line) {
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "a log record must be one line";
  google::protobuf::Struct out;
  auto st = google::protobuf::util::JsonStringToMessage(line, &out);
  EXPECT_TRUE(st.ok()) << st.ToString() << " in " << line;
  return out;
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted("plain"), "\"plain\"");
  EXPECT_EQ(Quoted("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(Quoted("a\\b"), "\"a\\\\b\"");
  EXPECT_EQ(Quoted("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(Quoted(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(Quoted(std::string("nul\0end", 7)), "\"nul\\u0000end\"");
}

TEST(JsonStringTest, KeepsValidUtf8) {
  EXPECT_EQ(Quoted("Séoul 서울 😀"), "\"Séoul 서울 😀\"");
}

TEST(JsonStringTest, ReplacesInvalidUtf8ByteByByte) {
  EXPECT_EQ(Quoted("a\xff" "b"), "\"a\\ufffdb\"");          // never valid
  EXPECT_EQ(Quoted("\xc3"), "\"\\ufffd\"");                 // truncated 2-byte
  EXPECT_EQ(Quoted("\xe2\x82"), "\"\\ufffd\\ufffd\"");       // truncated 3-byte
  EXPECT_EQ(Quoted("\xc0\xaf"), "\"\\ufffd\\ufffd\"");       // overlong '/'
  EXPECT_EQ(Quoted("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
  EXPECT_EQ(Quoted("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
}

TEST(JsonLineTest, ALineParsesBackToItsFields) {
  std::string nasty = "quote\" back\\ nl\n tab\t bad\xfe utf8 é";
  nasty.push_back('\0');
  const std::string line = JsonLine::Log("warn", "rpc")
                               .Str("peer", "ipv4:127.0.0.1:5555")
                               .Str("error", nasty)
                               .Num("duration_ms", 1.23456)
                               .Int("n", -42)
                               .Finish();
  const auto obj = Parse(line);
  const auto& f = obj.fields();
  EXPECT_EQ(f.at("level").string_value(), "warn");
  EXPECT_EQ(f.at("msg").string_value(), "rpc");
  EXPECT_EQ(f.at("peer").string_value(), "ipv4:127.0.0.1:5555");
  EXPECT_EQ(f.at("error").string_value(),
            std::string("quote\" back\\ nl\n tab\t bad\xef\xbf\xbd utf8 é") + '\0');
  EXPECT_DOUBLE_EQ(f.at("duration_ms").number_value(), 1.235);
  EXPECT_DOUBLE_EQ(f.at("n").number_value(), -42);
  // Field order is the order added: ts first, for people reading the file.
  EXPECT_EQ(line.rfind("{\"ts\":\"", 0), 0u) << line;
}

TEST(JsonLineTest, NonFiniteNumbersAreNull) {
  const std::string line = JsonLine().Num("x", 1.0 / 0.0).Finish();
  EXPECT_EQ(line, "{\"x\":null}\n");
}

TEST(Rfc3339Test, UtcWithMilliseconds) {
  // 2024-10-22T09:15:02.123Z
  const auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1729588502123));
  EXPECT_EQ(Rfc3339Utc(t), "2024-10-22T09:15:02.123Z");
  const auto epoch = std::chrono::system_clock::time_point();
  EXPECT_EQ(Rfc3339Utc(epoch), "1970-01-01T00:00:00.000Z");
  EXPECT_TRUE(std::regex_match(Rfc3339Utc(std::chrono::system_clock::now()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

}  // namespace
}  // namespace entente::service
