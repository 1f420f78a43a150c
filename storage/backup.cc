#include "storage/backup.h"

#include <filesystem>
#include <memory>
#include <mutex>

#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"
#include "storage/rocksdb_status.h"
#include "storage/store.h"

namespace entente::storage {
namespace {

BackupInfo ToInfo(const rocksdb::BackupInfo& b) {
  BackupInfo out;
  out.id = b.backup_id;
  out.created_unix_seconds = b.timestamp;
  out.size_bytes = b.size;
  out.file_count = b.number_files;
  return out;
}

bool IsEmptyOrAbsent(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return true;
  return std::filesystem::is_directory(dir, ec) && std::filesystem::is_empty(dir, ec);
}

// BackupEngine does not allow two engines on one directory at once.
std::mutex backup_mu;

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenReadOnly(
    const std::string& backup_dir) {
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  if (auto s = rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(backup_dir),
                                                   rocksdb::Env::Default(), &raw);
      !s.ok()) {
    return storage::FromRocksDb(s, "open backup directory " + backup_dir);
  }
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

}  // namespace

absl::StatusOr<BackupInfo> Store::CreateBackup(const std::string& backup_dir) const {
  std::lock_guard<std::mutex> lock(backup_mu);
  // The WAL of acknowledged writes is in the OS page cache (or fsynced with
  // --sync); sync it so the copy is of what the disk holds.
  if (auto s = db_->FlushWAL(/*sync=*/true); !s.ok()) return storage::FromRocksDb(s, "flush WAL");
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::BackupEngineOptions options(backup_dir);
  if (auto s = rocksdb::BackupEngine::Open(options, rocksdb::Env::Default(), &raw); !s.ok()) {
    return storage::FromRocksDb(s, "open backup directory " + backup_dir);
  }
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  // Without a flush the backup copies the live WAL up to its current end;
  // restoring replays it, so the backup holds whole write batches only,
  // whatever ingest does meanwhile, and no column family is ahead of another.
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  if (auto s = engine->CreateNewBackup(create, db_.get(), &id); !s.ok()) {
    return storage::FromRocksDb(s, "create backup in " + backup_dir);
  }
  rocksdb::BackupInfo info;
  if (auto s = engine->GetBackupInfo(id, &info); !s.ok()) {
    return storage::FromRocksDb(s, "read backup info");
  }
  return ToInfo(info);
}

absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(backup_dir, ec)) return std::vector<BackupInfo>{};
  std::lock_guard<std::mutex> lock(backup_mu);  // not while a backup is being written
  auto engine = OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const auto& b : infos) out.push_back(ToInfo(b));
  return out;
}

absl::Status RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                           const std::string& data_dir) {
  if (!IsEmptyOrAbsent(data_dir)) {
    return absl::FailedPreconditionError(data_dir +
                                         " is not empty: restore only into a new directory");
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(backup_dir, ec)) {
    return absl::NotFoundError("no backup directory " + backup_dir);
  }
  auto engine = OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  if (backup_id == 0) {
    std::vector<rocksdb::BackupInfo> infos;
    (*engine)->GetBackupInfo(&infos);
    if (infos.empty()) return absl::NotFoundError("no backup in " + backup_dir);
    backup_id = infos.back().backup_id;
  }
  if (auto s = (*engine)->VerifyBackup(backup_id, /*verify_with_checksum=*/true); !s.ok()) {
    if (s.IsNotFound()) {
      return absl::NotFoundError("no backup " + std::to_string(backup_id) + " in " + backup_dir);
    }
    return storage::FromRocksDb(s, "verify backup " + std::to_string(backup_id));
  }
  std::filesystem::create_directories(data_dir, ec);
  return storage::FromRocksDb((*engine)->RestoreDBFromBackup(backup_id, data_dir, data_dir),
                              "restore backup " + std::to_string(backup_id));
}

}  // namespace entente::storage
