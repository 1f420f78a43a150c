#include "storage/rocksdb_status.h"

#include <string>

#include "rocksdb/status.h"

namespace entente::storage {

absl::Status FromRocksDb(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg(context);
  msg += ": ";
  msg += s.ToString();
  using C = rocksdb::Status::Code;
  switch (s.code()) {
    case C::kNotFound:
      return absl::NotFoundError(msg);
    case C::kCorruption:
      return absl::DataLossError(msg);
    case C::kNotSupported:
      return absl::UnimplementedError(msg);
    case C::kInvalidArgument:
      return absl::InvalidArgumentError(msg);
    case C::kIOError:
      // A lock held by another process is the common case at open: the
      // caller can retry once the other server has stopped.
      return absl::UnavailableError(msg);
    case C::kBusy:
    case C::kTryAgain:
    case C::kTimedOut:
      return absl::UnavailableError(msg);
    case C::kAborted:
      return absl::AbortedError(msg);
    case C::kIncomplete:
    case C::kShutdownInProgress:
      return absl::UnavailableError(msg);
    case C::kColumnFamilyDropped:
      return absl::FailedPreconditionError(msg);
    default:
      return absl::InternalError(msg);
  }
}

}  // namespace entente::storage
