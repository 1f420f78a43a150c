// The one place where RocksDB statuses become absl statuses.
#ifndef ENTENTE_STORAGE_ROCKSDB_STATUS_H_
#define ENTENTE_STORAGE_ROCKSDB_STATUS_H_

#include <string_view>

#include "absl/status/status.h"

namespace rocksdb {
class Status;
}

namespace entente::storage {

// `context` says what was being done ("open /data", "write batch").
absl::Status FromRocksDb(const rocksdb::Status& s, std::string_view context);

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_ROCKSDB_STATUS_H_
