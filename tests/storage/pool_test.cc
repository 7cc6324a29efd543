#include "storage/pool.h"

#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/transaction.h"
#include "tests/support/test_database.h"

namespace allies::storage {
namespace {

using allies::testing::TestDatabase;

int64_t ConnectionId(Session& s) {
  auto id = s.Run([&]() -> absl::StatusOr<int64_t> {
    auto rs = s.Query("SELECT CONNECTION_ID()");
    rs->next();
    return rs->getInt64(1);
  });
  EXPECT_TRUE(id.ok()) << id.status();
  return id.value_or(-1);
}

void Kill(int64_t connection_id) {
  TestDatabase::Shared().Sql(absl::StrCat("KILL ", connection_id));
  absl::SleepFor(absl::Milliseconds(50));
}

TEST(PoolTest, ExhaustionTimesOutAsUnavailable) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  config.pool_size = 2;
  config.checkout_timeout = absl::Milliseconds(200);
  ConnectionPool pool(config);
  auto a = pool.Checkout();
  auto b = pool.Checkout();
  ASSERT_TRUE(a.ok() && b.ok());
  const absl::Time start = absl::Now();
  auto c = pool.Checkout();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(150));
  EXPECT_EQ(pool.stats().open, 2);

  // A waiter gets the session that is returned while it waits (within its 200 ms).
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(100));
    *a = Lease();
  });
  auto d = pool.Checkout();
  releaser.join();
  EXPECT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(pool.stats().opened, 2);
}

TEST(PoolTest, ReusesConnectionsAndCachesStatements) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  ConnectionPool pool(config);
  int64_t first_id;
  {
    auto lease = pool.Checkout();
    ASSERT_TRUE(lease.ok());
    first_id = ConnectionId(**lease);
  }
  auto lease = pool.Checkout();
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(ConnectionId(**lease), first_id);
  Session& s = **lease;
  auto prepares = [&] {
    return s.Run([&]() -> absl::StatusOr<int64_t> {
      auto rs = s.Query("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'");
      rs->next();
      int64_t n = 0;
      EXPECT_TRUE(absl::SimpleAtoi(GetString(*rs, 2), &n));
      return n;
    });
  };
  auto before = prepares();
  ASSERT_TRUE(before.ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(s.Run([&]() -> absl::Status {
                   auto rs = s.Query("SELECT ? + 1", i);
                   EXPECT_TRUE(rs->next());
                   EXPECT_EQ(rs->getInt(1), i + 1);
                   return absl::OkStatus();
                 }).ok());
  }
  auto after = prepares();
  // One prepare for "SELECT ? + 1" (the SHOW statement was prepared before `before` was read).
  EXPECT_EQ(*after - *before, 1);
}

// The statement cache is an LRU of bounded size: arbitrary texts (filters) neither grow it nor
// push out the statements in use; the server holds no more than the cache.
TEST(PoolTest, StatementCacheIsABoundedLru) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  ConnectionPool pool(config);
  auto lease = pool.Checkout();
  ASSERT_TRUE(lease.ok());
  Session& s = **lease;
  auto run = [&](const std::string& sql) {
    ASSERT_TRUE(s.Run([&]() -> absl::Status {
                   EXPECT_TRUE(s.Query(sql)->next());
                   return absl::OkStatus();
                 }).ok());
  };
  const int n = static_cast<int>(Session::kMaxCachedStatements);
  // The cache fills up before the hot statement is first used...
  for (int i = 0; i < n; ++i) run(absl::StrCat("SELECT ", i, " AS early_", i));
  const int64_t first = s.prepared();
  const std::string hot = "SELECT 'hot'";
  for (int i = 0; i < 3 * n; ++i) {
    run(absl::StrCat("SELECT ", i, " AS filter_", i));
    run(hot);  // ...and, used all along, it is never the least recently used: prepared once
  }
  EXPECT_EQ(s.prepared() - first, 3 * n + 1);
  EXPECT_EQ(s.cached_statements(), Session::kMaxCachedStatements);
  auto open = s.Run([&]() -> absl::StatusOr<int64_t> {
    auto rs = s.Query("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'");
    rs->next();
    int64_t n = 0;
    EXPECT_TRUE(absl::SimpleAtoi(GetString(*rs, 2), &n));
    return n;
  });
  ASSERT_TRUE(open.ok());
  EXPECT_LE(*open, static_cast<int64_t>(Session::kMaxCachedStatements) + 16)
      << "evicted statements are closed on the server";
}

