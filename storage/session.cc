#include "storage/session.h"

#include <cppconn/statement.h>

namespace allies::storage {
namespace {

// Statements cached per connection (bounds server-side prepared statements when SQL text
// varies, e.g. with filters); past it, statements are prepared per use.
constexpr size_t kMaxCachedStatements = 256;
constexpr size_t kUncachedKept = 8;

}  // namespace

Session::Session(std::unique_ptr<sql::Connection> connection)
    : connection_(std::move(connection)), last_used_(absl::Now()) {}

Session::~Session() {
  // Statements must go before their connection; a broken connection may throw on close.
  try {
    statements_.clear();
    uncached_.clear();
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
  std::unique_ptr<sql::PreparedStatement> stmt(connection_->prepareStatement(sql));
  if (statements_.size() < kMaxCachedStatements) {
    return statements_.emplace(sql, std::move(stmt)).first->second.get();
  }
  if (uncached_.size() >= kUncachedKept) uncached_.pop_front();
  uncached_.push_back(std::move(stmt));
  return uncached_.back().get();
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
