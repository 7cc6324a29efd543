// Reading the google.rpc.Status details of a failed call, for tests.
#ifndef ALLIES_TESTS_SUPPORT_RPC_ERRORS_H_
#define ALLIES_TESTS_SUPPORT_RPC_ERRORS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

namespace allies::testing {

// The ErrorInfo reason, or "" when there is none.
std::string Reason(const grpc::Status& status);

// An ErrorInfo metadata value, or "" when there is none.
std::string ErrorMetadata(const grpc::Status& status, const std::string& key);

// The fields of the BadRequest violations, in order.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

}  // namespace allies::testing

#endif  // ALLIES_TESTS_SUPPORT_RPC_ERRORS_H_
