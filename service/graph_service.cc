#include "service/graph_service.h"

#include <chrono>
#include <thread>

#include "graph/validate.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/replicated_writes.h"

namespace entente::service {
namespace {

// Stops graph work when the client cancels or its deadline passes.
graph::StopFn StopOf(grpc::ServerContext* ctx) {
  const auto deadline = ctx->deadline();
  return [ctx, deadline] {
    return ctx->IsCancelled() || std::chrono::system_clock::now() > deadline;
  };
}

int OrDefault(int v, int def) { return v == 0 ? def : v; }

// No stored name is longer than kMaxNameBytes, so a longer one cannot
// match; refusing it up front spares the server folding megabytes.
grpc::Status CheckName(const std::string& field, const std::string& name) {
  std::vector<model::FieldViolation> violations;
  CheckNameLength(field, name, &violations);
  return violations.empty() ? grpc::Status::OK : BadRequest(violations);
}

// Where a page starts: nowhere without a token; else the token's position,
// if this service returned it for this same query.
grpc::Status ResumePoint(const std::string& token, uint64_t fingerprint,
                         std::optional<storage::EdgePosition>* resume) {
  if (token.empty()) return grpc::Status::OK;
  auto position = DecodePageToken(token, fingerprint);
  if (!position.ok()) return BadRequest({{"page_token", std::string(position.status().message())}});
  *resume = *position;
  return grpc::Status::OK;
}

v1::Date DayProto(int32_t day) { return DateProto(model::DateOfDay(day)); }

// A request's as_of into `*as_of` (unset: none); a bad one is
// INVALID_ARGUMENT naming it.
template <typename Request>
grpc::Status AsOfOf(const Request& req, std::optional<int64_t>* as_of) {
  if (!req.has_as_of()) return grpc::Status::OK;
  auto micros = MicrosOf(req.as_of());
  if (!micros.ok()) return BadRequest({{"as_of", std::string(micros.status().message())}});
  *as_of = *micros;
  return grpc::Status::OK;
}

// A query request's rollup into `*rollup`; an unknown value is
// INVALID_ARGUMENT naming it.
template <typename Request>
grpc::Status RollupOf(const Request& req, model::Rollup* rollup) {
  auto r = FromProto(req.rollup());
  if (!r.ok()) return ToGrpcStatus(r.status());
  *rollup = *r;
  return grpc::Status::OK;
}

// Charges a built response to the query's lease (which already pays for the
// answer it was built from): the message and the serialized copy gRPC makes
// of it, during Write for a stream; for a unary call once the handler has
// returned, so there the charge only checks that there is room for it. The
// size is known only once the message is built, hence after. HeapBytes
// (convert.h) rather than SpaceUsedLong(), whose reflection cost as much as
// building the message.
template <typename Response>
absl::Status ChargeResponse(const Response& m, graph::WorkLease* memory,
                            size_t* charged = nullptr) {
  const size_t bytes = HeapBytes(m) + m.ByteSizeLong();
  absl::Status s = memory->Charge(bytes);
  if (s.ok() && charged != nullptr) *charged = bytes;
  return s;
}

// Chunk `c` of a Traverse answer: from node and edge c * kTraverseChunk,
// up to kTraverseChunk of each.
constexpr size_t kTraverseChunk = 1000;

// Without edges when `nodes_only`.
void FillTraverseChunk(const graph::TraverseAnswer& answer, size_t c, v1::EntityView view,
                       bool nodes_only, v1::TraverseResponse* chunk) {
  const graph::TraverseResult& r = answer.result;
  const size_t begin = c * kTraverseChunk;
  const size_t nodes_end = std::min(r.nodes.size(), begin + kTraverseChunk);
  const size_t edges_end = nodes_only ? begin : std::min(r.edges.size(), begin + kTraverseChunk);
  if (nodes_end > begin) chunk->mutable_nodes()->Reserve(static_cast<int>(nodes_end - begin));
  if (edges_end > begin) chunk->mutable_edges()->Reserve(static_cast<int>(edges_end - begin));
  for (size_t i = begin; i < nodes_end; ++i) {
    auto* n = chunk->add_nodes();
    ToProto(answer.entities.at(r.nodes[i].id), n->mutable_entity(), view);
    n->set_depth(r.nodes[i].depth);
    if (r.nodes[i].arrival_day) *n->mutable_arrival_date() = DayProto(*r.nodes[i].arrival_day);
  }
  for (size_t i = begin; i < edges_end; ++i) {
    const graph::AggregatedEdge& e = r.edges[i];
    auto* out = chunk->add_edges();
    out->set_actor_id(e.actor);
    out->set_target_id(e.target);
    out->set_count(e.count);
    *out->mutable_first_date() = DayProto(e.first_day);
    *out->mutable_last_date() = DayProto(e.last_day);
    out->set_mean_goldstein(e.classified ? e.goldstein_sum / e.classified : 0);
    for (auto id : e.evidence) out->add_evidence_statement_ids(id);
    out->set_sources(e.sources);
  }
}

void QuadCounts(const std::array<uint64_t, 5>& q, uint64_t* unclassified, uint64_t* vc,
                uint64_t* mc, uint64_t* vx, uint64_t* mx) {
  *unclassified = q[0];
  *vc = q[1];
  *mc = q[2];
  *vx = q[3];
  *mx = q[4];
}

}  // namespace

grpc::Status GraphServiceImpl::AwaitLog(const grpc::ServerContext& ctx,
                                        uint64_t min_log_sequence) const {
  if (min_log_sequence == 0) return grpc::Status::OK;
  if (replicated_ == nullptr) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "min_log_sequence: this server has no replicated log (--replication)");
  }
  return replicated_->WaitApplied(min_log_sequence, ctx.deadline());
}

