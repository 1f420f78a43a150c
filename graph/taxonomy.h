// The CAMEO event taxonomy (Conflict and Mediation Event Observations): the
// event codes with their Goldstein scores and QuadClasses, the ICEWS relation
// names, and a lexicon from an extractor's verb phrases to codes. The tables
// are reference/cameo/*.tsv, built into the binary; see the README there.
//
// Codes are text: "010" (Make statement) is not "10" (the DEMAND root).
#ifndef ENTENTE_GRAPH_TAXONOMY_H_
#define ENTENTE_GRAPH_TAXONOMY_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.h"

namespace entente::graph {

// The four CAMEO QuadClasses, taken from the `quadclass` column, the GDELT
// convention: roots 01-05 verbal cooperation, 06-09 material cooperation,
// 10-14 verbal conflict, 15-20 material conflict. The `quadclass_alt` column
// (the ICEWS tooling's convention) differs only in putting 09 Investigate in
// verbal conflict and 14 Protest in material conflict. We take GDELT's: it was
// checked against real GDELT events, so events coded by GDELT and by us agree.
// The values are the CAMEO QuadClass numbers and reach disk. DO NOT CHANGE.
using QuadClass = model::QuadClass;

// One row of the CAMEO event-code table.
struct CameoCode {
  std::string code;  // "042": 2 digits for a root, 3 or 4 below it
  std::string root;  // "04"
  // The name as ICEWS uses it ("Make a visit"); a root's name is its
  // upper-case heading ("CONSULT").
  std::string name;
  // -10 (most conflictual) to +10 (most cooperative); the ICEWS codebook
  // value, which differs from GDELT's on 016, 022, 164 and 165.
  double goldstein = 0;
  QuadClass quad = QuadClass::kUnknown;
};

// One hand-written row of reference/cameo/lexicon.tsv.
struct LexiconEntry {
  std::string phrase;  // as written in the file, not folded
  std::string code;
};

// The taxonomy, parsed once from the compiled-in tables. Immutable, so any
// thread may use it without locking; Get() never fails and the object lives
// until the process exits.
class Taxonomy {
 public:
  static const Taxonomy& Get();

  Taxonomy(const Taxonomy&) = delete;
  Taxonomy& operator=(const Taxonomy&) = delete;

  // The row of `code` ("190", "04"), or nullptr if the table has no such code.
  const CameoCode* Find(std::string_view code) const;

  // The QuadClass of the code's root (its first two digits), so a 4-digit
  // sub-code missing from the table still gets its class. kUnknown unless
  // `code` is 2 to 4 digits with a root from 01 to 20.
  QuadClass QuadOf(std::string_view code) const;

  // The Goldstein score of `code`; 0 if the table has no such code.
  double GoldsteinOf(std::string_view code) const;

  // The code of an ICEWS relation name, matched byte for byte as it appears
  // in the ICEWS files ("Make statement" -> "010",
  // "fight with small arms and light weapons" -> "193"); nullopt otherwise.
  std::optional<std::string> CodeForRelation(std::string_view relation) const;

  // The code of a verb phrase as an extractor gives it, or nullopt: the
  // statement then stays unclassified. Matching is on FoldName() keys (case,
  // accents and runs of spaces ignored) and only on the whole phrase. Known
  // phrases are every ICEWS relation and code name, GDELT's descriptions, the
  // root headings and the rows of lexicon.tsv. Tried in order:
  //  1. the phrase itself;
  //  2. without one trailing preposition: with, to, against, on, for, of, at;
  //  3. without leading auxiliaries: has, have, had, will, would, reportedly,
  //     and is/are/was/were before an -ing form ("was meeting with"). Before
  //     a participle they make a passive ("was attacked"), whose subject is
  //     the target, so those phrases stay unclassified;
  //  4. without both.
  // After "will" or "would", the code is moved to CAMEO's future-tense
  // counterpart: forecast cooperation is an intent (03x), forecast conflict
  // a threat (13x), so "will attack" is 1384, not 190 (codebook 030 and 130).
  std::optional<std::string> Classify(std::string_view phrase) const;

  // 1 to 20 for a code of 2 to 4 digits whose root (first two digits) is
  // "01" to "20"; 0 for anything else, including "". Fits in 5 bits.
  static int RootIndex(std::string_view code);

  // Every code, in table order (by code as text).
  const std::vector<CameoCode>& codes() const { return codes_; }
  // Every ICEWS relation name with its code, sorted by name.
  const std::map<std::string, std::string, std::less<>>& relations() const {
    return relation_code_;
  }
  // The hand-written lexicon rows, in file order.
  const std::vector<LexiconEntry>& lexicon() const { return lexicon_; }

 private:
  Taxonomy();

  // The code of an exact folded key, else of the key without a trailing
  // preposition.
  std::optional<std::string> LookUp(std::string_view folded) const;

  std::vector<CameoCode> codes_;
  std::map<std::string, size_t, std::less<>> code_index_;  // code -> codes_
  std::array<QuadClass, 21> root_quad_{};                  // by RootIndex()
  std::map<std::string, std::string, std::less<>> relation_code_;
  std::vector<LexiconEntry> lexicon_;
  // Folded phrase -> code; the first source to claim a phrase keeps it.
  std::map<std::string, std::string, std::less<>> phrase_code_;
};

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_TAXONOMY_H_
