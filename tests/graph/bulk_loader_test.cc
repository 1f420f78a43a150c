// graph::BulkLoader (entente-admin import) gives the database online ingest
// gives for the same rows: every key and value of every column family, the
// same counts and the same rejections, whatever the threads, chunk size,
// memory (sorted runs spilled to disk) and SST file size.
#include "graph/bulk_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "formats/icews_tsv.h"
#include "graph/check.h"
#include "graph/ingestor.h"
#include "graph/reader.h"
#include "graph/taxonomy.h"
#include "rocksdb/db.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/testing/db_dump.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::graph {
namespace {

using ::entente::testing::Dump;
using ::entente::testing::StatusIs;

// Every key and value of every column family of the (closed) database,
// but for the rows that must differ.
Dump DumpDatabase(const std::string& dir) {
  Dump out = testing::DumpDatabase(dir);
  // Each database has an id of its own (random); the rest must be equal.
  // But for the memberships that names imply: online ingest writes them
  // with each batch, a bulk load leaves them to the server's next open
  // (Ingestor::ExamineNewNames; tests/graph/groups_test.cc).
  std::erase_if(out["default"], [](const auto& row) {
    return row.first == storage::MetaKey(kMetaDatabaseId) ||
           row.first == storage::MetaKey(kMetaNamesExamined) ||
           row.first == storage::MetaKey(kMetaGroupsVersion) ||
           row.first.starts_with(storage::MembershipPrefix());
  });
  return out;
}

// The online store without its claims. The bulk loader does not build
// claims yet (issue 11, docs/claims.md), so a bulk-loaded store keeps none
// and has no claim window; everything else must be the same.
Dump WithoutClaims(Dump d) {
  d["claims"].clear();
  std::erase_if(d["default"], [](const auto& row) {
    return row.first == storage::MetaKey(kMetaClaimWindow);
  });
  return d;
}

void ExpectSameRows(const Dump& want, const Dump& got) {
  ASSERT_EQ(want.size(), got.size());
  for (const auto& [cf, rows] : want) {
    const auto& other = got.at(cf);
    EXPECT_EQ(rows.size(), other.size()) << cf;
    for (size_t i = 0; i < std::min(rows.size(), other.size()); ++i) {
      if (rows[i] != other[i]) {
        ADD_FAILURE() << cf << " differs at row " << i;
        break;
      }
    }
  }
}

void ExpectSameDatabase(const Dump& online, const Dump& got) {
  EXPECT_TRUE(got.at("claims").empty()) << "a bulk load built claims";
  ExpectSameRows(WithoutClaims(online), got);
}

struct Outcome {
  uint64_t lines = 0, accepted = 0, duplicate = 0, rejected = 0;
  std::vector<std::string> rejections;  // "FILE:LINE: field: why", sorted
};

constexpr int64_t kNow = 1700000000000000;

// The reference: every row through Ingestor::Ingest online, in batches,
// into a store that keeps claims if `claim_window` is set.
Outcome LoadOnline(const std::string& dir, const std::vector<std::string>& files, size_t batch,
                   std::optional<int32_t> claim_window = std::nullopt) {
  Outcome o;
  auto store = storage::Store::Open(dir, storage::StoreOptions());
  EXPECT_OK(store);
  Ingestor ingestor(store->get(), [] { return kNow; }, Ingestor::Mode::kOnline, claim_window);
  EXPECT_OK(ingestor.Init());
  std::vector<model::StatementInput> rows;
  std::vector<std::string> where;
  for (const std::string& f : files) {
    EXPECT_OK(formats::ReadIcewsTsv(
        f,
        [&](uint64_t line, model::StatementInput&& in) {
          rows.push_back(std::move(in));
          where.push_back(f + ":" + std::to_string(line));
          return true;
        },
        [&](uint64_t line, const std::string& why) {
          ++o.lines;
          ++o.rejected;
          o.rejections.push_back(f + ":" + std::to_string(line) + ": " + why);
        }));
  }
  o.lines += rows.size();
  for (size_t i = 0; i < rows.size(); i += batch) {
    std::vector<model::StatementInput> b(rows.begin() + i,
                                         rows.begin() + std::min(rows.size(), i + batch));
    auto out = ingestor.Ingest(b, model::NameResolution::kExact);
    EXPECT_OK(out);
    if (!out.ok()) return o;
    o.accepted += out->accepted;
    o.duplicate += out->duplicate;
    o.rejected += out->rejected;
    for (const Rejection& r : out->rejections) {
      std::string field = r.violations[0].field;
      field = field.substr(field.find("].") + 2);  // "statements[i]." is the batch's
      o.rejections.push_back(where[i + r.index] + ": " + field + ": " +
                             r.violations[0].description);
    }
  }
  std::sort(o.rejections.begin(), o.rejections.end());
  return o;
}

absl::StatusOr<Outcome> LoadBulk(const std::string& dir, const std::vector<std::string>& files,
                                 BulkLoadOptions options, size_t chunk_bytes,
                                 storage::BulkWriterStats* stats = nullptr) {
  Outcome o;
  auto store = storage::Store::Open(dir, storage::StoreOptions());
  if (!store.ok()) return store.status();
  options.clock = [] { return kNow; };
  auto loader = BulkLoader::Open(store->get(), options);
  if (!loader.ok()) return loader.status();
  auto source = formats::IcewsTsvSource::Open(files, chunk_bytes);
  if (!source.ok()) return source.status();
  auto counts = (*loader)->Load(
      **source,
      [&](const BulkRejection& r) {
        std::string text = r.file->name + ":" + std::to_string(r.line) + ": ";
        if (!r.malformed) text += std::string(r.field) + ": ";
        o.rejections.push_back(text + std::string(r.description));
      },
      nullptr);
  if (!counts.ok()) return counts.status();
  if (stats != nullptr) *stats = (*loader)->writer_stats();
  o.lines = counts->lines;
  o.accepted = counts->accepted;
  o.duplicate = counts->duplicate;
  o.rejected = counts->rejected;
  std::sort(o.rejections.begin(), o.rejections.end());
  return o;
}

void ExpectSameOutcome(const Outcome& want, const Outcome& got) {
  EXPECT_EQ(want.lines, got.lines);
  EXPECT_EQ(want.accepted, got.accepted);
  EXPECT_EQ(want.duplicate, got.duplicate);
  EXPECT_EQ(want.rejected, got.rejected);
  EXPECT_EQ(want.rejections, got.rejections);
}

// Rows that exercise every rule: valid and invalid names, dates and
// actions, malformed lines, CRLF, empty lines, no final newline.
const char kTricky[] =
    "North Korea\tProvide military aid\tRussia\t2024-10-01\n"
    "North Korea\tProvide military aid\tRussia\t2024-10-01\n"
    "Russia\tConsult\tNorth Korea\t2024-10-02\n"
    "broken line\n"
    "C\xC3\xB4te d\xE2\x80\x99Ivoire\tMake statement\t\xC3\x89lys\xC3\xA9" "e Palace\t2024-02-29\n"
    "Self\tMake statement\tSelf\t2024-01-01\n"
    "   \tConsult\tX\t2024-01-01\n"
    "Y\tConsult\t\t2024-01-01\n"
    "Z\tConsult\tW\t2023-02-29\n"
    "Z\tConsult\tW\t2024-13-01\n"
    "Z\tConsult\tW\t24-01-01\n"
    "Z\t\tW\t2024-01-01\n"
    "Z\twill attack\tW\t2024-01-01\n"
    "Z\tdid something odd\tW\t2024-01-01\n"
    "A\x01" "B\tConsult\tW\t2024-01-01\n"
    "\xff\xfe\tConsult\tW\t2024-01-01\n"
    "Too\tmany\ttabs\there\t2024-01-01\n"
    "\xC2\xA0\tConsult\tW\t2024-01-01\n"
    "Valid\tConsult\tNewTarget\t2024-01-01\r\n"
    "\n"
    "\r\n"
    "Late\tConsult\tRussia\t2015-06-30";

// `n` rows over a few hundred names (hubs first), relations of the ICEWS
// table, dates over three years.
std::string Generated(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  const auto& relations = Taxonomy::Get().relations();
  std::vector<std::string> rel;
  for (const auto& [name, code] : relations) rel.push_back(name);
  std::string out;
  for (int i = 0; i < n; ++i) {
    const int a = rng() % 4 == 0 ? rng() % 5 : rng() % 300;
    const int b = rng() % 50 == 0 ? a : rng() % 300;
    auto name = [](int k) { return k < 3 ? std::string(k == 0 ? "China" : k == 1 ? "Iran" : "Japan")
                                         : "Actor " + std::to_string(k); };
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2013 + static_cast<int>(rng() % 3),
                  1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28));
    out += name(a) + "\t" + rel[rng() % rel.size()] + "\t" + name(b) + "\t" + date + "\n";
  }
  return out;
}

class BulkLoaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // The files: a tricky one, the same base name again (its accepted lines
  // are duplicates), and a large generated one.
  std::vector<std::string> Files() {
    std::string again = kTricky;
    again.replace(0, again.find('\n'), "Other\tConsult\tRussia\t2020-01-01");  // line 1 differs
    again.replace(again.find("broken line"), 11, "Mended\tConsult\tLine\t2020-01-01");
    again += "\nExtra\tConsult\tLine\t2020-01-02\n";
    return {Write("a.tsv", kTricky), Write("b/a.tsv", again), Write("c.tsv", Generated(7, 3000))};
  }

  void ExpectSameAsOnline(const BulkLoadOptions& options, size_t chunk_bytes,
                          storage::BulkWriterStats* stats = nullptr) {
    const auto files = Files();
    const Outcome want = LoadOnline(dir_.Sub("online"), files, 97);
    auto got = LoadBulk(dir_.Sub("bulk"), files, options, chunk_bytes, stats);
    ASSERT_OK(got);
    ExpectSameOutcome(want, *got);
    EXPECT_GT(want.duplicate, 0u);
    EXPECT_GT(want.rejected, 10u);
    ExpectSameDatabase(DumpDatabase(dir_.Sub("online")), DumpDatabase(dir_.Sub("bulk")));
  }

  entente::testing::TempDir dir_;
};

