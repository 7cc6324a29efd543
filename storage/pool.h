// A bounded pool of database sessions.
//
// Connections are opened lazily up to pool_size, never with the driver's auto-reconnect (it
// silently drops transactions and prepared statements). A session idle for longer than
// validate_after_idle is pinged on checkout, as is every idle one once a connection was found
// lost (its neighbours may be dead too); a broken one (lost during use, or failing the ping)
// is closed and replaced. Waiting longer than checkout_timeout for a session is UNAVAILABLE,
// as is a database that refuses connections.
#ifndef ALLIES_STORAGE_POOL_H_
#define ALLIES_STORAGE_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/db_config.h"
#include "storage/session.h"

namespace allies::storage {

class ConnectionPool;

// A checked-out session; returns to the pool when destroyed.
class Lease {
 public:
  Lease() = default;
  Lease(ConnectionPool* pool, std::unique_ptr<Session> session)
      : pool_(pool), session_(std::move(session)) {}
  Lease(Lease&&) = default;
  Lease& operator=(Lease&&) noexcept;
  ~Lease();
  Session& operator*() const { return *session_; }
  Session* operator->() const { return session_.get(); }

 private:
  void Release();
  ConnectionPool* pool_ = nullptr;
  std::unique_ptr<Session> session_;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(DbConfig config);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A session, waiting at most checkout_timeout (UNAVAILABLE) and not past `deadline` (the
  // call's: DEADLINE_EXCEEDED).
  absl::StatusOr<Lease> Checkout(absl::Time deadline = absl::InfiniteFuture());

  // Closes idle sessions and fails later checkouts; sessions in use close when returned.
  void Close();

  struct Stats {
    int open = 0;  // sessions that exist (idle + in use)
    int idle = 0;
    int64_t opened = 0;    // connections ever opened
    int64_t replaced = 0;  // broken sessions discarded
    int waiting = 0;       // callers waiting for a session now
  };
  Stats stats() const;
  const DbConfig& config() const { return config_; }

  // Opens a new connection outside any pool (used by migrations and tools).
  static absl::StatusOr<std::unique_ptr<Session>> Connect(const DbConfig& config);

 private:
  friend class Lease;
  absl::StatusOr<Lease> CheckoutSession(absl::Time call_deadline);
  void Return(std::unique_ptr<Session> session);

  const DbConfig config_;
  mutable std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Session>> idle_;  // most recently used at the back
  int open_ = 0;
  int64_t opened_ = 0;
  int64_t replaced_ = 0;
  int waiting_ = 0;
  // Sessions last used before this were idle when a connection was lost: pinged on checkout.
  absl::Time suspect_before_ = absl::InfinitePast();
  bool closed_ = false;
};

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_POOL_H_
