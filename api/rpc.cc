#include "api/rpc.h"

#include <exception>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "api/errors.h"
#include "api/log.h"
#include "api/names.h"

namespace allies::api {
namespace {

constexpr absl::string_view kRequestIdHeader = "x-request-id";

std::string RequestIdOf(grpc::CallbackServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(kRequestIdHeader.data(), kRequestIdHeader.size()));
  if (it != metadata.end() && !it->second.empty() && it->second.size() <= 128) {
    return std::string(it->second.data(), it->second.size());
  }
  return GenerateResourceId();
}

}  // namespace

grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Executor& executor,
                                absl::string_view method,
                                std::function<absl::Status(const Call&)> body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time start = absl::Now();
  auto task = [context, reactor, method, start, body = std::move(body)] {
    Call call(context, RequestIdOf(context));
    context->AddInitialMetadata(std::string(kRequestIdHeader), call.request_id());
    absl::Status status;
    try {
      status = body(call);
    } catch (const std::exception& e) {
      status = Error(absl::StatusCode::kInternal, "INTERNAL", "internal error");
      LogJson("error", "unhandled exception",
              {{"method", method}, {"what", e.what()}, {"request_id", call.request_id()}});
    } catch (...) {
      status = Error(absl::StatusCode::kInternal, "INTERNAL", "internal error");
      LogJson("error", "unhandled exception",
              {{"method", method}, {"request_id", call.request_id()}});
    }
    const double latency_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    const std::string peer = context->peer();
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
    reactor->Finish(ToGrpcStatus(status));
  };
  executor.Schedule(std::move(task));
  return reactor;
}

}  // namespace allies::api
