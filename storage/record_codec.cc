#include "storage/record_codec.h"

#include "records.pb.h"  // internal to storage/

namespace entente::storage {
namespace {

void ToRecord(const model::Date& d, DateRecord* r) {
  r->set_year(d.year);
  r->set_month(d.month);
  r->set_day(d.day);
}

model::Date FromRecord(const DateRecord& r) { return {r.year(), r.month(), r.day()}; }

}  // namespace

std::string EncodeEntity(const model::Entity& e) {
  EntityRecord r;
  r.set_name(e.name);
  r.set_kind(static_cast<uint32_t>(e.kind));
  r.set_country_code(e.country_code);
  for (const auto& a : e.aliases) r.add_aliases(a);
  return r.SerializeAsString();
}

bool DecodeEntity(std::string_view value, model::Entity* out) {
  EntityRecord r;
  if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  out->name = r.name();
  out->kind = static_cast<model::EntityKind>(r.kind());
  out->country_code = r.country_code();
  out->aliases.assign(r.aliases().begin(), r.aliases().end());
  return true;
}

std::string EncodeDocument(const model::Document& d) {
  DocumentRecord r;
  r.set_url(d.url);
  r.set_publisher(d.publisher);
  r.set_title(d.title);
  if (d.published.year != 0) ToRecord(d.published, r.mutable_published());
  return r.SerializeAsString();
}

bool DecodeDocument(std::string_view value, model::Document* out) {
  DocumentRecord r;
  if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  out->url = r.url();
  out->publisher = r.publisher();
  out->title = r.title();
  out->published = FromRecord(r.published());
  return true;
}

namespace {
StatementRecord ToRecord(const model::Statement& s);
void FromRecord(const StatementRecord& r, model::Statement* out);
}  // namespace

std::string EncodeStatement(const model::Statement& s) { return ToRecord(s).SerializeAsString(); }

bool DecodeStatement(std::string_view value, model::Statement* out) {
  StatementRecord r;
  if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  FromRecord(r, out);
  return true;
}

std::string EncodeRetracted(const model::Statement& s, const model::Retraction& r) {
  RetractedRecord rec;
  *rec.mutable_statement() = ToRecord(s);
  rec.set_retracted_at_micros(r.at_micros);
  rec.set_reason(r.reason);
  rec.set_seq(r.seq);
  return rec.SerializeAsString();
}

bool DecodeRetracted(std::string_view value, model::Statement* s, model::Retraction* r) {
  RetractedRecord rec;
  if (!rec.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  FromRecord(rec.statement(), s);
  r->at_micros = rec.retracted_at_micros();
  r->reason = rec.reason();
  r->seq = rec.seq();
  return true;
}

std::string EncodeMembership(const model::Membership& m) {
  MembershipRecord r;
  r.set_role(m.role);
  ToRecord(m.since, r.mutable_since());
  ToRecord(m.until, r.mutable_until());
  r.set_origin(m.origin);
  r.set_recorded_micros(m.recorded_micros);
  return r.SerializeAsString();
}

bool DecodeMembership(std::string_view value, model::Membership* out) {
  MembershipRecord r;
  if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  out->role = r.role();
  out->since = FromRecord(r.since());
  out->until = FromRecord(r.until());
  out->origin = r.origin();
  out->recorded_micros = r.recorded_micros();
  return true;
}

std::string EncodeMerge(const model::EntityMerge& m) {
  MergeRecord r;
  r.set_from(m.from);
  r.set_into(m.into);
  r.set_reason(m.reason);
  r.set_merged_by(m.merged_by);
  r.set_merged_micros(m.merged_micros);
  r.set_undone_micros(m.undone_micros);
  r.set_undone_by(m.undone_by);
  return r.SerializeAsString();
}

bool DecodeMerge(std::string_view value, model::EntityMerge* out) {
  MergeRecord r;
  if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  out->from = r.from();
  out->into = r.into();
  out->reason = r.reason();
  out->merged_by = r.merged_by();
  out->merged_micros = r.merged_micros();
  out->undone_micros = r.undone_micros();
  out->undone_by = r.undone_by();
  return true;
}

namespace {

StatementRecord ToRecord(const model::Statement& s) {
  StatementRecord r;
  r.set_actor(s.actor);
  r.set_target(s.target);
  r.set_attributed_to(s.attributed_to);
  r.set_action_text(s.action_text);
  r.set_cameo_code(s.cameo_code);
  ToRecord(s.date, r.mutable_date());
  r.set_document_id(s.document_id);
  r.set_quote(s.quote);
  r.set_modality(static_cast<uint32_t>(s.modality));
  r.set_confidence(s.confidence);
  r.set_extractor_name(s.extractor_name);
  r.set_extractor_version(s.extractor_version);
  r.set_ingested_at_micros(s.ingested_at_micros);
  r.set_idempotency_key(s.idempotency_key);
  r.set_code_source(static_cast<uint32_t>(s.code_source));
  r.set_reported_mentions(s.reported.mentions);
  r.set_reported_sources(s.reported.sources);
  r.set_reported_articles(s.reported.articles);
  return r;
}

void FromRecord(const StatementRecord& r, model::Statement* out) {
  out->actor = r.actor();
  out->target = r.target();
  out->attributed_to = r.attributed_to();
  out->action_text = r.action_text();
  out->cameo_code = r.cameo_code();
  out->date = FromRecord(r.date());
  out->document_id = r.document_id();
  out->quote = r.quote();
  out->modality = static_cast<model::Modality>(r.modality());
  out->confidence = r.confidence();
  out->extractor_name = r.extractor_name();
  out->extractor_version = r.extractor_version();
  out->ingested_at_micros = r.ingested_at_micros();
  out->idempotency_key = r.idempotency_key();
  out->code_source = static_cast<model::CodeSource>(r.code_source());
  out->reported = {r.reported_mentions(), r.reported_sources(), r.reported_articles()};
}

}  // namespace

}  // namespace entente::storage
