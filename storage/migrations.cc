#include "storage/migrations.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/errors.h"
#include "storage/pool.h"
#include "storage/sql_error.h"

namespace allies::storage {
namespace {

constexpr int kLockTimeoutSeconds = 120;
// How long a lease lasts unless renewed (it is renewed before every statement): a migrator
// that died is taken over this long after its last renewal.
constexpr int kLeaseSeconds = 300;

// The migration lease: a row every migrator writes, so that on a multi-writer Galera cluster,
// where GET_LOCK is per node, the cluster's certification decides between two migrators on
// two nodes (one of two conflicting commits fails with 1213) as row locks do on one server.
// `holder` takes it when it is free, expired or already its own; false when another holds it.
bool TryTakeLease(Session& session, const std::string& holder) {
  try {
    session.Begin();
    auto rs = session.Query(
        "SELECT holder, expire_time > UTC_TIMESTAMP(6) FROM schema_lease WHERE name = "
        "'migrations' FOR UPDATE");
    bool taken = false;
    if (!rs->next()) {
      session.Execute(
          "INSERT INTO schema_lease (name, holder, expire_time) VALUES ('migrations', ?, "
          "UTC_TIMESTAMP(6) + INTERVAL ? SECOND)",
          holder, kLeaseSeconds);
      taken = true;
    } else if (GetString(*rs, 1) == holder || !rs->getBoolean(2)) {
      session.Execute(
          "UPDATE schema_lease SET holder = ?, expire_time = UTC_TIMESTAMP(6) + INTERVAL ? "
          "SECOND WHERE name = 'migrations'",
          holder, kLeaseSeconds);
      taken = true;
    }
    rs.reset();
    if (taken) {
      session.Commit();
    } else {
      session.Rollback();
    }
    return taken;
  } catch (const sql::SQLException& e) {
    // Another migrator's row won (a duplicate key, or the cluster's certification: 1213).
    if (e.getErrorCode() != kErDupEntry && !IsRetryableError(e.getErrorCode())) throw;
    session.Rollback();
    return false;
  }
}

// Renews the lease before a statement; FAILED_PRECONDITION when it was lost (expired and taken).
absl::Status RenewLease(Session& session, const std::string& holder) {
  const uint64_t renewed = session.Execute(
      "UPDATE schema_lease SET expire_time = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE name = "
      "'migrations' AND holder = ?",
      kLeaseSeconds, holder);
  if (renewed == 0) {
    return api::Error(absl::StatusCode::kAborted, "MIGRATION_LEASE_LOST",
                      absl::StrCat("the migration lease of ", holder,
                                   " expired and was taken by another migrator"));
  }
  return absl::OkStatus();
}

// Who takes the lease: this host, process and migrator (one per ApplyMigrations call).
std::string LeaseHolder() {
  static std::atomic<int> migrators{0};
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, ":", getpid(), ":", ++migrators);
}

}  // namespace

std::vector<std::string> SplitSqlStatements(absl::string_view sql) {
  std::vector<std::string> statements;
  std::string current;
  std::string delimiter = ";";
  size_t pos = 0;
  while (pos < sql.size()) {
    size_t end = sql.find('\n', pos);
    if (end == absl::string_view::npos) end = sql.size();
    absl::string_view line = sql.substr(pos, end - pos);
    pos = end + 1;
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    // "DELIMITER //" (as the mariadb client reads it, on a line of its own between statements):
    // statements end with "//" until the next DELIMITER line, so that a trigger's body can hold
    // statements ending with ";".
    if (current.empty() && absl::StartsWithIgnoreCase(trimmed, "DELIMITER ") &&
        !absl::StripAsciiWhitespace(trimmed.substr(10)).empty()) {
      delimiter = std::string(absl::StripAsciiWhitespace(trimmed.substr(10)));
      continue;
    }
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(trimmed, delimiter)) {
      absl::string_view body = absl::StripAsciiWhitespace(current);
      body.remove_suffix(delimiter.size());
      statements.emplace_back(absl::StripAsciiWhitespace(body));
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    statements.emplace_back(absl::StripAsciiWhitespace(current));
  }
  return statements;
}

absl::StatusOr<MigrationResult> ApplyMigrations(
    const DbConfig& config, const std::function<void(absl::string_view)>& progress, int up_to,
    int redo) {
  if (redo != 0 && std::none_of(AllMigrations().begin(), AllMigrations().end(),
                                [&](const Migration& m) { return m.version == redo; })) {
    return api::Error(
        absl::StatusCode::kInvalidArgument, "UNKNOWN_MIGRATION",
        absl::StrCat("there is no migration ", redo, " to run again (this binary has ",
                     AllMigrations().front().version, " to ", AllMigrations().back().version, ")"));
  }
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
  const std::string holder = LeaseHolder();
  absl::Status status = session.Run([&]() -> absl::Status {
    session.ExecuteDirect(
        "CREATE TABLE IF NOT EXISTS schema_lease ("
        " name VARCHAR(64) NOT NULL PRIMARY KEY,"
        " holder VARCHAR(300) NOT NULL,"
        " expire_time DATETIME(6) NOT NULL"
        ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4");
    const absl::Time give_up = absl::Now() + absl::Seconds(kLockTimeoutSeconds);
    bool said = false;
    while (!TryTakeLease(session, holder)) {
      if (absl::Now() > give_up) {
        return api::Error(absl::StatusCode::kUnavailable, "MIGRATION_LOCK_TIMEOUT",
                          absl::StrCat("another migrator has held the migration lease for ",
                                       kLockTimeoutSeconds, " s (schema_lease)"));
      }
      if (!said) say("waiting for another migrator (the migration lease, schema_lease)");
      said = true;
      absl::SleepFor(absl::Milliseconds(250));
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
    if (redo != 0 && done.erase(redo) > 0) say(absl::StrCat("running migration ", redo, " again"));
    for (const Migration& m : AllMigrations()) {
      if (up_to != 0 && m.version > up_to) break;
      result.current_version = m.version;
      if (done.count(m.version)) continue;
      say(absl::StrCat("applying ", m.name));
      for (const std::string& statement : SplitSqlStatements(m.sql)) {
        absl::Status renewed = RenewLease(session, holder);
        if (!renewed.ok()) return renewed;
        session.ExecuteDirect(statement);
      }
      absl::Status renewed = RenewLease(session, holder);
      if (!renewed.ok()) return renewed;
      session.Execute(
          "INSERT INTO schema_migrations (version, name, applied_time) VALUES (?, ?, ?) ON "
          "DUPLICATE KEY UPDATE applied_time = VALUES(applied_time)",
          m.version, m.name, NowMicros());
      result.applied.push_back(m.version);
    }
    if (!done.empty() && *done.rbegin() > result.current_version) {
      say(absl::StrCat("note: the database has migration ", *done.rbegin(),
                       ", newer than this binary knows (", result.current_version, ")"));
      result.current_version = *done.rbegin();
    }
    return absl::OkStatus();
  });
  // The lease is given back, also after a failure (a dead connection's lease expires).
  if (!session.broken()) {
    session
        .Run([&]() -> absl::Status {
          session.Execute("DELETE FROM schema_lease WHERE name = 'migrations' AND holder = ?",
                          holder);
          return absl::OkStatus();
        })
        .IgnoreError();
  }
  if (!status.ok()) return status;
  say(result.applied.empty()
          ? absl::StrCat("schema is up to date at version ", result.current_version)
          : absl::StrCat("applied ", result.applied.size(), " migration(s); schema at version ",
                         result.current_version));
  return result;
}

}  // namespace allies::storage
