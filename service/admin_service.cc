#include "service/admin_service.h"

#include <chrono>

#include "graph/check.h"
#include "service/grpc_status.h"
#include "storage/backup.h"
#include "storage/check.h"

namespace entente::service {
namespace {

void ToProto(const storage::BackupInfo& b, const std::string& dir, v1::Backup* out) {
  out->set_id(b.id);
  out->set_created_unix_seconds(b.created_unix_seconds);
  out->set_size_bytes(b.size_bytes);
  out->set_file_count(b.file_count);
  out->set_backup_dir(dir);
}

// storage::ProblemKind numbers from 0; the protocol's from 1 (0 unspecified).
v1::ProblemKind ToProto(storage::ProblemKind k) {
  return static_cast<v1::ProblemKind>(static_cast<int>(k) + 1);
}

}  // namespace

grpc::Status AdminServiceImpl::Check(grpc::ServerContext*, const v1::CheckRequest* req,
                                     v1::CheckResponse* resp) {
  if (req->max_problems() < 0 || req->max_problems() > kMaxCheckProblems) {
    return BadRequest({{"max_problems", "must be 0..10000 (0: 100)"}});
  }
  const int max = req->max_problems() == 0 ? kDefaultCheckProblems : req->max_problems();
  const auto start = std::chrono::steady_clock::now();
  auto report = graph::CheckStore(*store_, static_cast<size_t>(max));
  if (!report.ok()) return ToGrpcStatus(report.status());
  const storage::CheckCounts& c = report->checked;
  resp->set_consistent(report->consistent());
  resp->set_statements(c.statements);
  resp->set_out_edges(c.out_edges);
  resp->set_in_edges(c.in_edges);
  resp->set_pair_edges(c.pair_edges);
  resp->set_summaries(c.summaries);
  resp->set_entities(c.entities);
  resp->set_names(c.names);
  resp->set_documents(c.documents);
  resp->set_idempotency_keys(c.idempotency_keys);
  resp->set_claims(c.claims);
  resp->set_problems_total(report->problems_total);
  for (int k = 0; k < storage::kProblemKinds; ++k) {
    if (report->problems_by_kind[k] == 0) continue;
    auto* pc = resp->add_problem_counts();
    pc->set_kind(ToProto(static_cast<storage::ProblemKind>(k)));
    pc->set_count(report->problems_by_kind[k]);
  }
  for (const auto& p : report->problems) {
    auto* out = resp->add_problems();
    out->set_kind(ToProto(p.kind));
    out->set_column_family(p.column_family);
    out->set_key(p.key);
    out->set_statement_id(p.statement_id);
    out->set_description(p.description);
  }
  resp->set_elapsed_micros(std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count());
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::CreateBackup(grpc::ServerContext*, const v1::CreateBackupRequest*,
                                            v1::Backup* resp) {
  auto info = store_->CreateBackup(backup_dir_);
  if (!info.ok()) return ToGrpcStatus(info.status());
  ToProto(*info, backup_dir_, resp);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListBackups(grpc::ServerContext*, const v1::ListBackupsRequest*,
                                           v1::ListBackupsResponse* resp) {
  auto infos = storage::ListBackups(backup_dir_);
  if (!infos.ok()) return ToGrpcStatus(infos.status());
  for (const auto& b : *infos) ToProto(b, backup_dir_, resp->add_backups());
  return grpc::Status::OK;
}

}  // namespace entente::service
