#include "storage/sql_error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "api/errors.h"

namespace allies::storage {
namespace {

constexpr char kRetryablePayload[] = "allies.storage/retryable";

}  // namespace

bool IsConnectionError(int code) {
  switch (code) {
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2026:  // CR_SSL_CONNECTION_ERROR
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
    // ER_UNKNOWN_COM_ERROR: a Galera node outside the Primary component ("WSREP has not yet
    // prepared node for application use") answers every statement so; its connection is of no
    // use until it rejoins, so it is dropped like a lost one.
    case 1047:
      return true;
    default:
      // Any other client-side error (2000-2999) leaves the connection in an unknown state.
      return code >= 2000 && code < 3000;
  }
}

bool IsRetryableError(int code) { return code == kErLockDeadlock || code == kErLockWaitTimeout; }

absl::Status StatusFromSqlException(const sql::SQLException& e) {
  const int code = e.getErrorCode();
  const std::vector<std::pair<std::string, std::string>> meta = {
      {"mysql_error", std::to_string(code)}};
  if (IsConnectionError(code)) {
    return api::Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
                      absl::StrCat("the database is unavailable: ", e.what()), meta);
  }
  if (IsRetryableError(code)) {
    absl::Status status = api::Error(absl::StatusCode::kAborted, "TRANSACTION_CONFLICT",
                                     "the transaction conflicted with another; retry", meta);
    status.SetPayload(kRetryablePayload, absl::Cord("1"));
    return status;
  }
  switch (code) {
    case kErDupEntry:
      return api::Error(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                        "a resource with the same unique key already exists", meta);
    case kErNoReferencedRow:
      return api::Error(absl::StatusCode::kFailedPrecondition, "REFERENCE_NOT_FOUND",
                        "a referenced resource does not exist", meta);
    case kErRowIsReferenced:
      return api::Error(absl::StatusCode::kFailedPrecondition, "RESOURCE_IN_USE",
                        "the resource is still referenced", meta);
    default:
      return api::Error(
          absl::StatusCode::kInternal, "DATABASE_ERROR",
          absl::StrCat("database error ", code, " (", e.getSQLStateCStr(), "): ", e.what()), meta);
  }
}

bool IsRetryable(const absl::Status& status) {
  return status.GetPayload(kRetryablePayload).has_value();
}

}  // namespace allies::storage
