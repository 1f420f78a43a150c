// ClaimBook on a real store: random batches of new and deleted statements,
// after each of which the claims family must hold exactly the claims the
// rule (model/claim.h) makes of the statements left, with exact counts.
#include "storage/claim_book.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "model/claim.h"
#include "storage/check.h"
#include "storage/check_claims.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::storage {
namespace {

using MemberCounts = std::map<std::pair<ClaimSet, std::string>, uint64_t>;

// A claim as the test expects it: its row and its members.
struct Expected {
  ClaimRow row;
  MemberCounts members;
};

std::string Hash(model::StatementId id) {
  std::string h(kIdempotencyHashSize, '\0');
  for (int i = 0; i < 8; ++i) h[i] = static_cast<char>(id >> (8 * i));
  return h;
}

// Publishers by document: some documents have none.
std::string PublisherOf(int doc) {
  static const char* const kPublishers[] = {"Yonhap", "Reuters", "", "KCNA", "TASS", ""};
  return kPublishers[doc % 6];
}

class ClaimBookTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    auto s = Store::Open(dir_.path(), StoreOptions());
    ASSERT_OK(s);
    store_ = std::move(*s);
  }

  int window() const { return GetParam(); }

  model::Statement RandomStatement(std::mt19937& rng) {
    model::Statement s;
    s.id = next_id_++;
    s.actor = rng() % 3 + 1;
    s.target = rng() % 3 + 1;  // self-loops too
    static const char* const kCodes[] = {"042", "1711", "", ""};
    s.cameo_code = kCodes[rng() % 4];
    s.action_text = rng() % 2 ? "sent troops to" : "met";
    const int32_t day = model::FirstDay({2024, 9, 1}) + static_cast<int32_t>(rng() % 75);
    const model::Date d = model::DateOfDay(day);
    switch (rng() % 10) {
      case 0:
        s.date = {d.year, 0, 0};
        break;
      case 1:
      case 2:
        s.date = {d.year, d.month, 0};
        break;
      default:
        s.date = d;
    }
    const int doc = static_cast<int>(rng() % 40);
    s.document_id = "doc-" + std::to_string(doc);
    s.attributed_to = rng() % 3 == 0 ? 0 : 5 + rng() % 3;
    s.modality = static_cast<model::Modality>(1 + rng() % 4);
    s.ingested_at_micros = 1'700'000'000'000'000 + static_cast<int64_t>(s.id) * 1000;
    return s;
  }

  void AddBatch(const std::vector<model::Statement>& batch) {
    WriteSet ws = store_->NewWriteSet();
    auto view = store_->Latest();
    ClaimBook book(view.get(), window());
    for (const model::Statement& s : batch) {
      const int doc = std::stoi(s.document_id.substr(4));
      model::Document d;
      d.document_id = s.document_id;
      d.publisher = PublisherOf(doc);
      ws.PutDocument(d);
      ws.PutStatement(s, Hash(s.id), SummaryShare());
      ASSERT_OK(book.Add(ClaimMemberOf(s, d.publisher)));
      live_.emplace(s.id, s);
    }
    ASSERT_OK(book.WriteTo(&ws));
    ASSERT_OK(store_->Commit(ws));
  }

  void RemoveBatch(const std::vector<model::StatementId>& ids) {
    WriteSet ws = store_->NewWriteSet();
    auto view = store_->Latest();
    ClaimBook book(view.get(), window());
    for (model::StatementId id : ids) {
      const model::Statement s = live_.at(id);
      ws.DeleteStatement(s);
      ASSERT_OK(book.Remove(s));
      live_.erase(id);
    }
    ASSERT_OK(book.WriteTo(&ws));
    ASSERT_OK(store_->Commit(ws));
  }

  // The claims the rule makes of the live statements, by (subject, first
  // day), computed from the statements alone.
  std::map<std::pair<model::ClaimSubject, int32_t>, Expected> ExpectedClaims() const {
    std::map<model::ClaimSubject, std::vector<const model::Statement*>> by_subject;
    for (const auto& [id, s] : live_) by_subject[model::ClaimSubjectOf(s)].push_back(&s);
    std::map<std::pair<model::ClaimSubject, int32_t>, Expected> out;
    for (const auto& [subject, statements] : by_subject) {
      std::vector<model::DayRange> days;
      for (const model::Statement* s : statements) days.push_back(model::DayRangeOf(s->date));
      for (const std::vector<size_t>& claim : model::GroupIntoClaims(days, window())) {
        Expected e;
        e.row.subject = subject;
        e.row.first_day = days[claim[0]].first;
        e.row.last_day = days[claim[0]].last;
        e.row.id = statements[claim[0]]->id;
        e.row.first_ingested_micros = e.row.last_ingested_micros =
            statements[claim[0]]->ingested_at_micros;
        for (size_t i : claim) {
          const model::Statement& s = *statements[i];
          e.row.first_day = std::min(e.row.first_day, days[i].first);
          e.row.last_day = std::max(e.row.last_day, days[i].last);
          e.row.id = std::min(e.row.id, s.id);
          e.row.first_ingested_micros = std::min(e.row.first_ingested_micros, s.ingested_at_micros);
          e.row.last_ingested_micros = std::max(e.row.last_ingested_micros, s.ingested_at_micros);
          ++e.row.statements;
          ++e.row.modalities[static_cast<size_t>(s.modality) - 1];
          ++e.members[{ClaimSet::kDocument, s.document_id}];
          const std::string publisher = PublisherOf(std::stoi(s.document_id.substr(4)));
          ++e.members[{ClaimSet::kSource, model::IndependentSourceOf(s.document_id, publisher)}];
          if (s.attributed_to != 0) ++e.members[{ClaimSet::kClaimant, EncodeId(s.attributed_to)}];
        }
        for (const auto& [key, count] : e.members) {
          ++(key.first == ClaimSet::kDocument ? e.row.documents
             : key.first == ClaimSet::kSource ? e.row.sources
                                              : e.row.claimants);
        }
        out.emplace(std::make_pair(subject, e.row.first_day), std::move(e));
      }
    }
    return out;
  }

  void ExpectClaimsMatch(const std::string& when) {
    const auto expected = ExpectedClaims();
    auto view = store_->Latest();
    std::set<model::StatementId> claim_ids;
    size_t seen = 0;
    ASSERT_OK(view->ScanClaims([&](const ClaimRow& row) {
      ++seen;
      EXPECT_TRUE(claim_ids.insert(row.id).second) << when << ": two claims of one id";
      auto e = expected.find({row.subject, row.first_day});
      if (e == expected.end()) {
        ADD_FAILURE() << when << ": unexpected claim " << row.id << " first day " << row.first_day;
        return true;
      }
      const ClaimRow& x = e->second.row;
      EXPECT_EQ(std::tie(row.last_day, row.id, row.statements, row.documents, row.sources,
                         row.claimants, row.modalities, row.first_ingested_micros,
                         row.last_ingested_micros),
                std::tie(x.last_day, x.id, x.statements, x.documents, x.sources, x.claimants,
                         x.modalities, x.first_ingested_micros, x.last_ingested_micros))
          << when << ": claim " << x.id;
      MemberCounts members;
      EXPECT_OK(view->ScanClaimMembers(row.id, [&](ClaimSet set, std::string_view m,
                                                         uint64_t count) {
        members[{set, std::string(m)}] = count;
        return true;
      }));
      EXPECT_EQ(members, e->second.members) << when << ": members of claim " << x.id;
      return true;
    }));
    EXPECT_EQ(seen, expected.size()) << when;
    // check's recomputation (storage/check_claims.h) agrees too.
    CheckReport report;
    ASSERT_OK(CheckClaims(*view, window(), 5, &report));
    EXPECT_EQ(report.problems_total, 0u) << when << ": " << FormatCheckReport(report);
    EXPECT_EQ(report.checked.claims, expected.size()) << when;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  model::StatementId next_id_ = 1;
  std::map<model::StatementId, model::Statement> live_;
};

