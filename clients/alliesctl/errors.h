// Exit codes of alliesctl and the rendering of gRPC errors with their
// google.rpc.Status details.
#ifndef ALLIES_CLIENTS_ALLIESCTL_ERRORS_H_
#define ALLIES_CLIENTS_ALLIESCTL_ERRORS_H_

#include <string>

#include "grpcpp/support/status.h"

namespace allies::ctl {

// Process exit codes; documented in `alliesctl --help` (see kExitCodesHelp).
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,            // Any other error.
  kExitUsage = 2,            // Bad flags, unknown command.
  kExitInvalidArgument = 3,  // INVALID_ARGUMENT, OUT_OF_RANGE.
  kExitNotFound = 4,         // NOT_FOUND.
  kExitUnavailable = 5,      // UNAVAILABLE, DEADLINE_EXCEEDED.
  kExitConflict = 6,         // ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED.
  kExitPermission = 7,       // PERMISSION_DENIED, UNAUTHENTICATED.
};

// The exit-code section of the top-level help text.
extern const char kExitCodesHelp[];

// The exit code for a failed RPC with `code` (kExitOk for OK).
int ExitCodeForStatus(grpc::StatusCode code);

// "INVALID_ARGUMENT", "NOT_FOUND", ...; "CODE_<n>" for unknown values.
std::string StatusCodeName(grpc::StatusCode code);

// The text printed to stderr for a failed RPC, ending with a newline:
//   error: <CODE_NAME>: <message>
//     <field>: <description>          (each google.rpc.BadRequest violation)
//     <type> <subject>: <description> (each google.rpc.PreconditionFailure one)
//     reason: <REASON>                (google.rpc.ErrorInfo)
//     <key>=<value>                   (its metadata, sorted by key)
// Details that do not parse are ignored.
std::string FormatRpcError(const grpc::Status& status);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_ERRORS_H_