// The memberships that names of the form "Sector (Country)" imply, as the
// store's next open by an online Ingestor leaves them: "member in parent
// as role (origin)".
std::set<std::string> MembershipsAfterOpen(const std::string& dir) {
  std::set<std::string> out;
  auto store = storage::Store::Open(dir, storage::StoreOptions());
  EXPECT_OK(store);
  if (!store.ok()) return out;
  Ingestor ingestor(store->get());
  EXPECT_OK(ingestor.Init());
  auto groups = GraphReader(store->get()).ListGroups(std::nullopt);
  EXPECT_OK(groups);
  if (!groups.ok()) return out;
  for (const model::Membership& m : groups->memberships) {
    out.insert(groups->entities.at(m.member).name + " in " + groups->entities.at(m.parent).name +
               " as " + m.role + " (" + m.origin + ")");
  }
  return out;
}

// Online ingest writes them with each batch; a bulk load leaves them to
// the next open, which must find the same.
TEST_F(BulkLoaderTest, TheNextOpenFindsTheMembershipsThatNamesImplyAsOnlineIngestWrote) {
  const std::vector<std::string> files = {
      Write("s.tsv",
            "Military (Russia)\tConsult\tForeign Affairs (North Korea)\t2024-10-01\n"
            "Congo (Kinshasa)\tConsult\tCitizen (Atlantis)\t2024-10-02\n")};
  LoadOnline(dir_.Sub("online"), files, 97);
  ASSERT_OK(LoadBulk(dir_.Sub("bulk"), files, BulkLoadOptions(),
                     formats::IcewsTsvSource::kChunkBytes));
  const std::set<std::string> online = MembershipsAfterOpen(dir_.Sub("online"));
  EXPECT_EQ(online, (std::set<std::string>{
                        "Military (Russia) in Russia as Military (icews-name)",
                        "Foreign Affairs (North Korea) in North Korea as Foreign Affairs "
                        "(icews-name)"}));
  EXPECT_EQ(MembershipsAfterOpen(dir_.Sub("bulk")), online);
}

