#include "clients/alliesctl/errors.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace allies::ctl {

const char kExitCodesHelp[] =
    "Exit codes:\n"
    "  0  success\n"
    "  1  other error\n"
    "  2  usage error (bad flags, unknown command)\n"
    "  3  INVALID_ARGUMENT or OUT_OF_RANGE\n"
    "  4  NOT_FOUND\n"
    "  5  UNAVAILABLE or DEADLINE_EXCEEDED\n"
    "  6  ALREADY_EXISTS, FAILED_PRECONDITION or ABORTED\n"
    "  7  PERMISSION_DENIED or UNAUTHENTICATED\n";

int ExitCodeForStatus(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kExitInvalidArgument;
    case grpc::StatusCode::NOT_FOUND:
      return kExitNotFound;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnavailable;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
      return kExitConflict;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return kExitPermission;
    default:
      return kExitError;
  }
}

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

std::string FormatRpcError(const grpc::Status& status) {
  google::rpc::Status rpc_status;
  const bool has_details =
      !status.error_details().empty() && rpc_status.ParseFromString(status.error_details());
  std::string message = status.error_message();
  if (message.empty() && has_details) message = rpc_status.message();
  std::string out = absl::StrCat("error: ", StatusCodeName(status.error_code()), ": ",
                                 message.empty() ? "(no message)" : message, "\n");
  if (!has_details) return out;
  // Field violations first, then the reason, whatever the order of the details.
  std::string violations;
  std::string reasons;
  for (const google::protobuf::Any& any : rpc_status.details()) {
    if (google::rpc::BadRequest bad_request; any.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        absl::StrAppend(&violations, "  ", violation.field(), ": ", violation.description(), "\n");
      }
    } else if (google::rpc::PreconditionFailure failure; any.UnpackTo(&failure)) {
      for (const auto& violation : failure.violations()) {
        absl::StrAppend(&violations, "  ", violation.type(), violation.subject().empty() ? "" : " ",
                        violation.subject(), ": ", violation.description(), "\n");
      }
    } else if (google::rpc::ErrorInfo info; any.UnpackTo(&info)) {
      absl::StrAppend(&reasons, "  reason: ", info.reason(), "\n");
      std::vector<std::pair<std::string, std::string>> metadata(info.metadata().begin(),
                                                                info.metadata().end());
      std::sort(metadata.begin(), metadata.end());
      for (const auto& [key, value] : metadata) {
        absl::StrAppend(&reasons, "  ", key, "=", value, "\n");
      }
    }
  }
  absl::StrAppend(&out, violations, reasons);
  return out;
}

}  // namespace allies::ctl
