#include "storage/key_codec.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace entente::storage {
namespace {

TEST(KeyCodecTest, EdgeKeyRoundTrips) {
  for (auto [e, d, s] : std::vector<std::tuple<uint64_t, int32_t, uint64_t>>{
           {1, 0, 1}, {0, -1, 0}, {UINT64_MAX, model::kMaxDay, UINT64_MAX},
           {42, model::kMinDay, 7}, {3, 20017, 123456789}}) {
    const std::string k = EdgeKey(e, d, s);
    ASSERT_EQ(k.size(), kEdgeKeySize);
    auto dk = DecodeEdgeKey(k);
    ASSERT_TRUE(dk.has_value());
    EXPECT_EQ(dk->entity, e);
    EXPECT_EQ(dk->day, d);
    EXPECT_EQ(dk->statement, s);
  }
  EXPECT_FALSE(DecodeEdgeKey("short").has_value());
}

TEST(KeyCodecTest, DaysSortNumericallyAcrossTheSign) {
  const std::vector<int32_t> days = {model::kMinDay, -1000, -1, 0, 1, 20017, model::kMaxDay,
                                     INT32_MIN, INT32_MAX};
  for (int32_t a : days) {
    for (int32_t b : days) {
      EXPECT_EQ(a < b, EdgeKey(7, a, 0) < EdgeKey(7, b, 0)) << a << " vs " << b;
    }
    EXPECT_EQ(DecodeDay(EncodeDay(a)), a);
  }
}

TEST(KeyCodecTest, EdgeKeyByteOrderIsEntityThenTimeThenStatementOrder) {
  std::mt19937_64 rng(42);
  using Tuple = std::tuple<uint64_t, int32_t, uint64_t>;
  std::vector<Tuple> tuples;
  for (int i = 0; i < 2000; ++i) {
    // Small ranges so that ties on entity and day are common.
    tuples.emplace_back(rng() % 4 == 0 ? UINT64_MAX - rng() % 3 : rng() % 5,
                        static_cast<int32_t>(rng() % 21) - 10 + (rng() % 2 ? 20000 : 0),
                        rng() % 4 == 0 ? (uint64_t{1} << 63) + rng() % 3 : rng() % 7);
  }
  std::vector<std::pair<std::string, Tuple>> keyed;
  for (const auto& t : tuples) {
    keyed.emplace_back(EdgeKey(std::get<0>(t), std::get<1>(t), std::get<2>(t)), t);
  }
  std::sort(keyed.begin(), keyed.end());
  for (size_t i = 1; i < keyed.size(); ++i) {
    EXPECT_LE(keyed[i - 1].second, keyed[i].second) << "at " << i;
  }
}

TEST(KeyCodecTest, PrefixUpperBoundExcludesTheNextEntity) {
  const std::string upper = PrefixUpperBound(EdgePrefix(5));
  EXPECT_GT(upper, EdgeKey(5, model::kMaxDay, UINT64_MAX));
  EXPECT_GT(upper, EdgeKey(5, INT32_MAX, UINT64_MAX));
  EXPECT_LE(upper, EdgeKey(6, INT32_MIN, 0));
  EXPECT_LT(EdgeKey(5, INT32_MIN, 0), upper);
  EXPECT_EQ(PrefixUpperBound(std::string("\x01\xff\xff", 3)), "\x02");
  EXPECT_EQ(PrefixUpperBound(std::string("\xff\xff", 2)), "");
}

TEST(KeyCodecTest, WindowBoundsHoldOnlyTheWindow) {
  const std::string lo = EdgeKey(9, 100, 0);
  const std::string hi = PrefixUpperBound(EdgeKey(9, 200, UINT64_MAX));
  auto inside = [&](const std::string& k) { return k >= lo && k < hi; };
  EXPECT_TRUE(inside(EdgeKey(9, 100, 0)));
  EXPECT_TRUE(inside(EdgeKey(9, 200, UINT64_MAX)));
  EXPECT_FALSE(inside(EdgeKey(9, 99, UINT64_MAX)));
  EXPECT_FALSE(inside(EdgeKey(9, 201, 0)));
  EXPECT_FALSE(inside(EdgeKey(8, 150, 1)));
  EXPECT_FALSE(inside(EdgeKey(10, 150, 1)));
}

TEST(KeyCodecTest, EdgeValueRoundTrips) {
  model::EdgeEntry e;
  e.counterpart = 123456789012345ull;
  e.confidence = 0.75f;
  e.modality = model::Modality::kDenied;
  e.cameo_code = "1411";
  model::EdgeEntry d;
  ASSERT_TRUE(DecodeEdgeValue(EncodeEdgeValue(e), &d));
  EXPECT_EQ(d.counterpart, e.counterpart);
  EXPECT_EQ(d.confidence, e.confidence);
  EXPECT_EQ(d.modality, e.modality);
  EXPECT_EQ(d.cameo_code, "1411");
  EXPECT_FALSE(d.covering);
  e.cameo_code.clear();
  ASSERT_TRUE(DecodeEdgeValue(EncodeEdgeValue(e), &d));
  EXPECT_EQ(d.cameo_code, "");
  EXPECT_FALSE(DecodeEdgeValue("garbage", &d));
}

TEST(KeyCodecTest, CompactEdgeValueRoundTripsAndALegacyOneStillDecodes) {
  model::EdgeEntry e;
  e.counterpart = 42;
  e.confidence = 0.5f;
  e.cameo_code = "072";
  const std::string legacy = EncodeEdgeValue(e);  // covering false: the legacy layout
  EXPECT_EQ(legacy[0], '\0');
  e.covering = true;
  e.modality = model::Modality::kHypothetical;
  e.precision = model::DatePrecision::kMonth;
  e.attributed_to = 300;
  e.action_text = std::string(300, 'a') + " deployed troops to";  // a 2-byte length
  const std::string value = EncodeEdgeValue(e);
  EXPECT_EQ(value[0], '\x01');
  model::EdgeEntry d;
  ASSERT_TRUE(DecodeEdgeValue(value, &d));
  EXPECT_TRUE(d.covering);
  EXPECT_EQ(d.counterpart, 42u);
  EXPECT_EQ(d.confidence, 0.5f);
  EXPECT_EQ(d.modality, model::Modality::kHypothetical);
  EXPECT_EQ(d.precision, model::DatePrecision::kMonth);
  EXPECT_EQ(d.attributed_to, 300u);
  EXPECT_EQ(d.action_text, e.action_text);
  EXPECT_EQ(d.cameo_code, "072");
  // The common case is short: confidence 1 and no claimant are not written.
  model::EdgeEntry plain;
  plain.covering = true;
  plain.counterpart = 10000;
  plain.cameo_code = "042";
  plain.action_text = "Make a visit";
  const std::string short_value = EncodeEdgeValue(plain);
  EXPECT_EQ(short_value.size(), 2u + 2 + 1 + 3 + 1 + 12);
  ASSERT_TRUE(DecodeEdgeValue(short_value, &d));
  EXPECT_EQ(d.confidence, 1.0f);
  EXPECT_EQ(d.attributed_to, 0u);
  // A legacy value decodes, and leaves no list field behind.
  ASSERT_TRUE(DecodeEdgeValue(legacy, &d));
  EXPECT_FALSE(d.covering);
  EXPECT_EQ(d.action_text, "");
  EXPECT_EQ(d.attributed_to, 0u);
  EXPECT_EQ(d.confidence, 0.5f);
  // Truncated, overlong, or not canonical: refused.
  EXPECT_FALSE(DecodeEdgeValue(value.substr(0, value.size() - 1), &d));
  EXPECT_FALSE(DecodeEdgeValue(value + "x", &d));
  EXPECT_FALSE(DecodeEdgeValue(legacy + "x", &d));
  EXPECT_FALSE(DecodeEdgeValue("", &d));
  std::string unused_flag = short_value;
  unused_flag[1] = static_cast<char>(unused_flag[1] | 0x80);
  EXPECT_FALSE(DecodeEdgeValue(unused_flag, &d));
  std::string bad_precision = short_value;
  bad_precision[1] = static_cast<char>(bad_precision[1] | 0x18);
  EXPECT_FALSE(DecodeEdgeValue(bad_precision, &d));
}

TEST(KeyCodecTest, AliasKeysOfOneNameSortBeforeLongerNames) {
  // "korea" + 0x00 + id sorts before "korea republic": an exact alias
  // lookup finds its keys first.
  EXPECT_LT(AliasKey("korea", UINT64_MAX), AliasKey("korea republic", 0));
  EXPECT_LT(AliasKey("korea", 1), AliasKey("korea", 2));
  const std::string key = AliasKey("north korea", 77);
  auto d = DecodeAliasKey(key);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->folded, "north korea");
  EXPECT_EQ(d->entity, 77u);
  EXPECT_EQ(AliasKey("x", 1).rfind(AliasExactPrefix("x"), 0), 0u);
  EXPECT_EQ(AliasKey("xy", 1).rfind(AliasSearchPrefix("x"), 0), 0u);
  EXPECT_FALSE(DecodeAliasKey(ExactNameKey("north korea")).has_value());
}

