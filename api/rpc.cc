#include "api/rpc.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "api/credentials.h"
#include "api/errors.h"
#include "api/log.h"
#include "api/names.h"

namespace allies::api {
namespace {

constexpr absl::string_view kRequestIdHeader = "x-request-id";

}  // namespace

std::string AcceptCall(grpc::ServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(kRequestIdHeader.data(), kRequestIdHeader.size()));
  // A client's id is used when it fits where ids are kept (64 characters of [A-Za-z0-9._:-]).
  bool usable = it != metadata.end() && !it->second.empty() && it->second.size() <= 64;
  for (size_t i = 0; usable && i < it->second.size(); ++i) {
    const char c = it->second.data()[i];
    usable = absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
  }
  std::string request_id =
      usable ? std::string(it->second.data(), it->second.size()) : GenerateResourceId();
  context->AddInitialMetadata(std::string(kRequestIdHeader), request_id);
  return request_id;
}

absl::StatusOr<Principal> AuthenticateCall(grpc::ServerContext* context,
                                           Authenticator& authenticator) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return Error(absl::StatusCode::kUnauthenticated, "CREDENTIALS_MISSING",
                 "send an API key as \"authorization: Bearer <key>\"");
  }
  auto token = BearerToken(absl::string_view(it->second.data(), it->second.size()));
  if (!token.ok()) return token.status();
  return authenticator.Authenticate(*token);
}

MethodInfo FindMethod(const google::protobuf::Descriptor* request,
                      const google::protobuf::Descriptor* response,
                      const google::protobuf::ServiceDescriptor* service) {
  const google::protobuf::MethodDescriptor* found = nullptr;
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  if (service != nullptr) {
    services.push_back(service);
  } else {
    for (int s = 0; s < request->file()->service_count(); ++s) {
      services.push_back(request->file()->service(s));
    }
  }
  for (const auto* candidate : services) {
    for (int m = 0; m < candidate->method_count(); ++m) {
      const auto* method = candidate->method(m);
      if (method->input_type() != request || method->output_type() != response) continue;
      if (found != nullptr) {
        std::fprintf(stderr, "%s serves both %s and %s: give each rpc a request of its own\n",
                     request->full_name().c_str(), found->full_name().c_str(),
                     method->full_name().c_str());
        std::abort();
      }
      found = method;
    }
  }
  if (found == nullptr) {
    std::fprintf(
        stderr, "no rpc in %s takes %s and returns %s\n",
        service != nullptr ? service->full_name().c_str() : request->file()->name().c_str(),
        request->full_name().c_str(), response->full_name().c_str());
    std::abort();
  }
  return {found, MethodPath(*found)};
}

absl::Status RunHandler(const Call& call, const std::function<absl::Status()>& body) {
  // A call whose deadline passed while it waited is not worth running.
  if (call.context()->deadline() < std::chrono::system_clock::now()) {
    return Error(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                 "the deadline passed before the call could run");
  }
  try {
    return body();
  } catch (const std::exception& e) {
    LogJson("error", "unhandled exception",
            {{"method", call.method()}, {"what", e.what()}, {"request_id", call.request_id()}});
  } catch (...) {
    LogJson("error", "unhandled exception",
            {{"method", call.method()}, {"request_id", call.request_id()}});
  }
  return Error(absl::StatusCode::kInternal, "INTERNAL", "internal error");
}

absl::Status ServeCall(grpc::ServerContext* context, const MethodInfo& method,
                       Authenticator& authenticator,
                       const std::function<absl::Status(const Call&)>& body) {
  const absl::Time start = absl::Now();
  std::string request_id = AcceptCall(context);
  // Who is calling, and may they call this at all? (Their scope is the handler's check.)
  absl::StatusOr<Principal> principal = AuthenticateCall(context, authenticator);
  absl::Status status = principal.status();
  if (status.ok()) status = CheckPermission(*principal, *method.descriptor);
  Call call(context, method, std::move(request_id),
            principal.ok() ? *std::move(principal) : Principal{});
  if (status.ok()) status = RunHandler(call, [&] { return body(call); });
  LogRpc(call, start, status);
  ObserveRpc(call, status.code(), absl::Now() - start);
  return status;
}

namespace {

// The trace id of a W3C traceparent ("00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>"),
// or "" when there is none or it is malformed.
std::string TraceId(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("traceparent");
  if (it == metadata.end()) return "";
  const absl::string_view value(it->second.data(), it->second.size());
  if (value.size() < 55 || value[2] != '-' || value[35] != '-') return "";
  const absl::string_view id = value.substr(3, 32);
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
  }
  if (id == std::string(32, '0')) return "";
  return std::string(id);
}

std::atomic<RpcObserver*> rpc_observer{nullptr};

}  // namespace

void LogRpc(const Call& call, absl::Time start, const absl::Status& status) {
  const std::string& method = call.method();
  const double latency_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  const std::string peer = call.context()->peer();
  const std::string code = absl::StatusCodeToString(status.code());
  std::vector<LogField> fields = {{"method", method},
                                  {"code", code},
                                  {"latency_ms", latency_ms},
                                  {"peer", peer},
                                  {"request_id", call.request_id()}};
  if (!call.principal().name.empty()) fields.push_back({"key", call.principal().name});
  const std::string trace = TraceId(*call.context());
  if (!trace.empty()) fields.push_back({"trace_id", trace});
  if (status.ok()) {
    LogJson("info", "rpc", fields);
    return;
  }
  fields.push_back({"error", status.message()});
  const char* level = status.code() == absl::StatusCode::kInternal ? "error"
                      : status.code() == absl::StatusCode::kUnavailable ||
                              status.code() == absl::StatusCode::kDeadlineExceeded
                          ? "warn"
                          : "info";
  LogJson(level, "rpc", fields);
}

void SetRpcObserver(RpcObserver* observer) { rpc_observer.store(observer); }

void ObserveRpc(const Call& call, absl::StatusCode code, absl::Duration latency) {
  RpcObserver* observer = rpc_observer.load(std::memory_order_acquire);
  if (observer != nullptr) observer->OnRpc(call, code, latency);
}

}  // namespace allies::api