TEST_F(BulkLoaderTest, SameDatabaseAsOnlineIngest) {
  BulkLoadOptions options;
  options.threads = 2;
  ExpectSameAsOnline(options, formats::IcewsTsvSource::kChunkBytes);
}

// Claims found after a bulk load are the claims online ingest kept batch by
// batch: the whole database is the same, byte for byte.
TEST_F(BulkLoaderTest, ClaimsFoundAfterABulkLoadAreThoseOnlineIngestKept) {
  const auto files = Files();
  for (int32_t window : {0, 2}) {
    const std::string online = dir_.Sub("online-" + std::to_string(window));
    const std::string bulk = dir_.Sub("bulk-" + std::to_string(window));
    LoadOnline(online, files, 97, window);
    BulkLoadOptions options;
    options.threads = 2;
    ASSERT_OK(LoadBulk(bulk, files, options, formats::IcewsTsvSource::kChunkBytes));
    {
      auto store = storage::Store::Open(bulk, storage::StoreOptions());
      ASSERT_OK(store);
      auto found = StartKeepingClaims(store->get(), window);
      ASSERT_OK(found);
      EXPECT_GT(*found, 100u);
      EXPECT_THAT(StartKeepingClaims(store->get(), window),
                  StatusIs(absl::StatusCode::kFailedPrecondition));
      auto report = CheckStore(**store, 10);
      ASSERT_OK(report);
      EXPECT_TRUE(report->consistent()) << storage::FormatCheckReport(*report);
      EXPECT_EQ(report->checked.claims, *found);
    }
    const Dump want = DumpDatabase(online);
    EXPECT_FALSE(want.at("claims").empty());
    ExpectSameRows(want, DumpDatabase(bulk));
  }
}

TEST_F(BulkLoaderTest, SameDatabaseWithSmallChunksManyThreadsSpillsAndFiles) {
  BulkLoadOptions options;
  options.threads = 3;
  options.memory_bytes = 3 * (256 << 10);  // the least: sorted runs go to disk
  options.max_file_entries = 500;
  storage::BulkWriterStats stats;
  ExpectSameAsOnline(options, 300, &stats);
  EXPECT_GT(stats.runs_spilled, 0u);
  EXPECT_GT(stats.sst_files, 12u);
}

TEST_F(BulkLoaderTest, ResultIsConsistent) {
  BulkLoadOptions options;
  options.memory_bytes = 256 << 10;
  options.threads = 1;
  ASSERT_OK(LoadBulk(dir_.Sub("db"), Files(), options, 1000));
  auto store = storage::Store::Open(dir_.Sub("db"), storage::StoreOptions());
  ASSERT_OK(store);
  auto report = CheckStore(**store, 10);
  ASSERT_OK(report);
  EXPECT_TRUE(report->consistent()) << storage::FormatCheckReport(*report);
}