grpc::Status GraphServiceImpl::GetEntity(grpc::ServerContext* ctx, const v1::GetEntityRequest* req,
                                         v1::Entity* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if ((req->id() != 0) == !req->name().empty()) {
    return BadRequest({{"id", "give exactly one of id and name"}});
  }
  if (grpc::Status s = CheckName("name", req->name()); !s.ok()) return s;
  model::EntityRef ref;
  ref.id = req->id();
  ref.name = req->name();
  auto e = reader_->FindEntity(ref, FromProto(req->name_resolution()));
  if (!e.ok()) return ToGrpcStatus(e.status());
  ToProto(*e, resp);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::SearchEntities(grpc::ServerContext* ctx,
                                              const v1::SearchEntitiesRequest* req,
                                              v1::SearchEntitiesResponse* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if (req->prefix().empty()) return BadRequest({{"prefix", "is required"}});
  if (grpc::Status s = CheckName("prefix", req->prefix()); !s.ok()) return s;
  if (req->page_size() < 0 || req->page_size() > graph::kMaxPageSize) {
    return BadRequest({{"page_size", "must be in 0..1000"}});
  }
  auto found = reader_->SearchEntities(req->prefix(), req->page_size() == 0 ? 20 : req->page_size());
  if (!found.ok()) return ToGrpcStatus(found.status());
  for (const auto& e : *found) ToProto(e, resp->add_entities());
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::ListStatements(grpc::ServerContext* ctx,
                                              const v1::ListStatementsRequest* req,
                                              v1::ListStatementsResponse* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if (grpc::Status s = CheckName("entity.name", req->entity().name()); !s.ok()) return s;
  graph::StatementQuery q;
  q.entity = FromProto(req->entity());
  q.resolution = FromProto(req->name_resolution());
  q.direction = FromProto(req->direction());
  q.filter = FromProto(req->filter());
  q.page_size = req->page_size() == 0 ? 50 : req->page_size();
  q.detail = DetailOf(req->statement_view());
  if (grpc::Status s = AsOfOf(*req, &q.as_of_micros); !s.ok()) return s;
  if (grpc::Status s = RollupOf(*req, &q.rollup); !s.ok()) return s;
  const uint64_t fingerprint = PageFingerprint(*req);
  if (grpc::Status s = ResumePoint(req->page_token(), fingerprint, &q.resume_after); !s.ok()) {
    return s;
  }
  graph::WorkLease memory = reader_->NewLease();
  auto page = reader_->ListStatements(q, &memory);
  if (!page.ok()) return ToGrpcStatus(page.status());
  resp->mutable_statements()->Reserve(static_cast<int>(page->statements.size()));
  for (const auto& v : page->statements) {
    ToProto(v, resp->add_statements(), req->statement_view());
  }
  if (page->next) resp->set_next_page_token(EncodePageToken(fingerprint, *page->next));
  return ToGrpcStatus(ChargeResponse(*resp, &memory));
}

grpc::Status GraphServiceImpl::GetStatement(grpc::ServerContext* ctx,
                                            const v1::GetStatementRequest* req,
                                            v1::Statement* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if (req->id() == 0) return BadRequest({{"id", "is required"}});
  std::optional<int64_t> as_of;
  if (grpc::Status s = AsOfOf(*req, &as_of); !s.ok()) return s;
  auto v = reader_->GetStatement(req->id(), as_of);
  if (!v.ok()) return ToGrpcStatus(v.status());
  ToProto(*v, resp);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::Traverse(grpc::ServerContext* ctx, const v1::TraverseRequest* req,
                                        grpc::ServerWriter<v1::TraverseResponse>* writer) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  graph::TraverseQuery q;
  for (int i = 0; i < req->seeds_size(); ++i) {
    const auto& seed = req->seeds(i);
    const std::string field = "seeds[" + std::to_string(i) + "].name";
    if (grpc::Status s = CheckName(field, seed.name()); !s.ok()) return s;
    q.seeds.push_back(FromProto(seed));
  }
  q.resolution = FromProto(req->name_resolution());
  q.direction = FromProto(req->direction());
  q.filter = FromProto(req->filter());
  q.limits.max_depth = OrDefault(req->max_depth(), 2);
  q.limits.max_nodes = OrDefault(req->max_nodes(), 1000);
  q.limits.max_edges = OrDefault(req->max_edges(), 10000);
  q.limits.max_fanout = OrDefault(req->max_fanout(), 1000);
  // Evidence is kept only to be sent.
  q.limits.evidence_per_edge = req->nodes_only() ? 0 : OrDefault(req->evidence_per_edge(), 3);
  q.count_sources = req->count_sources();
  if (grpc::Status s = AsOfOf(*req, &q.as_of_micros); !s.ok()) return s;
  if (grpc::Status s = RollupOf(*req, &q.rollup); !s.ok()) return s;
  auto temporal = TemporalFromProto(*req);
  if (!temporal.ok()) return ToGrpcStatus(temporal.status());
  q.temporal = *temporal;
  // The answer stays charged while it is streamed, and each chunk while it
  // is built and written (one at a time).
  graph::WorkLease memory = reader_->NewLease();
  auto answer = reader_->Traverse(q, StopOf(ctx), &memory);
  if (!answer.ok()) return ToGrpcStatus(answer.status());
  const auto& r = answer->result;
  const size_t edges_sent = req->nodes_only() ? 0 : r.edges.size();
  const size_t chunks =
      std::max<size_t>(1, std::max((r.nodes.size() + kTraverseChunk - 1) / kTraverseChunk,
                                   (edges_sent + kTraverseChunk - 1) / kTraverseChunk));
  // The last chunk goes with the status, in one write (WriteLast): a
  // traversal of one chunk, the usual case, costs its client one read
  // rather than two. gRPC may hold it until this returns, so it outlives
  // the loop.
  v1::TraverseResponse last;
  for (size_t c = 0; c < chunks; ++c) {
    v1::TraverseResponse chunk;
    v1::TraverseResponse& out = c + 1 == chunks ? last : chunk;
    FillTraverseChunk(*answer, c, req->entity_view(), req->nodes_only(), &out);
    if (c + 1 == chunks) {
      out.set_done(true);
      out.set_truncated(r.truncated);
    }
    size_t charged = 0;
    if (absl::Status s = ChargeResponse(out, &memory, &charged); !s.ok()) {
      return ToGrpcStatus(s);
    }
    if (c + 1 == chunks) {
      writer->WriteLast(out, grpc::WriteOptions());
      break;
    }
    if (!writer->Write(out)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
    memory.Release(charged);
  }
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::FindPaths(grpc::ServerContext* ctx, const v1::FindPathsRequest* req,
                                         v1::FindPathsResponse* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if (grpc::Status s = CheckName("from.name", req->from().name()); !s.ok()) return s;
  if (grpc::Status s = CheckName("to.name", req->to().name()); !s.ok()) return s;
  graph::PathQuery q;
  q.from = FromProto(req->from());
  q.to = FromProto(req->to());
  q.resolution = FromProto(req->name_resolution());
  q.direction = FromProto(req->direction());
  q.filter = FromProto(req->filter());
  q.max_hops = OrDefault(req->max_hops(), 4);
  q.count_sources = req->count_sources();
  if (grpc::Status s = AsOfOf(*req, &q.as_of_micros); !s.ok()) return s;
  if (grpc::Status s = RollupOf(*req, &q.rollup); !s.ok()) return s;
  q.max_paths = OrDefault(req->max_paths(), 5);
  q.evidence_per_hop = OrDefault(req->evidence_per_hop(), 3);
  auto temporal = TemporalFromProto(*req);
  if (!temporal.ok()) return ToGrpcStatus(temporal.status());
  q.temporal = *temporal;
  graph::WorkLease memory = reader_->NewLease();
  auto answer = reader_->FindPaths(q, StopOf(ctx), &memory);
  if (!answer.ok()) return ToGrpcStatus(answer.status());
  const auto& r = answer->result;
  resp->set_distance(r.distance);
  if (r.best) {
    *resp->mutable_departure() = DayProto(r.best->departure);
    *resp->mutable_arrival() = DayProto(r.best->arrival);
    resp->set_duration_days(r.best->arrival - r.best->departure);
  }
  for (size_t p = 0; p < r.paths.size(); ++p) {
    auto* path = resp->add_paths();
    for (auto id : r.paths[p]) {
      ToProto(answer->entities.at(id), path->add_entities(), req->entity_view());
    }
    if (p < r.spans.size()) {
      *path->mutable_departure() = DayProto(r.spans[p].departure);
      *path->mutable_arrival() = DayProto(r.spans[p].arrival);
    }
    for (const auto& hop : r.hops[p]) {
      auto* h = path->add_hops();
      h->set_from_id(hop.from);
      h->set_to_id(hop.to);
      h->set_count(hop.count);
      h->set_sources(hop.sources);
      if (hop.used_day) *h->mutable_used_date() = DayProto(*hop.used_day);
      for (auto id : hop.statements) {
        ToProto(answer->statements.at(id), h->add_statements(), req->statement_view());
      }
    }
  }
  return ToGrpcStatus(ChargeResponse(*resp, &memory));
}

namespace {

// How long a caught-up watch waits before it looks for new changes.
constexpr auto kWatchPoll = std::chrono::milliseconds(100);

// One response of a watch: `answer`'s changes and where it leaves off.
v1::WatchStatementsResponse WatchResponse(const graph::WatchAnswer& answer, uint64_t database_id,
                                          v1::StatementView view) {
  v1::WatchStatementsResponse out;
  const graph::FeedPage& page = answer.page;
  for (size_t i = 0; i < page.changes.size(); ++i) {
    const graph::Change& c = page.changes[i];
    v1::StatementChange* change = out.add_changes();
    change->set_kind(c.kind == graph::ChangeKind::kIngested ? v1::StatementChange::INGESTED
                                                            : v1::StatementChange::RETRACTED);
    ToProto(answer.statements[i], change->mutable_statement(), view);
    if (c.retraction) {
      change->set_retracted_at_micros(c.retraction->at_micros);
      change->set_retraction_reason(c.retraction->reason);
    }
    change->set_cursor(EncodeFeedCursor(database_id, c.cursor));
  }
  out.set_cursor(EncodeFeedCursor(database_id, page.cursor));
  out.set_caught_up(page.caught_up);
  return out;
}

}  // namespace

grpc::Status GraphServiceImpl::WatchStatements(
    grpc::ServerContext* ctx, const v1::WatchStatementsRequest* req,
    grpc::ServerWriter<v1::WatchStatementsResponse>* writer) {
  if (grpc::Status s = CheckName("entity.name", req->entity().name()); !s.ok()) return s;
  auto database_id = reader_->DatabaseId();
  if (!database_id.ok()) return ToGrpcStatus(database_id.status());
  auto after = DecodeFeedCursor(req->cursor(), *database_id);
  if (!after.ok()) return BadRequest({{"cursor", std::string(after.status().message())}});
  graph::WatchQuery q;
  if (req->has_entity()) {
    q.entity = FromProto(req->entity());
    q.resolution = FromProto(req->name_resolution());
  }
  q.filter = FromProto(req->filter());
  q.after = *after;
  bool was_caught_up = false;
  while (!ctx->IsCancelled()) {
    auto answer = reader_->Watch(q);
    if (!answer.ok()) return ToGrpcStatus(answer.status());
    const bool caught_up = answer->page.caught_up;
    // A caught-up poll that found nothing new says nothing.
    if (!answer->page.changes.empty() || (caught_up && !was_caught_up) ||
        !(answer->page.cursor == q.after)) {
      if (!writer->Write(WatchResponse(*answer, *database_id, req->statement_view()))) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
      }
    }
    q.after = answer->page.cursor;
    was_caught_up = caught_up;
    if (!caught_up) continue;
    if (req->stop_when_caught_up()) return grpc::Status::OK;
    std::this_thread::sleep_for(kWatchPoll);
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "the watch was cancelled");
}

grpc::Status GraphServiceImpl::GetRelationTimeline(grpc::ServerContext* ctx,
                                                   const v1::GetRelationTimelineRequest* req,
                                                   v1::GetRelationTimelineResponse* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if (grpc::Status s = CheckName("a.name", req->a().name()); !s.ok()) return s;
  if (grpc::Status s = CheckName("b.name", req->b().name()); !s.ok()) return s;
  graph::TimelineQuery q;
  q.a = FromProto(req->a());
  q.b = FromProto(req->b());
  q.resolution = FromProto(req->name_resolution());
  q.filter = FromProto(req->filter());
  q.granularity = FromProto(req->granularity());
  q.page_size = OrDefault(req->page_size(), 50);
  q.detail = DetailOf(req->statement_view());
  q.count_sources = req->count_sources();
  if (grpc::Status s = AsOfOf(*req, &q.as_of_micros); !s.ok()) return s;
  if (grpc::Status s = RollupOf(*req, &q.rollup); !s.ok()) return s;
  const uint64_t fingerprint = PageFingerprint(*req);
  if (grpc::Status s = ResumePoint(req->page_token(), fingerprint, &q.resume_after); !s.ok()) {
    return s;
  }
  graph::WorkLease memory = reader_->NewLease();
  auto answer = reader_->Timeline(q, StopOf(ctx), &memory);
  if (!answer.ok()) return ToGrpcStatus(answer.status());
  ToProto(answer->a, resp->mutable_a(), req->entity_view());
  ToProto(answer->b, resp->mutable_b(), req->entity_view());
  for (const auto& b : answer->buckets) {
    auto* out = resp->add_buckets();
    *out->mutable_start() = DayProto(b.start_day);
    out->set_total(b.total);
    uint64_t u, vc, mc, vx, mx;
    QuadCounts(b.by_quad, &u, &vc, &mc, &vx, &mx);
    out->set_unclassified(u);
    out->set_verbal_cooperation(vc);
    out->set_material_cooperation(mc);
    out->set_verbal_conflict(vx);
    out->set_material_conflict(mx);
    out->set_mean_goldstein(b.classified ? b.goldstein_sum / b.classified : 0);
    out->set_a_to_b(b.a_to_b);
    out->set_b_to_a(b.b_to_a);
    out->set_sources(b.sources);
  }
  resp->mutable_statements()->Reserve(static_cast<int>(answer->page.statements.size()));
  for (const auto& v : answer->page.statements) {
    ToProto(v, resp->add_statements(), req->statement_view());
  }
  if (answer->page.next) {
    resp->set_next_page_token(EncodePageToken(fingerprint, *answer->page.next));
  }
  return ToGrpcStatus(ChargeResponse(*resp, &memory));
}

grpc::Status GraphServiceImpl::GetEntityProfile(grpc::ServerContext* ctx,
                                                const v1::GetEntityProfileRequest* req,
                                                v1::GetEntityProfileResponse* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if (grpc::Status s = CheckName("entity.name", req->entity().name()); !s.ok()) return s;
  // The response holds at most `top` (100) counterparts: only the query is
  // charged.
  graph::WorkLease memory = reader_->NewLease();
  graph::ProfileQuery q;
  q.entity = FromProto(req->entity());
  q.resolution = FromProto(req->name_resolution());
  q.top = OrDefault(req->top(), q.top);
  q.count_sources = req->count_sources();
  if (grpc::Status s = AsOfOf(*req, &q.as_of_micros); !s.ok()) return s;
  if (grpc::Status s = RollupOf(*req, &q.rollup); !s.ok()) return s;
  auto answer = reader_->Profile(q, StopOf(ctx), &memory);
  if (!answer.ok()) return ToGrpcStatus(answer.status());
  const graph::EntityProfile& p = answer->profile;
  ToProto(answer->entity, resp->mutable_entity(), req->entity_view());
  resp->set_out_statements(p.out_statements);
  resp->set_in_statements(p.in_statements);
  resp->set_out_degree(p.out_degree);
  resp->set_in_degree(p.in_degree);
  if (p.first_day) *resp->mutable_first_date() = DayProto(*p.first_day);
  if (p.last_day) *resp->mutable_last_date() = DayProto(*p.last_day);
  for (const auto& c : p.top) {
    auto* out = resp->add_top_counterparts();
    ToProto(answer->counterparts.at(c.id), out->mutable_entity(), req->entity_view());
    out->set_out_count(c.out_count);
    out->set_in_count(c.in_count);
    out->set_sources(c.sources);
  }
  resp->set_sources(p.sources);
  uint64_t u, vc, mc, vx, mx;
  QuadCounts(p.by_quad, &u, &vc, &mc, &vx, &mx);
  resp->set_unclassified(u);
  resp->set_verbal_cooperation(vc);
  resp->set_material_cooperation(mc);
  resp->set_verbal_conflict(vx);
  resp->set_material_conflict(mx);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::ListClaims(grpc::ServerContext* ctx,
                                          const v1::ListClaimsRequest* req,
                                          v1::ListClaimsResponse* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if (grpc::Status s = CheckName("entity.name", req->entity().name()); !s.ok()) return s;
  if (grpc::Status s = CheckName("other.name", req->other().name()); !s.ok()) return s;
  if (grpc::Status s = CheckName("claimant.name", req->claimant().name()); !s.ok()) return s;
  if (req->order() != v1::CLAIM_ORDER_UNSPECIFIED && req->order() != v1::CLAIM_ORDER_SOURCES &&
      req->order() != v1::CLAIM_ORDER_RECENT) {
    return BadRequest({{"order", "must be CLAIM_ORDER_SOURCES or CLAIM_ORDER_RECENT"}});
  }
  graph::ClaimsQuery q;
  q.entity = FromProto(req->entity());
  if (req->has_other()) q.other = FromProto(req->other());
  if (req->has_claimant()) q.claimant = FromProto(req->claimant());
  q.resolution = FromProto(req->name_resolution());
  q.date_from = FromProto(req->date_from());
  q.date_to = FromProto(req->date_to());
  q.contested_only = req->contested_only();
  q.min_sources = req->min_sources();
  q.order = req->order() == v1::CLAIM_ORDER_RECENT ? graph::ClaimOrder::kRecent
                                                   : graph::ClaimOrder::kSources;
  q.page_size = OrDefault(req->page_size(), 50);
  const uint64_t fingerprint = PageFingerprint(*req);
  if (!req->page_token().empty()) {
    auto offset = DecodeOffsetPageToken(req->page_token(), fingerprint);
    if (!offset.ok()) return BadRequest({{"page_token", std::string(offset.status().message())}});
    q.offset = *offset;
  }
  graph::WorkLease memory = reader_->NewLease();
  auto answer = reader_->ListClaims(q, StopOf(ctx), &memory);
  if (!answer.ok()) return ToGrpcStatus(answer.status());
  for (const auto& c : answer->claims) ToProto(c, resp->add_claims());
  for (const auto& [id, e] : answer->entities) ToProto(e, resp->add_entities());
  resp->set_total(answer->total);
  if (const auto& p = answer->claimant_profile) {
    v1::ClaimantProfile* out = resp->mutable_claimant_profile();
    out->set_claims(p->claims);
    out->set_contested(p->contested);
    out->set_corroborated(p->corroborated);
    for (const auto& [id, n] : p->about) {
      v1::ClaimSubjectCount* a = out->add_about();
      a->set_entity_id(id);
      a->set_claims(n);
    }
  }
  if (answer->next_offset) {
    resp->set_next_page_token(EncodeOffsetPageToken(fingerprint, *answer->next_offset));
  }
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::GetClaim(grpc::ServerContext* ctx, const v1::GetClaimRequest* req,
                                        v1::GetClaimResponse* resp) {
  if (grpc::Status s = AwaitLog(*ctx, req->min_log_sequence()); !s.ok()) return s;
  if (req->id() == 0) return BadRequest({{"id", "is required"}});
  graph::WorkLease memory = reader_->NewLease();
  auto answer = reader_->GetClaim(req->id(), OrDefault(req->max_statements(), 100), &memory);
  if (!answer.ok()) return ToGrpcStatus(answer.status());
  ToProto(answer->claim, resp->mutable_claim());
  for (const auto& v : answer->asserting) ToProto(v, resp->add_asserting());
  for (const auto& v : answer->denying) ToProto(v, resp->add_denying());
  for (const auto& v : answer->other) ToProto(v, resp->add_other());
  resp->set_truncated(answer->truncated);
  for (const auto& [id, e] : answer->entities) ToProto(e, resp->add_entities());
  return grpc::Status::OK;
}

}  // namespace entente::service
