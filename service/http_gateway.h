// HttpGateway: entente.v1 over HTTP/JSON, for browsers, notebooks and curl.
//
// Every method is served by calling the gRPC server itself through its
// in-process channel, so a JSON call runs the same handler, the same
// interceptors (admission limits, metrics, logs, the caller's name) and the
// same validation as a gRPC call: there is no second implementation of any
// query. Routes, JSON rules and errors are in docs/http.md; in short:
//
//   POST /v1/<Service>/<Method>   body: the request in the protobuf JSON
//                                 mapping (Content-Type: application/json)
//   GET  /v1/<Service>/<Method>?field=v&nested.field=v&repeated=a&repeated=b
//                                 reads only (a GET must not write)
//
// The answer is the response message as JSON (proto field names, defaults
// printed); a server-streaming method's answer (Traverse) is a JSON array of
// its messages. Client-streaming methods and feeds (IngestStream,
// WatchStatements) answer 501 naming the gRPC method to use instead. Errors
// are the HTTP status of the gRPC code with a google.rpc.Status body.
//
// Access: what the gRPC port's credentials check for each call is checked
// here with the same policy (service/auth.h Authorize), from the request's
// Authorization header, because the in-process channel has no credentials.
//
// Thread-safety: Handle() may run on several threads at once; the gateway
// is immutable after construction.
#ifndef ENTENTE_SERVICE_HTTP_GATEWAY_H_
#define ENTENTE_SERVICE_HTTP_GATEWAY_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "service/auth.h"

namespace google::protobuf {
class MethodDescriptor;
}

namespace grpc {
class Channel;
}

namespace entente::service {

struct HttpGatewayOptions {
  // The gRPC server's in-process channel (grpc::Server::InProcessChannel).
  std::shared_ptr<grpc::Channel> channel;
  // The server's tokens; null when it checks none (every call is allowed,
  // as on the gRPC port).
  std::shared_ptr<const TokenTable> tokens;
  // A call's deadline: the request's X-Entente-Timeout-Ms, at most this,
  // and this when the header is absent.
  std::chrono::milliseconds max_deadline{30000};
};

// What the HTTP layer needs of a request; header names in lower case.
struct HttpCall {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/v1/GraphService/Traverse"
  std::multimap<std::string, std::string> query;
  std::string content_type;
  std::string authorization;
  std::string timeout_ms;  // X-Entente-Timeout-Ms, "" when absent
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (Allow on 405).
  std::vector<std::pair<std::string, std::string>> headers;
};

class HttpGateway {
 public:
  explicit HttpGateway(HttpGatewayOptions options);
  ~HttpGateway();

  // Serves one /v1/... request. Never fails: errors are replies.
  HttpReply Handle(const HttpCall& call) const;

  // The HTTP status of a gRPC (= absl) status code, as grpc-gateway and
  // Google APIs map them.
  static int HttpStatusOf(absl::StatusCode code);

 private:
  struct Route;

  const Route* Find(absl::string_view path) const;
  HttpReply Call(const Route& route, const HttpCall& call) const;

  const HttpGatewayOptions options_;
  std::map<std::string, Route, std::less<>> routes_;  // by path
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_HTTP_GATEWAY_H_
