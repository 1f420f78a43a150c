#include "server/flag_spelling.h"

#include <cstring>

namespace entente::server {

std::string UnderscoreFlagName(std::string_view arg) {
  std::string out(arg);
  if (out.size() <= 2 || out.compare(0, 2, "--") != 0) return out;
  const size_t end = std::min(out.find('='), out.size());
  for (size_t i = 2; i < end; ++i) {
    if (out[i] == '-') out[i] = '_';
  }
  return out;
}

void UnderscoreFlagNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) return;
    const std::string fixed = UnderscoreFlagName(argv[i]);
    std::memcpy(argv[i], fixed.data(), fixed.size());
  }
}

}  // namespace entente::server
