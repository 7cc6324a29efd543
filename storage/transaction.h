// Running work on a pooled session: a plain read, or one transaction retried on conflict.
#ifndef ALLIES_STORAGE_TRANSACTION_H_
#define ALLIES_STORAGE_TRANSACTION_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "storage/pool.h"

namespace allies::storage {

struct RetryPolicy {
  int max_attempts = 6;
  absl::Duration initial_backoff = absl::Milliseconds(2);
  absl::Duration max_backoff = absl::Milliseconds(200);
  // The call's deadline: no connection is waited for, and no attempt started, past it.
  absl::Time deadline = absl::InfiniteFuture();
};

// The default policy, bounded by a call's deadline.
inline RetryPolicy Until(absl::Time deadline) {
  RetryPolicy policy;
  policy.deadline = deadline;
  return policy;
}

// Runs fn in one transaction on a pooled session and commits when it returns OK; rolls back
// otherwise. fn is run again from the start (after a jittered exponential backoff) when it or
// the commit fails with a deadlock (1213) or lock-wait timeout (1205), and on a fresh connection
// when the connection was lost (or its Galera node left the cluster's Primary component) before
// the COMMIT was sent, which leaves nothing changed. A connection lost once the COMMIT was sent
// is UNAVAILABLE, reason COMMIT_OUTCOME_UNKNOWN, and not retried here: the change may have been
// made, so the caller decides (a retry with the same request_id is safe).
absl::Status RunInTransaction(ConnectionPool& pool, absl::FunctionRef<absl::Status(Session&)> fn,
                              const RetryPolicy& policy = {});

// Runs fn on a pooled session outside any transaction (autocommit: each statement is its own).
// For reads: when the session turns out to be dead, fn runs once more on a fresh one.
absl::Status RunRead(ConnectionPool& pool, absl::FunctionRef<absl::Status(Session&)> fn,
                     absl::Time deadline = absl::InfiniteFuture());

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_TRANSACTION_H_