TEST(KeyCodecTest, LogAppliedSequenceSortsNumerically) {
  // The applied sequence is compared as a number after decoding, but its
  // key must stay fixed and its value order numeric (replication/).
  EXPECT_EQ(MetaKey(kMetaLogApplied), "meta/log_applied_seq");
  uint64_t previous = 0;
  for (uint64_t seq : {1ull, 255ull, 256ull, 65536ull, 1ull << 40, ~0ull}) {
    EXPECT_LT(EncodeLogApplied({previous, 5}), EncodeLogApplied({seq, 0}));
    const auto d = DecodeLogApplied(EncodeLogApplied({seq, INT64_MAX}));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->sequence, seq);
    EXPECT_EQ(d->clock_micros, INT64_MAX);
    previous = seq;
  }
  EXPECT_EQ(EncodeLogApplied({1, 2}), EncodeId(1) + EncodeId(2));
  EXPECT_FALSE(DecodeLogApplied(EncodeId(1)).has_value());
  EXPECT_FALSE(DecodeLogApplied(EncodeId(1) + EncodeId(~0ull)).has_value());  // clock < 0
}

TEST(KeyCodecTest, IdsAreBigEndian) {
  EXPECT_EQ(EncodeId(1), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_LT(EncodeId(255), EncodeId(256));
  EXPECT_EQ(DecodeId(EncodeId(UINT64_MAX)), UINT64_MAX);
  EXPECT_FALSE(DecodeId("1234").has_value());
}

// Found by fuzz_key_codec: sums past INT64_MAX were a signed overflow.
TEST(KeyCodecTest, SummaryMergeWrapsAndStaysExactWhenTheTotalFits) {
  SummaryCell big;
  big.count = 1;
  big.goldstein_x10 = INT64_MAX;
  SummaryCell plus_one = big;
  plus_one.goldstein_x10 = 1;
  SummaryCell minus_one = big;
  minus_one.goldstein_x10 = -1;
  std::string over, back;
  ASSERT_TRUE(MergeSummaryValues(EncodeSummaryValue(big), EncodeSummaryValue(plus_one), &over));
  ASSERT_TRUE(MergeSummaryValues(over, EncodeSummaryValue(minus_one), &back));
  SummaryCell out;
  ASSERT_TRUE(DecodeSummary(SummaryKey(big), back, &out));
  EXPECT_EQ(out.goldstein_x10, INT64_MAX);
  EXPECT_EQ(out.count, 3u);
}

model::ClaimSubject Coded(model::EntityId actor, model::EntityId target, std::string code) {
  model::ClaimSubject s;
  s.actor = actor;
  s.target = target;
  s.cameo_code = std::move(code);
  return s;
}

model::ClaimSubject Unclassified(model::EntityId actor, model::EntityId target,
                                 std::string text) {
  model::ClaimSubject s;
  s.actor = actor;
  s.target = target;
  s.action_text = std::move(text);
  return s;
}

TEST(ClaimKeyTest, RowRoundTrips) {
  ClaimRow c;
  c.subject = Unclassified(7, 9, "sent troops to");
  c.first_day = -3;
  c.last_day = 20021;
  c.id = (uint64_t{1} << 40) + 5;
  c.statements = 40;
  c.documents = 38;
  c.sources = 12;
  c.claimants = 2;
  c.modalities = {37, 3, 0, 300};
  c.first_ingested_micros = -1;
  c.last_ingested_micros = INT64_MAX;
  ClaimRow out;
  ASSERT_TRUE(DecodeClaim(ClaimKey(c.subject, c.first_day), EncodeClaimValue(c), &out));
  EXPECT_EQ(out.subject, c.subject);
  EXPECT_EQ(out.first_day, c.first_day);
  EXPECT_EQ(out.last_day, c.last_day);
  EXPECT_EQ(out.id, c.id);
  EXPECT_EQ(out.statements, 40u);
  EXPECT_EQ(out.documents, 38u);
  EXPECT_EQ(out.sources, 12u);
  EXPECT_EQ(out.claimants, 2u);
  EXPECT_EQ(out.modalities, c.modalities);
  EXPECT_EQ(out.first_ingested_micros, -1);
  EXPECT_EQ(out.last_ingested_micros, INT64_MAX);

  c.subject = Coded(7, 9, "1711");
  ASSERT_TRUE(DecodeClaim(ClaimKey(c.subject, c.first_day), EncodeClaimValue(c), &out));
  EXPECT_EQ(out.subject, c.subject);
}

TEST(ClaimKeyTest, MalformedRowsAreRefused) {
  ClaimRow c;
  c.subject = Coded(1, 2, "042");
  c.first_day = 10;
  c.last_day = 12;
  const std::string key = ClaimKey(c.subject, c.first_day);
  const std::string value = EncodeClaimValue(c);
  ClaimRow out;
  ASSERT_TRUE(DecodeClaim(key, value, &out));
  EXPECT_FALSE(DecodeClaim(key.substr(0, key.size() - 1), value, &out));
  EXPECT_FALSE(DecodeClaim(key + "x", value, &out));
  EXPECT_FALSE(DecodeClaim(key, value.substr(0, value.size() - 1), &out));
  EXPECT_FALSE(DecodeClaim(key, value + "x", &out));
  std::string empty_code = ClaimKey(Unclassified(1, 2, ""), 10);
  ASSERT_TRUE(DecodeClaim(empty_code, value, &out)) << "an empty text is a subject";
  empty_code[17] = static_cast<char>(kClaimKindCode);
  EXPECT_FALSE(DecodeClaim(empty_code, value, &out)) << "an empty code is not";
  std::string other_version = value;
  other_version[0] = 2;
  EXPECT_FALSE(DecodeClaim(key, other_version, &out));
  c.last_day = 9;  // before its first day
  EXPECT_FALSE(DecodeClaim(key, EncodeClaimValue(c), &out));
}

// Random subjects whose actions are prefixes of each other ("04", "042",
// "0421"; "a", "ab") and days across the sign: sorted keys keep each
// subject's claims together and in date order, and a subject's prefix
// starts exactly its own keys (and an actor's or a pair's, theirs).
TEST(ClaimKeyTest, KeysGroupBySubjectThenSortByFirstDay) {
  std::mt19937 rng(11);
  const std::vector<std::string> actions = {"04", "042", "0421", "1", "a", "ab", "abc", ""};
  std::vector<std::pair<model::ClaimSubject, int32_t>> claims;
  for (int i = 0; i < 4000; ++i) {
    const model::EntityId actor = std::uniform_int_distribution<uint64_t>(1, 3)(rng) << 
                                  std::uniform_int_distribution<int>(0, 56)(rng);
    const model::EntityId target = std::uniform_int_distribution<uint64_t>(1, 3)(rng);
    const std::string& action = actions[rng() % actions.size()];
    const bool coded = !action.empty() && std::isdigit(static_cast<unsigned char>(action[0]));
    claims.emplace_back(coded ? Coded(actor, target, action) : Unclassified(actor, target, action),
                        std::uniform_int_distribution<int32_t>(-800, 800)(rng));
  }
  std::vector<std::pair<std::string, size_t>> keys;
  for (size_t i = 0; i < claims.size(); ++i) {
    keys.emplace_back(ClaimKey(claims[i].first, claims[i].second), i);
  }
  std::sort(keys.begin(), keys.end());
  std::set<model::ClaimSubject> closed;
  for (size_t k = 0; k < keys.size(); ++k) {
    const auto& [subject, day] = claims[keys[k].second];
    if (k > 0) {
      const auto& [prev_subject, prev_day] = claims[keys[k - 1].second];
      if (prev_subject == subject) {
        ASSERT_LE(prev_day, day);
      } else {
        ASSERT_TRUE(closed.insert(prev_subject).second) << "a subject's keys came apart";
        ASSERT_EQ(closed.count(subject), 0u) << "a subject's keys came apart";
      }
    }
    for (size_t j : {size_t{0}, keys.size() / 2, keys.size() - 1}) {
      const bool starts = keys[j].first.starts_with(ClaimSubjectPrefix(subject));
      const model::ClaimSubject& other = claims[keys[j].second].first;
      ASSERT_EQ(starts, other == subject);
      // The actor's and the pair's prefixes start exactly their claims' keys.
      ASSERT_EQ(keys[j].first.starts_with(ClaimActorPrefix(subject.actor)),
                other.actor == subject.actor);
      ASSERT_EQ(keys[j].first.starts_with(ClaimPairPrefix(subject.actor, subject.target)),
                other.actor == subject.actor && other.target == subject.target);
    }
    ClaimRow out;
    ClaimRow row;
    row.first_day = row.last_day = day;
    ASSERT_TRUE(DecodeClaim(keys[k].first, EncodeClaimValue(row), &out));
    ASSERT_EQ(out.subject, subject);
    ASSERT_EQ(out.first_day, day);
  }
}

// A claimant's rows are together, by claim id, under its prefix only, and
// after every claim and member key.
TEST(ClaimKeyTest, ClaimantKeysRoundTripAndGroupByClaimant) {
  std::mt19937 rng(12);
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> keys;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t claimant = std::uniform_int_distribution<uint64_t>(1, 4)(rng) << (rng() % 60);
    const uint64_t claim = std::uniform_int_distribution<uint64_t>(1, 1000)(rng) << (rng() % 50);
    const std::string key = ClaimantKey(EncodeId(claimant), claim);
    auto d = DecodeClaimantKey(key);
    ASSERT_TRUE(d.has_value());
    ASSERT_EQ(d->claimant, claimant);
    ASSERT_EQ(d->claim, claim);
    ASSERT_TRUE(key.starts_with(ClaimantPrefix(claimant)));
    ASSERT_GT(key, ClaimMemberKey(~0ull, ClaimSet::kClaimant, EncodeId(~0ull)));
    keys.push_back({key, {claimant, claim}});
  }
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    ASSERT_LE(keys[i - 1].second, keys[i].second) << "not by claimant, then claim";
  }
  EXPECT_FALSE(DecodeClaimantKey(ClaimantPrefix(5)).has_value());
  EXPECT_FALSE(DecodeClaimantKey(ClaimMemberKey(5, ClaimSet::kClaimant, EncodeId(6))).has_value());
}

