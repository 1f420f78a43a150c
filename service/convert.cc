#include "service/convert.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <xxhash.h>

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "graph/taxonomy.h"
#include "graph/validate.h"
#include "model/claim.h"
#include "model/date.h"
#include "model/violations.h"

namespace entente::service {
namespace {

void ToProto(const model::Date& d, v1::Date* out) { *out = DateProto(d); }

void ToRef(const model::Entity& e, v1::EntityRef* out) {
  out->set_id(e.id);
  out->set_name(e.name);
  out->set_kind(static_cast<v1::EntityKind>(e.kind));
}

}  // namespace

v1::Date DateProto(const model::Date& d) {
  v1::Date out;
  out.set_year(d.year);
  out.set_month(d.month);
  out.set_day(d.day);
  return out;
}

graph::EdgeFilter FromProto(const v1::EdgeFilter& f) {
  graph::EdgeFilter out;
  out.date_from = FromProto(f.date_from());
  out.date_to = FromProto(f.date_to());
  out.code_prefixes.assign(f.code_prefixes().begin(), f.code_prefixes().end());
  for (int q : f.quad_classes()) out.quad_classes.push_back(static_cast<model::QuadClass>(q));
  out.min_confidence = f.min_confidence();
  for (int m : f.modalities()) out.modalities.push_back(static_cast<model::Modality>(m));
  out.min_sources = f.min_sources();
  out.contested = static_cast<graph::Contested>(f.contested());
  // EdgeFilter is proto2, whose parser keeps an enum value it does not know
  // among the unknown fields and leaves it out of the field: found there, it
  // is refused (ValidateFilter names the field) rather than read as
  // CONTESTED_ANY, or as a shorter list of quad classes or modalities, which
  // would widen the filter. Such a value is put last in its list, so the
  // index named may not be the one sent.
  const auto& unknown = f.unknown_fields();
  constexpr auto kNotAnEnumValue = UINT8_MAX;
  for (int i = 0; i < unknown.field_count(); ++i) {
    switch (unknown.field(i).number()) {
      case v1::EdgeFilter::kContestedFieldNumber:
        out.contested = static_cast<graph::Contested>(-1);
        break;
      case v1::EdgeFilter::kQuadClassesFieldNumber:
        out.quad_classes.push_back(static_cast<model::QuadClass>(kNotAnEnumValue));
        break;
      case v1::EdgeFilter::kModalitiesFieldNumber:
        out.modalities.push_back(static_cast<model::Modality>(kNotAnEnumValue));
        break;
    }
  }
  return out;
}

absl::StatusOr<int64_t> MicrosOf(const google::protobuf::Timestamp& t) {
  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, as RFC 3339 allows.
  constexpr int64_t kMinSeconds = -62135596800, kMaxSeconds = 253402300799;
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds) {
    return absl::InvalidArgumentError("is not an instant of years 1..9999");
  }
  if (t.nanos() < 0 || t.nanos() > 999999999) {
    return absl::InvalidArgumentError("has nanos outside 0..999999999");
  }
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

namespace {

// Both requests name their temporal fields alike.
template <typename Request>
absl::StatusOr<std::optional<graph::TemporalOptions>> TemporalOf(const Request& req) {
  std::vector<model::FieldViolation> violations;
  const bool temporal = req.temporal_mode() != v1::TEMPORAL_MODE_UNSPECIFIED;
  if (!temporal) {
    for (auto [set, field] : {std::pair{req.has_start_date(), "start_date"},
                              std::pair{req.has_max_gap_days(), "max_gap_days"}}) {
      if (set) violations.push_back({field, "needs temporal_mode"});
    }
    if (!violations.empty()) return model::InvalidArgument(violations);
    return std::nullopt;
  }
  graph::TemporalOptions o;
  // TEMPORAL_MODE_EARLIEST_ARRIVAL (1) is graph::TemporalMode 0, and so on.
  o.mode = static_cast<graph::TemporalMode>(req.temporal_mode() - 1);
  if (req.has_start_date()) {
    const model::Date start = FromProto(req.start_date());
    graph::ValidateDate(start, true, "start_date", &violations);
    if (!violations.empty()) return model::InvalidArgument(violations);
    o.start_day = model::FirstDay(start);
  }
  if (req.has_max_gap_days()) o.max_gap_days = req.max_gap_days();
  return o;
}

}  // namespace

absl::StatusOr<std::optional<graph::TemporalOptions>> TemporalFromProto(
    const v1::FindPathsRequest& req) {
  return TemporalOf(req);
}

absl::StatusOr<std::optional<graph::TemporalOptions>> TemporalFromProto(
    const v1::TraverseRequest& req) {
  return TemporalOf(req);
}

graph::Granularity FromProto(v1::Granularity g) {
  switch (g) {
    case v1::DAY:
      return graph::Granularity::kDay;
    case v1::WEEK:
      return graph::Granularity::kWeek;
    case v1::YEAR:
      return graph::Granularity::kYear;
    default:
      return graph::Granularity::kMonth;
  }
}

model::Date FromProto(const v1::Date& d) { return {d.year(), d.month(), d.day()}; }

absl::StatusOr<model::Rollup> FromProto(v1::Rollup r) {
  switch (r) {
    case v1::ROLLUP_UNSPECIFIED:
      return model::Rollup::kNone;
    case v1::ROLLUP_COUNTRY:
      return model::Rollup::kCountry;
    case v1::ROLLUP_PARENT:
      return model::Rollup::kParent;
    default:
      return model::InvalidArgument(
          {{"rollup", absl::StrCat(static_cast<int>(r),
                                   " is not a Rollup: give ROLLUP_UNSPECIFIED (none), "
                                   "ROLLUP_COUNTRY or ROLLUP_PARENT")}});
  }
}

void CheckNameLength(const std::string& field, const std::string& name,
                     std::vector<model::FieldViolation>* out) {
  if (name.size() <= graph::kMaxNameBytes) return;
  out->push_back(
      {field, absl::StrCat("is ", name.size(), " bytes; at most ", graph::kMaxNameBytes)});
}

model::EntityRef FromProto(const v1::EntityRef& r) {
  model::EntityRef out;
  out.id = r.id();
  out.name = r.name();
  out.kind = static_cast<model::EntityKind>(r.kind());
  return out;
}

model::StatementInput FromProto(const v1::Statement& s) {
  model::StatementInput in;
  in.actor = FromProto(s.actor());
  in.action_text = s.action().text();
  in.cameo_code = s.action().cameo_code();
  in.target = FromProto(s.target());
  in.date = FromProto(s.date());
  in.source.document_id = s.source().document_id();
  in.source.url = s.source().url();
  in.source.publisher = s.source().publisher();
  in.source.title = s.source().title();
  in.source.published = FromProto(s.source().published());
  in.quote = s.quote();
  in.attributed_to = FromProto(s.attributed_to());
  in.modality = static_cast<model::Modality>(s.modality());
  if (s.has_confidence()) in.confidence = s.confidence();
  in.extractor_name = s.extractor().name();
  in.extractor_version = s.extractor().version();
  in.idempotency_key = s.idempotency_key();
  in.reported = {s.reported().mentions(), s.reported().sources(), s.reported().articles()};
  return in;
}

model::NameResolution FromProto(v1::NameResolution r) {
  return r == v1::NAME_RESOLUTION_EXACT ? model::NameResolution::kExact
                                        : model::NameResolution::kAlias;
}

model::Direction FromProto(v1::Direction d) {
  switch (d) {
    case v1::OUT:
      return model::Direction::kOut;
    case v1::IN:
      return model::Direction::kIn;
    default:
      return model::Direction::kBoth;
  }
}

void ToProto(const model::Entity& e, v1::Entity* out, v1::EntityView view) {
  out->set_id(e.id);
  out->set_name(e.name);
  out->set_kind(static_cast<v1::EntityKind>(e.kind));
  out->set_country_code(e.country_code);
  if (view == v1::ENTITY_VIEW_BASIC) return;
  out->mutable_aliases()->Reserve(static_cast<int>(e.aliases.size()));
  for (const auto& a : e.aliases) out->add_aliases(a);
}

graph::StatementDetail DetailOf(v1::StatementView view) {
  return view == v1::STATEMENT_VIEW_INDEX ? graph::StatementDetail::kIndex
                                          : graph::StatementDetail::kFull;
}

void ToProto(const graph::StatementView& v, v1::Statement* out, v1::StatementView view) {
  const model::Statement& s = v.statement;
  const bool full = view != v1::STATEMENT_VIEW_BASIC && view != v1::STATEMENT_VIEW_INDEX;
  out->set_id(s.id);
  ToRef(*v.actor, out->mutable_actor());
  v1::Action* action = out->mutable_action();
  action->set_text(s.action_text);
  if (!s.cameo_code.empty()) action->set_cameo_code(s.cameo_code);
  if (full) {
    if (s.code_source != model::CodeSource::kUnspecified) {
      action->set_code_source(static_cast<v1::CodeSource>(s.code_source));
    }
    const graph::Taxonomy& taxonomy = graph::Taxonomy::Get();
    if (const graph::CameoCode* code = taxonomy.Find(s.cameo_code); code != nullptr) {
      action->set_quad_class(static_cast<v1::QuadClass>(taxonomy.QuadOf(s.cameo_code)));
      action->set_goldstein(code->goldstein);
    }
  }
  ToRef(*v.target, out->mutable_target());
  ToProto(s.date, out->mutable_date());
  if (full) {
    v1::Source* src = out->mutable_source();
    src->set_document_id(v.source->document_id);
    if (!v.source->url.empty()) src->set_url(v.source->url);
    if (!v.source->publisher.empty()) src->set_publisher(v.source->publisher);
    if (!v.source->title.empty()) src->set_title(v.source->title);
    if (v.source->published.year != 0) ToProto(v.source->published, src->mutable_published());
  }
  if (!s.quote.empty() && view != v1::STATEMENT_VIEW_INDEX) out->set_quote(s.quote);
  if (v.attributed_to) ToRef(*v.attributed_to, out->mutable_attributed_to());
  out->set_modality(static_cast<v1::Modality>(s.modality));
  out->set_confidence(s.confidence);
  if (!full) return;
  if (!s.extractor_name.empty()) out->mutable_extractor()->set_name(s.extractor_name);
  if (!s.extractor_version.empty()) out->mutable_extractor()->set_version(s.extractor_version);
  out->set_ingested_at_micros(s.ingested_at_micros);
  if (!s.idempotency_key.empty()) out->set_idempotency_key(s.idempotency_key);
  if (s.reported.given()) {
    v1::ReportedCoverage* r = out->mutable_reported();
    if (s.reported.mentions != 0) r->set_mentions(s.reported.mentions);
    if (s.reported.sources != 0) r->set_sources(s.reported.sources);
    if (s.reported.articles != 0) r->set_articles(s.reported.articles);
  }
}

namespace {

void ToRef(const std::map<model::EntityId, model::Entity>& entities, model::EntityId id,
           v1::EntityRef* out) {
  const auto it = entities.find(id);
  if (it != entities.end()) return ToRef(it->second, out);
  out->set_id(id);
}

}  // namespace

void ToProto(const model::Membership& m, const std::map<model::EntityId, model::Entity>& entities,
             v1::Membership* out) {
  ToRef(entities, m.member, out->mutable_member());
  ToRef(entities, m.parent, out->mutable_parent());
  out->set_role(m.role);
  // Year 0 is an open end: left unset.
  if (m.since.year != 0) *out->mutable_since() = DateProto(m.since);
  if (m.until.year != 0) *out->mutable_until() = DateProto(m.until);
  out->set_origin(m.origin);
  out->set_recorded_at_micros(m.recorded_micros);
}

void ToProto(const model::EntityMerge& m, const std::map<model::EntityId, model::Entity>& entities,
             v1::EntityMerge* out) {
  out->set_id(m.id);
  ToRef(entities, m.from, out->mutable_from());
  ToRef(entities, m.into, out->mutable_into());
  out->set_reason(m.reason);
  out->set_merged_by(m.merged_by);
  out->set_merged_at_micros(m.merged_micros);
  out->set_undone_at_micros(m.undone_micros);
  out->set_undone_by(m.undone_by);
}

namespace {

// Deterministic bytes of `query`, a copy of a request without its
// presentation fields. The same bytes as serializing the request with those
// fields cleared, so tokens stay valid across versions of the server.
template <typename Request>
uint64_t Fingerprint(const Request& query) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    query.SerializeToCodedStream(&out);
  }
  return XXH3_64bits(bytes.data(), bytes.size());
}

}  // namespace

