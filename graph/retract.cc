// Ingestor::Retract: deleting statements with their indexes and summaries.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_set>

#include "graph/ingestor.h"
#include "storage/claim_book.h"
#include "storage/key_codec.h"
#include "storage/statement_rows.h"

namespace entente::graph {
namespace {

// The summary cells of one (entity, direction, month): the retraction
// touched `cells`, which are recomputed together from one scan of the
// entity's index over that month.
struct CellGroup {
  std::map<std::string, storage::SummaryCell> cells;  // by summary key
};
using GroupKey = std::tuple<model::EntityId, uint8_t, int32_t>;

// Recomputes every cell of `group` from the index entries still there once
// `doomed` is gone. A summary is a sum of deltas (storage/key_codec.h), but
// a negative delta cannot undo a cell's first or last day: the remaining
// statements decide those. So the cell is rebuilt from scratch, exactly as
// ingest would have built it from the remaining statements, and replaces
// the stored one with a Put (or a Delete when nothing remains). Ingest is
// locked out meanwhile, so no merge operand can slip in between.
absl::Status Recompute(const storage::ReadView& view, const GroupKey& key, CellGroup* group,
                       const std::map<model::StatementId, model::Statement>& doomed) {
  const auto [entity, dir, month] = key;
  const model::Date month_date{month / 12, month % 12 + 1, 0};
  storage::EdgeScan scan;
  scan.direction = dir == storage::kSummaryOut ? model::Direction::kOut : model::Direction::kIn;
  scan.entity = entity;
  scan.day_lo = model::FirstDay(month_date);
  scan.day_hi = model::LastDay(month_date);
  scan.newest_first = false;
  for (auto& [k, cell] : group->cells) {
    cell.count = 0;
    cell.goldstein_x10 = 0;
  }
  storage::SummaryCell probe;
  probe.entity = entity;
  probe.dir = dir;
  probe.month = month;
  auto it = view.ScanEdges(scan);
  for (; it->Valid(); it->Next()) {
    const model::EdgeEntry& e = it->entry();
    if (doomed.count(e.statement)) continue;
    const SummaryShare share = SummaryShareOf(e.cameo_code);
    probe.counterpart = e.counterpart;
    probe.root = share.root;
    auto found = group->cells.find(storage::SummaryKey(probe));
    if (found == group->cells.end()) continue;
    storage::AddToSummary(&found->second, e.day, share.goldstein_x10);
  }
  return it->status();
}

}  // namespace

absl::StatusOr<RetractOutcome> Ingestor::Retract(const std::vector<model::StatementId>& ids,
                                                 const std::vector<std::string>& documents,
                                                 std::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ == Mode::kBulk) {
    return absl::FailedPreconditionError("retraction is not possible during a bulk load");
  }
  // Under the lock no other write runs, so what this view reads is what the
  // commit below applies to.
  const auto view = store_->Snapshot();
  RetractOutcome out;
  std::map<model::StatementId, model::Statement> doomed;
  std::unordered_set<model::StatementId> missing;
  for (model::StatementId id : ids) {
    if (doomed.count(id) || missing.count(id)) continue;
    auto s = view->GetStatement(id);
    if (absl::IsNotFound(s.status())) {
      missing.insert(id);
      out.ids_not_found.push_back(id);
      continue;
    }
    if (!s.ok()) return s.status();
    doomed.emplace(id, *std::move(s));
  }

  storage::WriteSet ws = store_->NewWriteSet();
  if (!documents.empty()) {
    const std::set<std::string> wanted(documents.begin(), documents.end());
    std::set<std::string> found;
    absl::Status st = view->ScanStatements([&](const model::Statement& s) {
      if (wanted.count(s.document_id)) {
        found.insert(s.document_id);
        doomed.emplace(s.id, s);
      }
      return true;
    });
    if (!st.ok()) return st;
    std::set<std::string> reported;
    for (const std::string& d : documents) {
      if (!reported.insert(d).second) continue;
      auto doc = view->GetDocument(d);
      if (doc.ok()) {
        ws.DeleteDocument(d);
        found.insert(d);
      } else if (!absl::IsNotFound(doc.status())) {
        return doc.status();
      }
      if (!found.count(d)) out.documents_not_found.push_back(d);
    }
  }

  std::optional<storage::ClaimBook> claims;
  if (claim_window_) claims.emplace(view.get(), *claim_window_);
  std::map<GroupKey, CellGroup> groups;
  const int64_t now = Now();
  uint64_t seq = last_retraction_seq_;
  for (const auto& [id, s] : doomed) {
    ws.DeleteStatement(s);
    ws.PutRetracted(s, {now, std::string(reason), ++seq}, next_statement_);
    if (claims) {
      if (absl::Status st = claims->Remove(s); !st.ok()) return st;
    }
    for (const storage::SummaryCell& c :
         storage::SummaryCellsOf(s, SummaryShareOf(s.cameo_code).root)) {
      groups[{c.entity, c.dir, c.month}].cells.emplace(storage::SummaryKey(c), c);
    }
    out.retracted.push_back(id);
  }
  for (auto& [key, group] : groups) {
    if (absl::Status st = Recompute(*view, key, &group, doomed); !st.ok()) return st;
    for (const auto& [k, cell] : group.cells) {
      if (cell.count == 0) {
        ws.DeleteSummary(cell);
      } else {
        ws.PutSummary(cell);
      }
    }
  }
  if (claims) {
    if (absl::Status st = claims->WriteTo(&ws); !st.ok()) return st;
  }
  if (absl::Status st = store_->Commit(ws); !st.ok()) return st;
  last_retraction_seq_ = seq;
  return out;
}

}  // namespace entente::graph
