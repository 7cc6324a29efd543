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

// Logs the call and finishes it with status.
void Finish(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
            absl::string_view method, absl::Time start, const std::string& request_id,
            const absl::Status& status) {
  const double latency_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  const std::string peer = context->peer();
  const std::string code = absl::StatusCodeToString(status.code());
  if (status.ok()) {
    LogJson("info", "rpc",
            {{"method", method},
             {"code", code},
             {"latency_ms", latency_ms},
             {"peer", peer},
             {"request_id", request_id}});
  } else {
    LogJson(status.code() == absl::StatusCode::kInternal ? "error" : "info", "rpc",
            {{"method", method},
             {"code", code},
             {"latency_ms", latency_ms},
             {"peer", peer},
             {"request_id", request_id},
             {"error", status.message()}});
  }
  reactor->Finish(ToGrpcStatus(status));
}

absl::Status RunBody(const Call& call, absl::string_view method,
                     const std::function<absl::Status(const Call&)>& body) {
  grpc::CallbackServerContext* context = call.context();
  // A call its client gave up on while it waited in the queue is not worth running.
  if (context->IsCancelled()) {
    return Error(absl::StatusCode::kCancelled, "CANCELLED", "the call was cancelled");
  }
  if (context->deadline() < std::chrono::system_clock::now()) {
    return Error(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                 "the deadline passed before the call could run");
  }
  try {
    return body(call);
  } catch (const std::exception& e) {
    LogJson("error", "unhandled exception",
            {{"method", method}, {"what", e.what()}, {"request_id", call.request_id()}});
  } catch (...) {
    LogJson("error", "unhandled exception",
            {{"method", method}, {"request_id", call.request_id()}});
  }
  return Error(absl::StatusCode::kInternal, "INTERNAL", "internal error");
}

}  // namespace

grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Executor& executor,
                                absl::string_view method,
                                std::function<absl::Status(const Call&)> body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time start = absl::Now();
  auto call = std::make_shared<Call>(context, RequestIdOf(context));
  context->AddInitialMetadata(std::string(kRequestIdHeader), call->request_id());
  const bool queued = executor.TrySchedule([reactor, method, start, call, body = std::move(body)] {
    Finish(call->context(), reactor, method, start, call->request_id(),
           RunBody(*call, method, body));
  });
  if (!queued) {
    Finish(context, reactor, method, start, call->request_id(),
           Error(absl::StatusCode::kUnavailable, "SERVER_OVERLOADED",
                 "the server has too many calls waiting; retry with backoff"));
  }
  return reactor;
}

}  // namespace allies::api
