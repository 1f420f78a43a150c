// gRPC adapter of entente.v1.AdminService: consistency check and online
// backup of the server's store.
#ifndef ENTENTE_SERVICE_ADMIN_SERVICE_H_
#define ENTENTE_SERVICE_ADMIN_SERVICE_H_

#include <string>

#include "entente/v1/admin.grpc.pb.h"
#include "storage/store.h"

namespace entente::service {

inline constexpr int kDefaultCheckProblems = 100;
inline constexpr int kMaxCheckProblems = 10000;

// Thread-safe: checks run concurrently on their own snapshots; backups are
// serialised by the store.
class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `store` must outlive the service. Backups go to `backup_dir`.
  AdminServiceImpl(const storage::Store* store, std::string backup_dir)
      : store_(store), backup_dir_(std::move(backup_dir)) {}

  grpc::Status Check(grpc::ServerContext* ctx, const v1::CheckRequest* req,
                     v1::CheckResponse* resp) override;
  grpc::Status CreateBackup(grpc::ServerContext* ctx, const v1::CreateBackupRequest* req,
                            v1::Backup* resp) override;
  grpc::Status ListBackups(grpc::ServerContext* ctx, const v1::ListBackupsRequest* req,
                           v1::ListBackupsResponse* resp) override;

 private:
  const storage::Store* const store_;
  const std::string backup_dir_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_ADMIN_SERVICE_H_