// history: retracted statements by id, then the retraction log by seq,
// each in numeric order, every retracted row before every log row.
TEST(HistoryKeyTest, RetractedAndLogKeysRoundTripInNumericOrderApart) {
  std::mt19937_64 rng(13);
  std::vector<std::pair<std::string, std::pair<int, uint64_t>>> keys;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t n = rng() >> (rng() % 64);
    const bool log = rng() % 2 == 0;
    const std::string key = log ? RetractionLogKey(n) : RetractedKey(n);
    ASSERT_EQ(log ? DecodeRetractionLogKey(key) : DecodeRetractedKey(key), n);
    ASSERT_FALSE((log ? DecodeRetractedKey(key) : DecodeRetractionLogKey(key)).has_value());
    keys.push_back({key, {log ? 1 : 0, n}});
  }
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    ASSERT_LE(keys[i - 1].second, keys[i].second) << "not retracted, then log, each by number";
  }
  EXPECT_LT(RetractedKey(~uint64_t{0}), RetractionLogKey(0));
  EXPECT_FALSE(DecodeRetractedKey(RetractedKey(7).substr(0, 8)).has_value());

  const RetractionLogEntry e{42, 1u << 20};
  auto back = DecodeRetractionLogValue(EncodeRetractionLogValue(e));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->statement, 42u);
  EXPECT_EQ(back->watermark, 1u << 20);
  EXPECT_FALSE(DecodeRetractionLogValue("short").has_value());
}

