#include "storage/transaction.h"

#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/errors.h"
#include "storage/observer.h"

namespace allies::storage {
namespace {

absl::Duration Backoff(const RetryPolicy& policy, int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  absl::Duration ceiling = policy.initial_backoff * (1 << std::min(attempt, 16));
  if (ceiling > policy.max_backoff) ceiling = policy.max_backoff;
  std::uniform_int_distribution<int64_t> jitter(absl::ToInt64Microseconds(ceiling) / 2,
                                                absl::ToInt64Microseconds(ceiling));
  return absl::Microseconds(jitter(rng));
}

absl::Status AttemptTransaction(Session& session, absl::FunctionRef<absl::Status(Session&)> fn,
                                bool& began, bool& commit_sent) {
  absl::Status status = session.Run([&]() -> absl::Status {
    session.Begin();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  began = true;
  status = fn(session);
  if (status.ok() && !session.broken()) {
    commit_sent = true;
    status = session.Run([&]() -> absl::Status {
      session.Commit();
      return absl::OkStatus();
    });
    if (status.ok()) return status;
    if (session.broken()) {
      // The COMMIT went out and no answer came back: it may have committed or not.
      return api::Error(
          absl::StatusCode::kUnavailable, "COMMIT_OUTCOME_UNKNOWN",
          absl::StrCat("the database connection was lost during COMMIT, so whether the change "
                       "was made is unknown; retry with the same request_id (",
                       status.message(), ")"));
    }
  }
  if (!session.broken()) {
    absl::Status rollback = session.Run([&]() -> absl::Status {
      session.Rollback();
      return absl::OkStatus();
    });
    (void)rollback;  // a failed rollback already marked the session broken
  }
  return status;
}

}  // namespace

absl::Status RunInTransaction(ConnectionPool& pool, absl::FunctionRef<absl::Status(Session&)> fn,
                              const RetryPolicy& policy) {
  absl::Status status;
  bool replaced_dead_connection = false;
  for (int attempt = 0; attempt < policy.max_attempts; ++attempt) {
    if (attempt > 0) {
      const absl::Duration backoff = Backoff(policy, attempt - 1);
      // Another attempt would end past the call's deadline: the conflict is the answer.
      if (absl::Now() + backoff >= policy.deadline) return status;
      absl::SleepFor(backoff);
    }
    auto lease = pool.Checkout(policy.deadline);
    if (!lease.ok()) return lease.status();
    bool began = false;
    bool commit_sent = false;
    status = AttemptTransaction(**lease, fn, began, commit_sent);
    // A connection that died before BEGIN ran nothing: once, try again on a fresh one.
    if (!began && (*lease)->broken() && !replaced_dead_connection) {
      replaced_dead_connection = true;
      --attempt;
      if (StorageObserver* observer = GetStorageObserver()) observer->OnRetry("CONNECTION_LOST");
      continue;
    }
    // One that died (or whose database node left its cluster) before the COMMIT was sent
    // changed nothing: the server rolled it back. Run it again on another connection, which
    // the pool opens afresh (through a proxy: to the node now taking writes).
    if (began && !commit_sent && (*lease)->broken() && !status.ok()) {
      if (StorageObserver* observer = GetStorageObserver()) observer->OnRetry("CONNECTION_LOST");
      continue;
    }
    if (!IsRetryable(status)) return status;
    if (StorageObserver* observer = GetStorageObserver()) {
      observer->OnRetry(api::ErrorReason(status));
    }
  }
  return status;
}

absl::Status RunRead(ConnectionPool& pool, absl::FunctionRef<absl::Status(Session&)> fn,
                     absl::Time deadline) {
  absl::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto lease = pool.Checkout(deadline);
    if (!lease.ok()) return lease.status();
    status = fn(**lease);
    if (!(*lease)->broken()) return status;
  }
  return status;
}

}  // namespace allies::storage
