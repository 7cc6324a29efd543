#include "storage/session.h"

#include <cppconn/statement.h>

#include "storage/observer.h"

namespace allies::storage {
Session::Session(std::unique_ptr<sql::Connection> connection)
    : connection_(std::move(connection)), last_used_(absl::Now()) {}

Session::~Session() {
  // Statements must go before their connection; a broken connection may throw on close.
  try {
    statements_.clear();
    lru_.clear();
    if (connection_ && !broken_) connection_->close();
  } catch (const std::exception&) {
  }
  try {
    connection_.reset();
  } catch (const std::exception&) {
  }
}

sql::PreparedStatement* Session::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->statement.get();
  }
  std::unique_ptr<sql::PreparedStatement> stmt(connection_->prepareStatement(sql));
  ++prepared_;
  if (lru_.size() >= kMaxCachedStatements) {
    statements_.erase(lru_.back().sql);
    lru_.pop_back();  // closes the server's statement
  }
  lru_.push_front(Cached{sql, std::move(stmt)});
  statements_[sql] = lru_.begin();
  return lru_.front().statement.get();
}

void Session::ExecuteDirect(const std::string& sql) {
  std::unique_ptr<sql::Statement> stmt(connection_->createStatement());
  stmt->execute(sql);
}

bool Session::Validate() {
  try {
    if (connection_->isValid()) return true;
  } catch (const std::exception&) {
  }
  broken_ = true;
  return false;
}

std::string GetString(sql::ResultSet& rs, unsigned column) {
  sql::SQLString s = rs.getString(column);
  return std::string(s.c_str(), s.length());
}

std::optional<absl::Time> GetOptionalTime(sql::ResultSet& rs, unsigned column) {
  if (rs.isNull(column)) return std::nullopt;
  return FromSqlDatetime(GetString(rs, column));
}

absl::Time GetTime(sql::ResultSet& rs, unsigned column) {
  return FromSqlDatetime(GetString(rs, column));
}

void NoteDatabaseError(int error_code) {
  if (StorageObserver* observer = GetStorageObserver()) observer->OnDatabaseError(error_code);
}

}  // namespace allies::storage
