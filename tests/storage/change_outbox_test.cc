#include "storage/change_outbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"
#include "tests/support/test_database.h"

namespace allies::storage::changes {
namespace {

using allies::testing::TestDatabase;

Change Made(const std::string& partner) {
  Change c;
  c.library_id = "gorod";
  c.actor = "apiKeys/ключ";
  c.verb = "CREATE";
  c.resource = "libraries/gorod/partners/" + partner;
  c.changed_fields = {"display_name", "tags[0]"};
  c.request_id = "req-" + partner;
  c.time = NowMicros();
  return c;
}

// Queues `c` in the open transaction of `s`.
void Queue(Session& s, const Change& c) {
  ASSERT_TRUE(Enqueue(s, {&c}, {"act-" + c.request_id}).ok());
}

class ChangeOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = TestDatabase::Shared().FreshSchema();
    pool_ = std::make_unique<ConnectionPool>(config_);
  }
  std::unique_ptr<Session> Connect() {
    auto s = ConnectionPool::Connect(config_);
    EXPECT_TRUE(s.ok()) << s.status();
    return *std::move(s);
  }
  Sequenced Sequence(absl::Time now = NowMicros()) {
    auto done = changes::Sequence(*pool_, now);
    EXPECT_TRUE(done.ok()) << done.status();
    return done.ok() ? *done : Sequenced{};
  }
  // Everything after `after` up to the last position given.
  std::vector<StoredChange> ReadAfter(int64_t after, std::vector<std::string> collections = {}) {
    std::vector<StoredChange> out;
    EXPECT_TRUE(RunRead(*pool_, [&](Session& s) -> absl::Status {
                  auto bounds = ReadBounds(s);
                  if (!bounds.ok()) return bounds.status();
                  Window w;
                  w.after = after;
                  w.through = bounds->last_position;
                  w.collections = collections;
                  w.limit = 10000;
                  auto rows = Read(s, w);
                  if (!rows.ok()) return rows.status();
                  out = *std::move(rows);
                  return absl::OkStatus();
                }).ok());
    return out;
  }
  DbConfig config_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(ChangeOutboxTest, ChangesAreReadWithTheirFieldsAndActivity) {
  Change c = Made("elka");  // (resource ids are ASCII; the actor's name need not be)
  c.request_id = "req-1";
  ASSERT_TRUE(RunInTransaction(*pool_, [&](Session& s) { return Enqueue(s, {&c}, {"a1"}); }).ok());
  EXPECT_EQ(Sequence().given, 1);
  auto rows = ReadAfter(0);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].position, 1);
  EXPECT_EQ(rows[0].collection, "partners");
  EXPECT_EQ(rows[0].resource, "libraries/gorod/partners/elka");
  EXPECT_EQ(rows[0].verb, "CREATE");
  EXPECT_EQ(rows[0].changed_fields, (std::vector<std::string>{"display_name", "tags[0]"}));
  EXPECT_EQ(rows[0].actor, "apiKeys/ключ");
  EXPECT_EQ(rows[0].request_id, "req-1");
  EXPECT_EQ(rows[0].activity, "libraries/gorod/activities/a1");
  EXPECT_EQ(rows[0].change_time, c.time);
  EXPECT_TRUE(ReadAfter(0, {"volunteers"}).empty());
  EXPECT_EQ(ReadAfter(0, {"volunteers", "partners"}).size(), 1u);
}

// The transaction that started first commits last: it gets the later position, so a reader
// that read in between (and stored its position) still sees it; nothing waits for it.
TEST_F(ChangeOutboxTest, PositionsFollowCommitOrderNotStartOrder) {
  auto early = Connect();
  auto late = Connect();
  early->Begin();
  Queue(*early, Made("early"));  // its row id is the smaller one
  late->Begin();
  Queue(*late, Made("late"));
  late->Commit();

  const absl::Time before = absl::Now();
  Sequenced first = Sequence();  // the open transaction's row is not waited for
  EXPECT_LT(absl::Now() - before, absl::Seconds(5)) << "the sequencer waited for a row lock";
  EXPECT_EQ(first.given, 1);
  auto seen = ReadAfter(0);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].resource, "libraries/gorod/partners/late");
  const int64_t consumer = seen[0].position;

  EXPECT_EQ(Sequence().given, 0);  // still open: nothing new
  early->Commit();
  EXPECT_EQ(Sequence().given, 1);
  auto rest = ReadAfter(consumer);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].resource, "libraries/gorod/partners/early");
  EXPECT_GT(rest[0].position, consumer);

  // A rolled-back change never appears.
  auto undone = Connect();
  undone->Begin();
  Queue(*undone, Made("undone"));
  undone->Rollback();
  EXPECT_EQ(Sequence().given, 0);
  EXPECT_TRUE(ReadAfter(rest[0].position).empty());
}

