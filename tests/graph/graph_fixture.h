// A real store in a fresh directory with an initialised Ingestor and a
// GraphReader on it.
#ifndef ENTENTE_TESTS_GRAPH_GRAPH_FIXTURE_H_
#define ENTENTE_TESTS_GRAPH_GRAPH_FIXTURE_H_

#include <gtest/gtest.h>

#include "graph/ingestor.h"
#include "graph/reader.h"
#include "storage/store.h"
#include "tests/graph/test_statements.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::graph {

class GraphFixture : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    reader_.reset();
    ingestor_.reset();
    store_.reset();
    auto s = storage::Store::Open(dir_.path(), storage::StoreOptions());
    ASSERT_OK(s);
    store_ = std::move(*s);
    ingestor_ = std::make_unique<Ingestor>(store_.get(), [this] { return now_; });
    ASSERT_OK(ingestor_->Init());
    reader_ = std::make_unique<GraphReader>(store_.get());
  }

  IngestOutcome MustIngest(const std::vector<model::StatementInput>& batch,
                           model::NameResolution r = model::NameResolution::kAlias) {
    auto out = ingestor_->Ingest(batch, r);
    EXPECT_OK(out);
    return out.ok() ? *out : IngestOutcome{};
  }

  model::EntityId IdOf(const std::string& name,
                       model::NameResolution r = model::NameResolution::kAlias) {
    model::EntityRef ref;
    ref.name = name;
    auto e = reader_->FindEntity(ref, r);
    EXPECT_OK(e);
    return e.ok() ? e->id : 0;
  }

  int64_t now_ = 1729555200000000;  // 2024-10-22T00:00:00Z
  entente::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<GraphReader> reader_;
};

}  // namespace entente::graph

#endif  // ENTENTE_TESTS_GRAPH_GRAPH_FIXTURE_H_
