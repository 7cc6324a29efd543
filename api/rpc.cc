#include "api/rpc.h"

#include <cstdio>
#include <cstdlib>
#include <exception>

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
                      const google::protobuf::Descriptor* response) {
  const google::protobuf::MethodDescriptor* found = nullptr;
  const google::protobuf::FileDescriptor* file = request->file();
  for (int s = 0; s < file->service_count(); ++s) {
    for (int m = 0; m < file->service(s)->method_count(); ++m) {
      const auto* method = file->service(s)->method(m);
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
    std::fprintf(stderr, "no rpc in %s takes %s and returns %s\n", file->name().c_str(),
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

void LogRpc(const Call& call, absl::Time start, const absl::Status& status) {
  const std::string& method = call.method();
  const double latency_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  const std::string peer = call.context()->peer();
  const std::string code = absl::StatusCodeToString(status.code());
  if (status.ok()) {
    LogJson("info", "rpc",
            {{"method", method},
             {"code", code},
             {"latency_ms", latency_ms},
             {"peer", peer},
             {"request_id", call.request_id()}});
  } else {
    LogJson(status.code() == absl::StatusCode::kInternal ? "error" : "info", "rpc",
            {{"method", method},
             {"code", code},
             {"latency_ms", latency_ms},
             {"peer", peer},
             {"request_id", call.request_id()},
             {"error", status.message()}});
  }
}

}  // namespace allies::api
