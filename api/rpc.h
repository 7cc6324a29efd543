// The one call at the top of every handler: request id, exception safety, status conversion and
// the per-RPC JSON log line. Later: authentication and the policy check.
#ifndef ALLIES_API_RPC_H_
#define ALLIES_API_RPC_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "api/executor.h"

namespace allies::api {

// What a handler knows about the call it serves.
class Call {
 public:
  Call(grpc::CallbackServerContext* context, std::string request_id)
      : context_(context), request_id_(std::move(request_id)) {}
  grpc::CallbackServerContext* context() const { return context_; }
  // From the client's x-request-id metadata, else generated; echoed back in initial metadata.
  const std::string& request_id() const { return request_id_; }

 private:
  grpc::CallbackServerContext* context_;
  std::string request_id_;
};

// Serves one unary RPC `method` ("allies.v1.LibraryService/GetLibrary"): runs body on the
// executor, converts its status (with details) to a grpc::Status, finishes the call, and writes
// one JSON log line. An exception escaping body becomes INTERNAL and is logged; it never reaches
// gRPC. Request and response objects stay valid until body returns.
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Executor& executor,
                                absl::string_view method,
                                std::function<absl::Status(const Call&)> body);

}  // namespace allies::api

#endif  // ALLIES_API_RPC_H_
