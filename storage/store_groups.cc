// Group rows (key_codec.h, "group/" in the default family): memberships and
// merges, which queries apply as they read (graph/groups.h).
#include <memory>
#include <string>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/record_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/store.h"

namespace entente::storage {
namespace {

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// Visits the default family's keys under `prefix` in key order.
absl::Status ScanPrefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                        const rocksdb::Snapshot* snapshot, const std::string& prefix,
                        const std::function<bool(std::string_view, std::string_view)>& visit) {
  const std::string upper = PrefixUpperBound(prefix);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (!visit(View(it->key()), View(it->value()))) break;
  }
  return FromRocksDb(it->status(), "scan group rows");
}

}  // namespace

absl::StatusOr<std::string> ReadView::GetMeta(std::string_view name) const {
  return Get(store_->meta_, MetaKey(name), "meta " + std::string(name));
}

absl::StatusOr<std::optional<std::string>> ReadView::FindMeta(std::string_view name) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string value;
  const std::string key = MetaKey(name);
  rocksdb::Status s = store_->db_->Get(ro, store_->meta_, rocksdb::Slice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksDb(s, "read meta " + std::string(name));
  return value;
}

absl::Status ReadView::ScanMemberships(
    const std::function<bool(const model::Membership&)>& visit) const {
  absl::Status corrupt;
  absl::Status s = ScanPrefix(store_->db_.get(), store_->meta_, snapshot_, MembershipPrefix(),
                              [&](std::string_view key, std::string_view value) {
                                auto k = DecodeMembershipKey(key);
                                model::Membership m;
                                if (!k || !DecodeMembership(value, &m)) {
                                  corrupt = absl::DataLossError("corrupt membership row");
                                  return false;
                                }
                                m.member = k->member;
                                m.parent = k->parent;
                                return visit(m);
                              });
  return corrupt.ok() ? s : corrupt;
}

absl::Status ReadView::ScanMerges(
    const std::function<bool(const model::EntityMerge&)>& visit) const {
  absl::Status corrupt;
  absl::Status s = ScanPrefix(store_->db_.get(), store_->meta_, snapshot_, MergePrefix(),
                              [&](std::string_view key, std::string_view value) {
                                auto id = DecodeMergeKey(key);
                                model::EntityMerge m;
                                if (!id || !DecodeMerge(value, &m)) {
                                  corrupt = absl::DataLossError("corrupt merge row");
                                  return false;
                                }
                                m.id = *id;
                                return visit(m);
                              });
  return corrupt.ok() ? s : corrupt;
}

absl::StatusOr<model::EntityMerge> ReadView::GetMerge(uint64_t merge_id) const {
  auto v = Get(store_->meta_, MergeKey(merge_id), "merge " + std::to_string(merge_id));
  if (!v.ok()) return v.status();
  model::EntityMerge m;
  if (!DecodeMerge(*v, &m)) {
    return absl::DataLossError("corrupt merge row " + std::to_string(merge_id));
  }
  m.id = merge_id;
  return m;
}

void WriteSet::PutMembership(const model::Membership& m) {
  batch_->Put(store_->meta_, MembershipKey(m.member, m.parent), EncodeMembership(m))
      .PermitUncheckedError();
}

void WriteSet::DeleteMembership(model::EntityId member, model::EntityId parent) {
  batch_->Delete(store_->meta_, MembershipKey(member, parent)).PermitUncheckedError();
}

void WriteSet::PutMerge(const model::EntityMerge& m) {
  batch_->Put(store_->meta_, MergeKey(m.id), EncodeMerge(m)).PermitUncheckedError();
}

}  // namespace entente::storage
