// The claims family's reads and writes (layout in storage/key_codec.h; what
// they mean in docs/claims.md; who decides them: storage/claim_book.h).
#include <memory>
#include <string>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/store.h"

namespace entente::storage {
namespace {

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// Visits the member rows whose keys start with `prefix`, in key order.
absl::Status ScanMemberRows(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* claims, const rocksdb::Snapshot* snapshot,
    const std::string& prefix, bool fill_cache,
    const std::function<bool(const DecodedClaimMemberKey& key, uint64_t count)>& visit) {
  const std::string upper = PrefixUpperBound(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.iterate_upper_bound = &upper_slice;
  ro.fill_cache = fill_cache;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, claims));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const auto key = DecodeClaimMemberKey(View(it->key()));
    const auto count = DecodeClaimMemberCount(View(it->value()));
    if (!key || !count) return absl::DataLossError("corrupt claim member");
    if (!visit(*key, *count)) break;
  }
  return FromRocksDb(it->status(), "scan claim members");
}

}  // namespace

absl::Status ReadView::ScanClaimsBackward(
    const model::ClaimSubject& subject, int32_t first_day_at_most,
    const std::function<bool(const ClaimRow&)>& visit) const {
  const std::string lower = ClaimSubjectPrefix(subject);
  const std::string start = ClaimKey(subject, first_day_at_most);
  rocksdb::Slice lower_slice(lower);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->claims_));
  ClaimRow row;
  for (it->SeekForPrev(start); it->Valid(); it->Prev()) {
    if (!DecodeClaim(View(it->key()), View(it->value()), &row)) {
      return absl::DataLossError("corrupt claim");
    }
    if (!visit(row)) break;
  }
  return FromRocksDb(it->status(), "scan claims");
}

absl::Status ReadView::ScanClaims(const std::function<bool(const ClaimRow&)>& visit) const {
  return ScanClaimRows(std::string(1, kClaimTagClaim), visit);
}

absl::Status ReadView::ScanClaimsOf(model::EntityId actor, std::optional<model::EntityId> target,
                                    const std::function<bool(const ClaimRow&)>& visit) const {
  return ScanClaimRows(target ? ClaimPairPrefix(actor, *target) : ClaimActorPrefix(actor), visit);
}

absl::Status ReadView::ScanClaimRows(const std::string& prefix,
                                     const std::function<bool(const ClaimRow&)>& visit) const {
  const std::string upper = PrefixUpperBound(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->claims_));
  ClaimRow row;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (!DecodeClaim(View(it->key()), View(it->value()), &row)) {
      return absl::DataLossError("corrupt claim");
    }
    if (!visit(row)) break;
  }
  return FromRocksDb(it->status(), "scan claims");
}

absl::Status ReadView::ScanClaimMembers(
    model::StatementId claim,
    const std::function<bool(ClaimSet set, std::string_view member, uint64_t count)>& visit)
    const {
  return ScanMemberRows(store_->db_.get(), store_->claims_, snapshot_, ClaimMemberPrefix(claim),
                        /*fill_cache=*/true,
                        [&](const DecodedClaimMemberKey& key, uint64_t count) {
                          return visit(key.set, key.member, count);
                        });
}

absl::Status ReadView::ScanAllClaimMembers(
    const std::function<bool(model::StatementId claim, ClaimSet set, std::string_view member,
                             uint64_t count)>& visit) const {
  // A whole-family pass must not evict the working set.
  return ScanMemberRows(store_->db_.get(), store_->claims_, snapshot_,
                        std::string(1, kClaimTagMember), /*fill_cache=*/false,
                        [&](const DecodedClaimMemberKey& key, uint64_t count) {
                          return visit(key.claim, key.set, key.member, count);
                        });
}

absl::Status ReadView::ScanClaimantRows(
    std::optional<model::EntityId> claimant,
    const std::function<bool(model::EntityId claimant, model::StatementId claim)>& visit) const {
  const std::string prefix =
      claimant ? ClaimantPrefix(*claimant) : std::string(1, kClaimTagClaimant);
  const std::string upper = PrefixUpperBound(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.iterate_upper_bound = &upper_slice;
  ro.fill_cache = claimant.has_value();  // a whole-family pass (check) must not evict
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->claims_));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const auto key = DecodeClaimantKey(View(it->key()));
    if (!key || !it->value().empty()) return absl::DataLossError("corrupt claimant row");
    if (!visit(key->claimant, key->claim)) break;
  }
  return FromRocksDb(it->status(), "scan claimant rows");
}

absl::Status ReadView::ScanPairStatements(
    const std::function<bool(model::EntityId lo, model::EntityId hi,
                             const std::vector<model::StatementId>& ids)>& visit) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->pair_edges_));
  std::vector<model::StatementId> ids;
  model::EntityId lo = 0;
  model::EntityId hi = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto key = DecodePairKey(View(it->key()));
    if (!key) return absl::DataLossError("corrupt pair_edges key");
    if (!ids.empty() && (key->lo != lo || key->hi != hi)) {
      if (!visit(lo, hi, ids)) return absl::OkStatus();
      ids.clear();
    }
    lo = key->lo;
    hi = key->hi;
    ids.push_back(key->statement);
  }
  if (absl::Status st = FromRocksDb(it->status(), "scan pair_edges"); !st.ok()) return st;
  if (!ids.empty()) visit(lo, hi, ids);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ReadView::GetClaimMemberCount(model::StatementId claim, ClaimSet set,
                                                       std::string_view member) const {
  auto v = Get(store_->claims_, ClaimMemberKey(claim, set, member), "claim member");
  if (absl::IsNotFound(v.status())) return 0;
  if (!v.ok()) return v.status();
  const auto count = DecodeClaimMemberCount(*v);
  if (!count) return absl::DataLossError("corrupt claim member");
  return *count;
}

void WriteSet::PutClaim(const ClaimRow& c) {
  batch_->Put(store_->claims_, ClaimKey(c.subject, c.first_day), EncodeClaimValue(c))
      .PermitUncheckedError();
}

void WriteSet::DeleteClaim(const model::ClaimSubject& subject, int32_t first_day) {
  batch_->Delete(store_->claims_, ClaimKey(subject, first_day)).PermitUncheckedError();
}

void WriteSet::PutClaimMember(model::StatementId claim, ClaimSet set, std::string_view member,
                              uint64_t count) {
  batch_->Put(store_->claims_, ClaimMemberKey(claim, set, member),
              EncodeClaimMemberCount(count))
      .PermitUncheckedError();
  if (set == ClaimSet::kClaimant) {
    batch_->Put(store_->claims_, ClaimantKey(member, claim), "").PermitUncheckedError();
  }
}

void WriteSet::DeleteAllClaims() {
  // Claim keys start with kClaimTagClaim, then member and claimant keys.
  batch_->DeleteRange(store_->claims_, std::string(1, kClaimTagClaim),
                      std::string(1, static_cast<char>(kClaimTagClaimant + 1)))
      .PermitUncheckedError();
}

void WriteSet::DeleteClaimMember(model::StatementId claim, ClaimSet set, std::string_view member) {
  batch_->Delete(store_->claims_, ClaimMemberKey(claim, set, member)).PermitUncheckedError();
  if (set == ClaimSet::kClaimant) {
    batch_->Delete(store_->claims_, ClaimantKey(member, claim)).PermitUncheckedError();
  }
}

}  // namespace entente::storage
