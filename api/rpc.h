// The one call at the top of every handler: request id, exception safety, status conversion and
// the per-RPC JSON log line. Later: authentication and the policy check.
#ifndef ALLIES_API_RPC_H_
#define ALLIES_API_RPC_H_

#include <grpcpp/server_context.h>

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace allies::api {

// What a handler knows about the call it serves.
class Call {
 public:
  Call(grpc::ServerContext* context, std::string request_id)
      : context_(context), request_id_(std::move(request_id)) {}
  grpc::ServerContext* context() const { return context_; }
  // From the client's x-request-id metadata, else generated; echoed back in initial metadata.
  const std::string& request_id() const { return request_id_; }

 private:
  grpc::ServerContext* context_;
  std::string request_id_;
};

// Runs body for the RPC `method` ("allies.v1.LibraryService/GetLibrary"), converts its status
// (with details) to a grpc::Status, and writes one JSON log line. An exception escaping body
// becomes INTERNAL and is logged; it never reaches gRPC.
grpc::Status Serve(grpc::ServerContext* context, absl::string_view method,
                   absl::FunctionRef<absl::Status(const Call&)> body);

}  // namespace allies::api

#endif  // ALLIES_API_RPC_H_
