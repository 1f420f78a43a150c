#include "storage/key_codec.h"

#include <algorithm>
#include <cstring>

namespace entente::storage {

void PutU64(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

void PutU32(std::string* out, uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 4);
}

uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint32_t EncodeDay(int32_t day) { return static_cast<uint32_t>(day) ^ 0x80000000u; }
int32_t DecodeDay(uint32_t v) { return static_cast<int32_t>(v ^ 0x80000000u); }

std::string StatementKey(model::StatementId id) { return EncodeId(id); }
std::optional<model::StatementId> DecodeStatementKey(std::string_view key) { return DecodeId(key); }
std::string EntityKey(model::EntityId id) { return EncodeId(id); }
std::optional<model::EntityId> DecodeEntityKey(std::string_view key) { return DecodeId(key); }

std::string EdgeKey(model::EntityId entity, int32_t day, model::StatementId id) {
  std::string k;
  k.reserve(kEdgeKeySize);
  PutU64(&k, entity);
  PutU32(&k, EncodeDay(day));
  PutU64(&k, id);
  return k;
}

std::optional<DecodedEdgeKey> DecodeEdgeKey(std::string_view key) {
  if (key.size() != kEdgeKeySize) return std::nullopt;
  return DecodedEdgeKey{GetU64(key.data()), DecodeDay(GetU32(key.data() + 8)),
                        GetU64(key.data() + 12)};
}

std::string EdgePrefix(model::EntityId entity) { return EncodeId(entity); }

std::string PrefixUpperBound(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    if (static_cast<uint8_t>(s.back()) != 0xff) {
      s.back() = static_cast<char>(static_cast<uint8_t>(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

namespace {

// Edge value formats (key_codec.h). A legacy value starts with the high
// byte of its big-endian counterpart, 0 for every id below 2^56; a compact
// one with its tag.
constexpr uint8_t kCompactEdgeTag = 0x01;  // DO NOT CHANGE
constexpr uint8_t kModalityMask = 0x07;
constexpr int kPrecisionShift = 3;
constexpr uint8_t kPrecisionMask = 0x03 << kPrecisionShift;
constexpr uint8_t kHasConfidence = 0x20;
constexpr uint8_t kHasClaimant = 0x40;
constexpr uint8_t kUnusedFlags = 0x80;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a minimal varint (the one PutVarint writes) from the front of `in`.
bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      if (b == 0 && shift > 0) return false;  // not minimal
      if (shift == 63 && b > 1) return false;  // past 64 bits
      *v = result;
      return true;
    }
  }
  return false;
}

bool DecodeLegacyEdgeValue(std::string_view value, model::EdgeEntry* out) {
  if (value.size() < kEdgeValueCoreSize) return false;
  const size_t code_len = static_cast<uint8_t>(value[13]);
  if (value.size() != kEdgeValueCoreSize + code_len) return false;
  out->counterpart = GetU64(value.data());
  const uint32_t bits = GetU32(value.data() + 8);
  std::memcpy(&out->confidence, &bits, sizeof bits);
  out->modality = static_cast<model::Modality>(value[12]);
  out->cameo_code.assign(value.data() + kEdgeValueCoreSize, code_len);
  return true;
}

bool DecodeCompactEdgeValue(std::string_view in, model::EdgeEntry* out) {
  if (in.size() < 2) return false;
  const uint8_t flags = static_cast<uint8_t>(in[1]);
  in.remove_prefix(2);
  const uint8_t modality = flags & kModalityMask;
  const uint8_t precision = (flags & kPrecisionMask) >> kPrecisionShift;
  if ((flags & kUnusedFlags) != 0 || modality > static_cast<uint8_t>(model::Modality::kHypothetical) ||
      precision > static_cast<uint8_t>(model::DatePrecision::kYear)) {
    return false;
  }
  uint64_t counterpart = 0;
  if (!GetVarint(&in, &counterpart)) return false;
  float confidence = 1.0f;
  if (flags & kHasConfidence) {
    if (in.size() < 4) return false;
    const uint32_t bits = GetU32(in.data());
    std::memcpy(&confidence, &bits, sizeof bits);
    in.remove_prefix(4);
    if (confidence == 1.0f) return false;  // 1 is written as no confidence
  }
  uint64_t claimant = 0;
  if (flags & kHasClaimant) {
    if (!GetVarint(&in, &claimant) || claimant == 0) return false;
  }
  if (in.empty()) return false;
  const size_t code_len = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  if (in.size() < code_len) return false;
  out->cameo_code.assign(in.data(), code_len);
  in.remove_prefix(code_len);
  uint64_t action_len = 0;
  if (!GetVarint(&in, &action_len) || in.size() != action_len) return false;
  out->action_text.assign(in.data(), in.size());
  out->counterpart = counterpart;
  out->confidence = confidence;
  out->modality = static_cast<model::Modality>(modality);
  out->covering = true;
  out->precision = static_cast<model::DatePrecision>(precision);
  out->attributed_to = claimant;
  return true;
}

}  // namespace

std::string EncodeEdgeValue(const model::EdgeEntry& e) {
  std::string v;
  if (!e.covering) {
    // The legacy layout: what a database written before covering entries
    // holds (tests write it to check that it still reads).
    v.reserve(kEdgeValueCoreSize + e.cameo_code.size());
    PutU64(&v, e.counterpart);
    uint32_t bits;
    std::memcpy(&bits, &e.confidence, sizeof bits);
    PutU32(&v, bits);
    v.push_back(static_cast<char>(e.modality));
    // CAMEO codes are at most 4 bytes; validation guarantees it fits a byte.
    v.push_back(static_cast<char>(e.cameo_code.size()));
    v.append(e.cameo_code);
    return v;
  }
  v.reserve(16 + e.cameo_code.size() + e.action_text.size());
  uint8_t flags = static_cast<uint8_t>(e.modality) & kModalityMask;
  flags |= static_cast<uint8_t>(static_cast<uint8_t>(e.precision) << kPrecisionShift);
  if (e.confidence != 1.0f) flags |= kHasConfidence;
  if (e.attributed_to != 0) flags |= kHasClaimant;
  v.push_back(static_cast<char>(kCompactEdgeTag));
  v.push_back(static_cast<char>(flags));
  PutVarint(&v, e.counterpart);
  if (flags & kHasConfidence) {
    uint32_t bits;
    std::memcpy(&bits, &e.confidence, sizeof bits);
    PutU32(&v, bits);
  }
  if (flags & kHasClaimant) PutVarint(&v, e.attributed_to);
  v.push_back(static_cast<char>(e.cameo_code.size()));
  v.append(e.cameo_code);
  PutVarint(&v, e.action_text.size());
  v.append(e.action_text);
  return v;
}

bool DecodeEdgeValue(std::string_view value, model::EdgeEntry* out) {
  out->covering = false;
  out->precision = model::DatePrecision::kDay;
  out->attributed_to = 0;
  out->action_text.clear();
  if (value.empty()) return false;
  if (static_cast<uint8_t>(value[0]) == kCompactEdgeTag) return DecodeCompactEdgeValue(value, out);
  return DecodeLegacyEdgeValue(value, out);
}

std::string ExactNameKey(std::string_view name) {
  std::string k(1, kNameTagExact);
  k.append(name);
  return k;
}

std::string AliasExactPrefix(std::string_view folded) {
  std::string k(1, kNameTagAlias);
  k.append(folded);
  k.push_back('\0');
  return k;
}

std::string AliasKey(std::string_view folded, model::EntityId id) {
  std::string k = AliasExactPrefix(folded);
  PutU64(&k, id);
  return k;
}

std::string AliasSearchPrefix(std::string_view folded_prefix) {
  std::string k(1, kNameTagAlias);
  k.append(folded_prefix);
  return k;
}

std::optional<DecodedAliasKey> DecodeAliasKey(std::string_view key) {
  // tag, at least an empty name, the 0x00 separator, the id
  if (key.size() < 10 || key[0] != kNameTagAlias || key[key.size() - 9] != '\0') {
    return std::nullopt;
  }
  return DecodedAliasKey{key.substr(1, key.size() - 10), GetU64(key.data() + key.size() - 8)};
}

std::string EncodeId(uint64_t id) {
  std::string k;
  k.reserve(8);
  PutU64(&k, id);
  return k;
}

std::optional<uint64_t> DecodeId(std::string_view value) {
  if (value.size() != 8) return std::nullopt;
  return GetU64(value.data());
}

std::string EncodeLogApplied(const LogApplied& applied) {
  return EncodeId(applied.sequence) + EncodeId(static_cast<uint64_t>(applied.clock_micros));
}

std::optional<LogApplied> DecodeLogApplied(std::string_view value) {
  if (value.size() != 16) return std::nullopt;
  const auto seq = DecodeId(value.substr(0, 8));
  const auto clock = DecodeId(value.substr(8));
  if (!seq || !clock || *clock > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return LogApplied{*seq, static_cast<int64_t>(*clock)};
}

std::string MetaKey(std::string_view name) {
  std::string k = "meta/";
  k.append(name);
  return k;
}

namespace {
constexpr std::string_view kGroupPrefix = "group/";
}  // namespace

std::string MembershipPrefix() {
  std::string k(kGroupPrefix);
  k.push_back(kGroupTagMembership);
  return k;
}

std::string MembershipPrefix(model::EntityId member) {
  std::string k = MembershipPrefix();
  PutU64(&k, member);
  return k;
}

std::string MembershipKey(model::EntityId member, model::EntityId parent) {
  std::string k = MembershipPrefix(member);
  PutU64(&k, parent);
  return k;
}

std::optional<DecodedMembershipKey> DecodeMembershipKey(std::string_view key) {
  const std::string prefix = MembershipPrefix();
  if (key.size() != prefix.size() + 16 || !key.starts_with(prefix)) return std::nullopt;
  return DecodedMembershipKey{GetU64(key.data() + prefix.size()),
                              GetU64(key.data() + prefix.size() + 8)};
}

std::string MergePrefix() {
  std::string k(kGroupPrefix);
  k.push_back(kGroupTagMerge);
  return k;
}

std::string MergeKey(uint64_t merge_id) {
  std::string k = MergePrefix();
  PutU64(&k, merge_id);
  return k;
}

std::optional<uint64_t> DecodeMergeKey(std::string_view key) {
  const std::string prefix = MergePrefix();
  if (key.size() != prefix.size() + 8 || !key.starts_with(prefix)) return std::nullopt;
  return GetU64(key.data() + prefix.size());
}

std::string PairKey(model::EntityId lo, model::EntityId hi, int32_t day, model::StatementId id) {
  std::string k;
  k.reserve(kPairKeySize);
  PutU64(&k, lo);
  PutU64(&k, hi);
  PutU32(&k, EncodeDay(day));
  PutU64(&k, id);
  return k;
}

std::optional<DecodedPairKey> DecodePairKey(std::string_view key) {
  if (key.size() != kPairKeySize) return std::nullopt;
  return DecodedPairKey{GetU64(key.data()), GetU64(key.data() + 8),
                        DecodeDay(GetU32(key.data() + 16)), GetU64(key.data() + 20)};
}

std::string SummaryPrefix(model::EntityId entity, uint8_t dir) {
  std::string k;
  k.reserve(kSummaryKeySize);
  PutU64(&k, entity);
  k.push_back(static_cast<char>(dir));
  return k;
}

std::string SummaryKey(const SummaryCell& c) {
  std::string k = SummaryPrefix(c.entity, c.dir);
  PutU64(&k, c.counterpart);
  k.push_back(static_cast<char>(c.root));
  PutU32(&k, EncodeDay(c.month));
  return k;
}

int32_t SummaryMonth(const model::Date& d) {
  return d.year * 12 + (d.month == 0 ? 0 : d.month - 1);
}

std::array<SummaryCell, 2> SummaryCellsOf(const model::Statement& s, uint8_t root) {
  std::array<SummaryCell, 2> out;
  out[0].entity = s.actor;
  out[0].dir = kSummaryOut;
  out[0].counterpart = s.target;
  out[1].entity = s.target;
  out[1].dir = kSummaryIn;
  out[1].counterpart = s.actor;
  for (SummaryCell& c : out) {
    c.root = root;
    c.month = SummaryMonth(s.date);
  }
  return out;
}

std::string EncodeSummaryValue(const SummaryCell& c) {
  std::string v;
  v.reserve(kSummaryValueSize);
  PutU64(&v, c.count);
  PutU32(&v, EncodeDay(c.first_day));
  PutU32(&v, EncodeDay(c.last_day));
  PutU64(&v, static_cast<uint64_t>(c.goldstein_x10));
  return v;
}

namespace {

bool DecodeSummaryValue(std::string_view v, SummaryCell* out) {
  if (v.size() != kSummaryValueSize) return false;
  out->count = GetU64(v.data());
  out->first_day = DecodeDay(GetU32(v.data() + 8));
  out->last_day = DecodeDay(GetU32(v.data() + 12));
  out->goldstein_x10 = static_cast<int64_t>(GetU64(v.data() + 16));
  return true;
}

}  // namespace

bool DecodeSummary(std::string_view key, std::string_view value, SummaryCell* out) {
  if (key.size() != kSummaryKeySize) return false;
  out->entity = GetU64(key.data());
  out->dir = static_cast<uint8_t>(key[8]);
  out->counterpart = GetU64(key.data() + 9);
  out->root = static_cast<uint8_t>(key[17]);
  out->month = DecodeDay(GetU32(key.data() + 18));
  return DecodeSummaryValue(value, out);
}

bool MergeSummaryValues(std::string_view a, std::string_view b, std::string* out) {
  SummaryCell x, y;
  if (!DecodeSummaryValue(a, &x) || !DecodeSummaryValue(b, &y)) return false;
  x.count += y.count;
  x.first_day = std::min(x.first_day, y.first_day);
  x.last_day = std::max(x.last_day, y.last_day);
  // Added modulo 2^64, like the count: a signed overflow (a corrupt or
  // hostile value) would be undefined behaviour, and a modular sum of deltas
  // is still exact whenever the true total fits.
  x.goldstein_x10 = static_cast<int64_t>(static_cast<uint64_t>(x.goldstein_x10) +
                                         static_cast<uint64_t>(y.goldstein_x10));
  *out = EncodeSummaryValue(x);
  return true;
}

// ------------------------------------------------------------------ claims

std::string ClaimActorPrefix(model::EntityId actor) {
  std::string k;
  k.push_back(kClaimTagClaim);
  PutU64(&k, actor);
  return k;
}

std::string ClaimPairPrefix(model::EntityId actor, model::EntityId target) {
  std::string k = ClaimActorPrefix(actor);
  PutU64(&k, target);
  return k;
}

std::string ClaimSubjectPrefix(const model::ClaimSubject& subject) {
  const bool coded = !subject.cameo_code.empty();
  const std::string& action = coded ? subject.cameo_code : subject.action_text;
  std::string k = ClaimPairPrefix(subject.actor, subject.target);
  k.reserve(k.size() + 1 + 2 + action.size() + 4);
  k.push_back(static_cast<char>(coded ? kClaimKindCode : kClaimKindText));
  k.push_back(static_cast<char>((action.size() >> 8) & 0xff));
  k.push_back(static_cast<char>(action.size() & 0xff));
  k.append(action);
  return k;
}

std::string ClaimKey(const model::ClaimSubject& subject, int32_t first_day) {
  std::string k = ClaimSubjectPrefix(subject);
  PutU32(&k, EncodeDay(first_day));
  return k;
}

std::string EncodeClaimValue(const ClaimRow& c) {
  std::string v;
  v.push_back(static_cast<char>(kClaimValueVersion));
  PutU32(&v, EncodeDay(c.last_day));
  PutU64(&v, c.id);
  for (uint64_t n : {c.statements, c.documents, c.sources, c.claimants}) PutVarint(&v, n);
  for (uint64_t n : c.modalities) PutVarint(&v, n);
  PutU64(&v, static_cast<uint64_t>(c.first_ingested_micros));
  PutU64(&v, static_cast<uint64_t>(c.last_ingested_micros));
  return v;
}

bool DecodeClaim(std::string_view key, std::string_view value, ClaimRow* out) {
  // Key: tag, actor, target, kind, length, action, first day.
  if (key.size() < 1 + 8 + 8 + 1 + 2 + 4 || key[0] != kClaimTagClaim) return false;
  const uint8_t kind = static_cast<uint8_t>(key[17]);
  const size_t action_len = (static_cast<size_t>(static_cast<uint8_t>(key[18])) << 8) |
                            static_cast<uint8_t>(key[19]);
  if (key.size() != 20 + action_len + 4) return false;
  if (kind != kClaimKindCode && kind != kClaimKindText) return false;
  // A subject without a code is kind 2, so an empty code is not canonical.
  if (kind == kClaimKindCode && action_len == 0) return false;
  out->subject.actor = GetU64(key.data() + 1);
  out->subject.target = GetU64(key.data() + 9);
  const std::string_view action = key.substr(20, action_len);
  out->subject.cameo_code = kind == kClaimKindCode ? std::string(action) : std::string();
  out->subject.action_text = kind == kClaimKindText ? std::string(action) : std::string();
  out->first_day = DecodeDay(GetU32(key.data() + 20 + action_len));

  if (value.size() < 1 + 4 + 8 || static_cast<uint8_t>(value[0]) != kClaimValueVersion) {
    return false;
  }
  out->last_day = DecodeDay(GetU32(value.data() + 1));
  out->id = GetU64(value.data() + 5);
  std::string_view in = value.substr(13);
  for (uint64_t* n : {&out->statements, &out->documents, &out->sources, &out->claimants}) {
    if (!GetVarint(&in, n)) return false;
  }
  for (uint64_t& n : out->modalities) {
    if (!GetVarint(&in, &n)) return false;
  }
  if (in.size() != 16) return false;
  out->first_ingested_micros = static_cast<int64_t>(GetU64(in.data()));
  out->last_ingested_micros = static_cast<int64_t>(GetU64(in.data() + 8));
  return out->first_day <= out->last_day;
}

std::string ClaimMemberPrefix(model::StatementId claim) {
  std::string k;
  k.push_back(kClaimTagMember);
  PutU64(&k, claim);
  return k;
}

std::string ClaimMemberPrefix(model::StatementId claim, ClaimSet set) {
  std::string k = ClaimMemberPrefix(claim);
  k.push_back(static_cast<char>(set));
  return k;
}

std::string ClaimMemberKey(model::StatementId claim, ClaimSet set, std::string_view member) {
  std::string k = ClaimMemberPrefix(claim, set);
  k.append(member);
  return k;
}

std::optional<DecodedClaimMemberKey> DecodeClaimMemberKey(std::string_view key) {
  if (key.size() < 1 + 8 + 1 || key[0] != kClaimTagMember) return std::nullopt;
  const uint8_t set = static_cast<uint8_t>(key[9]);
  if (set < static_cast<uint8_t>(ClaimSet::kDocument) ||
      set > static_cast<uint8_t>(ClaimSet::kClaimant)) {
    return std::nullopt;
  }
  const std::string_view member = key.substr(10);
  if (static_cast<ClaimSet>(set) == ClaimSet::kClaimant && member.size() != 8) return std::nullopt;
  return DecodedClaimMemberKey{GetU64(key.data() + 1), static_cast<ClaimSet>(set), member};
}

std::string ClaimantKey(std::string_view member, model::StatementId claim) {
  std::string k;
  k.push_back(kClaimTagClaimant);
  k.append(member);
  PutU64(&k, claim);
  return k;
}

namespace {
constexpr char kHistoryRetracted = 0x01;
constexpr char kHistoryLog = 0x02;

std::string TaggedU64(char tag, uint64_t n) {
  std::string k;
  k.push_back(tag);
  PutU64(&k, n);
  return k;
}

std::optional<uint64_t> DecodeTaggedU64(char tag, std::string_view key) {
  if (key.size() != 9 || key[0] != tag) return std::nullopt;
  return GetU64(key.data() + 1);
}
}  // namespace

std::string RetractedKey(model::StatementId id) { return TaggedU64(kHistoryRetracted, id); }

std::optional<model::StatementId> DecodeRetractedKey(std::string_view key) {
  return DecodeTaggedU64(kHistoryRetracted, key);
}

std::string RetractionLogKey(uint64_t seq) { return TaggedU64(kHistoryLog, seq); }

std::optional<uint64_t> DecodeRetractionLogKey(std::string_view key) {
  return DecodeTaggedU64(kHistoryLog, key);
}

std::string EncodeRetractionLogValue(const RetractionLogEntry& e) {
  std::string v;
  PutU64(&v, e.statement);
  PutU64(&v, e.watermark);
  return v;
}

std::optional<RetractionLogEntry> DecodeRetractionLogValue(std::string_view value) {
  if (value.size() != 16) return std::nullopt;
  return RetractionLogEntry{GetU64(value.data()), GetU64(value.data() + 8)};
}

std::string ClaimantPrefix(model::EntityId claimant) {
  std::string k;
  k.push_back(kClaimTagClaimant);
  PutU64(&k, claimant);
  return k;
}

std::optional<DecodedClaimantKey> DecodeClaimantKey(std::string_view key) {
  if (key.size() != 1 + 8 + 8 || key[0] != kClaimTagClaimant) return std::nullopt;
  return DecodedClaimantKey{GetU64(key.data() + 1), GetU64(key.data() + 9)};
}

std::string EncodeClaimMemberCount(uint64_t count) {
  std::string v;
  PutVarint(&v, count);
  return v;
}

std::optional<uint64_t> DecodeClaimMemberCount(std::string_view value) {
  uint64_t count = 0;
  if (!GetVarint(&value, &count) || !value.empty() || count == 0) return std::nullopt;
  return count;
}

}  // namespace entente::storage
