// The readers of published event tables (cli/event_reader.*: ICEWS TSV, raw
// ICEWS with its header, GDELT) on arbitrary files. The first byte picks the
// format; the rest is split at its first NUL byte into two files. Each
// non-blank line is a statement or an error naming a column, never both; a
// statement has what `entente import` sends for it.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/event_reader.h"
#include "fuzz/check.h"
#include "fuzz/input.h"

namespace {

using entente::cli::EventFormat;
using entente::cli::ParsedLine;

bool HasLineBreakOrTab(const std::string& s) {
  return s.find_first_of("\t\n") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return -1;
  const EventFormat format = static_cast<EventFormat>(data[0] % 3);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const entente::fuzz::TwoFiles input(bytes);
  const std::vector<std::string>& files = input.files;
  const std::vector<std::string> names = {"/data/events.tab", "-"};
  entente::cli::EventTableReader reader(format, input.inputs, names);

  std::vector<ParsedLine> all;
  for (std::vector<ParsedLine> chunk; !(chunk = reader.Next(7)).empty();) {
    FUZZ_CHECK(chunk.size() <= 7);
    for (auto& line : chunk) all.push_back(std::move(line));
  }
  FUZZ_CHECK(reader.Next(1).empty());
  size_t non_empty = 0;
  for (const auto& f : files) non_empty += entente::fuzz::NonEmptyLines(f, /*skip_bom=*/true);
  // Only a raw ICEWS file's header line is not returned.
  if (format == EventFormat::kIcews) {
    FUZZ_CHECK(all.size() <= non_empty && all.size() + files.size() >= non_empty);
  } else {
    FUZZ_CHECK(all.size() == non_empty);
  }

  const std::string extractor = entente::cli::EventFormatName(format);
  std::set<std::string> tsv_keys;
  for (size_t i = 0; i < all.size(); ++i) {
    const ParsedLine& line = all[i];
    if (i > 0) FUZZ_CHECK(all[i - 1].origin < line.origin);
    FUZZ_CHECK(line.origin.input < files.size() && line.origin.line >= 1);
    FUZZ_CHECK(line.text.empty());
    if (!line.error.empty()) {
      FUZZ_CHECK(!line.field.empty());
      FUZZ_CHECK(line.statement.ByteSizeLong() == 0);
      continue;
    }
    FUZZ_CHECK(line.field.empty());
    const entente::v1::Statement& s = line.statement;
    FUZZ_CHECK(!s.actor().name().empty() && !s.target().name().empty());
    FUZZ_CHECK(!HasLineBreakOrTab(s.actor().name()) && !HasLineBreakOrTab(s.target().name()));
    FUZZ_CHECK(!s.action().text().empty() || !s.action().cameo_code().empty());
    FUZZ_CHECK(s.date().year() >= 1 && s.date().year() <= 9999);
    FUZZ_CHECK(s.date().month() >= 1 && s.date().month() <= 12);
    FUZZ_CHECK(s.date().day() >= 1 && s.date().day() <= 31);
    FUZZ_CHECK(!s.source().document_id().empty());
    FUZZ_CHECK(s.extractor().name() == extractor);
    const std::string& key = s.idempotency_key();
    switch (format) {
      case EventFormat::kIcewsTsv: {
        const std::string file = line.origin.input == 0 ? "events.tab" : "stdin";
        FUZZ_CHECK(key == file + ":" + std::to_string(line.origin.line));
        FUZZ_CHECK(s.source().document_id() == file);
        FUZZ_CHECK(tsv_keys.insert(key).second);
        break;
      }
      case EventFormat::kIcews:
        FUZZ_CHECK(key.rfind("icews:", 0) == 0);
        break;
      case EventFormat::kGdelt:
        FUZZ_CHECK(key.rfind("gdelt:", 0) == 0 && s.source().url() == s.source().document_id());
        break;
    }
  }
  return 0;
}
