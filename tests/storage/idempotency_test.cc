#include "storage/idempotency.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "api/errors.h"
#include "google/rpc/error_details.pb.h"
#include "tests/support/test_database.h"

namespace allies::storage {
namespace {

using allies::testing::TestDatabase;

// Any message will do as request and response; ErrorInfo is at hand.
google::rpc::ErrorInfo Message(const std::string& reason) {
  google::rpc::ErrorInfo m;
  m.set_reason(reason);
  m.set_domain("Библиотека ёлки");
  return m;
}

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = TestDatabase::Shared().FreshSchema();
    pool_ = std::make_unique<ConnectionPool>(config_);
  }
  std::string Rows() {
    return TestDatabase::Shared().Sql("SELECT COUNT(*) FROM request_log", config_.database);
  }
  DbConfig config_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(IdempotencyTest, FirstAnswerIsReplayedAndChangeRunsOnce) {
  int runs = 0;
  auto request = Message("REQ");
  for (int i = 0; i < 3; ++i) {
    google::rpc::ErrorInfo response;
    absl::Status status =
        RunIdempotent(*pool_, "lib", "apiKeys/a", "m", "id-1", request, &response, [&](Session&) {
          ++runs;
          response = Message("RESPONSE " + std::to_string(runs));
          return absl::OkStatus();
        });
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(response.reason(), "RESPONSE 1");
    EXPECT_EQ(response.domain(), "Библиотека ёлки");  // binary-safe storage of the response
  }
  EXPECT_EQ(runs, 1);
  // The same id for another method is a different request.
  google::rpc::ErrorInfo response;
  ASSERT_TRUE(
      RunIdempotent(*pool_, "lib", "apiKeys/a", "other", "id-1", request, &response, [&](Session&) {
        ++runs;
        return absl::OkStatus();
      }).ok());
  EXPECT_EQ(runs, 2);
  // Another caller's request id is another request: it runs, and gets its own answer.
  google::rpc::ErrorInfo theirs;
  ASSERT_TRUE(
      RunIdempotent(*pool_, "lib", "apiKeys/b", "m", "id-1", request, &theirs, [&](Session&) {
        ++runs;
        theirs = Message("THEIRS");
        return absl::OkStatus();
      }).ok());
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(theirs.reason(), "THEIRS");
}

TEST_F(IdempotencyTest, FailedChangeRecordsNothing) {
  auto request = Message("REQ");
  google::rpc::ErrorInfo response;
  absl::Status status = RunIdempotent(
      *pool_, "lib", "apiKeys/a", "m", "id-2", request, &response,
      [](Session&) { return api::Error(absl::StatusCode::kFailedPrecondition, "NO", "refused"); });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Rows(), "0\n");
  // So a retry runs the change again.
  int runs = 0;
  ASSERT_TRUE(
      RunIdempotent(*pool_, "lib", "apiKeys/a", "m", "id-2", request, &response, [&](Session&) {
        ++runs;
        return absl::OkStatus();
      }).ok());
  EXPECT_EQ(runs, 1);
}

TEST_F(IdempotencyTest, PruneForgetsOnlyExpiredIds) {
  google::rpc::ErrorInfo response;
  for (const char* id : {"old", "new"}) {
    ASSERT_TRUE(
        RunIdempotent(*pool_, "lib", "apiKeys/a", "m", id, Message(id), &response, [](Session&) {
          return absl::OkStatus();
        }).ok());
  }
  TestDatabase::Shared().Sql(
      "UPDATE request_log SET create_time = create_time - INTERVAL 8 DAY WHERE request_id = 'old'",
      config_.database);
  auto pruned = PruneRequestLog(*pool_, absl::Now());
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT request_id FROM request_log", config_.database),
            "new\n");
}

// A change whose connection dies before COMMIT is UNAVAILABLE and leaves no stored response, so
// the client's retry with the same request id does the change (once).
TEST_F(IdempotencyTest, ConnectionLostAtCommitIsUnavailableAndTheRetryRuns) {
  auto request = Message("REQ");
  google::rpc::ErrorInfo response;
  absl::Status status =
      RunIdempotent(*pool_, "lib", "apiKeys/a", "m", "id-3", request, &response, [&](Session& s) {
        return s.Run([&]() -> absl::Status {
          auto rs = s.Query("SELECT CONNECTION_ID()");
          rs->next();
          TestDatabase::Shared().Sql("KILL CONNECTION " + std::to_string(rs->getInt64(1)));
          return absl::OkStatus();
        });
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(Rows(), "0\n");
  int runs = 0;
  status =
      RunIdempotent(*pool_, "lib", "apiKeys/a", "m", "id-3", request, &response, [&](Session&) {
        ++runs;
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Rows(), "1\n");
}

// Responses remembered before request_log kept libraries ('') are still replayed; a request id
// is remembered per library.
TEST_F(IdempotencyTest, ResponsesFromBeforeLibrariesAreReplayed) {
  auto request = Message("REQ");
  google::rpc::ErrorInfo response;
  ASSERT_TRUE(
      RunIdempotent(*pool_, "", "apiKeys/a", "m", "old-1", request, &response, [&](Session&) {
        response = Message("FIRST");
        return absl::OkStatus();
      }).ok());
  int runs = 0;
  ASSERT_TRUE(
      RunIdempotent(*pool_, "lib", "apiKeys/a", "m", "old-1", request, &response, [&](Session&) {
        ++runs;
        return absl::OkStatus();
      }).ok());
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(response.reason(), "FIRST");
  ASSERT_TRUE(
      RunIdempotent(*pool_, "lib", "apiKeys/a", "m", "new-1", request, &response, [&](Session&) {
        ++runs;
        return absl::OkStatus();
      }).ok());
  ASSERT_TRUE(
      RunIdempotent(*pool_, "other", "apiKeys/a", "m", "new-1", request, &response, [&](Session&) {
        ++runs;
        return absl::OkStatus();
      }).ok());
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(TestDatabase::Shared().Sql(
                "SELECT library_id, request_id FROM request_log ORDER BY library_id, request_id",
                config_.database),
            "\told-1\nlib\tnew-1\nother\tnew-1\n");
}

TEST(RequestIdTest, Validation) {
  EXPECT_TRUE(ValidateRequestId("").ok());
  EXPECT_TRUE(ValidateRequestId("8c1f3a52-6a36-4d0e-b1b1-0f6b1e0f4a11").ok());
  EXPECT_TRUE(ValidateRequestId("client:42.retry_1").ok());
  EXPECT_FALSE(ValidateRequestId(std::string(65, 'a')).ok());
  EXPECT_FALSE(ValidateRequestId("with space").ok());
  EXPECT_FALSE(ValidateRequestId("запрос").ok());
}

}  // namespace
}  // namespace allies::storage
