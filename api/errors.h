// Errors that travel as absl::Status inside the process and as google.rpc.Status on the wire.
//
// Details ride in absl::Status payloads keyed by their type URL, so storage, services and the
// RPC boundary all speak absl::Status; ToGrpcStatus() packs the payloads into google.rpc.Status.
#ifndef ALLIES_API_ERRORS_H_
#define ALLIES_API_ERRORS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace allies::api {

inline constexpr absl::string_view kErrorDomain = "allies.v1";

// An error with an ErrorInfo reason (UPPER_SNAKE) and optional ErrorInfo metadata.
absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                   const std::vector<std::pair<std::string, std::string>>& metadata = {});

// FAILED_PRECONDITION with its reason: what the resource's state refuses.
absl::Status Precondition(absl::string_view reason, absl::string_view message,
                          const std::vector<std::pair<std::string, std::string>>& metadata = {});

// Collects BadRequest field violations; ToStatus() is OK when there are none.
class FieldViolations {
 public:
  void Add(std::string field, std::string description);
  // Adds the field violations an INVALID_ARGUMENT status carries (its message under `field`
  // when it carries none).
  void AddFrom(const absl::Status& status, absl::string_view field);
  // Adds `other`'s violations, those under `from` ("consent.purposes") moved under `to`
  // ("volunteer_consent.purposes" when a request carries the resource in another field).
  void Merge(const FieldViolations& other, absl::string_view from, absl::string_view to);
  bool empty() const { return violations_.empty(); }
  // (field, description), in the order added.
  const std::vector<std::pair<std::string, std::string>>& items() const { return violations_; }
  // INVALID_ARGUMENT with a BadRequest detail and ErrorInfo reason (default INVALID_ARGUMENT).
  absl::Status ToStatus(absl::string_view reason = "INVALID_ARGUMENT") const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

// Shorthand for a single bad field.
absl::Status InvalidField(std::string field, std::string description,
                          absl::string_view reason = "INVALID_ARGUMENT");

// A user-supplied value for an error message: quoted, cut to at most 64 characters at a UTF-8
// boundary (with "…" when cut), so that errors and their trailers stay small.
std::string Quote(absl::string_view value);

// The ErrorInfo reason carried by status, or "" when it has none.
std::string ErrorReason(const absl::Status& status);

// Converts to a grpc::Status whose binary details are a google.rpc.Status holding every payload
// of `status`, plus an ErrorInfo derived from the code when the status carried none.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace allies::api

#endif  // ALLIES_API_ERRORS_H_