TEST(GroupKeyTest, MembershipAndMergeKeysRoundTripInNumericOrderApartFromMeta) {
  std::mt19937_64 rng(21);
  // (kind, member or merge id, parent): memberships by member then parent,
  // then merges by id.
  std::vector<std::pair<std::string, std::tuple<int, uint64_t, uint64_t>>> keys;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    if (rng() % 2 == 0) {
      const std::string key = MembershipKey(a, b);
      auto back = DecodeMembershipKey(key);
      ASSERT_TRUE(back.has_value());
      ASSERT_EQ(back->member, a);
      ASSERT_EQ(back->parent, b);
      ASSERT_FALSE(DecodeMergeKey(key).has_value());
      ASSERT_TRUE(key.starts_with(MembershipPrefix(a)));
      ASSERT_TRUE(key.starts_with(MembershipPrefix()));
      keys.push_back({key, {0, a, b}});
    } else {
      const std::string key = MergeKey(a);
      ASSERT_EQ(DecodeMergeKey(key), a);
      ASSERT_FALSE(DecodeMembershipKey(key).has_value());
      ASSERT_TRUE(key.starts_with(MergePrefix()));
      keys.push_back({key, {1, a, 0}});
    }
  }
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    ASSERT_LE(keys[i - 1].second, keys[i].second) << "memberships, then merges, each by number";
  }
  // Meta keys sort apart from group rows, so neither prefix scan meets the other.
  for (const std::string& meta : {MetaKey("groups_version"), MetaKey("next_entity_id")}) {
    EXPECT_FALSE(meta.starts_with(MembershipPrefix()));
    EXPECT_FALSE(meta.starts_with(MergePrefix()));
  }
  EXPECT_LT(MembershipKey(~uint64_t{0}, ~uint64_t{0}), MergeKey(0));
  EXPECT_FALSE(DecodeMembershipKey(MembershipKey(1, 2).substr(0, 10)).has_value());
  EXPECT_FALSE(DecodeMergeKey(MergeKey(3) + "x").has_value());
}

