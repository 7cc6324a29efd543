// A real MariaDB for tests: started through tools/dbctl (the same script ./allies uses) in a
// temporary directory, stopped and removed when the test binary ends. Each test takes a fresh
// schema with the migrations applied, so tests never see each other's rows.
#ifndef ALLIES_TESTS_SUPPORT_TEST_DATABASE_H_
#define ALLIES_TESTS_SUPPORT_TEST_DATABASE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "storage/db_config.h"

namespace allies::testing {

class TestDatabase {
 public:
  // The instance shared by a test binary; started on first use (a failure aborts the binary).
  static TestDatabase& Shared();

  // A new, empty schema with every migration applied.
  storage::DbConfig FreshSchema();
  // A new, empty schema without migrations.
  storage::DbConfig EmptySchema();

  // Stops and starts the server (same data), to test outages.
  void Stop();
  void Start();

  // Runs SQL as the admin user over the socket (for test set-up and inspection).
  std::string Sql(const std::string& statement, const std::string& schema = "");

  const storage::DbConfig& base_config() const { return base_; }
  ~TestDatabase();

 private:
  TestDatabase();
  std::string dir_;
  storage::DbConfig base_;
  int schemas_ = 0;
};

// A tools/dbctl env file (DIR/env) read: every line by name, and the connection its ALLIES_DB_*
// settings name (over the socket when there is one).
struct DbctlEnv {
  std::map<std::string, std::string> values;
  storage::DbConfig config;
};
DbctlEnv ReadDbctlEnv(const std::string& dir);

// Runs a shell command, returning its stdout; aborts the test binary when it fails.
std::string RunOrDie(const std::string& command);

}  // namespace allies::testing

#endif  // ALLIES_TESTS_SUPPORT_TEST_DATABASE_H_