TEST_P(ClaimBookTest, RandomBatchesOfIngestAndRetractionKeepExactClaims) {
  std::mt19937 rng(1000 + GetParam());
  for (int round = 0; round < 150; ++round) {
    if (live_.empty() || rng() % 3 != 0) {
      std::vector<model::Statement> batch;
      const int n = 1 + static_cast<int>(rng() % 8);
      for (int i = 0; i < n; ++i) batch.push_back(RandomStatement(rng));
      ASSERT_NO_FATAL_FAILURE(AddBatch(batch));
    } else {
      std::vector<model::StatementId> ids;
      for (const auto& [id, s] : live_) ids.push_back(id);
      std::shuffle(ids.begin(), ids.end(), rng);
      ids.resize(std::min<size_t>(ids.size(), 1 + rng() % 4));
      ASSERT_NO_FATAL_FAILURE(RemoveBatch(ids));
    }
    ASSERT_NO_FATAL_FAILURE(ExpectClaimsMatch("round " + std::to_string(round)));
  }
  Reopen();
  ExpectClaimsMatch("after reopen");
  // Retracting everything leaves no claim and no member row.
  std::vector<model::StatementId> all;
  for (const auto& [id, s] : live_) all.push_back(id);
  ASSERT_NO_FATAL_FAILURE(RemoveBatch(all));
  ExpectClaimsMatch("after retracting all");
}

INSTANTIATE_TEST_SUITE_P(Windows, ClaimBookTest, ::testing::Values(0, 1, 3),
                         [](const auto& info) { return "Window" + std::to_string(info.param); });

class ClaimBookCasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.path(), StoreOptions());
    ASSERT_OK(s);
    store_ = std::move(*s);
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

model::Statement OneStatement() {
  model::Statement s;
  s.id = 1;
  s.actor = 1;
  s.target = 2;
  s.cameo_code = "042";
  s.date = {2024, 10, 22};
  s.document_id = "d";
  return s;
}

TEST_F(ClaimBookCasesTest, ABookEitherAddsOrRemoves) {
  auto view = store_->Latest();
  ClaimBook book(view.get(), 1);
  const model::Statement s = OneStatement();
  ASSERT_OK(book.Add(ClaimMemberOf(s, "")));
  EXPECT_THAT(book.Remove(s), testing::StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ClaimBookCasesTest, RemovingAStatementNoClaimHoldsIsDataLoss) {
  auto view = store_->Latest();
  ClaimBook book(view.get(), 1);
  EXPECT_THAT(book.Remove(OneStatement()), testing::StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace entente::storage