uint64_t PageFingerprint(const v1::ListStatementsRequest& request) {
  v1::ListStatementsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  query.clear_statement_view();
  return Fingerprint(query);
}

uint64_t PageFingerprint(const v1::GetRelationTimelineRequest& request) {
  v1::GetRelationTimelineRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  query.clear_entity_view();
  query.clear_statement_view();
  query.clear_count_sources();  // presentation: the buckets come on the first page only
  return Fingerprint(query);
}

namespace {

// HeapBytes: what Message::SpaceUsedLong() counts, without reflection: a
// message's own size (sizeof) plus what it points to: its sub-messages, each
// set string (a std::string, and its buffer when the text is too long to
// fit inside it: libstdc++ keeps 15 characters inline), and the arrays of
// repeated fields.
size_t Text(const std::string& s) { return s.capacity() > 15 ? s.capacity() : 0; }
// A string field of statement.proto (proto2: set or not).
size_t Str(bool has, const std::string& s) { return has ? sizeof(std::string) + Text(s) : 0; }
// A string field of graph.proto (proto3: set when not empty).
size_t Str(const std::string& s) { return s.empty() ? 0 : sizeof(std::string) + Text(s); }

template <typename T>
size_t Sub(bool has, const T& m);  // a singular sub-message, if set
size_t Heap(const v1::PathHop& h);
size_t Heap(const v1::Path& p);

size_t Heap(const v1::Date&) { return 0; }
size_t Heap(const v1::EntityRef& r) { return Str(r.has_name(), r.name()); }
size_t Heap(const v1::Action& a) {
  return Str(a.has_text(), a.text()) + Str(a.has_cameo_code(), a.cameo_code());
}
size_t Heap(const v1::Extractor& e) {
  return Str(e.has_name(), e.name()) + Str(e.has_version(), e.version());
}
size_t Heap(const v1::Source& s) {
  return Str(s.has_document_id(), s.document_id()) + Str(s.has_url(), s.url()) +
         Str(s.has_publisher(), s.publisher()) + Str(s.has_title(), s.title()) +
         Sub(s.has_published(), s.published());
}
size_t Heap(const v1::Entity& e) {
  size_t n = Str(e.has_name(), e.name()) + Str(e.has_country_code(), e.country_code());
  if (e.aliases().Capacity() > 0) {
    n += e.aliases().Capacity() * sizeof(void*) + sizeof(void*);  // the array and its header
    for (const std::string& a : e.aliases()) n += sizeof(std::string) + Text(a);
  }
  return n;
}
size_t Heap(const v1::Statement& s) {
  return Sub(s.has_actor(), s.actor()) + Sub(s.has_action(), s.action()) +
         Sub(s.has_target(), s.target()) + Sub(s.has_date(), s.date()) +
         Sub(s.has_source(), s.source()) + Str(s.has_quote(), s.quote()) +
         Sub(s.has_attributed_to(), s.attributed_to()) +
         Sub(s.has_extractor(), s.extractor()) +
         Str(s.has_idempotency_key(), s.idempotency_key());
}
size_t Heap(const v1::TraversedNode& n) {
  return Sub(n.has_entity(), n.entity()) + Sub(n.has_arrival_date(), n.arrival_date());
}
size_t Heap(const v1::AggregatedEdge& e) {
  return Sub(e.has_first_date(), e.first_date()) + Sub(e.has_last_date(), e.last_date()) +
         e.evidence_statement_ids().Capacity() * sizeof(uint64_t) +
         (e.evidence_statement_ids().Capacity() > 0 ? sizeof(void*) : 0);
}
size_t Heap(const v1::TimelineBucket& b) { return Sub(b.has_start(), b.start()); }

template <typename T>
size_t Sub(bool has, const T& m) {
  return has ? sizeof(T) + Heap(m) : 0;
}

// A repeated message field: its array of pointers and each element.
template <typename T>
size_t Repeated(const google::protobuf::RepeatedPtrField<T>& r) {
  if (r.Capacity() == 0) return 0;
  size_t n = r.Capacity() * sizeof(void*) + sizeof(void*);
  for (const T& m : r) n += sizeof(T) + Heap(m);
  return n;
}

size_t Heap(const v1::PathHop& h) { return Repeated(h.statements()); }
size_t Heap(const v1::Path& p) { return Repeated(p.entities()) + Repeated(p.hops()); }

}  // namespace

