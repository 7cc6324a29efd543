// Mapping of MySQL/MariaDB errors to absl::Status. Connector exceptions stop here.
#ifndef ALLIES_STORAGE_SQL_ERROR_H_
#define ALLIES_STORAGE_SQL_ERROR_H_

#include <cppconn/exception.h>

#include "absl/status/status.h"

namespace allies::storage {

// Server and client error codes we act on.
inline constexpr int kErDupEntry = 1062;
inline constexpr int kErLockWaitTimeout = 1205;
inline constexpr int kErLockDeadlock = 1213;
inline constexpr int kErNoReferencedRow = 1452;
inline constexpr int kErRowIsReferenced = 1451;

// True for errors after which the connection must not be reused (server gone, lost, ...).
bool IsConnectionError(int error_code);

// Deadlock or lock-wait timeout: the whole transaction may be retried.
bool IsRetryableError(int error_code);

// Maps an exception: connection loss -> UNAVAILABLE, duplicate key -> ALREADY_EXISTS, deadlock
// and lock wait -> ABORTED (marked retryable), foreign key -> FAILED_PRECONDITION, others ->
// INTERNAL. The status carries an ErrorInfo reason and the MySQL error code.
absl::Status StatusFromSqlException(const sql::SQLException& e);

// True when the status came from a deadlock or lock-wait timeout.
bool IsRetryable(const absl::Status& status);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_SQL_ERROR_H_
