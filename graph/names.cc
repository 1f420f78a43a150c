#include "graph/names.h"

#include <cstdlib>

#include <utf8proc.h>

namespace entente::graph {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

std::string FoldName(std::string_view name) {
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(
      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
      UTF8PROC_STRIPMARK | UTF8PROC_LUMP | UTF8PROC_IGNORE);
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
                   static_cast<utf8proc_ssize_t>(name.size()), &mapped, options);
  if (n < 0) return "";
  std::string out;
  out.reserve(static_cast<size_t>(n));
  bool pending_space = false;
  for (utf8proc_ssize_t i = 0; i < n; ++i) {
    const char c = static_cast<char>(mapped[i]);
    // After LUMP every Unicode space is ASCII ' '; tabs and newlines are
    // control characters that validation rejects in names anyway.
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  std::free(mapped);
  return out;
}

}  // namespace entente::graph
