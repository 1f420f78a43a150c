// formats::IcewsTsvSource reads whole lines in chunks of any size, numbers
// them as std::getline would, and splits or rejects each one as
// ReadIcewsTsv always has.
#include "formats/icews_tsv.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::formats {
namespace {

using ::entente::testing::StatusIs;

struct Line {
  uint64_t line;
  std::string text;  // "actor|relation|code|target|date" or "!why"
  bool operator==(const Line&) const = default;
};

std::vector<Line> ReadAll(const std::vector<std::string>& paths, size_t chunk_bytes) {
  auto source = IcewsTsvSource::Open(paths, chunk_bytes);
  EXPECT_OK(source);
  std::vector<Line> out;
  graph::BulkChunk chunk;
  uint64_t before = 0;
  while (true) {
    auto more = (*source)->Read(&chunk);
    EXPECT_OK(more);
    if (!more.ok() || !*more) break;
    if (chunk.file_start) before = 0;
    (*source)->Parse(&chunk);
    for (const auto& r : chunk.rows) {
      Line l{before + r.line + 1, ""};
      if (r.error >= 0) {
        l.text = "!" + chunk.errors[r.error];
      } else {
        l.text = std::string(r.actor) + "|" + std::string(r.action_text) + "|" +
                 std::string(r.cameo_code) + "|" + std::string(r.target) + "|" +
                 model::FormatDate(r.date);
      }
      out.push_back(l);
    }
    before += chunk.lines;
  }
  return out;
}

class IcewsTsvTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.Sub(name), std::ios::binary) << text;
    return dir_.Sub(name);
  }
  entente::testing::TempDir dir_;
};

TEST_F(IcewsTsvTest, SplitsNumbersAndRejectsLinesWhateverTheChunkSize) {
  const std::string path = Write(
      "e.tsv",
      "A\tConsult\tB\t2024-10-01\r\n"
      "\n"
      "broken\n"
      "A\tMake statement\tB\t2024-10\n"
      "A\tnot a relation\t\xC2\xA0 B\t2024-02-30\n"
      "A\tConsult\tB\t2024-10-01\textra\n"
      "Last\tConsult\tLine\t2015-01-01");
  const std::vector<Line> want = {
      {1, "A|Consult|040|B|2024-10-01"},
      {3, "!not 4 tab-separated fields"},
      {4, "!date \"2024-10\" is not YYYY-MM-DD"},
      {5, "A|not a relation||\xC2\xA0 B|2024-02-30"},
      {6, "!not 4 tab-separated fields"},
      {7, "Last|Consult|040|Line|2015-01-01"},
  };
  for (size_t chunk : {1, 2, 7, 30, 1 << 20}) {
    EXPECT_EQ(ReadAll({path}, chunk), want) << "chunk " << chunk;
  }
}

TEST_F(IcewsTsvTest, FilesRestartTheirLineNumbers) {
  const std::string a = Write("a.tsv", "A\tConsult\tB\t2024-10-01\n");
  const std::string b = Write("b.tsv", "\nC\tConsult\tD\t2024-10-02\n");
  const std::string empty = Write("empty.tsv", "");
  auto source = IcewsTsvSource::Open({a, empty, b});
  ASSERT_OK(source);
  EXPECT_EQ((*source)->files()[2].document_id, "b.tsv");
  EXPECT_EQ((*source)->files()[2].key_prefix, "b.tsv:");
  EXPECT_EQ((*source)->files()[2].extractor_name, "icews-tsv");
  const std::vector<Line> want = {{1, "A|Consult|040|B|2024-10-01"},
                                  {2, "C|Consult|040|D|2024-10-02"}};
  EXPECT_EQ(ReadAll({a, empty, b}, 5), want);
}

TEST_F(IcewsTsvTest, AMissingFileIsNotFoundBeforeAnythingIsRead) {
  EXPECT_THAT(IcewsTsvSource::Open({Write("a.tsv", ""), dir_.Sub("missing.tsv")}),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IcewsTsvTest, ReadIcewsTsvGivesStatementsWithKeysAndDocument) {
  const std::string path = Write("x.tsv", "\nA\tConsult\tB\t2024-10-01\nbad\n");
  std::vector<model::StatementInput> rows;
  std::vector<uint64_t> bad;
  ASSERT_OK(ReadIcewsTsv(
      path,
      [&](uint64_t line, model::StatementInput&& s) {
        EXPECT_EQ(line, 2u);
        rows.push_back(std::move(s));
        return true;
      },
      [&](uint64_t line, const std::string&) { bad.push_back(line); }));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].idempotency_key, "x.tsv:2");
  EXPECT_EQ(rows[0].source.document_id, "x.tsv");
  EXPECT_EQ(rows[0].cameo_code, "040");
  EXPECT_EQ(rows[0].extractor_name, "icews-tsv");
  EXPECT_EQ(bad, std::vector<uint64_t>{3});
}

}  // namespace
}  // namespace entente::formats
