#include "storage/transaction.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "api/errors.h"
#include "tests/support/test_database.h"

namespace allies::storage {
namespace {

using allies::testing::TestDatabase;

// A real deadlock error from the server (SIGNAL with the deadlock's SQLSTATE and code), so the
// retry path sees exactly what InnoDB would send.
absl::Status Deadlock(Session& s) {
  return s.Run([&]() -> absl::Status {
    s.ExecuteDirect("SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'deadlock'");
    return absl::OkStatus();
  });
}

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = TestDatabase::Shared().FreshSchema();
    TestDatabase::Shared().Sql(
        "CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL);"
        "INSERT INTO counters VALUES (1, 0), (2, 0), (3, 0);",
        config_.database);
    pool_ = std::make_unique<ConnectionPool>(config_);
  }
  int Count(int id) {
    return std::stoi(TestDatabase::Shared().Sql(
        "SELECT n FROM counters WHERE id = " + std::to_string(id), config_.database));
  }
  DbConfig config_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(TransactionTest, CommitsOnOk) {
  absl::Status status = RunInTransaction(*pool_, [](Session& s) {
    return s.Run([&]() -> absl::Status {
      s.Execute("UPDATE counters SET n = n + 1 WHERE id = 1");
      return absl::OkStatus();
    });
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Count(1), 1);
}

TEST_F(TransactionTest, RollsBackOnError) {
  absl::Status status = RunInTransaction(*pool_, [](Session& s) {
    absl::Status st = s.Run([&]() -> absl::Status {
      s.Execute("UPDATE counters SET n = n + 1 WHERE id = 1");
      return absl::OkStatus();
    });
    if (!st.ok()) return st;
    return api::Error(absl::StatusCode::kFailedPrecondition, "NOPE", "rule broken");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count(1), 0);
}

TEST_F(TransactionTest, SqlErrorsBecomeStatusesNotExceptions) {
  absl::Status status = RunInTransaction(*pool_, [](Session& s) {
    return s.Run([&]() -> absl::Status {
      s.Execute("UPDATE counters SET n = n + 1 WHERE id = 1");
      s.Execute("INSERT INTO counters VALUES (1, 5)");  // duplicate key
      return absl::OkStatus();
    });
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count(1), 0);
  status = RunInTransaction(*pool_, [](Session& s) {
    return s.Run([&]() -> absl::Status {
      s.Execute("SELEKT nonsense");
      return absl::OkStatus();
    });
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(api::ErrorReason(status), "DATABASE_ERROR");
}

TEST_F(TransactionTest, DeadlockIsRetriedAndBothSucceed) {
  std::atomic<int> attempts{0};
  std::atomic<int> locked_first{0};
  auto worker = [&](int first, int second) {
    bool first_attempt = true;
    return RunInTransaction(*pool_, [&](Session& s) {
      ++attempts;
      return s.Run([&]() -> absl::Status {
        s.Execute("UPDATE counters SET n = n + 1 WHERE id = ?", first);
        if (first_attempt) {
          first_attempt = false;
          ++locked_first;
          // Wait until the other transaction holds its first row: a guaranteed deadlock.
          const absl::Time give_up = absl::Now() + absl::Seconds(5);
          while (locked_first.load() < 2 && absl::Now() < give_up) {
            absl::SleepFor(absl::Milliseconds(1));
          }
        }
        s.Execute("UPDATE counters SET n = n + 1 WHERE id = ?", second);
        return absl::OkStatus();
      });
    });
  };
  absl::Status a, b;
  std::thread ta([&] { a = worker(1, 2); });
  std::thread tb([&] { b = worker(2, 1); });
  ta.join();
  tb.join();
  EXPECT_TRUE(a.ok()) << a;
  EXPECT_TRUE(b.ok()) << b;
  EXPECT_EQ(attempts.load(), 3);  // the deadlock victim ran once more
  EXPECT_EQ(Count(1), 2);
  EXPECT_EQ(Count(2), 2);
}

TEST_F(TransactionTest, LockWaitTimeoutIsRetried) {
  absl::Notification holding, release;
  std::thread holder([&] {
    absl::Status status = RunInTransaction(*pool_, [&](Session& s) {
      return s.Run([&]() -> absl::Status {
        s.Execute("UPDATE counters SET n = n + 10 WHERE id = 1");
        holding.Notify();
        release.WaitForNotificationWithTimeout(absl::Seconds(10));
        return absl::OkStatus();
      });
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  holding.WaitForNotification();
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(1500));
    release.Notify();
  });
  int attempts = 0;
  RetryPolicy policy;
  policy.max_attempts = 10;
  absl::Status status = RunInTransaction(
      *pool_,
      [&](Session& s) {
        ++attempts;
        return s.Run([&]() -> absl::Status {
          s.ExecuteDirect("SET SESSION innodb_lock_wait_timeout = 1");
          s.Execute("UPDATE counters SET n = n + 1 WHERE id = 1");
          return absl::OkStatus();
        });
      },
      policy);
  releaser.join();
  holder.join();
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_GE(attempts, 2);
  EXPECT_EQ(Count(1), 11);
}

TEST_F(TransactionTest, GivesUpAfterMaxAttempts) {
  int attempts = 0;
  RetryPolicy policy;
  policy.max_attempts = 3;
  absl::Status status = RunInTransaction(
      *pool_,
      [&](Session& s) {
        ++attempts;
        return Deadlock(s);
      },
      policy);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(attempts, 3);
}

// Retries stop at the call's deadline: a conflict that persists is answered before it.
TEST_F(TransactionTest, RetriesStopAtTheDeadline) {
  int attempts = 0;
  RetryPolicy policy;
  policy.max_attempts = 1000;
  policy.initial_backoff = absl::Milliseconds(20);
  policy.max_backoff = absl::Milliseconds(20);
  policy.deadline = absl::Now() + absl::Milliseconds(200);
  const absl::Time start = absl::Now();
  absl::Status status = RunInTransaction(
      *pool_,
      [&](Session& s) {
        ++attempts;
        return Deadlock(s);
      },
      policy);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(600));
  EXPECT_GE(attempts, 2);
  EXPECT_LT(attempts, 30);
}

// The connection dies after the transaction's last statement and before its COMMIT: the change
// is not there, so the caller must not hear OK (Connector/C++ 1.1.12's commit() returns normally
// on a dead connection). The COMMIT went out on it, so as far as the client knows it may have
// committed: UNAVAILABLE, COMMIT_OUTCOME_UNKNOWN (a retry with the request id is safe).
TEST_F(TransactionTest, ConnectionLostAtCommitIsUnavailableAndNothingCommits) {
  absl::Status status = RunInTransaction(*pool_, [&](Session& s) {
    return s.Run([&]() -> absl::Status {
      s.Execute("UPDATE counters SET n = n + 1 WHERE id = 1");
      auto rs = s.Query("SELECT CONNECTION_ID()");
      rs->next();
      TestDatabase::Shared().Sql("KILL CONNECTION " + std::to_string(rs->getInt64(1)));
      return absl::OkStatus();
    });
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(api::ErrorReason(status), "COMMIT_OUTCOME_UNKNOWN");
  EXPECT_EQ(Count(1), 0);
  // The dead session was discarded: the next transaction runs on a fresh one.
  status = RunInTransaction(*pool_, [](Session& s) {
    return s.Run([&]() -> absl::Status {
      s.Execute("UPDATE counters SET n = n + 1 WHERE id = 2");
      return absl::OkStatus();
    });
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(Count(2), 1);
}

// The connection dies in the middle of the transaction (a Galera node killed, a proxy closing
// its sessions): the server rolled it back, so it is run again on a fresh connection, once.
TEST_F(TransactionTest, ConnectionLostBeforeTheCommitIsSentRunsAgainOnAFreshConnection) {
  int attempts = 0;
  absl::Status status = RunInTransaction(*pool_, [&](Session& s) {
    ++attempts;
    return s.Run([&]() -> absl::Status {
      s.Execute("UPDATE counters SET n = n + 1 WHERE id = 3");
      if (attempts == 1) {
        auto rs = s.Query("SELECT CONNECTION_ID()");
        rs->next();
        TestDatabase::Shared().Sql("KILL CONNECTION " + std::to_string(rs->getInt64(1)));
        s.Execute("UPDATE counters SET n = n + 1 WHERE id = 3");  // fails: the connection is gone
      }
      return absl::OkStatus();
    });
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(Count(3), 1) << "the first attempt's update was rolled back with its connection";
}

}  // namespace
}  // namespace allies::storage
