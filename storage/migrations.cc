#include "storage/migrations.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "storage/pool.h"

namespace allies::storage {
namespace {

constexpr int kLockTimeoutSeconds = 120;

}  // namespace

std::vector<std::string> SplitSqlStatements(absl::string_view sql) {
  std::vector<std::string> statements;
  std::string current;
  size_t pos = 0;
  while (pos < sql.size()) {
    size_t end = sql.find('\n', pos);
    if (end == absl::string_view::npos) end = sql.size();
    absl::string_view line = sql.substr(pos, end - pos);
    pos = end + 1;
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(trimmed, ";")) {
      absl::string_view body = absl::StripAsciiWhitespace(current);
      body.remove_suffix(1);
      statements.emplace_back(body);
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    statements.emplace_back(absl::StripAsciiWhitespace(current));
  }
  return statements;
}

absl::StatusOr<MigrationResult> ApplyMigrations(
    const DbConfig& config, const std::function<void(absl::string_view)>& progress, int up_to) {
  auto say = [&](absl::string_view line) {
    if (progress) progress(line);
  };
  // The migration lock may be held for a while by another migrator: read long enough to wait.
  DbConfig migrator = config;
  migrator.io_timeout = std::max(config.io_timeout, absl::Seconds(kLockTimeoutSeconds + 30));
  auto connected = ConnectionPool::Connect(migrator);
  if (!connected.ok()) return connected.status();
  Session& session = **connected;
  MigrationResult result;
  absl::Status status = session.Run([&]() -> absl::Status {
    auto lock = session.Query("SELECT GET_LOCK('allies.migrations', ?)", kLockTimeoutSeconds);
    if (!lock->next() || lock->isNull(1) || lock->getInt(1) != 1) {
      return api::Error(absl::StatusCode::kUnavailable, "MIGRATION_LOCK_TIMEOUT",
                        "another process holds the migration lock");
    }
    session.ExecuteDirect(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INT NOT NULL PRIMARY KEY,"
        " name VARCHAR(255) NOT NULL,"
        " applied_time DATETIME(6) NOT NULL"
        ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4");
    std::set<int> done;
    auto rows = session.Query("SELECT version FROM schema_migrations");
    while (rows->next()) done.insert(rows->getInt(1));
    rows.reset();
    for (const Migration& m : AllMigrations()) {
      if (up_to != 0 && m.version > up_to) break;
      result.current_version = m.version;
      if (done.count(m.version)) continue;
      say(absl::StrCat("applying ", m.name));
      for (const std::string& statement : SplitSqlStatements(m.sql)) {
        session.ExecuteDirect(statement);
      }
      session.Execute(
          "INSERT INTO schema_migrations (version, name, applied_time) VALUES (?, ?, ?)", m.version,
          m.name, NowMicros());
      result.applied.push_back(m.version);
    }
    if (!done.empty() && *done.rbegin() > result.current_version) {
      say(absl::StrCat("note: the database has migration ", *done.rbegin(),
                       ", newer than this binary knows (", result.current_version, ")"));
      result.current_version = *done.rbegin();
    }
    session.Query("SELECT RELEASE_LOCK('allies.migrations')");
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  say(result.applied.empty()
          ? absl::StrCat("schema is up to date at version ", result.current_version)
          : absl::StrCat("applied ", result.applied.size(), " migration(s); schema at version ",
                         result.current_version));
  return result;
}

}  // namespace allies::storage
