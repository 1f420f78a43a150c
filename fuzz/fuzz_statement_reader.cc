// The JSON-lines reader of `entente ingest` / `entente import` (cli/statement_reader.*)
// on arbitrary files: the input is split at its first NUL byte into two files
// read one after the other. Every non-blank line comes back exactly once, in
// order, as a statement or a one-line error; counters add up.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/statement_reader.h"
#include "fuzz/check.h"
#include "fuzz/input.h"

namespace {

using entente::cli::ParsedLine;

struct Expected {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  std::vector<entente::cli::LineOrigin> non_blank;
};

// What std::getline makes of the files, independently of the reader.
Expected Count(const std::vector<std::string>& files) {
  Expected e;
  for (uint32_t input = 0; input < files.size(); ++input) {
    std::string_view rest = files[input];
    uint32_t line = 0;
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      std::string_view text = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++line;
      ++e.lines;
      e.bytes += text.size() + 1;
      if (line == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
      if (text.find_first_not_of(" \t\r\n\f\v") != std::string_view::npos) {
        e.non_blank.push_back({input, line});
      }
    }
  }
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const entente::fuzz::TwoFiles input(bytes);
  const std::vector<std::string>& files = input.files;
  // Two threads, and chunks small enough that both parse some lines.
  entente::cli::StatementReader reader(input.inputs, 2);
  const Expected expected = Count(files);

  std::vector<ParsedLine> all;
  for (std::vector<ParsedLine> chunk; !(chunk = reader.Next(130)).empty();) {
    FUZZ_CHECK(chunk.size() <= 130);
    for (auto& line : chunk) all.push_back(std::move(line));
  }
  FUZZ_CHECK(reader.Next(10).empty());
  FUZZ_CHECK(reader.lines_read() == expected.lines);
  FUZZ_CHECK(reader.bytes_read() == expected.bytes);
  FUZZ_CHECK(all.size() == expected.non_blank.size());
  for (size_t i = 0; i < all.size(); ++i) {
    const ParsedLine& line = all[i];
    FUZZ_CHECK(line.origin.input == expected.non_blank[i].input &&
               line.origin.line == expected.non_blank[i].line);
    FUZZ_CHECK(line.text.empty());
    if (line.error.empty()) {
      FUZZ_CHECK(line.field.empty());
    } else {
      FUZZ_CHECK(line.field == "json");
      FUZZ_CHECK(line.error.find('\n') == std::string::npos);
    }
  }
  return 0;
}