// A call's deadline bounds the wait for a connection: DEADLINE_EXCEEDED at the deadline, not
// UNAVAILABLE after the pool's own timeout.
TEST(PoolTest, CheckoutStopsAtTheCallsDeadline) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  config.pool_size = 1;
  config.checkout_timeout = absl::Seconds(5);
  ConnectionPool pool(config);
  auto held = pool.Checkout();
  ASSERT_TRUE(held.ok());
  const absl::Time start = absl::Now();
  auto waited = pool.Checkout(start + absl::Milliseconds(100));
  EXPECT_EQ(waited.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  absl::Status read = RunRead(
      pool, [](Session&) { return absl::OkStatus(); }, absl::Now() + absl::Milliseconds(50));
  EXPECT_EQ(read.code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(PoolTest, DeadIdleConnectionIsReplacedOnCheckout) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  config.validate_after_idle = absl::ZeroDuration();
  ConnectionPool pool(config);
  int64_t killed;
  {
    auto lease = pool.Checkout();
    ASSERT_TRUE(lease.ok());
    killed = ConnectionId(**lease);
  }
  Kill(killed);
  auto lease = pool.Checkout();
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_NE(ConnectionId(**lease), killed);
  EXPECT_EQ(pool.stats().replaced, 1);
}

TEST(PoolTest, ConnectionLostDuringUseIsUnavailableThenReplaced) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  config.validate_after_idle = absl::Hours(1);  // skip the ping: the loss shows during use
  ConnectionPool pool(config);
  int64_t killed;
  {
    auto lease = pool.Checkout();
    ASSERT_TRUE(lease.ok());
    killed = ConnectionId(**lease);
  }
  Kill(killed);
  {
    auto lease = pool.Checkout();
    ASSERT_TRUE(lease.ok());
    absl::Status status = (*lease)->Run([&]() -> absl::Status {
      (*lease)->Query("SELECT 1");
      return absl::OkStatus();
    });
    // No silent auto-reconnect: the failure is visible and retryable.
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_TRUE((*lease)->broken());
  }
  EXPECT_EQ(pool.stats().open, 0);
  auto lease = pool.Checkout();
  ASSERT_TRUE(lease.ok());
  EXPECT_NE(ConnectionId(**lease), killed);
}

TEST(PoolTest, ReadsRetryOnceOnAFreshConnection) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  config.validate_after_idle = absl::Hours(1);
  ConnectionPool pool(config);
  {
    auto lease = pool.Checkout();
    ASSERT_TRUE(lease.ok());
    Kill(ConnectionId(**lease));
  }
  int attempts = 0;
  absl::Status status = RunRead(pool, [&](Session& s) {
    ++attempts;
    return s.Run([&]() -> absl::Status {
      s.Query("SELECT 1");
      return absl::OkStatus();
    });
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(attempts, 2);
}

// Every idle connection killed at once (a failover, a restart): the first one found dead marks
// the others suspect, so a read's one retry lands on a live connection, not on the next corpse.
TEST(PoolTest, AfterOneLostConnectionTheIdleOnesArePinged) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  config.validate_after_idle = absl::Hours(1);
  ConnectionPool pool(config);
  std::vector<int64_t> ids;
  {
    std::vector<Lease> leases;
    for (int i = 0; i < 4; ++i) {
      auto lease = pool.Checkout();
      ASSERT_TRUE(lease.ok());
      ids.push_back(ConnectionId(**lease));
      leases.push_back(*std::move(lease));
    }
  }
  for (int64_t id : ids) Kill(id);
  for (int read = 0; read < 3; ++read) {
    int attempts = 0;
    absl::Status status = RunRead(pool, [&](Session& s) {
      ++attempts;
      return s.Run([&]() -> absl::Status {
        s.Query("SELECT 1");
        return absl::OkStatus();
      });
    });
    EXPECT_TRUE(status.ok()) << "read " << read << ": " << status;
    EXPECT_LE(attempts, 2);
  }
  EXPECT_EQ(pool.stats().replaced, 4);
}

TEST(PoolTest, UnreachableDatabaseIsUnavailable) {
  DbConfig config = TestDatabase::Shared().base_config();
  config.socket = "/nonexistent/mysqld.sock";
  ConnectionPool pool(config);
  auto lease = pool.Checkout();
  EXPECT_EQ(lease.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(pool.stats().open, 0);  // the reserved slot was given back
}

TEST(PoolTest, WrongPasswordIsUnavailableNotACrash) {
  DbConfig config = TestDatabase::Shared().base_config();
  config.password = "wrong";
  auto session = ConnectionPool::Connect(config);
  EXPECT_EQ(session.status().code(), absl::StatusCode::kUnavailable);
}

TEST(PoolTest, Utf8mb4RoundTripsExactly) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  ConnectionPool pool(config);
  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += "ё";
  const std::vector<std::string> values = {"Центральная библиотечная система г. Вологды",
                                           "ёЁ ъЪ",
                                           "",
                                           long_text,
                                           "emoji 📚 and 𝄞",
                                           "quote ' and \" and \\ backslash"};
  absl::Status status = RunInTransaction(pool, [&](Session& s) {
    return s.Run([&]() -> absl::Status {
      s.ExecuteDirect("CREATE TABLE texts (id INT PRIMARY KEY, v VARCHAR(300) NOT NULL)");
      for (size_t i = 0; i < values.size(); ++i) {
        s.Execute("INSERT INTO texts VALUES (?, ?)", static_cast<int>(i), values[i]);
      }
      return absl::OkStatus();
    });
  });
  ASSERT_TRUE(status.ok()) << status;
  status = RunRead(pool, [&](Session& s) {
    return s.Run([&]() -> absl::Status {
      auto rs = s.Query("SELECT id, v FROM texts ORDER BY id");
      size_t n = 0;
      while (rs->next()) {
        EXPECT_EQ(GetString(*rs, 2), values[rs->getInt(1)]);
        ++n;
      }
      EXPECT_EQ(n, values.size());
      // ё and е compare equal under utf8mb4_unicode_ci (search folds them).
      auto folded = s.Query("SELECT COUNT(*) FROM texts WHERE v = 'еЕ ъЪ'");
      folded->next();
      EXPECT_EQ(folded->getInt(1), 1);
      return absl::OkStatus();
    });
  });
  ASSERT_TRUE(status.ok()) << status;
}

}  // namespace
}  // namespace allies::storage
