// The decoders of storage/key_codec.*, claims' too (and the page tokens of
// service/convert.*, the only keys clients hand back) on arbitrary bytes:
// the first byte picks the decoder. What decodes re-encodes to the same
// bytes, and the order of encoded keys is the order of what they encode.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "fuzz/check.h"
#include "service/convert.h"
#include "storage/key_codec.h"

namespace {

namespace storage = entente::storage;

// RocksDB's default comparator: bytewise, unsigned.
int Compare(std::string_view a, std::string_view b) { return a.compare(b); }

template <typename T>
int CompareTuples(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int Sign(int v) { return (v > 0) - (v < 0); }

void Ids(std::string_view in) {
  if (const auto id = storage::DecodeId(in)) {
    FUZZ_CHECK(storage::EncodeId(*id) == in);
    FUZZ_CHECK(storage::StatementKey(*storage::DecodeStatementKey(in)) == in);
    FUZZ_CHECK(storage::EntityKey(*storage::DecodeEntityKey(in)) == in);
  } else {
    FUZZ_CHECK(in.size() != 8);
  }
}

void EdgeKeys(std::string_view in) {
  const auto a = storage::DecodeEdgeKey(in.substr(0, std::min(in.size(), storage::kEdgeKeySize)));
  if (!a) return;
  FUZZ_CHECK(storage::EdgeKey(a->entity, a->day, a->statement) == in.substr(0, storage::kEdgeKeySize));
  FUZZ_CHECK(in.substr(0, 8) == storage::EdgePrefix(a->entity));
  const auto b = storage::DecodeEdgeKey(in.substr(storage::kEdgeKeySize));
  if (!b) return;
  FUZZ_CHECK(Sign(Compare(in.substr(0, storage::kEdgeKeySize), in.substr(storage::kEdgeKeySize))) ==
             CompareTuples(std::tie(a->entity, a->day, a->statement),
                           std::tie(b->entity, b->day, b->statement)));
}

void PairKeys(std::string_view in) {
  const size_t n = storage::kPairKeySize;
  const auto a = storage::DecodePairKey(in.substr(0, std::min(in.size(), n)));
  if (!a) return;
  FUZZ_CHECK(storage::PairKey(a->lo, a->hi, a->day, a->statement) == in.substr(0, n));
  const auto b = storage::DecodePairKey(in.substr(n));
  if (!b) return;
  FUZZ_CHECK(Sign(Compare(in.substr(0, n), in.substr(n))) ==
             CompareTuples(std::tie(a->lo, a->hi, a->day, a->statement),
                           std::tie(b->lo, b->hi, b->day, b->statement)));
}

void AliasKeys(std::string_view in) {
  const auto a = storage::DecodeAliasKey(in);
  if (!a) return;
  FUZZ_CHECK(storage::AliasKey(a->folded, a->entity) == in);
  FUZZ_CHECK(in.substr(0, in.size() - 8) == storage::AliasExactPrefix(a->folded));
  FUZZ_CHECK(in.substr(0, 1 + a->folded.size()) == storage::AliasSearchPrefix(a->folded));
}

void EdgeValues(std::string_view in) {
  entente::model::EdgeEntry e;
  if (!storage::DecodeEdgeValue(in, &e)) return;
  FUZZ_CHECK(storage::EncodeEdgeValue(e) == in);
}

void Summaries(std::string_view in) {
  const std::string_view key = in.substr(0, std::min(in.size(), storage::kSummaryKeySize));
  const std::string_view value = in.substr(key.size());
  storage::SummaryCell c;
  if (storage::DecodeSummary(key, value, &c)) {
    FUZZ_CHECK(storage::SummaryKey(c) == key);
    FUZZ_CHECK(storage::EncodeSummaryValue(c) == value);
    FUZZ_CHECK(key.substr(0, 9) == storage::SummaryPrefix(c.entity, c.dir));
  }
}

// Merging is what RocksDB's merge operator does to values on disk: any two
// well-formed values merge, in either order alike.
void Merges(std::string_view in) {
  const size_t n = storage::kSummaryValueSize;
  const std::string_view a = in.substr(0, std::min(in.size(), n));
  const std::string_view b = in.substr(a.size());
  std::string ab, ba;
  const bool ok = storage::MergeSummaryValues(a, b, &ab);
  FUZZ_CHECK(ok == (a.size() == n && b.size() == n));
  if (!ok) return;
  FUZZ_CHECK(storage::MergeSummaryValues(b, a, &ba) && ab == ba);
  FUZZ_CHECK(ab.size() == n);
}

void UpperBounds(std::string_view in) {
  const std::string bound = storage::PrefixUpperBound(in);
  if (bound.empty()) {
    FUZZ_CHECK(std::all_of(in.begin(), in.end(), [](char c) { return c == '\xff'; }));
    return;
  }
  // Greater than the prefix and than anything it starts, so not one of those.
  FUZZ_CHECK(Compare(bound, in) > 0);
  FUZZ_CHECK(bound.size() <= in.size() && bound.substr(0, bound.size() - 1) ==
                                               in.substr(0, bound.size() - 1));
  FUZZ_CHECK(in.substr(0, bound.size()) != bound);
}

void Days(std::string_view in) {
  if (in.size() < 8) return;
  const int32_t a = static_cast<int32_t>(storage::GetU32(in.data()));
  const int32_t b = static_cast<int32_t>(storage::GetU32(in.data() + 4));
  FUZZ_CHECK(storage::DecodeDay(storage::EncodeDay(a)) == a);
  FUZZ_CHECK((a < b) == (storage::EncodeDay(a) < storage::EncodeDay(b)));
}

// A token is tied to the fingerprint of its query: one that decodes comes
// back the same from its own encoding, and never under another fingerprint.
void PageTokens(std::string_view in) {
  if (in.size() < 8) return;
  const uint64_t fingerprint = storage::GetU64(in.data());
  const std::string token(in.substr(8));
  const auto p = entente::service::DecodePageToken(token, fingerprint);
  if (!p.ok()) return;
  const std::string encoded = entente::service::EncodePageToken(fingerprint, *p);
  const auto again = entente::service::DecodePageToken(encoded, fingerprint);
  FUZZ_CHECK(again.ok() && again->day == p->day && again->statement == p->statement);
  FUZZ_CHECK(!entente::service::DecodePageToken(encoded, fingerprint + 1).ok());
}

// A claim row: the first byte is the key's length, the rest after the key
// its value. What decodes is canonical and keeps its subject's prefix.
void Claims(std::string_view in) {
  if (in.empty()) return;
  const size_t key_size = std::min<size_t>(static_cast<uint8_t>(in[0]), in.size() - 1);
  const std::string_view key = in.substr(1, key_size);
  const std::string_view value = in.substr(1 + key_size);
  storage::ClaimRow c;
  if (!storage::DecodeClaim(key, value, &c)) return;
  FUZZ_CHECK(storage::ClaimKey(c.subject, c.first_day) == key);
  FUZZ_CHECK(storage::EncodeClaimValue(c) == value);
  FUZZ_CHECK(key.starts_with(storage::ClaimSubjectPrefix(c.subject)));
  FUZZ_CHECK(c.first_day <= c.last_day);
}

// Member keys and the claimant rows beside them (one case, so that the
// corpus's first bytes keep choosing the cases they were found for).
void ClaimMembers(std::string_view in) {
  if (const auto c = storage::DecodeClaimantKey(in)) {
    FUZZ_CHECK(storage::ClaimantKey(storage::EncodeId(c->claimant), c->claim) == in);
    FUZZ_CHECK(in.starts_with(storage::ClaimantPrefix(c->claimant)));
    FUZZ_CHECK(!storage::DecodeClaimMemberKey(in));
  }
  const auto m = storage::DecodeClaimMemberKey(in);
  if (!m) return;
  FUZZ_CHECK(storage::ClaimMemberKey(m->claim, m->set, m->member) == in);
  FUZZ_CHECK(in.starts_with(storage::ClaimMemberPrefix(m->claim, m->set)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return -1;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 12) {
    case 0: Ids(in); break;
    case 1: EdgeKeys(in); break;
    case 2: PairKeys(in); break;
    case 3: AliasKeys(in); break;
    case 4: EdgeValues(in); break;
    case 5: Summaries(in); break;
    case 6: Merges(in); break;
    case 7: UpperBounds(in); break;
    case 8: Days(in); break;
    case 9: PageTokens(in); break;
    case 10: Claims(in); break;
    case 11: ClaimMembers(in); break;
  }
  return 0;
}