size_t HeapBytes(const v1::ListStatementsResponse& m) {
  return sizeof(m) + Repeated(m.statements()) + Str(m.next_page_token());
}

size_t HeapBytes(const v1::TraverseResponse& m) {
  return sizeof(m) + Repeated(m.nodes()) + Repeated(m.edges()) + Str(m.truncated());
}

size_t HeapBytes(const v1::FindPathsResponse& m) { return sizeof(m) + Repeated(m.paths()); }

size_t HeapBytes(const v1::GetRelationTimelineResponse& m) {
  return sizeof(m) + Sub(m.has_a(), m.a()) + Sub(m.has_b(), m.b()) + Repeated(m.buckets()) +
         Repeated(m.statements()) + Str(m.next_page_token());
}

uint64_t PageFingerprint(const v1::ListClaimsRequest& request) {
  v1::ListClaimsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  return Fingerprint(query);
}

uint64_t PageFingerprint(const v1::ListMembershipsRequest& request) {
  v1::ListMembershipsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  return Fingerprint(query);
}

std::string EncodeOffsetPageToken(uint64_t fingerprint, uint64_t offset) {
  return absl::WebSafeBase64Escape(absl::StrCat("c1:", absl::Hex(fingerprint), ":", offset));
}

namespace {

// Reads a token this service issued as `version` for a request of
// `fingerprint`: `parse` takes the fields after "VERSION:FINGERPRINT:"
// (false: not ours). InvalidArgument saying why not; `keep` says what of
// the request to keep when the token was issued for another.
// Reads a token "VERSION:FINGERPRINT_HEX:FIELDS..." (web-safe base64):
// InvalidArgument if it is not one, or `mismatch` if it was issued for
// another fingerprint.
absl::Status ReadToken(const std::string& token, absl::string_view version, uint64_t fingerprint,
                       absl::string_view mismatch,
                       const std::function<bool(const std::vector<absl::string_view>&)>& parse) {
  const absl::Status not_ours =
      absl::InvalidArgumentError("is not a token this service returned");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return not_ours;
  std::vector<absl::string_view> parts = absl::StrSplit(raw, ':');
  uint64_t issued_for = 0;
  if (parts.size() < 2 || parts[0] != version || !absl::SimpleHexAtoi(parts[1], &issued_for) ||
      !parse({parts.begin() + 2, parts.end()})) {
    return not_ours;
  }
  if (issued_for != fingerprint) return absl::InvalidArgumentError(mismatch);
  return absl::OkStatus();
}

// The mismatch message of a page token.
std::string OtherQuery(absl::string_view keep) {
  return absl::StrCat("was returned for another query: keep ", keep,
                      ", or start again without a token");
}

}  // namespace