// 8 writers with transactions of random length, a sequencer and a reader running all along:
// the reader sees every committed change once, positions strictly increasing, each writer's
// changes in its own order.
TEST_F(ChangeOutboxTest, ConcurrentWritersAreReadExactlyOnceInOrder) {
  constexpr int kWriters = 8;
  constexpr int kEach = 60;
  std::atomic<int> writing{kWriters};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 random(w);
      for (int i = 0; i < kEach; ++i) {
        // (Drawn outside the transaction: a retried attempt draws nothing more.)
        const bool rollback = random() % 10 == 0;
        const absl::Duration open_for = absl::Microseconds(random() % 3000);
        absl::Status ok = RunInTransaction(*pool_, [&](Session& s) -> absl::Status {
          Change c = Made(absl::StrCat("w", w, "-", i, rollback ? "-undone" : ""));
          absl::Status queued = Enqueue(s, {&c}, {absl::StrCat("a", w, "-", i)});
          if (!queued.ok()) return queued;
          absl::SleepFor(open_for);  // keep it open a while
          return rollback ? absl::AbortedError("rolled back on purpose") : absl::OkStatus();
        });
        EXPECT_TRUE(ok.ok() || rollback) << ok;
      }
      --writing;
    });
  }
  // Two sequencers, as two replicas of the service would run, each on its own connection.
  std::vector<std::thread> sequencers;
  for (int k = 0; k < 2; ++k) {
    sequencers.emplace_back([&] {
      ConnectionPool own(config_);
      while (writing > 0) {
        auto done = changes::Sequence(own, NowMicros());
        EXPECT_TRUE(done.ok()) << done.status();
        absl::SleepFor(absl::Milliseconds(2));
      }
    });
  }
  std::map<std::string, int> seen;
  std::vector<int64_t> positions;
  int64_t position = 0;
  std::map<int, int> last_of_writer;
  auto consume = [&] {
    for (const StoredChange& c : ReadAfter(position)) {
      EXPECT_GT(c.position, position);
      position = c.position;
      positions.push_back(c.position);
      ++seen[c.resource];
      int w = 0, i = 0;
      ASSERT_EQ(sscanf(c.request_id.c_str(), "req-w%d-%d", &w, &i), 2) << c.request_id;
      auto last = last_of_writer.find(w);
      if (last != last_of_writer.end()) {
        EXPECT_GT(i, last->second) << c.resource;
      }
      last_of_writer[w] = i;
    }
  };
  while (writing > 0) consume();
  for (auto& t : writers) t.join();
  for (auto& t : sequencers) t.join();
  Sequence();
  consume();
  // Given once each, without gaps (rolled-back rows never get one).
  for (size_t i = 0; i < positions.size(); ++i) {
    ASSERT_EQ(positions[i], static_cast<int64_t>(i) + 1);
  }
  int expected = 0;
  for (int w = 0; w < kWriters; ++w) {
    std::mt19937 random(w);
    for (int i = 0; i < kEach; ++i) {
      const bool rollback = random() % 10 == 0;
      random();  // the sleep's draw
      const std::string name = absl::StrCat("libraries/gorod/partners/w", w, "-", i);
      if (rollback) {
        EXPECT_EQ(seen.count(name + "-undone"), 0u) << name;
        continue;
      }
      ++expected;
      EXPECT_EQ(seen[name], 1) << name;
    }
  }
  EXPECT_EQ(static_cast<int>(seen.size()), expected);
}

TEST_F(ChangeOutboxTest, PruningKeepsTheRetentionAndMovesTheOldestPosition) {
  const absl::Time t0 = NowMicros();
  for (const char* p : {"a", "b"}) {
    Change c = Made(p);
    ASSERT_TRUE(RunInTransaction(*pool_, [&](Session& s) { return Enqueue(s, {&c}, {p}); }).ok());
  }
  EXPECT_EQ(Sequence(t0).given, 2);
  Change c = Made("c");
  ASSERT_TRUE(RunInTransaction(*pool_, [&](Session& s) { return Enqueue(s, {&c}, {"c"}); }).ok());
  EXPECT_EQ(Sequence(t0 + absl::Hours(24 * 8)).given, 1);

  auto none = Prune(*pool_, t0);  // nothing sequenced before t0
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);
  auto pruned = Prune(*pool_, t0 + absl::Hours(24 * 8) - kChangeRetention + absl::Hours(1));
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 2);
  Bounds bounds;
  ASSERT_TRUE(RunRead(*pool_, [&](Session& s) -> absl::Status {
                auto b = ReadBounds(s);
                if (b.ok()) bounds = *b;
                return b.status();
              }).ok());
  EXPECT_EQ(bounds.pruned_through, 2);
  EXPECT_EQ(bounds.last_position, 3);
  auto left = ReadAfter(0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].resource, "libraries/gorod/partners/c");
}

}  // namespace
}  // namespace allies::storage::changes
