#include "storage/session.h"

#include <cppconn/statement.h>

namespace allies::storage {
namespace {

// Statements per connection before the cache is dropped (bounds server-side prepared statements
// when SQL text varies, e.g. with filters).
constexpr size_t kMaxCachedStatements = 256;

}  // namespace

Session::Session(std::unique_ptr<sql::Connection> connection)
    : connection_(std::move(connection)), last_used_(absl::Now()) {}

Session::~Session() {
  // Statements must go before their connection; a broken connection may throw on close.
  try {
    statements_.clear();
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
  if (it != statements_.end()) return it->second.get();
  if (statements_.size() >= kMaxCachedStatements) statements_.clear();
  std::unique_ptr<sql::PreparedStatement> stmt(connection_->prepareStatement(sql));
  return statements_.emplace(sql, std::move(stmt)).first->second.get();
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

}  // namespace allies::storage
