// Schema migrations: numbered SQL files under storage/migrations/, compiled into the binaries,
// applied in order and recorded in schema_migrations. A lease row (schema_lease) serializes
// concurrent migrators, so running twice, or from two processes at once, is safe, also on two
// nodes of a Galera cluster (whose certification decides between two writers of the row, where
// GET_LOCK would be per node). The lease lasts 5 minutes unless renewed, which happens before
// every statement; a migrator waits up to 2 minutes for another's.
//
// MySQL commits DDL statement by statement, so a migrator that dies halfway leaves a migration
// partly applied and unrecorded: write every statement so that running it again is harmless
// (CREATE TABLE IF NOT EXISTS, ADD COLUMN IF NOT EXISTS, ...).
#ifndef ALLIES_STORAGE_MIGRATIONS_H_
#define ALLIES_STORAGE_MIGRATIONS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/db_config.h"

namespace allies::storage {

struct Migration {
  int version;
  absl::string_view name;  // file name, e.g. "0001_libraries.sql"
  absl::string_view sql;
};

// Every migration compiled into this binary, in version order.
const std::vector<Migration>& AllMigrations();

// Splits a migration file into statements (on ';' at the end of a line, outside comments; a
// "DELIMITER //" line makes "//" the end of a statement instead, until the next such line).
std::vector<std::string> SplitSqlStatements(absl::string_view sql);

struct MigrationResult {
  std::vector<int> applied;  // versions applied by this call
  int current_version = 0;
};

// Applies the pending migrations (those up to `up_to` when it is not 0: tests build a database
// of an older schema with it); `progress` (if set) hears a line per step. With `redo`, that
// applied migration runs again as well (allies-migrate --redo: 21 rebuilds the hours
// summaries); INVALID_ARGUMENT when this binary has no such migration.
absl::StatusOr<MigrationResult> ApplyMigrations(
    const DbConfig& config, const std::function<void(absl::string_view)>& progress = nullptr,
    int up_to = 0, int redo = 0);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_MIGRATIONS_H_
