// How the fuzz targets turn libFuzzer's bytes into files, and what they
// count in those files independently of the code under test.
#ifndef ENTENTE_FUZZ_INPUT_H_
#define ENTENTE_FUZZ_INPUT_H_

#include <cstddef>
#include <istream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace entente::fuzz {

// One or two files: `bytes` split at its first NUL byte, so the fuzzer can
// reach what happens when a reader moves from one input to the next.
struct TwoFiles {
  explicit TwoFiles(std::string_view bytes) {
    const size_t nul = bytes.find('\0');
    files.emplace_back(bytes.substr(0, nul));
    if (nul != std::string_view::npos) files.emplace_back(bytes.substr(nul + 1));
    streams.reserve(files.size());
    for (const auto& f : files) inputs.push_back(&streams.emplace_back(f));
  }
  TwoFiles(const TwoFiles&) = delete;
  TwoFiles& operator=(const TwoFiles&) = delete;

  std::vector<std::string> files;
  std::vector<std::istringstream> streams;  // reserved up front: `inputs` points into it
  std::vector<std::istream*> inputs;
};

// Lines std::getline yields from `file` that are not empty once a trailing
// CR is cut (and, with `skip_bom`, the file's UTF-8 byte order mark).
inline size_t NonEmptyLines(std::string_view file, bool skip_bom) {
  size_t n = 0;
  if (skip_bom && file.substr(0, 3) == "\xEF\xBB\xBF") file.remove_prefix(3);
  while (!file.empty()) {
    const size_t nl = file.find('\n');
    std::string_view text = file.substr(0, nl);
    file = nl == std::string_view::npos ? std::string_view() : file.substr(nl + 1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!text.empty()) ++n;
  }
  return n;
}

}  // namespace entente::fuzz

#endif  // ENTENTE_FUZZ_INPUT_H_
