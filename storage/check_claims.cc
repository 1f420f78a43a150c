#include "storage/check_claims.h"

#include <string>
#include <tuple>
#include <set>
#include <unordered_set>
#include <vector>

#include "storage/claim_book.h"
#include "storage/key_codec.h"

namespace entente::storage {
namespace {

class ClaimChecker {
 public:
  ClaimChecker(const ReadView& view, int32_t window_days, size_t max_problems,
               CheckReport* report)
      : view_(view), window_days_(window_days), max_problems_(max_problems), report_(report) {}

  absl::Status Run() {
    absl::Status failed;
    absl::Status st = view_.ScanPairStatements(
        [&](model::EntityId, model::EntityId, const std::vector<model::StatementId>& ids) {
          failed = Pair(ids);
          return failed.ok();
        });
    if (!st.ok()) return st;
    if (!failed.ok()) return failed;
    // What no pair's statements made.
    st = view_.ScanClaims([&](const ClaimRow& row) {
      ++report_->checked.claims;
      if (!made_.count(row.id)) {
        Problem(ProblemKind::kOrphanClaim, ClaimKey(row.subject, row.first_day), row.id,
                "a claim of " + std::to_string(row.statements) +
                    " statements that no stored statements make");
      }
      return true;
    });
    if (!st.ok()) return st;
    st = view_.ScanAllClaimMembers(
        [&](model::StatementId claim, ClaimSet set, std::string_view member, uint64_t) {
          if (!made_.count(claim)) {
            Problem(ProblemKind::kOrphanClaim, ClaimMemberKey(claim, set, member), claim,
                    "a member count of claim " + std::to_string(claim) +
                        ", which no stored statements make");
          }
          return true;
        });
    if (!st.ok()) return st;
    return CheckClaimantRows();
  }

  // Every claimant of every claim has its claimant row, and no other row
  // is there.
  absl::Status CheckClaimantRows() {
    absl::Status st = view_.ScanClaimantRows(
        std::nullopt, [&](model::EntityId claimant, model::StatementId claim) {
          const std::string member = EncodeId(claimant);
          if (claimants_.erase({member, claim}) == 0) {
            Problem(ProblemKind::kOrphanClaim, ClaimantKey(member, claim), claim,
                    "claimant " + std::to_string(claimant) + " of claim " +
                        std::to_string(claim) + ", which no stored statements make");
          }
          return true;
        });
    if (!st.ok()) return st;
    for (const auto& [member, claim] : claimants_) {
      Problem(ProblemKind::kClaimMismatch, ClaimantKey(member, claim), claim,
              "claim " + std::to_string(claim) + " lacks the claimant row of one of its "
              "claimants");
    }
    return absl::OkStatus();
  }

 private:
  // The claims of one pair's statements, against what is stored.
  absl::Status Pair(const std::vector<model::StatementId>& ids) {
    // A statement without its document is check's missing_document; its
    // claim counts the document as its own source, as ingest would.
    auto members = ReadClaimMembers(view_, ids);
    if (!members.ok()) return members.status();
    for (const ComputedClaim& want : ComputeClaims(*members, window_days_)) {
      made_.insert(want.row.id);
      if (absl::Status st = Compare(want); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  absl::Status Compare(const ComputedClaim& want) {
    const std::string key = ClaimKey(want.row.subject, want.row.first_day);
    std::optional<ClaimRow> got;
    absl::Status st = view_.ScanClaimsBackward(want.row.subject, want.row.first_day,
                                               [&](const ClaimRow& row) {
                                                 if (row.first_day == want.row.first_day) got = row;
                                                 return false;
                                               });
    if (!st.ok()) return st;
    if (!got) {
      Problem(ProblemKind::kMissingClaim, key, want.row.id,
              "statements make a claim of " + std::to_string(want.row.statements) +
                  " statements that is not stored");
      return absl::OkStatus();
    }
    const ClaimRow& w = want.row;
    if (std::tie(got->last_day, got->id, got->statements, got->documents, got->sources,
                 got->claimants, got->modalities, got->first_ingested_micros,
                 got->last_ingested_micros) !=
        std::tie(w.last_day, w.id, w.statements, w.documents, w.sources, w.claimants,
                 w.modalities, w.first_ingested_micros, w.last_ingested_micros)) {
      Problem(ProblemKind::kClaimMismatch, key, w.id,
              "stored claim " + std::to_string(got->id) + " (" +
                  std::to_string(got->statements) + " statements, " +
                  std::to_string(got->sources) + " sources) differs from what its statements "
                  "make: claim " + std::to_string(w.id) + " (" + std::to_string(w.statements) +
                  " statements, " + std::to_string(w.sources) + " sources)");
      return absl::OkStatus();
    }
    std::map<std::pair<ClaimSet, std::string>, uint64_t> members;
    st = view_.ScanClaimMembers(w.id, [&](ClaimSet set, std::string_view member, uint64_t count) {
      members[{set, std::string(member)}] = count;
      return true;
    });
    if (!st.ok()) return st;
    for (const auto& [key, count] : want.members) {
      if (key.first == ClaimSet::kClaimant) claimants_.insert({key.second, w.id});
    }
    if (members != want.members) {
      Problem(ProblemKind::kClaimMismatch, ClaimMemberPrefix(w.id), w.id,
              "claim " + std::to_string(w.id) + " has " + std::to_string(members.size()) +
                  " member counts, its statements make " + std::to_string(want.members.size()) +
                  " (or their counts differ)");
    }
    return absl::OkStatus();
  }

  void Problem(ProblemKind kind, std::string_view key, model::StatementId claim,
               std::string description) {
    RecordProblem({kind, "claims", std::string(key), claim, std::move(description)}, max_problems_,
                  report_);
  }

  const ReadView& view_;
  const int32_t window_days_;
  const size_t max_problems_;
  CheckReport* const report_;
  std::unordered_set<model::StatementId> made_;  // ids of the claims statements make
  // (claimant member bytes, claim id) that statements make and no claimant
  // row has matched yet.
  std::set<std::pair<std::string, model::StatementId>> claimants_;
};

}  // namespace

absl::Status CheckClaims(const ReadView& view, int32_t window_days, size_t max_problems,
                         CheckReport* report) {
  return ClaimChecker(view, window_days, max_problems, report).Run();
}

}  // namespace entente::storage
