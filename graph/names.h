// Folding of names for alias matching.
#ifndef ENTENTE_GRAPH_NAMES_H_
#define ENTENTE_GRAPH_NAMES_H_

#include <string>
#include <string_view>

namespace entente::graph {

// The key under which NAME_RESOLUTION_ALIAS compares names: Unicode NFKC,
// case folded, accents stripped, look-alike punctuation and spaces lumped
// (’ -> ', no-break space -> space), runs of white space collapsed to one
// space, trimmed. "  Côte d’Ivoire " and "cote d'ivoire" fold alike.
// Returns an empty string for invalid UTF-8.
std::string FoldName(std::string_view name);

// True if `s` is valid UTF-8 (no surrogates, no overlongs).
bool IsValidUtf8(std::string_view s);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_NAMES_H_
