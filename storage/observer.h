// What watches the storage layer besides its callers (the server's metrics): checkouts and how
// long they waited, transactions retried and why, errors of the database, the change outbox's
// sequencing. Set once at
// start-up and unset before it is destroyed; called from any thread.
#ifndef ALLIES_STORAGE_OBSERVER_H_
#define ALLIES_STORAGE_OBSERVER_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace allies::storage {

class StorageObserver {
 public:
  virtual ~StorageObserver() = default;
  // A session was handed out after `waited`.
  virtual void OnCheckout(absl::Duration waited) = 0;
  // A transaction is run again after `cause` (its ErrorInfo reason: DEADLOCK, LOCK_WAIT_TIMEOUT,
  // or a connection lost before it began).
  virtual void OnRetry(absl::string_view cause) = 0;
  // The database answered a statement with an error (its MySQL error number; 0: the client's).
  virtual void OnDatabaseError(int error_code) = 0;
  // The change stream's sequencer gave `count` (> 0) changes their positions, the last now
  // `last_position`; the oldest of them had waited `lag` since its change was made.
  virtual void OnChangesSequenced(int64_t count, int64_t last_position, absl::Duration lag) {
    (void)count, (void)last_position, (void)lag;
  }
};

void SetStorageObserver(StorageObserver* observer);
// The observer, or nullptr.
StorageObserver* GetStorageObserver();

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_OBSERVER_H_
