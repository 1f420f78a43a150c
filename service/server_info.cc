#include "service/server_info.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>

#include "replication/log.h"
#include "server/version.h"
#include "service/graph_service.h"
#include "service/grpc_status.h"

namespace entente::service {

ServerInfo::ServerInfo(const ServerInfoOptions& options)
    : options_(options), start_(std::chrono::system_clock::now()) {}

absl::Status ServerInfo::Fill(v1::GetServerInfoResponse* out) const {
  auto stats = options_.reader->Statistics();
  if (!stats.ok()) return stats.status();

  out->set_version(kVersion);
  v1::BuildInfo* build = out->mutable_build();
  build->set_git_commit(kGitCommit);
  build->set_build_type(kBuildType);
  build->set_compiler(kCompiler);
  build->set_grpc_version(grpc::Version());
  build->set_platform(kPlatform);

  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::microseconds>(start_.time_since_epoch()).count();
  out->mutable_start_time()->set_seconds(since_epoch / 1000000);
  out->mutable_start_time()->set_nanos(static_cast<int32_t>(since_epoch % 1000000) * 1000);
  // A clock stepped back must not make the uptime negative.
  out->set_uptime_seconds(std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - start_)
             .count()));
  out->set_database_id(stats->database_id);

  v1::DataStatistics* data = out->mutable_data();
  // Retractions only ever take out statements that were ingested, so the
  // difference cannot go below zero; the guard is for a corrupt store.
  data->set_statements(stats->statements_ingested -
                       std::min(stats->statements_retracted, stats->statements_ingested));
  data->set_statements_ingested(stats->statements_ingested);
  data->set_statements_retracted(stats->statements_retracted);
  data->set_entities(stats->entities);
  data->set_documents_estimate(stats->documents_estimate);
  data->set_disk_bytes(stats->disk_bytes);

  v1::ServerSettings* settings = out->mutable_settings();
  settings->set_claims(stats->claim_window_days.has_value());
  settings->set_claim_window_days(stats->claim_window_days.value_or(0));
  settings->set_query_memory_bytes(options_.reader->memory_limit_bytes());
  settings->set_max_message_bytes(
      static_cast<uint64_t>(std::max<int64_t>(0, options_.max_message_bytes)));
  settings->set_max_concurrent_calls(std::max(0, options_.max_concurrent_calls));
  settings->set_stream_idle_seconds(std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(options_.stream_idle).count()));

  v1::ReplicationInfo* replication = out->mutable_replication();
  if (options_.log == nullptr) {
    replication->set_role(v1::REPLICATION_ROLE_STANDALONE);
    return absl::OkStatus();
  }
  const replication::LogState st = options_.log->state();
  replication->set_role(v1::REPLICATION_ROLE_REPLICA);
  replication->set_stream(st.stream);
  replication->set_node(st.consumer);
  replication->set_applied_sequence(st.applied);
  replication->set_stream_sequence(st.stream_last);
  replication->set_lag(st.lag);
  replication->set_connected(st.connected);
  replication->set_lag_known(st.known);
  replication->set_max_lag(options_.max_lag);
  replication->set_behind_retention(st.behind_retention);
  return absl::OkStatus();
}

// GraphService's method, here with what it reports.
grpc::Status GraphServiceImpl::GetServerInfo(grpc::ServerContext*, const v1::GetServerInfoRequest*,
                                             v1::GetServerInfoResponse* resp) {
  if (info_ == nullptr) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "GetServerInfo: not served here");
  }
  return ToGrpcStatus(info_->Fill(resp));
}

}  // namespace entente::service
