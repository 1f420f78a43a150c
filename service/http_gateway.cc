#include "service/http_gateway.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <grpcpp/impl/codegen/sync_stream.h>

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/rpc/status.pb.h"
#include "model/violations.h"
#include "service/grpc_status.h"

namespace entente::service {

namespace pb = google::protobuf;

namespace {

// The services served, in the order GET /v1 lists them. Health has its own
// standard protocol (and /healthz is not asked for): not served here.
constexpr const char* kServices[] = {"entente.v1.GraphService", "entente.v1.IngestService",
                                     "entente.v1.AdminService"};

// Server-streaming methods that are feeds, open until the client leaves:
// a JSON answer would come only at the deadline.
constexpr const char* kFeeds[] = {"WatchStatements"};

enum class Kind { kUnary, kServerStream, kNotServed };

absl::Status Invalid(const std::string& field, const std::string& description) {
  return model::InvalidArgument({{field, description}});
}

std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor* type) {
  return std::unique_ptr<pb::Message>(
      pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

std::string ToJson(const pb::Message& message) {
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // A reader in JavaScript then finds every field, defaults included.
  options.always_print_primitive_fields = true;
  std::string out;
  // Fails only for an Any of a type this binary does not know: the server
  // makes none.
  if (!pb::util::MessageToJsonString(message, &out, options).ok()) out = "{}";
  return out;
}

HttpReply StatusReply(const google::rpc::Status& status) {
  HttpReply reply;
  reply.status = HttpGateway::HttpStatusOf(static_cast<absl::StatusCode>(status.code()));
  reply.body = ToJson(status);
  if (status.code() == static_cast<int>(absl::StatusCode::kUnauthenticated)) {
    reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return reply;
}

HttpReply ErrorReply(const absl::Status& status) { return StatusReply(ToRpcStatus(status)); }

HttpReply ErrorReply(const grpc::Status& status) {
  google::rpc::Status rpc;
  // The service puts its google.rpc.Status (with BadRequest) in the
  // details; errors made by gRPC itself (deadline, cancelled) have none.
  if (status.error_details().empty() || !rpc.ParseFromString(status.error_details())) {
    rpc.Clear();
    rpc.set_code(status.error_code());
    rpc.set_message(status.error_message());
  }
  return StatusReply(rpc);
}

// The field of `type` that `name` names, by proto name or JSON name.
const pb::FieldDescriptor* FieldNamed(const pb::Descriptor* type, absl::string_view name) {
  if (const pb::FieldDescriptor* f = type->FindFieldByName(std::string(name))) return f;
  for (int i = 0; i < type->field_count(); ++i) {
    if (type->field(i)->json_name() == name) return type->field(i);
  }
  return nullptr;
}

// Sets (or, if repeated, adds) `field` of `message` to `text`, parsed as
// the field's type. `path` names the field in errors.
absl::Status SetScalar(const std::string& path, const pb::FieldDescriptor* field,
                       absl::string_view text, pb::Message* message) {
  const pb::Reflection* r = message->GetReflection();
  const bool rep = field->is_repeated();
  const std::string value(text);
  auto bad = [&](const char* what) {
    return Invalid(path, absl::StrCat("'", value, "' is not ", what));
  };
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      rep ? r->AddInt32(message, field, v) : r->SetInt32(message, field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      rep ? r->AddInt64(message, field, v) : r->SetInt64(message, field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("a non-negative integer");
      rep ? r->AddUInt32(message, field, v) : r->SetUInt32(message, field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("a non-negative integer");
      rep ? r->AddUInt64(message, field, v) : r->SetUInt64(message, field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT) {
        rep ? r->AddFloat(message, field, static_cast<float>(v))
            : r->SetFloat(message, field, static_cast<float>(v));
      } else {
        rep ? r->AddDouble(message, field, v) : r->SetDouble(message, field, v);
      }
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(value, &v)) return bad("true or false");
      rep ? r->AddBool(message, field, v) : r->SetBool(message, field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* e = field->enum_type()->FindValueByName(value);
      int number;
      if (e == nullptr && absl::SimpleAtoi(value, &number)) {
        e = field->enum_type()->FindValueByNumber(number);
      }
      if (e == nullptr) return bad(("a value of " + field->enum_type()->name()).c_str());
      rep ? r->AddEnum(message, field, e) : r->SetEnum(message, field, e);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_STRING:
      rep ? r->AddString(message, field, value) : r->SetString(message, field, value);
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return Invalid(path, "is a message: give its fields as " + path + ".FIELD, or use POST");
}

// One query parameter: `path` is FIELD or FIELD.FIELD... into singular
// message fields.
absl::Status SetFromQuery(const std::string& path, absl::string_view value, pb::Message* request) {
  pb::Message* message = request;
  const std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const pb::FieldDescriptor* field = FieldNamed(message->GetDescriptor(), parts[i]);
    if (field == nullptr) {
      return Invalid(path, absl::StrCat("no field '", parts[i], "' in ",
                                        message->GetDescriptor()->full_name()));
    }
    if (i + 1 == parts.size()) return SetScalar(path, field, value, message);
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return Invalid(path,
                     absl::StrCat("'", parts[i], "' has no fields to set in a query; use POST"));
    }
    message = message->GetReflection()->MutableMessage(message, field);
  }
  return absl::OkStatus();
}

absl::Status FromJson(const std::string& body, pb::Message* request) {
  // An empty body is the empty request, as `{}`.
  if (absl::StripAsciiWhitespace(body).empty()) return absl::OkStatus();
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a misspelt field is an error, not a default
  const auto parsed = pb::util::JsonStringToMessage(body, request, options);
  if (parsed.ok()) return absl::OkStatus();
  return Invalid("body", absl::StrCat("not a JSON ", request->GetDescriptor()->full_name(), ": ",
                                      parsed.message().as_string()));
}

}  // namespace

struct HttpGateway::Route {
  std::string full_method;  // "/entente.v1.GraphService/Traverse", the gRPC path
  const pb::MethodDescriptor* method = nullptr;
  Kind kind = Kind::kUnary;
  // GET is allowed for methods the reader role may call: a GET must not
  // write, since a browser sends one to any address a page names.
  bool get = false;
};

HttpGateway::HttpGateway(HttpGatewayOptions options) : options_(std::move(options)) {
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  for (const char* name : kServices) {
    const pb::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;  // not linked into this binary
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* m = service->method(i);
      Route route;
      route.full_method = absl::StrCat("/", service->full_name(), "/", m->name());
      route.method = m;
      const bool feed =
          std::find(std::begin(kFeeds), std::end(kFeeds), m->name()) != std::end(kFeeds);
      route.kind = m->client_streaming() || feed ? Kind::kNotServed
                   : m->server_streaming()       ? Kind::kServerStream
                                                 : Kind::kUnary;
      route.get = RuleFor(route.full_method).role <= Role::kReader;
      routes_.emplace(absl::StrCat("/v1/", service->name(), "/", m->name()), std::move(route));
    }
  }
}

HttpGateway::~HttpGateway() = default;

int HttpGateway::HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

const HttpGateway::Route* HttpGateway::Find(absl::string_view path) const {
  auto it = routes_.find(path);
  return it == routes_.end() ? nullptr : &it->second;
}

HttpReply HttpGateway::Handle(const HttpCall& call) const {
  if (call.path == "/v1" || call.path == "/v1/") {
    // The index of methods, for a person or a client finding its way.
    pb::Struct index;
    pb::ListValue* methods = (*index.mutable_fields())["methods"].mutable_list_value();
    for (const auto& [path, route] : routes_) {
      auto& fields = *methods->add_values()->mutable_struct_value()->mutable_fields();
      fields["path"].set_string_value(path);
      fields["grpc"].set_string_value(route.full_method);
      fields["get"].set_bool_value(route.get);
      fields["served"].set_bool_value(route.kind != Kind::kNotServed);
    }
    return {200, "application/json", ToJson(index), {}};
  }
  const Route* route = Find(call.path);
  if (route == nullptr) {
    return ErrorReply(absl::NotFoundError(
        absl::StrCat("no method at ", call.path, ": GET /v1 lists them (/v1/SERVICE/METHOD)")));
  }
  if (route->kind == Kind::kNotServed) {
    return ErrorReply(absl::UnimplementedError(absl::StrCat(
        route->full_method, " streams without end or from the client: call it over gRPC")));
  }
  const bool post = call.method == "POST";
  if (!post && !(call.method == "GET" && route->get)) {
    HttpReply reply = ErrorReply(absl::InvalidArgumentError(
        absl::StrCat(call.method, " ", call.path, ": use POST", route->get ? " or GET" : "")));
    reply.status = 405;
    reply.headers.emplace_back("Allow", route->get ? "GET, POST" : "POST");
    return reply;
  }
  if (post && !absl::StartsWithIgnoreCase(call.content_type, "application/json")) {
    // Also what keeps a page of another site from posting here: a cross-
    // origin application/json POST needs a preflight this server never grants.
    HttpReply reply = ErrorReply(Invalid("Content-Type", "must be application/json"));
    reply.status = 415;
    return reply;
  }
  return Call(*route, call);
}

HttpReply HttpGateway::Call(const Route& route, const HttpCall& call) const {
  // What the gRPC port's credentials do for every call, with the same rule.
  if (options_.tokens != nullptr) {
    if (absl::Status allowed = Authorize(*options_.tokens, route.full_method, call.authorization);
        !allowed.ok()) {
      return ErrorReply(allowed);
    }
  }
  std::chrono::milliseconds timeout = options_.max_deadline;
  if (!call.timeout_ms.empty()) {
    int64_t ms = 0;
    if (!absl::SimpleAtoi(call.timeout_ms, &ms) || ms <= 0) {
      return ErrorReply(
          Invalid("X-Entente-Timeout-Ms", "must be a positive number of milliseconds"));
    }
    timeout = std::min(timeout, std::chrono::milliseconds(ms));
  }
  std::unique_ptr<pb::Message> request = NewMessage(route.method->input_type());
  absl::Status parsed;
  if (call.method == "GET") {
    for (const auto& [key, value] : call.query) {
      parsed = SetFromQuery(key, value, request.get());
      if (!parsed.ok()) break;
    }
  } else {
    parsed = FromJson(call.body, request.get());
  }
  if (!parsed.ok()) return ErrorReply(parsed);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  // Checked above; the server's CallerInterceptor turns it into the
  // caller's name, as for a gRPC call.
  if (options_.tokens != nullptr) context.AddMetadata("authorization", call.authorization);
  std::unique_ptr<pb::Message> response = NewMessage(route.method->output_type());
  // The calls generated stubs make, on the abstract Message: gRPC
  // serializes any protobuf message through its virtual methods.
  if (route.kind == Kind::kUnary) {
    const grpc::internal::RpcMethod rpc(route.full_method.c_str(),
                                        grpc::internal::RpcMethod::NORMAL_RPC);
    const grpc::Status status = grpc::internal::BlockingUnaryCall<pb::Message, pb::Message>(
        options_.channel.get(), rpc, &context, *request, response.get());
    if (!status.ok()) return ErrorReply(status);
    return {200, "application/json", ToJson(*response), {}};
  }
  const grpc::internal::RpcMethod rpc(route.full_method.c_str(),
                                      grpc::internal::RpcMethod::SERVER_STREAMING);
  std::unique_ptr<grpc::ClientReader<pb::Message>> reader(
      grpc::internal::ClientReaderFactory<pb::Message>::Create(options_.channel.get(), rpc,
                                                               &context, *request));
  std::string body = "[";
  for (bool first = true; reader->Read(response.get()); first = false) {
    absl::StrAppend(&body, first ? "" : ",", ToJson(*response));
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return ErrorReply(status);
  return {200, "application/json", body + "]", {}};
}

}  // namespace entente::service
