#include "graph/names.h"

#include <gtest/gtest.h>

namespace entente::graph {
namespace {

TEST(FoldNameTest, IgnoresCaseAccentsAndSpaces) {
  EXPECT_EQ(FoldName("North Korea"), "north korea");
  EXPECT_EQ(FoldName("  NORTH   korea "), "north korea");
  EXPECT_EQ(FoldName("north\xC2\xA0korea"), "north korea");  // no-break space
  EXPECT_EQ(FoldName("C\xC3\xB4te d\xE2\x80\x99Ivoire"), "cote d'ivoire");
  EXPECT_EQ(FoldName("Cote d'Ivoire"), "cote d'ivoire");
  EXPECT_EQ(FoldName("Stra\xC3\x9F" "e"), "strasse");
  EXPECT_EQ(FoldName("Fran\xC3\xA7ois Hollande"), "francois hollande");
  // NFKC: the ligature and the full-width letters fold to plain ones.
  EXPECT_EQ(FoldName("\xEF\xAC\x81" "ji"), "fiji");
  EXPECT_EQ(FoldName("\xEF\xBC\xB2\xEF\xBC\xB5\xEF\xBC\xB3"), "rus");
}

TEST(FoldNameTest, KeepsNonLatinLetters) {
  EXPECT_EQ(FoldName("\xD0\xA0\xD0\xBE\xD1\x81\xD1\x81\xD0\xB8\xD1\x8F"),
            "\xD1\x80\xD0\xBE\xD1\x81\xD1\x81\xD0\xB8\xD1\x8F");  // Россия -> россия
  EXPECT_EQ(FoldName("\xEB\xB6\x81\xED\x95\x9C"), "\xEB\xB6\x81\xED\x95\x9C");  // 북한
}

TEST(FoldNameTest, BlankAndInvalidFoldToEmpty) {
  EXPECT_EQ(FoldName(""), "");
  EXPECT_EQ(FoldName("   "), "");
  EXPECT_EQ(FoldName("bad \xFF utf8"), "");
}

TEST(Utf8Test, DetectsInvalidSequences) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9D\x94\x98"));  // outside the BMP
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
}

}  // namespace
}  // namespace entente::graph
