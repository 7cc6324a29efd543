#include "storage/migrations.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/test_database.h"

namespace allies::storage {
namespace {

using allies::testing::TestDatabase;

TEST(MigrationsTest, SplitsStatements) {
  auto statements = SplitSqlStatements(
      "-- comment;\nCREATE TABLE a (\n  x INT, -- a column\n  y INT\n);\n\nINSERT INTO a VALUES "
      "(1);\n"
      "SELECT 'tail'");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "CREATE TABLE a (\n  x INT, -- a column\n  y INT\n)");
  EXPECT_EQ(statements[1], "INSERT INTO a VALUES (1)");
  EXPECT_EQ(statements[2], "SELECT 'tail'");
}

TEST(MigrationsTest, VersionsAreIncreasingAndNamed) {
  int last = 0;
  for (const auto& m : AllMigrations()) {
    EXPECT_GT(m.version, last) << m.name;
    EXPECT_FALSE(m.sql.empty()) << m.name;
    last = m.version;
  }
  EXPECT_GE(AllMigrations().size(), 1u);
}

TEST(MigrationsTest, ApplyTwiceIsIdempotent) {
  DbConfig config = TestDatabase::Shared().EmptySchema();
  auto first = ApplyMigrations(config);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->applied.size(), AllMigrations().size());
  auto second = ApplyMigrations(config);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->current_version, AllMigrations().back().version);
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT COUNT(*) FROM schema_migrations", config.database),
            std::to_string(AllMigrations().size()) + "\n");
}

TEST(MigrationsTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  DbConfig config = TestDatabase::Shared().EmptySchema();
  constexpr int kMigrators = 4;
  std::vector<absl::StatusOr<MigrationResult>> results(kMigrators, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] { results[i] = ApplyMigrations(config); });
  }
  for (auto& t : threads) t.join();
  size_t applied = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    applied += r->applied.size();
  }
  EXPECT_EQ(applied, AllMigrations().size());
}

TEST(MigrationsTest, UnreachableDatabaseIsUnavailable) {
  DbConfig config = TestDatabase::Shared().base_config();
  config.socket = "/nonexistent.sock";
  EXPECT_EQ(ApplyMigrations(config).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace allies::storage
