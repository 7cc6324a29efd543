// Idempotent mutations (AIP-155). A request carrying a request_id is answered at most once: the
// first response is stored in request_log in the same transaction as the change, a retry with the
// same id and the same request gets that response back without doing anything, and the same id
// with a different request is ALREADY_EXISTS (reason REQUEST_ID_REUSED).
#ifndef ALLIES_STORAGE_IDEMPOTENCY_H_
#define ALLIES_STORAGE_IDEMPOTENCY_H_

#include <google/protobuf/message.h>

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/pool.h"

namespace allies::storage {

// How long a request_id is remembered.
inline constexpr absl::Duration kRequestIdRetention = absl::Hours(24 * 7);

// INVALID_ARGUMENT (field "request_id") unless empty or 1-64 of [A-Za-z0-9._:-].
absl::Status ValidateRequestId(absl::string_view request_id);

// Runs `change` in one transaction (retried like RunInTransaction), filling `response`. With a
// non-empty request_id, does so at most once per (principal, request_id, method): request ids
// belong to their caller, so another caller's id is never replayed to it. The answer is kept
// with `library_id`, the library the request changes ("" for what belongs to no library).
// `request` is the whole request message (its request_id field included, which is harmless).
absl::Status RunIdempotent(ConnectionPool& pool, absl::string_view library_id,
                           absl::string_view principal, absl::string_view method,
                           absl::string_view request_id, const google::protobuf::Message& request,
                           google::protobuf::Message* response,
                           absl::FunctionRef<absl::Status(Session&)> change,
                           absl::Time deadline = absl::InfiniteFuture());

// Forgets every stored response that names the resource `name` (not merely a longer name that
// begins with it), e.g. one whose personal data is being erased; returns how many went. Inside
// the caller's transaction.
absl::StatusOr<int64_t> ForgetResponsesContaining(Session& session, absl::string_view name);

// Forgets request ids older than the retention; returns how many rows went.
absl::StatusOr<int64_t> PruneRequestLog(ConnectionPool& pool, absl::Time now);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_IDEMPOTENCY_H_
