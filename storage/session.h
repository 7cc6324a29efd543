// A checked-out database connection with its prepared-statement cache.
//
// Query/Execute throw the connector's sql::SQLException; call them only inside Run(), which
// turns exceptions into absl::Status (and marks the session broken on connection loss) so that
// no exception leaves the storage layer.
#ifndef ALLIES_STORAGE_SESSION_H_
#define ALLIES_STORAGE_SESSION_H_

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/sql_error.h"
#include "storage/sql_time.h"

namespace allies::storage {

// Row locks a read may take (inside a transaction).
enum class Lock { kNone, kShare, kUpdate };

// What a SELECT ends with to take `lock` ("", " LOCK IN SHARE MODE" or " FOR UPDATE").
inline const char* LockSuffix(Lock lock) {
  return lock == Lock::kShare ? " LOCK IN SHARE MODE" : lock == Lock::kUpdate ? " FOR UPDATE" : "";
}

// SQL NULL as a statement argument.
struct Null {};

// Tells the storage observer (storage/observer.h) of a database error.
void NoteDatabaseError(int error_code);

// A statement argument known only at run time (e.g. from a compiled filter).
using SqlValue = std::variant<Null, std::string, int64_t, bool, absl::Time, double>;

class Session {
 public:
  explicit Session(std::unique_ptr<sql::Connection> connection);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs fn (returning absl::Status or absl::StatusOr<T>), mapping connector exceptions.
  template <typename Fn>
  auto Run(Fn&& fn) -> decltype(fn()) {
    try {
      return fn();
    } catch (const sql::SQLException& e) {
      if (IsConnectionError(e.getErrorCode())) broken_ = true;
      NoteDatabaseError(e.getErrorCode());
      return StatusFromSqlException(e);
    } catch (const std::exception& e) {
      broken_ = true;
      return absl::InternalError(std::string("database client error: ") + e.what());
    }
  }

  // Executes a prepared (cached) statement with arguments bound in order; returns the rows.
  template <typename... Args>
  std::unique_ptr<sql::ResultSet> Query(const std::string& sql, const Args&... args) {
    sql::PreparedStatement* stmt = Prepare(sql);
    Bind(stmt, 1, args...);
    return std::unique_ptr<sql::ResultSet>(stmt->executeQuery());
  }

  // Executes a prepared (cached) statement; returns the affected row count.
  template <typename... Args>
  uint64_t Execute(const std::string& sql, const Args&... args) {
    sql::PreparedStatement* stmt = Prepare(sql);
    Bind(stmt, 1, args...);
    return static_cast<uint64_t>(stmt->executeUpdate());
  }

  // Query and Execute with arguments assembled at run time.
  std::unique_ptr<sql::ResultSet> QueryValues(const std::string& sql,
                                              const std::vector<SqlValue>& args) {
    return std::unique_ptr<sql::ResultSet>(PrepareValues(sql, args)->executeQuery());
  }
  uint64_t ExecuteValues(const std::string& sql, const std::vector<SqlValue>& args) {
    return static_cast<uint64_t>(PrepareValues(sql, args)->executeUpdate());
  }

  // Runs a statement that cannot be prepared (DDL, SET, transaction control), unprepared.
  void ExecuteDirect(const std::string& sql);

  // Transaction control (round trips of their own), as statements whose errors are raised:
  // Connector/C++ 1.1.12's commit() returns normally when the connection is gone, so a change
  // lost at COMMIT would look committed.
  void Begin() { ExecuteDirect("START TRANSACTION"); }
  void Commit() { ExecuteDirect("COMMIT"); }
  void Rollback() { ExecuteDirect("ROLLBACK"); }

  // Pings the server; false (and broken) if it does not answer.
  bool Validate();

  bool broken() const { return broken_; }
  void MarkBroken() { broken_ = true; }
  absl::Time last_used() const { return last_used_; }
  void Touch(absl::Time now) { last_used_ = now; }
  size_t cached_statements() const { return statements_.size(); }
  // Statements prepared on this connection so far (a cached one is prepared once).
  int64_t prepared() const { return prepared_; }
  // At most this many prepared statements are kept per connection, the least recently used
  // going first: arbitrary filter texts cannot grow the cache (nor the server's statements).
  static constexpr size_t kMaxCachedStatements = 256;

 private:
  sql::PreparedStatement* Prepare(const std::string& sql);
  // Prepared, with `args` bound in order.
  sql::PreparedStatement* PrepareValues(const std::string& sql, const std::vector<SqlValue>& args) {
    sql::PreparedStatement* stmt = Prepare(sql);
    unsigned index = 1;
    for (const SqlValue& arg : args) {
      std::visit([&](const auto& v) { BindOne(stmt, index, v); }, arg);
      ++index;
    }
    return stmt;
  }

  static void Bind(sql::PreparedStatement*, unsigned) {}
  template <typename T, typename... Rest>
  static void Bind(sql::PreparedStatement* stmt, unsigned index, const T& value,
                   const Rest&... rest) {
    BindOne(stmt, index, value);
    Bind(stmt, index + 1, rest...);
  }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, absl::string_view v) {
    stmt->setString(i, sql::SQLString(v.data(), v.size()));
  }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, const std::string& v) {
    stmt->setString(i, v);
  }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, const char* v) {
    stmt->setString(i, v);
  }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, bool v) { stmt->setBoolean(i, v); }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, int v) { stmt->setInt(i, v); }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, int64_t v) { stmt->setInt64(i, v); }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, double v) { stmt->setDouble(i, v); }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, absl::Time v) {
    stmt->setString(i, ToSqlDatetime(v));
  }
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, Null) {
    stmt->setNull(i, 0 /* sql::DataType::SQLNULL */);
  }
  template <typename T>
  static void BindOne(sql::PreparedStatement* stmt, unsigned i, const std::optional<T>& v) {
    if (v.has_value()) {
      BindOne(stmt, i, *v);
    } else {
      BindOne(stmt, i, Null{});
    }
  }

  struct Cached {
    std::string sql;
    std::unique_ptr<sql::PreparedStatement> statement;
  };
  std::unique_ptr<sql::Connection> connection_;
  // Most recently used first. (A statement is freed only after kMaxCachedStatements others were
  // used since, so a result set being read while other statements run stays valid.)
  std::list<Cached> lru_;
  std::unordered_map<std::string, std::list<Cached>::iterator> statements_;
  int64_t prepared_ = 0;
  bool broken_ = false;
  absl::Time last_used_;
};

// Reads a string column (by 1-based index) as std::string.
std::string GetString(sql::ResultSet& rs, unsigned column);
// Reads a nullable DATETIME column.
std::optional<absl::Time> GetOptionalTime(sql::ResultSet& rs, unsigned column);
absl::Time GetTime(sql::ResultSet& rs, unsigned column);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_SESSION_H_
