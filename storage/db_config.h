// How to reach the database: flags and ALLIES_DB_* environment variables fill this in.
#ifndef ALLIES_STORAGE_DB_CONFIG_H_
#define ALLIES_STORAGE_DB_CONFIG_H_

#include <algorithm>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace allies::storage {

inline int DefaultPoolSize() {
  return std::max(4, 4 * static_cast<int>(std::thread::hardware_concurrency()));
}

struct DbConfig {
  std::string host = "127.0.0.1";
  int port = 3306;
  // When set, connect over this unix socket instead of TCP.
  std::string socket;
  std::string user = "allies";
  std::string password;
  std::string database = "allies";
  // Upper bound on open connections (and, by default, on handler threads). Measured on 2 cores:
  // a few connections per core beat many (fewer context switches, same database concurrency).
  int pool_size = DefaultPoolSize();
  // How long a caller waits for a free connection before UNAVAILABLE.
  absl::Duration checkout_timeout = absl::Seconds(5);
  absl::Duration connect_timeout = absl::Seconds(3);
  // Per-statement network read/write timeout (a hung server surfaces as UNAVAILABLE).
  absl::Duration io_timeout = absl::Seconds(30);
  // InnoDB lock wait per statement; kept below io_timeout so that a long wait reads as a
  // retryable lock-wait timeout (1205), not as a lost connection.
  absl::Duration lock_wait_timeout = absl::Seconds(10);
  // A connection idle for longer than this is pinged before it is handed out.
  absl::Duration validate_after_idle = absl::Milliseconds(500);
};

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_DB_CONFIG_H_
