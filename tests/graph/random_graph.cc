#include "tests/graph/random_graph.h"

#include <gtest/gtest.h>

#include <iostream>
#include <random>
#include <set>

#include "graph/taxonomy.h"
#include "tests/graph/query_maker.h"

namespace entente::graph {

std::vector<model::EntityId> Isolated(const World& w) {
  std::set<model::EntityId> used;
  for (const auto& s : w.reference().statements()) used.insert({s.actor, s.target});
  std::vector<model::EntityId> out;
  for (model::EntityId id = 1; id <= 300; ++id) {
    if (!used.count(id) && w.reader().GetEntity(id).ok()) out.push_back(id);
  }
  return out;
}

void CheckRandomQueries(const World& w, const std::vector<model::EntityId>& isolated, uint32_t seed,
                        const Budget& budget, const std::string& label) {
  QueryMaker make(w.reference(), isolated, seed);
  const GraphReader& r = w.reader();
  const ReferenceGraph& ref = w.reference();
  Tally t;
  for (int i = 0; i < budget.traverse && !::testing::Test::HasFailure(); ++i) {
    CheckTraverse(r, ref, make.Traverse(budget.traverse_depth_cap), &t);
  }
  for (int i = 0; i < budget.limited && !::testing::Test::HasFailure(); ++i) {
    CheckLimitedTraverse(r, ref, make.LimitedTraverse(), &t);
  }
  for (int i = 0; i < budget.paths && !::testing::Test::HasFailure(); ++i) {
    CheckPaths(r, ref, make.Path(budget.max_hops_cap), &t);
  }
  for (int i = 0; i < budget.timeline && !::testing::Test::HasFailure(); ++i) {
    CheckTimeline(r, ref, make.Timeline(), &t);
  }
  for (int i = 0; i < budget.profile && !::testing::Test::HasFailure(); ++i) {
    model::EntityId e;
    const int top = make.Profile(&e);
    CheckProfile(r, ref, e, top, &t);
  }
  for (int i = 0; i < budget.list && !::testing::Test::HasFailure(); ++i) {
    CheckList(r, ref, make.List(), &t);
  }
  std::cout << "[ compared ] " << label << ": " << t.ToString() << std::endl;
}

void PrintTo(const GraphSpec& s, std::ostream* os) {
  *os << "seed " << s.seed << ", " << s.entities << " entities, " << s.statements << " statements";
}

std::vector<model::StatementInput> RandomStatements(const GraphSpec& spec) {
  std::mt19937 rng(spec.seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  auto entity = [&] {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return "E" + std::to_string(spec.seed) + "-" + std::to_string(int(spec.entities * u * u));
  };
  const auto& codes = Taxonomy::Get().codes();
  const auto& relations = Taxonomy::Get().relations();
  const int32_t first = model::DaysFromCivil(2023, 1, 1);
  const int32_t last = model::DaysFromCivil(2024, 12, 31);

  std::vector<model::StatementInput> out;
  for (int i = 0; i < spec.statements; ++i) {
    model::StatementInput in;
    if (!out.empty() && chance(0.05)) {
      in = out[uniform(0, out.size() - 1)];  // the same row again
    } else if (!out.empty() && chance(0.15)) {
      // Another report of an earlier event (docs/claims.md): a claim with
      // several statements, documents and sources, some denying it.
      in = out[uniform(0, out.size() - 1)];
      in.date = model::DateOfDay(model::FirstDay(in.date) + uniform(-2, 2));
      in.modality = static_cast<model::Modality>(uniform(0, 4));
      const int doc = uniform(0, 49);
      in.source.document_id = "doc-" + std::to_string(doc);
      in.source.publisher = doc % 8 == 0 ? "" : "pub-" + std::to_string(doc % 5);
    } else {
      in.actor.name = entity();
      in.target.name = chance(0.03) ? in.actor.name : entity();
      const int c = uniform(0, 99);
      in.action_text = "zq acted";  // unknown to the lexicon
      if (c < 80) {
        in.cameo_code = codes[uniform(0, codes.size() - 1)].code;
      } else if (c < 88) {
        auto it = relations.begin();
        std::advance(it, uniform(0, relations.size() - 1));
        in.action_text = it->first;  // the lexicon classifies it
      }
      const model::Date d = model::DateOfDay(uniform(first, last));
      const int p = uniform(0, 19);
      in.date = p < 16 ? d : p < 19 ? model::Date{d.year, d.month, 0} : model::Date{d.year, 0, 0};
      if (chance(0.9)) in.confidence = uniform(0, 20) / 20.0;
      in.modality = static_cast<model::Modality>(uniform(0, 4));
      const int doc = uniform(0, 49);
      in.source.document_id = "doc-" + std::to_string(doc);
      // Five publishers, and some documents without one (each its own source).
      in.source.publisher = doc % 8 == 0 ? "" : "pub-" + std::to_string(doc % 5);
    }
    in.idempotency_key = "random-" + std::to_string(spec.seed) + "-" + std::to_string(i);
    out.push_back(std::move(in));
  }
  return out;
}

std::vector<model::StatementInput> RandomTemporalStatements(const GraphSpec& spec) {
  std::mt19937 rng(spec.seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int32_t first = model::DaysFromCivil(2024, 1, 20);
  static const char* const kCodes[] = {"042", "190", "036"};
  static const model::Date kPeriods[] = {
      {2023, 12, 0}, {2024, 1, 0}, {2024, 2, 0}, {2023, 0, 0}, {2024, 0, 0}};
  std::vector<model::StatementInput> out;
  for (int i = 0; i < spec.statements; ++i) {
    model::StatementInput in;
    in.actor.name =
        "T" + std::to_string(spec.seed) + "-" + std::to_string(uniform(0, spec.entities - 1));
    in.target.name =
        "T" + std::to_string(spec.seed) + "-" + std::to_string(uniform(0, spec.entities - 1));
    in.action_text = "zq acted";
    in.cameo_code = kCodes[uniform(0, 2)];
    // Odd seeds mostly days, even seeds mostly months and years: coarse
    // dates make many clocks equal, and so many ties.
    const int p = uniform(0, 9);
    in.date = p < (spec.seed % 2 == 1 ? 7 : 3) ? model::DateOfDay(first + uniform(0, 14))
                                               : kPeriods[uniform(0, 4)];
    in.confidence = uniform(1, 4) / 4.0;
    const int doc = uniform(0, 9);
    in.source.document_id = "tdoc-" + std::to_string(doc);
    in.source.publisher = "pub-" + std::to_string(doc % 3);
    in.idempotency_key = "temporal-" + std::to_string(spec.seed) + "-" + std::to_string(i);
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace entente::graph