absl::StatusOr<uint64_t> DecodeOffsetPageToken(const std::string& token, uint64_t fingerprint) {
  uint64_t offset = 0;
  absl::Status s =
      ReadToken(token, "c1", fingerprint,
                OtherQuery("every field of the request that returned it but page_size"),
                [&](const std::vector<absl::string_view>& f) {
                  return f.size() == 1 && absl::SimpleAtoi(f[0], &offset);
                });
  if (!s.ok()) return s;
  return offset;
}

void ToProto(const storage::ClaimRow& c, v1::Claim* out) {
  out->set_id(c.id);
  out->set_actor_id(c.subject.actor);
  out->set_target_id(c.subject.target);
  out->set_cameo_code(c.subject.cameo_code);
  out->set_action_text(c.subject.action_text);
  *out->mutable_first_date() = DateProto(model::DateOfDay(c.first_day));
  *out->mutable_last_date() = DateProto(model::DateOfDay(c.last_day));
  out->set_statements(c.statements);
  out->set_documents(c.documents);
  out->set_sources(c.sources);
  out->set_claimants(c.claimants);
  out->set_asserted(c.modalities[0]);
  out->set_denied(c.modalities[1]);
  out->set_intended(c.modalities[2]);
  out->set_hypothetical(c.modalities[3]);
  out->set_contested(model::IsContested(c.modalities[0], c.modalities[1]));
  out->set_first_ingested_at_micros(c.first_ingested_micros);
  out->set_last_ingested_at_micros(c.last_ingested_micros);
}

