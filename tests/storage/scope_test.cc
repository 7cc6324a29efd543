// The caller's scope on a real MariaDB: a key reaches its library and that library's subtree,
// nothing above or beside it, with the same answer whether or not a library exists; lists are
// limited to the subtree.
#include "storage/scope.h"

#include <gtest/gtest.h>

#include "api/errors.h"
#include "storage/pool.h"
#include "storage/transaction.h"
#include "tests/support/test_database.h"

namespace allies::storage {
namespace {

using allies::testing::TestDatabase;

class ScopeTest : public ::testing::Test {
 protected:
  // r -> a -> a1 -> a11,  r -> b
  void SetUp() override {
    db_ = TestDatabase::Shared().FreshSchema();
    TestDatabase::Shared().Sql(
        "INSERT INTO libraries (id, parent_id, display_name, kind, revision, create_time, "
        "update_time) VALUES ('r', NULL, 'r', 1, 1, NOW(), NOW()), ('a', 'r', 'a', 2, 1, NOW(), "
        "NOW()), ('a1', 'a', 'a1', 4, 1, NOW(), NOW()), ('a11', 'a1', 'a11', 4, 1, NOW(), NOW()), "
        "('b', 'r', 'b', 2, 1, NOW(), NOW())",
        db_.database);
    pool_ = std::make_unique<ConnectionPool>(db_);
  }
  absl::Status Check(const std::string& key_library, const std::string& library) {
    api::Principal principal{"apiKeys/k", api::Role::kAdmin, key_library};
    return RunRead(*pool_, [&](Session& s) {
      return scope::Check(s, principal, library, "libraries/" + library);
    });
  }
  std::vector<std::string> Subtree(const std::string& root) {
    std::vector<std::string> ids;
    SqlClause within = scope::WithinSubtree("id", root);
    absl::Status status = RunRead(*pool_, [&](Session& s) {
      return s.Run([&]() -> absl::Status {
        auto rs = s.QueryValues("SELECT id FROM libraries WHERE " + within.sql + " ORDER BY id",
                                within.params);
        while (rs->next()) ids.push_back(GetString(*rs, 1));
        return absl::OkStatus();
      });
    });
    EXPECT_TRUE(status.ok()) << status;
    return ids;
  }
  DbConfig db_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(ScopeTest, AKeyReachesItsSubtreeOnly) {
  EXPECT_TRUE(Check("a", "a").ok());
  EXPECT_TRUE(Check("a", "a1").ok());
  EXPECT_TRUE(Check("a", "a11").ok());
  for (const char* outside : {"r", "b", "missing"}) {
    absl::Status status = Check("a", outside);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << outside;
    EXPECT_EQ(api::ErrorReason(status), "PERMISSION_DENIED") << outside;
  }
  // A network key reaches everything, even what does not exist (its own answer: NOT_FOUND).
  EXPECT_TRUE(Check("", "missing").ok());
  EXPECT_TRUE(scope::CheckNetwork({"apiKeys/n", api::Role::kAdmin, ""}, "x").ok());
  EXPECT_EQ(scope::CheckNetwork({"apiKeys/k", api::Role::kAdmin, "a"}, "x").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ScopeTest, ListsAreLimitedToTheSubtree) {
  EXPECT_EQ(Subtree("a"), (std::vector<std::string>{"a", "a1", "a11"}));
  EXPECT_EQ(Subtree("b"), std::vector<std::string>{"b"});
  EXPECT_TRUE(Subtree("missing").empty());
  api::ListParams params;
  params.page_size = 20;
  ListWindow window = scope::Window(params, {"apiKeys/k", api::Role::kMethodist, "a1"});
  EXPECT_EQ(window.within, "a1");
  EXPECT_EQ(window.limit, 21);
  EXPECT_FALSE(scope::Window(params, {"apiKeys/n", api::Role::kAdmin, ""}).within.has_value());
  auto statement = scope::ListStatement("SELECT id FROM libraries t", {}, {"t.id"}, "t.id",
                                        {{"t.delete_time IS NULL", {}}}, window);
  ASSERT_TRUE(statement.ok()) << statement.status();
  EXPECT_EQ(
      statement->sql.find("SELECT id FROM libraries t WHERE t.delete_time IS NULL AND t.id IN"), 0u)
      << statement->sql;
  std::vector<std::string> ids;
  ASSERT_TRUE(RunRead(*pool_, [&](Session& s) {
                return s.Run([&]() -> absl::Status {
                  auto rs = s.QueryValues(statement->sql, statement->params);
                  while (rs->next()) ids.push_back(GetString(*rs, 1));
                  return absl::OkStatus();
                });
              }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"a1", "a11"}));
}

}  // namespace
}  // namespace allies::storage