TEST(ClaimKeyTest, MemberKeysRoundTripAndStayUnderTheirClaimAndSet) {
  const std::string doc = ClaimMemberKey(5, ClaimSet::kDocument, "newstoday-2024-10-22");
  auto d = DecodeClaimMemberKey(doc);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->claim, 5u);
  EXPECT_EQ(d->set, ClaimSet::kDocument);
  EXPECT_EQ(d->member, "newstoday-2024-10-22");
  EXPECT_TRUE(doc.starts_with(ClaimMemberPrefix(5, ClaimSet::kDocument)));
  EXPECT_TRUE(doc.starts_with(ClaimMemberPrefix(5)));
  EXPECT_FALSE(doc.starts_with(ClaimMemberPrefix(5, ClaimSet::kSource)));
  EXPECT_FALSE(doc.starts_with(ClaimMemberPrefix(6)));
  // Claim 5's rows sort before claim 6's, and apart from every claim row.
  EXPECT_LT(ClaimMemberKey(5, ClaimSet::kClaimant, EncodeId(~uint64_t{0})),
            ClaimMemberKey(6, ClaimSet::kDocument, ""));
  EXPECT_LT(ClaimKey(Coded(~uint64_t{0}, ~uint64_t{0}, "20"), model::kMaxDay),
            ClaimMemberKey(0, ClaimSet::kDocument, ""));
  std::string claimant = ClaimMemberKey(5, ClaimSet::kClaimant, EncodeId(42));
  ASSERT_TRUE(DecodeClaimMemberKey(claimant).has_value());
  EXPECT_FALSE(DecodeClaimMemberKey(claimant.substr(0, claimant.size() - 1)).has_value());
  std::string bad_set = doc;
  bad_set[9] = 4;
  EXPECT_FALSE(DecodeClaimMemberKey(bad_set).has_value());
  EXPECT_FALSE(DecodeClaimMemberKey(ClaimMemberPrefix(5)).has_value());
}

}  // namespace
}  // namespace entente::storage
