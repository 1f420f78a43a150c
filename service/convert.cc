#include "service/convert.h"

#include <xxhash.h>

#include <memory>
#include <string_view>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

#include "absl/strings/escaping.h"
#include "graph/taxonomy.h"

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
  return out;
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

void ToProto(const model::Entity& e, v1::Entity* out) {
  out->set_id(e.id);
  out->set_name(e.name);
  out->set_kind(static_cast<v1::EntityKind>(e.kind));
  out->set_country_code(e.country_code);
  for (const auto& a : e.aliases) out->add_aliases(a);
}

void ToProto(const graph::StatementView& v, v1::Statement* out) {
  const model::Statement& s = v.statement;
  out->set_id(s.id);
  ToRef(*v.actor, out->mutable_actor());
  v1::Action* action = out->mutable_action();
  action->set_text(s.action_text);
  if (!s.cameo_code.empty()) action->set_cameo_code(s.cameo_code);
  if (s.code_source != model::CodeSource::kUnspecified) {
    action->set_code_source(static_cast<v1::CodeSource>(s.code_source));
  }
  const graph::Taxonomy& taxonomy = graph::Taxonomy::Get();
  if (taxonomy.Find(s.cameo_code) != nullptr) {
    action->set_quad_class(static_cast<v1::QuadClass>(taxonomy.QuadOf(s.cameo_code)));
    action->set_goldstein(taxonomy.GoldsteinOf(s.cameo_code));
  }
  ToRef(*v.target, out->mutable_target());
  ToProto(s.date, out->mutable_date());
  v1::Source* src = out->mutable_source();
  src->set_document_id(v.source->document_id);
  if (!v.source->url.empty()) src->set_url(v.source->url);
  if (!v.source->publisher.empty()) src->set_publisher(v.source->publisher);
  if (!v.source->title.empty()) src->set_title(v.source->title);
  if (v.source->published.year != 0) ToProto(v.source->published, src->mutable_published());
  if (!s.quote.empty()) out->set_quote(s.quote);
  if (v.attributed_to) ToRef(*v.attributed_to, out->mutable_attributed_to());
  out->set_modality(static_cast<v1::Modality>(s.modality));
  out->set_confidence(s.confidence);
  if (!s.extractor_name.empty()) out->mutable_extractor()->set_name(s.extractor_name);
  if (!s.extractor_version.empty()) out->mutable_extractor()->set_version(s.extractor_version);
  out->set_ingested_at_micros(s.ingested_at_micros);
  if (!s.idempotency_key.empty()) out->set_idempotency_key(s.idempotency_key);
}

uint64_t PageFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> query(request.New());
  query->CopyFrom(request);
  const google::protobuf::Descriptor* d = query->GetDescriptor();
  for (const char* name : {"page_size", "page_token"}) {
    if (const auto* field = d->FindFieldByName(name)) {
      query->GetReflection()->ClearField(query.get(), field);
    }
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    query->SerializeToCodedStream(&out);
  }
  return XXH3_64bits(bytes.data(), bytes.size());
}

std::string EncodePageToken(uint64_t fingerprint, const storage::EdgePosition& p) {
  return absl::WebSafeBase64Escape(absl::StrCat("2:", absl::Hex(fingerprint), ":", p.day, ":",
                                                p.statement));
}

absl::StatusOr<storage::EdgePosition> DecodePageToken(const std::string& token,
                                                      uint64_t fingerprint) {
  const absl::Status not_ours =
      absl::InvalidArgumentError("is not a token this service returned");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return not_ours;
  const std::vector<absl::string_view> parts = absl::StrSplit(raw, ':');
  uint64_t issued_for = 0;
  storage::EdgePosition p;
  if (parts.size() != 4 || parts[0] != "2" ||
      !absl::SimpleHexAtoi(parts[1], &issued_for) || !absl::SimpleAtoi(parts[2], &p.day) ||
      !absl::SimpleAtoi(parts[3], &p.statement)) {
    return not_ours;
  }
  if (issued_for != fingerprint) {
    return absl::InvalidArgumentError(
        "was returned for another query: keep the entity, direction, name resolution and "
        "filter of the request that returned it, or start again without a token");
  }
  return p;
}

}  // namespace entente::service
