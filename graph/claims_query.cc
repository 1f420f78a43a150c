#include "graph/claims_query.h"

#include <algorithm>
#include <set>
#include <string>

#include "graph/ingestor.h"
#include "model/claim.h"

namespace entente::graph {
namespace {

// As often as the analytics ask their StopFn (graph/analytics.cc).
constexpr int kStopCheckEvery = 256;

// Charges `c` to `memory` and keeps it in `out`.
absl::Status Keep(const storage::ClaimRow& c, WorkLease* memory,
                  std::vector<storage::ClaimRow>* out) {
  if (absl::Status s = memory->Charge(sizeof(storage::ClaimRow) +
                                      c.subject.action_text.capacity() +
                                      c.subject.cameo_code.capacity());
      !s.ok()) {
    return s;
  }
  out->push_back(c);
  return absl::OkStatus();
}

void SortClaims(ClaimOrder order, std::vector<storage::ClaimRow>* rows) {
  std::sort(rows->begin(), rows->end(),
            [order](const storage::ClaimRow& a, const storage::ClaimRow& b) {
              return ClaimBefore(a, b, order);
            });
}

}  // namespace

absl::Status RequireClaims(const storage::Store& store, const std::string& what) {
  auto window = LoadClaimWindow(store);
  if (!window.ok()) return window.status();
  if (*window) return absl::OkStatus();
  return absl::FailedPreconditionError(
      what + " needs claims, and this database keeps none: start entente-server with --claims "
             "on a new database, or run entente-admin claims on this one while the server is "
             "stopped");
}

bool ClaimPasses(const storage::ClaimRow& c, const ClaimCriteria& criteria) {
  if (c.last_day < criteria.day_lo || c.first_day > criteria.day_hi) return false;
  if (criteria.min_sources > 1 && c.sources < static_cast<uint64_t>(criteria.min_sources)) {
    return false;
  }
  return !criteria.contested_only || model::IsContested(c.modalities[0], c.modalities[1]);
}

bool ClaimBefore(const storage::ClaimRow& a, const storage::ClaimRow& b, ClaimOrder order) {
  if (order == ClaimOrder::kSources) {
    if (a.sources != b.sources) return a.sources > b.sources;
    if (a.statements != b.statements) return a.statements > b.statements;
    if (a.last_day != b.last_day) return a.last_day > b.last_day;
    return a.id < b.id;
  }
  if (a.last_day != b.last_day) return a.last_day > b.last_day;
  return a.id > b.id;
}

absl::StatusOr<std::vector<storage::ClaimRow>> FindClaims(const storage::ReadView& view,
                                                          model::EntityId entity,
                                                          std::optional<model::EntityId> other,
                                                          const ClaimCriteria& criteria,
                                                          ClaimOrder order, const StopFn& stop,
                                                          WorkLease* memory) {
  // (actor, target or none for every target) of the scans to make.
  std::vector<std::pair<model::EntityId, std::optional<model::EntityId>>> scans;
  if (other) {
    scans.push_back({entity, other});
    if (*other != entity) scans.push_back({*other, entity});
  } else {
    scans.push_back({entity, std::nullopt});
    // The actors of the claims whose target is `entity`: its in-summary's
    // counterparts (a self-loop's claims came with the scan above).
    std::set<model::EntityId> actors;
    absl::Status s = view.ScanSummaries(entity, storage::kSummaryIn, [&](const storage::SummaryCell& c) {
      if (c.counterpart != entity) actors.insert(c.counterpart);
      return true;
    });
    if (!s.ok()) return s;
    for (model::EntityId a : actors) scans.push_back({a, entity});
  }
  std::vector<storage::ClaimRow> out;
  absl::Status charged;
  int until_check = kStopCheckEvery;
  bool stopped = false;
  for (const auto& [actor, target] : scans) {
    absl::Status s = view.ScanClaimsOf(actor, target, [&](const storage::ClaimRow& c) {
      if (--until_check == 0) {
        until_check = kStopCheckEvery;
        if (stop && stop()) {
          stopped = true;
          return false;
        }
      }
      if (!ClaimPasses(c, criteria)) return true;
      charged = Keep(c, memory, &out);
      return charged.ok();
    });
    if (stopped) return absl::DeadlineExceededError("deadline exceeded or call cancelled");
    if (!charged.ok()) return charged;
    if (!s.ok()) return s;
  }
  SortClaims(order, &out);
  return out;
}

absl::StatusOr<std::vector<storage::ClaimRow>> FindClaimantClaims(
    const storage::ReadView& view, model::EntityId claimant, std::optional<model::EntityId> entity,
    const ClaimCriteria& criteria, ClaimOrder order, const StopFn& stop, WorkLease* memory) {
  std::vector<model::StatementId> ids;
  absl::Status s = view.ScanClaimantRows(claimant, [&](model::EntityId, model::StatementId claim) {
    ids.push_back(claim);
    return true;
  });
  if (!s.ok()) return s;
  std::vector<storage::ClaimRow> out;
  int until_check = kStopCheckEvery;
  for (model::StatementId id : ids) {
    if (--until_check == 0) {
      until_check = kStopCheckEvery;
      if (stop && stop()) return absl::DeadlineExceededError("deadline exceeded or call cancelled");
    }
    // A claim's id is its smallest statement, which names its subject.
    auto statement = view.GetStatement(id);
    if (!statement.ok()) return statement.status();
    auto claim = ClaimOfStatement(view, *statement);
    if (!claim.ok()) return claim.status();
    if (claim->id != id) {
      return absl::DataLossError("claimant row of claim " + std::to_string(id) +
                                 ", which is no claim; run entente-admin check");
    }
    if (entity && claim->subject.actor != *entity && claim->subject.target != *entity) continue;
    if (!ClaimPasses(*claim, criteria)) continue;
    if (absl::Status c = Keep(*claim, memory, &out); !c.ok()) return c;
  }
  SortClaims(order, &out);
  return out;
}

ClaimantProfile TallyClaimant(const std::vector<storage::ClaimRow>& claims,
                              model::EntityId claimant, size_t top) {
  ClaimantProfile t;
  std::map<model::EntityId, uint64_t> about;
  for (const auto& c : claims) {
    ++t.claims;
    t.contested += model::IsContested(c.modalities[0], c.modalities[1]);
    t.corroborated += c.sources >= 2;
    // Each end once (a self-loop's entity once), the claimant never.
    if (c.subject.actor != claimant) ++about[c.subject.actor];
    if (c.subject.target != claimant && c.subject.target != c.subject.actor) {
      ++about[c.subject.target];
    }
  }
  t.about.assign(about.begin(), about.end());
  std::sort(t.about.begin(), t.about.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (t.about.size() > top) t.about.resize(top);
  return t;
}

absl::StatusOr<model::ClaimSubject> ClaimSubjectOfEntry(const storage::ReadView& view,
                                                        const model::EdgeEntry& e) {
  if (!e.cameo_code.empty() || e.covering) {
    model::ClaimSubject subject{e.actor, e.target, e.cameo_code, ""};
    if (e.cameo_code.empty()) subject.action_text = e.action_text;
    return subject;
  }
  auto s = view.GetStatement(e.statement);
  if (!s.ok()) return s.status();
  return model::ClaimSubjectOf(*s);
}

absl::StatusOr<storage::ClaimRow> ClaimHoldingDay(const storage::ReadView& view,
                                                  const model::ClaimSubject& subject,
                                                  int32_t day, model::StatementId statement) {
  std::optional<storage::ClaimRow> found;
  absl::Status st = view.ScanClaimsBackward(subject, day, [&](const storage::ClaimRow& c) {
    if (c.last_day >= day) found = c;
    return false;  // the latest claim starting on or before the day, or none
  });
  if (!st.ok()) return st;
  if (!found) {
    return absl::DataLossError("statement " + std::to_string(statement) +
                               " has no claim; run entente-admin check");
  }
  return *std::move(found);
}

absl::StatusOr<storage::ClaimRow> ClaimOfStatement(const storage::ReadView& view,
                                                   const model::Statement& s) {
  return ClaimHoldingDay(view, model::ClaimSubjectOf(s), model::FirstDay(s.date), s.id);
}

absl::StatusOr<std::vector<model::StatementId>> ClaimStatements(const storage::ReadView& view,
                                                                const storage::ClaimRow& claim) {
  storage::EdgeScan scan;
  scan.entity = claim.subject.actor;
  scan.pair_with = claim.subject.target;
  scan.day_lo = claim.first_day;
  scan.day_hi = claim.last_day;
  scan.newest_first = false;
  auto it = view.ScanEdges(scan);
  std::vector<std::pair<int32_t, model::StatementId>> found;
  for (; it->Valid(); it->Next()) {
    const model::EdgeEntry& e = it->entry();
    if (e.actor != claim.subject.actor || e.target != claim.subject.target) continue;
    auto subject = ClaimSubjectOfEntry(view, e);
    if (!subject.ok()) return subject.status();
    if (*subject == claim.subject) found.push_back({e.day, e.statement});
  }
  if (absl::Status s = it->status(); !s.ok()) return s;
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<model::StatementId> ids;
  ids.reserve(found.size());
  for (const auto& [day, id] : found) ids.push_back(id);
  return ids;
}

namespace {

// Keeps the `top` rows that come first in ClaimOrder::kSources.
void KeepTop(const storage::ClaimRow& c, size_t top, std::vector<storage::ClaimRow>* heap) {
  const auto before = [](const storage::ClaimRow& a, const storage::ClaimRow& b) {
    return ClaimBefore(a, b, ClaimOrder::kSources);
  };
  if (top == 0) return;
  if (heap->size() < top) {
    heap->push_back(c);
    std::push_heap(heap->begin(), heap->end(), before);
  } else if (before(c, heap->front())) {
    std::pop_heap(heap->begin(), heap->end(), before);
    heap->back() = c;
    std::push_heap(heap->begin(), heap->end(), before);
  }
}

// The reported coverage of `out`: each claim's highest NumSources among
// its statements that carry one.
absl::Status SummarizeReported(const storage::ReadView& view, ClaimsSummary* out) {
  struct Highest {
    uint64_t reported = 0;
    uint64_t counted = 0;
  };
  std::map<model::StatementId, Highest> by_claim;
  absl::Status failed;
  absl::Status s = view.ScanStatements([&](const model::Statement& st) {
    if (st.reported.sources == 0) return true;
    ++out->reported_statements;
    absl::StatusOr<storage::ClaimRow> claim = ClaimOfStatement(view, st);
    if (!claim.ok()) {
      failed = claim.status();
      return false;
    }
    Highest& h = by_claim[claim->id];
    h.reported = std::max<uint64_t>(h.reported, st.reported.sources);
    h.counted = claim->sources;
    return true;
  });
  if (!s.ok()) return s;
  if (!failed.ok()) return failed;
  for (const auto& [id, h] : by_claim) {
    ++out->by_reported_sources[h.reported];
    if (h.reported > h.counted) ++out->reported_above_counted;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ClaimsSummary> SummarizeClaims(const storage::ReadView& view, size_t top) {
  ClaimsSummary out;
  absl::Status s = view.ScanClaims([&](const storage::ClaimRow& c) {
    ++out.claims;
    out.statements += c.statements;
    ++out.by_sources[c.sources];
    KeepTop(c, top, &out.most_sources);
    if (model::IsContested(c.modalities[0], c.modalities[1])) {
      ++out.contested;
      KeepTop(c, top, &out.most_contested);
    }
    return true;
  });
  if (!s.ok()) return s;
  for (auto* rows : {&out.most_sources, &out.most_contested}) SortClaims(ClaimOrder::kSources, rows);
  if (absl::Status r = SummarizeReported(view, &out); !r.ok()) return r;
  return out;
}

}  // namespace entente::graph
