// Backups of a live database with RocksDB's BackupEngine, and their offline
// restore.
//
// A backup is a consistent point: the database's files plus its write-ahead
// log as of the call, so every write acknowledged before the call is in it,
// whole, and none half. Backups in one directory share unchanged SST files,
// so a second backup costs only what changed.
#ifndef ENTENTE_STORAGE_BACKUP_H_
#define ENTENTE_STORAGE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace entente::storage {

struct BackupInfo {
  uint32_t id = 0;                  // 1, 2, ... within one backup directory
  int64_t created_unix_seconds = 0;
  uint64_t size_bytes = 0;          // files of this backup, shared ones included
  uint32_t file_count = 0;
};

// The backups in `backup_dir`, oldest first; empty if the directory holds
// none (or does not exist).
absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);

// Restores backup `backup_id` (0: the latest) of `backup_dir` into
// `data_dir`, which must not exist or be empty (FailedPrecondition
// otherwise: a restore never overwrites a database). Verifies the backup's
// files first. Offline: nothing may have `data_dir` open.
absl::Status RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                           const std::string& data_dir);

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_BACKUP_H_