TEST_F(BulkLoaderTest, RefusesADatabaseWithStatements) {
  const auto files = Files();
  ASSERT_OK(LoadBulk(dir_.Sub("db"), files, BulkLoadOptions(), 1 << 20));
  EXPECT_THAT(LoadBulk(dir_.Sub("db"), files, BulkLoadOptions(), 1 << 20),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

// A source that fails after a few chunks, as an unreadable disk would.
class FailingSource : public BulkSource {
 public:
  explicit FailingSource(std::unique_ptr<formats::IcewsTsvSource> inner)
      : inner_(std::move(inner)) {}
  const std::vector<BulkFile>& files() const override { return inner_->files(); }
  absl::StatusOr<bool> Read(BulkChunk* chunk) override {
    if (++reads_ == 5) return absl::DataLossError("disk on fire");
    return inner_->Read(chunk);
  }
  void Parse(BulkChunk* chunk) const override { inner_->Parse(chunk); }

 private:
  std::unique_ptr<formats::IcewsTsvSource> inner_;
  int reads_ = 0;
};

TEST_F(BulkLoaderTest, AFailedLoadLeavesNothingAndCanBeRunAgain) {
  const auto files = Files();
  const std::string db = dir_.Sub("db");
  {
    auto store = storage::Store::Open(db, storage::StoreOptions());
    ASSERT_OK(store);
    BulkLoadOptions options;
    options.memory_bytes = 256 << 10;  // runs on disk before the failure
    auto loader = BulkLoader::Open(store->get(), options);
    ASSERT_OK(loader);
    auto inner = formats::IcewsTsvSource::Open(files, 500);
    ASSERT_OK(inner);
    FailingSource source(std::move(*inner));
    EXPECT_THAT((*loader)->Load(source, [](const BulkRejection&) {}, nullptr),
                StatusIs(absl::StatusCode::kDataLoss));
    EXPECT_THAT((*store)->Latest()->GetStatement(1), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT((*store)->GetMeta("next_statement_id"), StatusIs(absl::StatusCode::kNotFound));
  }
  // Nothing of it is left in the directory.
  for (const auto& entry : std::filesystem::directory_iterator(db)) {
    EXPECT_EQ(entry.path().filename().string().rfind("bulk-", 0), std::string::npos)
        << entry.path();
  }
  const Outcome want = LoadOnline(dir_.Sub("online"), files, 1000);
  auto got = LoadBulk(db, files, BulkLoadOptions(), 1 << 20);
  ASSERT_OK(got);
  ExpectSameOutcome(want, *got);
  ExpectSameDatabase(DumpDatabase(dir_.Sub("online")), DumpDatabase(db));
}

TEST_F(BulkLoaderTest, OnlineIngestContinuesAfterABulkLoad) {
  const auto files = Files();
  ASSERT_OK(LoadBulk(dir_.Sub("db"), files, BulkLoadOptions(), 1 << 20));
  auto store = storage::Store::Open(dir_.Sub("db"), storage::StoreOptions());
  ASSERT_OK(store);
  Ingestor online(store->get());
  ASSERT_OK(online.Init());
  // The first row again is a duplicate (same key); a new row gets the next
  // ids, and its names resolve to the bulk-loaded entities.
  model::StatementInput again;
  again.actor.name = "North Korea";
  again.target.name = "Russia";
  again.action_text = "Provide military aid";
  again.cameo_code = "072";
  again.date = {2024, 10, 1};
  again.source.document_id = "a.tsv";
  again.extractor_name = "icews-tsv";
  again.idempotency_key = "a.tsv:1";
  model::StatementInput fresh = again;
  fresh.actor.name = "Actor 17";
  fresh.idempotency_key = "new:1";
  auto out = online.Ingest({again, fresh}, model::NameResolution::kExact);
  ASSERT_OK(out);
  EXPECT_EQ(out->duplicate, 1u);
  EXPECT_EQ(out->ids[0], 1u);
  EXPECT_EQ(out->accepted, 1u);
  auto s = (*store)->Latest()->GetStatement(out->ids[1]);
  ASSERT_OK(s);
  auto actor = (*store)->Latest()->FindExactName("Actor 17");
  ASSERT_OK(actor);
  EXPECT_EQ(s->actor, *actor);
}

TEST(IdempotencyKeyHashTest, IsWhatIngestStores) {
  entente::testing::TempDir dir;
  auto store = storage::Store::Open(dir.path(), storage::StoreOptions());
  ASSERT_OK(store);
  Ingestor ingestor(store->get());
  ASSERT_OK(ingestor.Init());
  for (const std::string& key : std::vector<std::string>{"a.tsv:1", "", std::string(300, 'k'), std::string(511, 'x')}) {
    model::StatementInput in;
    in.actor.name = "A";
    in.target.name = "B";
    in.action_text = "met";
    in.date = {2024, 1, 1};
    in.source.document_id = "d";
    in.idempotency_key = key.empty() ? "e" : key;
    auto out = ingestor.Ingest({in}, model::NameResolution::kExact);
    ASSERT_OK(out);
    char hash[storage::kIdempotencyHashSize];
    IdempotencyKeyHash(in.idempotency_key, hash);
    auto id = (*store)->Latest()->FindIdempotencyHash(std::string_view(hash, sizeof hash));
    ASSERT_OK(id);
    EXPECT_EQ(*id, out->ids[0]) << key;
  }
}

}  // namespace
}  // namespace entente::graph
