// The domain model of Entente: entities, documents and statements as the
// graph layer sees them, free of storage and wire formats.
#ifndef ENTENTE_MODEL_TYPES_H_
#define ENTENTE_MODEL_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/date.h"

namespace entente::model {

using EntityId = uint64_t;
using StatementId = uint64_t;

// Values reach disk. DO NOT CHANGE the numbers; add new ones at the end.
enum class EntityKind : uint8_t {
  kUnspecified = 0,
  kCountry = 1,
  kPerson = 2,
  kOrganization = 3,
  kGroup = 4,
  kOther = 5,
};

// Values reach disk. DO NOT CHANGE the numbers; add new ones at the end.
enum class Modality : uint8_t {
  kUnspecified = 0,
  kAsserted = 1,
  kDenied = 2,
  kIntended = 3,
  kHypothetical = 4,
};

// Where a statement's CAMEO code came from. Values reach disk.
enum class CodeSource : uint8_t {
  kUnspecified = 0,
  kGiven = 1,
  kLexicon = 2,
  kUnclassified = 3,
};

// CAMEO quad classes, numbered as in CAMEO. Values reach disk.
enum class QuadClass : uint8_t {
  kUnknown = 0,
  kVerbalCooperation = 1,
  kMaterialCooperation = 2,
  kVerbalConflict = 3,
  kMaterialConflict = 4,
};

struct Entity {
  EntityId id = 0;
  std::string name;  // byte for byte as first given
  EntityKind kind = EntityKind::kOther;
  std::string country_code;  // ISO 3166-1 alpha-3 or empty
  std::vector<std::string> aliases;
};

// A source document, stored once per document_id.
struct Document {
  std::string document_id;
  std::string url;
  std::string publisher;
  std::string title;
  Date published;  // year 0: unknown
};

// A stored statement: names already resolved to entity ids.
// How widely the upstream dataset saw an event, as given (GDELT's
// NumMentions, NumSources, NumArticles); 0: not given.
struct ReportedCoverage {
  uint32_t mentions = 0;
  uint32_t sources = 0;
  uint32_t articles = 0;
  bool given() const { return mentions != 0 || sources != 0 || articles != 0; }
  friend bool operator==(const ReportedCoverage&, const ReportedCoverage&) = default;
};

struct Statement {
  StatementId id = 0;
  EntityId actor = 0;
  EntityId target = 0;
  EntityId attributed_to = 0;  // 0: the document itself asserts it
  std::string action_text;
  std::string cameo_code;  // empty: unclassified
  CodeSource code_source = CodeSource::kUnspecified;
  Date date;
  std::string document_id;
  std::string quote;
  Modality modality = Modality::kAsserted;
  double confidence = 1.0;
  std::string extractor_name;
  std::string extractor_version;
  int64_t ingested_at_micros = 0;
  std::string idempotency_key;  // as given by the client, or empty
  ReportedCoverage reported;
};

// When and why a statement was retracted (storage/key_codec.h, history).
struct Retraction {
  int64_t at_micros = 0;
  std::string reason;
  uint64_t seq = 0;  // its place in the retraction log, from 1
};

// Who is who (docs/queries.md, "Roll-up and merges"). What a query treats
// an entity as: itself (after merges), its parent (the entity it belongs to
// on the statement's day), or the top of its chain of parents (a country or
// an organisation).
enum class Rollup : uint8_t { kNone = 0, kCountry = 1, kParent = 2 };

// `member` belongs to `parent` (a minister to a country, "Military
// (Russia)" to Russia, an agency to its government) over the days
// [since_day, until_day] (model::kMinDay / kMaxDay: open).
struct Membership {
  EntityId member = 0;
  EntityId parent = 0;
  std::string role;
  Date since;          // year 0: open
  Date until;          // year 0: open
  std::string origin;  // who or what said so: a token name, "icews-name"
  int64_t recorded_micros = 0;
  friend bool operator==(const Membership&, const Membership&) = default;
};

// A merge of `from` into `into`: every query sees `into` for both, until it
// is undone. Ids are given from 1 in commit order.
struct EntityMerge {
  uint64_t id = 0;
  EntityId from = 0;
  EntityId into = 0;
  std::string reason;
  std::string merged_by;  // token name, or empty without authentication
  int64_t merged_micros = 0;
  int64_t undone_micros = 0;  // 0: in force
  std::string undone_by;
  bool in_force() const { return undone_micros == 0; }
  friend bool operator==(const EntityMerge&, const EntityMerge&) = default;
};

// An index entry: what a scan over one entity's statements yields without
// reading the statement itself, enough to filter on.
struct EdgeEntry {
  EntityId entity = 0;       // the entity scanned
  int32_t day = 0;           // first day of the statement's date
  StatementId statement = 0;
  EntityId counterpart = 0;  // target for out-edges, actor for in-edges
  // The statement's actor and target, whichever index the entry is from.
  EntityId actor = 0;
  EntityId target = 0;
  std::string cameo_code;
  float confidence = 1.0f;
  Modality modality = Modality::kAsserted;
  // What a list of statements shows, so that it needs no statement read.
  // Entries written before these were kept (storage/key_codec.h) have
  // covering false and the three fields empty.
  bool covering = false;
  DatePrecision precision = DatePrecision::kDay;
  EntityId attributed_to = 0;  // 0: none
  std::string action_text;
};

// How names in requests become entities.
enum class NameResolution : uint8_t {
  kExact,  // byte for byte: curated sources whose names are identifiers
  kAlias,  // folded (case, accents, spaces) against names and aliases
};

// A reference to an entity as a request gives it: by id, or by name.
struct EntityRef {
  EntityId id = 0;
  std::string name;
  EntityKind kind = EntityKind::kUnspecified;  // for an entity it creates
  bool given() const { return id != 0 || !name.empty(); }
};

// A statement as a client sends it, before validation and name resolution.
struct StatementInput {
  EntityRef actor;
  std::string action_text;
  std::string cameo_code;
  EntityRef target;
  Date date;                  // year 0: missing
  Document source;            // document_id empty: missing
  std::string quote;
  EntityRef attributed_to;    // !given(): none
  Modality modality = Modality::kUnspecified;
  std::optional<double> confidence;
  std::string extractor_name;
  std::string extractor_version;
  std::string idempotency_key;
  ReportedCoverage reported;
};

enum class Direction : uint8_t { kOut = 1, kIn = 2, kBoth = 3 };

// One violated rule of a request, named by its field path
// ("statements[3].date.month").
struct FieldViolation {
  std::string field;
  std::string description;
};

}  // namespace entente::model

#endif  // ENTENTE_MODEL_TYPES_H_
