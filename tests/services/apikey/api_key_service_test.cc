// End-to-end tests of ApiKeyService and the first-start key file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "allies/v1/library.grpc.pb.h"
#include "api/credentials.h"
#include "tests/support/rpc_errors.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::TestDatabase;
using allies::testing::TestServer;
using v1::ApiKey;

using allies::testing::Reason;
using allies::testing::ViolatedFields;

class ApiKeyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = TestDatabase::Shared().FreshSchema();
    server_ = std::make_unique<TestServer>(db_);
    keys_ = v1::ApiKeyService::NewStub(server_->channel());
    auto libraries = v1::LibraryService::NewStub(server_->channel());
    v1::CreateLibraryRequest request;
    request.set_library_id("cbs");
    request.mutable_library()->set_display_name("ЦБС");
    request.mutable_library()->set_kind(v1::Library::CENTRAL_SYSTEM);
    v1::Library out;
    grpc::ClientContext context;
    ASSERT_TRUE(libraries->CreateLibrary(&context, request, &out).ok());
  }

  grpc::Status Create(ApiKey key, v1::CreateApiKeyResponse* out, const std::string& rid = "") {
    v1::CreateApiKeyRequest request;
    *request.mutable_api_key() = std::move(key);
    request.set_request_id(rid);
    grpc::ClientContext context;
    return keys_->CreateApiKey(&context, request, out);
  }

  static ApiKey Key(const std::string& display_name, ApiKey::Role role,
                    const std::string& library) {
    ApiKey key;
    key.set_display_name(display_name);
    key.set_role(role);
    key.set_library(library);
    return key;
  }

  storage::DbConfig db_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ApiKeyService::Stub> keys_;
};

TEST_F(ApiKeyServiceTest, SecretIsShownOnceAndStoredOnlyAsAHash) {
  v1::CreateApiKeyResponse created;
  ASSERT_TRUE(
      Create(Key("Библиотекарь Ёлкина", ApiKey::LIBRARIAN, "libraries/cbs"), &created, "k-1").ok());
  EXPECT_EQ(created.api_key().name().rfind("apiKeys/", 0), 0u);
  EXPECT_EQ(created.api_key().library(), "libraries/cbs");
  ASSERT_FALSE(created.key().empty());
  auto parsed = api::ParseToken(created.key());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ("apiKeys/" + parsed->id, created.api_key().name());

  // A retry with the same request_id: the same key, without its secret.
  v1::CreateApiKeyResponse retried;
  ASSERT_TRUE(
      Create(Key("Библиотекарь Ёлкина", ApiKey::LIBRARIAN, "libraries/cbs"), &retried, "k-1").ok());
  EXPECT_EQ(retried.api_key().name(), created.api_key().name());
  EXPECT_TRUE(retried.key().empty());

  // Nothing in the database holds the secret.
  const std::string secret = parsed->secret;
  for (const char* table : {"api_keys", "request_log", "activities"}) {
    const std::string dump =
        TestDatabase::Shared().Sql(absl::StrCat("SELECT * FROM ", table), db_.database);
    EXPECT_EQ(dump.find(secret), std::string::npos) << table;
  }

  v1::GetApiKeyRequest get;
  get.set_name(created.api_key().name());
  ApiKey got;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(keys_->GetApiKey(&context, get, &got).ok());
  }
  EXPECT_EQ(got.display_name(), "Библиотекарь Ёлкина");
  EXPECT_EQ(got.role(), ApiKey::LIBRARIAN);
}

TEST_F(ApiKeyServiceTest, ListAndRevoke) {
  v1::CreateApiKeyResponse a, b;
  ASSERT_TRUE(Create(Key("Методист", ApiKey::METHODIST, "libraries/cbs"), &a).ok());
  ASSERT_TRUE(Create(Key("Администратор сети", ApiKey::ADMIN, ""), &b).ok());
  v1::ListApiKeysRequest list;
  list.set_filter("role = METHODIST");
  v1::ListApiKeysResponse page;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(keys_->ListApiKeys(&context, list, &page).ok());
  }
  ASSERT_EQ(page.api_keys_size(), 1);
  EXPECT_EQ(page.api_keys(0).name(), a.api_key().name());

  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(a.api_key().name());
  ApiKey revoked;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(keys_->RevokeApiKey(&context, revoke, &revoked).ok());
  }
  EXPECT_TRUE(revoked.has_revoke_time());
  {
    grpc::ClientContext context;
    EXPECT_EQ(Reason(keys_->RevokeApiKey(&context, revoke, &revoked)), "ALREADY_REVOKED");
  }
  list.clear_filter();
  page.Clear();
  {
    grpc::ClientContext context;
    ASSERT_TRUE(keys_->ListApiKeys(&context, list, &page).ok());
  }
  EXPECT_EQ(page.api_keys_size(), 2) << "revoked keys leave the list (the test's own key stays)";
  list.set_show_revoked(true);
  page.Clear();
  grpc::ClientContext context;
  ASSERT_TRUE(keys_->ListApiKeys(&context, list, &page).ok());
  EXPECT_EQ(page.api_keys_size(), 3);
}

TEST_F(ApiKeyServiceTest, BadInput) {
  v1::CreateApiKeyResponse out;
  grpc::Status status = Create(Key("", ApiKey::LIBRARIAN, ""), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<std::string> fields = ViolatedFields(status);
  EXPECT_EQ(fields, (std::vector<std::string>{"api_key.display_name", "api_key.library"}));
  EXPECT_EQ(Reason(Create(Key("x", ApiKey::ADMIN, "libraries/none"), &out)), "LIBRARY_NOT_FOUND");
  ApiKey expired = Key("x", ApiKey::ADMIN, "");
  expired.mutable_expire_time()->set_seconds(1000);
  EXPECT_EQ(Create(expired, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Create(Key("x", ApiKey::ROLE_UNSPECIFIED, "libraries/cbs"), &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(BootstrapKeyTest, MigrateWritesAnAdminKeyFileOnce) {
  storage::DbConfig db = TestDatabase::Shared().EmptySchema();
  const std::string path = absl::StrCat(::testing::TempDir(), "/admin-", getpid(), ".key");
  unlink(path.c_str());
  const std::string command =
      absl::StrCat("ALLIES_DB_SOCKET='", db.socket, "' ALLIES_DB_USER='", db.user,
                   "' ALLIES_DB_PASSWORD='", db.password, "' ALLIES_DB_NAME='", db.database, "' ",
                   ALLIES_MIGRATE_BIN, " --bootstrap-key-file=", path, " 2>&1");
  allies::testing::RunOrDie(command);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string token;
  std::ifstream(path) >> token;
  ASSERT_TRUE(api::ParseToken(token).ok()) << token;
  // A second run keeps the file (and creates no other key).
  allies::testing::RunOrDie(command);
  std::string again;
  std::ifstream(path) >> again;
  EXPECT_EQ(again, token);
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT COUNT(*) FROM api_keys", db.database), "1\n");
  unlink(path.c_str());
}

}  // namespace
}  // namespace allies
