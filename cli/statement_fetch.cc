#include "cli/statement_fetch.h"

#include <memory>

#include "entente/v1/graph.grpc.pb.h"
#include "grpcpp/completion_queue.h"

namespace entente::cli {
namespace {

// Enough to hide the round trip to a distant server, few enough that the
// server's admission limits are not the ones that decide.
constexpr size_t kInFlight = 32;

struct Call {
  uint64_t id = 0;
  grpc::ClientContext context;
  v1::Statement response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Statement>> reader;
};

}  // namespace

grpc::Status FetchStatements(const Context& ctx, const std::vector<uint64_t>& ids,
                             const google::protobuf::Timestamp* as_of,
                             std::map<uint64_t, v1::Statement>* out) {
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::CompletionQueue queue;
  size_t next = 0, pending = 0;
  const auto start = [&] {
    auto call = std::make_unique<Call>();
    call->id = ids[next++];
    Context::SetUnaryDeadline(&call->context);
    v1::GetStatementRequest request;
    request.set_id(call->id);
    if (as_of != nullptr) *request.mutable_as_of() = *as_of;
    call->reader = stub->AsyncGetStatement(&call->context, request, &queue);
    // The queue hands the call back as its tag; it is owned again there.
    Call* tag = call.release();
    tag->reader->Finish(&tag->response, &tag->status, tag);
    ++pending;
  };
  while (next < ids.size() && pending < kInFlight) start();
  grpc::Status failure;
  void* tag = nullptr;
  bool ok = false;
  while (pending > 0 && queue.Next(&tag, &ok)) {
    std::unique_ptr<Call> call(static_cast<Call*>(tag));
    --pending;
    if (call->status.ok()) {
      (*out)[call->id] = std::move(call->response);
    } else if (call->status.error_code() != grpc::StatusCode::NOT_FOUND && failure.ok()) {
      failure = call->status;
    }
    if (failure.ok() && next < ids.size()) start();
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return failure;
}

}  // namespace entente::cli