std::string EncodePageToken(uint64_t fingerprint, const storage::EdgePosition& p) {
  return absl::WebSafeBase64Escape(absl::StrCat("2:", absl::Hex(fingerprint), ":", p.day, ":",
                                                p.statement));
}

std::string EncodeFeedCursor(uint64_t database_id, const graph::FeedCursor& c) {
  return absl::WebSafeBase64Escape(
      absl::StrCat("f1:", absl::Hex(database_id), ":", c.ingested, ":", c.retracted));
}

absl::StatusOr<graph::FeedCursor> DecodeFeedCursor(const std::string& cursor,
                                                   uint64_t database_id) {
  graph::FeedCursor c;
  if (cursor.empty()) return c;
  absl::Status s = ReadToken(
      cursor, "f1", database_id,
      "was returned by another database (a cursor holds in the database that returned it and in "
      "its backups); start again without one",
      [&](const std::vector<absl::string_view>& f) {
        return f.size() == 2 && absl::SimpleAtoi(f[0], &c.ingested) &&
               absl::SimpleAtoi(f[1], &c.retracted);
      });
  if (!s.ok()) return s;
  return c;
}

absl::StatusOr<storage::EdgePosition> DecodePageToken(const std::string& token,
                                                      uint64_t fingerprint) {
  storage::EdgePosition p;
  absl::Status s = ReadToken(
      token, "2", fingerprint,
      OtherQuery("the entity, direction, name resolution, filter and rollup of the request that "
                 "returned it"),
      [&](const std::vector<absl::string_view>& f) {
        return f.size() == 2 && absl::SimpleAtoi(f[0], &p.day) &&
               absl::SimpleAtoi(f[1], &p.statement);
      });
  if (!s.ok()) return s;
  return p;
}

}  // namespace entente::service
