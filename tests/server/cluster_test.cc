// The server on a 3-node MariaDB Galera cluster (tools/dbctl cluster: nodes as the mysql user,
// HAProxy in front sending every connection to one Synced node): migrations run at once from
// two nodes apply each migration once (the lease row the cluster certifies); then rounds of a
// bounded load of creates with request ids from several clients while the node being written
// through is killed (kill -9) and restarted. A write is lost only when a kill lands inside a
// COMMIT, so the rounds repeat it. It prints and checks: every acknowledged create present
// exactly once on every node and nothing else, one CREATE entry in the activity log per create,
// the longest write stall (the target is under 6 s: Galera evicts a dead node in about 4 s) and
// each rejoin's time. Label `cluster`; needs root (the nodes run as mysql) and haproxy.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "allies/v1/library.grpc.pb.h"
#include "allies/v1/partner.grpc.pb.h"
#include "storage/migrations.h"
#include "storage/pool.h"
#include "storage/transaction.h"
#include "tests/support/fixtures.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::RunOrDie;

constexpr int kRounds = 3;
constexpr int kClients = 4;
constexpr absl::Duration kBeforeKill = absl::Seconds(2);
constexpr absl::Duration kAfterKill = absl::Seconds(6);

std::string Dbctl() { return absl::StrCat(ALLIES_SOURCE_DIR, "/tools/dbctl"); }

class ClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0 || system("command -v haproxy >/dev/null 2>&1") != 0) return;
    char dir[] = "/tmp/allies-cluster.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    const absl::Time start = absl::Now();
    RunOrDie(absl::StrCat(Dbctl(), " cluster start ", dir_, " --nodes 3"));
    std::printf("cluster of 3 started in %.1f s\n", absl::ToDoubleSeconds(absl::Now() - start));
    const allies::testing::DbctlEnv env = allies::testing::ReadDbctlEnv(dir_);
    proxy_ = env.config;
    for (int n = 1; n <= 3; ++n) {
      auto port = env.values.find(absl::StrCat("ALLIES_DB_NODE", n, "_PORT"));
      ASSERT_TRUE(port != env.values.end() && absl::SimpleAtoi(port->second, &node_ports_[n]))
          << "node " << n << " in " << dir_ << "/env";
    }
    proxy_.pool_size = 8;
  }
  static void TearDownTestSuite() {
    if (dir_.empty()) return;
    RunOrDie(absl::StrCat(Dbctl(), " cluster stop ", dir_));
    RunOrDie(absl::StrCat("rm -rf ", dir_));
  }
  void SetUp() override {
    if (dir_.empty()) GTEST_SKIP() << "needs root and haproxy (./allies test installs it)";
  }

  static storage::DbConfig Node(int n) {
    storage::DbConfig c = proxy_;
    c.port = node_ports_[n];
    return c;
  }
  // The node the proxy sends new connections to.
  static int Writer() {
    auto s = storage::ConnectionPool::Connect(proxy_);
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return 0;
    int port = 0;
    EXPECT_TRUE((*s)->Run([&]() -> absl::Status {
                      auto rs = (*s)->Query("SELECT @@port");
                      if (rs->next()) port = rs->getInt(1);
                      return absl::OkStatus();
                    })
                    .ok());
    for (const auto& [n, p] : node_ports_) {
      if (p == port) return n;
    }
    return 0;
  }
  static std::string Sql(int node, const std::string& statement) {
    auto s = storage::ConnectionPool::Connect(Node(node));
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return "";
    std::string out;
    EXPECT_TRUE((*s)->Run([&]() -> absl::Status {
                      auto rs = (*s)->Query(statement);
                      while (rs->next()) absl::StrAppend(&out, storage::GetString(*rs, 1), "\n");
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  }

  static std::string dir_;
  static storage::DbConfig proxy_;
  static std::map<int, int> node_ports_;
};

std::string ClusterTest::dir_;
storage::DbConfig ClusterTest::proxy_;
std::map<int, int> ClusterTest::node_ports_;

TEST_F(ClusterTest, CreatesSurviveKillingTheNodeWrittenThrough) {
  // Two migrators at once, on two nodes: the lease makes one wait, each migration is applied
  // once (with GET_LOCK, per node, one of them failed every time).
  {
    std::vector<absl::StatusOr<storage::MigrationResult>> results(2, absl::UnknownError(""));
    std::thread a([&] { results[0] = storage::ApplyMigrations(Node(1)); });
    std::thread b([&] { results[1] = storage::ApplyMigrations(Node(2)); });
    a.join();
    b.join();
    ASSERT_TRUE(results[0].ok()) << results[0].status();
    ASSERT_TRUE(results[1].ok()) << results[1].status();
    EXPECT_EQ(results[0]->applied.size() + results[1]->applied.size(),
              storage::AllMigrations().size());
    for (int n = 1; n <= 3; ++n) {
      EXPECT_EQ(Sql(n, "SELECT COUNT(*) FROM schema_migrations"),
                absl::StrCat(storage::AllMigrations().size(), "\n"))
          << "node " << n;
    }
  }

  testing::TestServer server(proxy_);
  auto libraries = v1::LibraryService::NewStub(server.channel());
  ASSERT_TRUE(testing::CreateLibrary(*libraries, "oblast").ok());

  std::mutex mu;
  std::set<std::string> acked;
  absl::Duration longest = absl::ZeroDuration();
  int retried = 0;
  std::vector<double> rejoins;
  for (int round = 1; round <= kRounds; ++round) {
    const int victim = Writer();
    ASSERT_NE(victim, 0);
    std::atomic<bool> stop{false};
    std::atomic<bool> failed{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto partners = v1::PartnerService::NewStub(server.channel());
        for (int i = 0; !stop && !failed; ++i) {
          v1::CreatePartnerRequest request;
          request.set_parent("libraries/oblast");
          request.set_partner_id(absl::StrCat("r", round, "c", c, "n", i));
          request.set_request_id(absl::StrCat("req-r", round, "c", c, "n", i));
          request.mutable_partner()->set_display_name(absl::StrCat("Партнёр «Ёлка» № ", i));
          request.mutable_partner()->set_kind(v1::Partner::BUSINESS);
          const absl::Time first = absl::Now();
          // The same request, with its request id, until the server answers it.
          while (true) {
            v1::Partner out;
            grpc::ClientContext context;
            context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
            grpc::Status status = partners->CreatePartner(&context, request, &out);
            if (status.ok()) {
              std::lock_guard<std::mutex> lock(mu);
              acked.insert(out.name());
              longest = std::max(longest, absl::Now() - first);
              break;
            }
            const bool transient = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                                   status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                                   status.error_code() == grpc::StatusCode::ABORTED;
            if (!transient || absl::Now() - first > absl::Seconds(60)) {
              ADD_FAILURE() << request.partner_id() << ": " << status.error_code() << " "
                            << status.error_message();
              failed = true;
              return;
            }
            {
              std::lock_guard<std::mutex> lock(mu);
              ++retried;
            }
            absl::SleepFor(absl::Milliseconds(100));
          }
        }
      });
    }
    absl::SleepFor(kBeforeKill);
    RunOrDie(absl::StrCat(Dbctl(), " cluster kill ", dir_, " ", victim));
    absl::SleepFor(kAfterKill);
    stop = true;
    for (auto& t : clients) t.join();
    ASSERT_FALSE(failed);
    const absl::Time restart = absl::Now();
    RunOrDie(absl::StrCat(Dbctl(), " cluster restart ", dir_, " ", victim));
    rejoins.push_back(absl::ToDoubleSeconds(absl::Now() - restart));
    std::printf("round %d: killed node %d, %zu creates acknowledged so far, rejoined in %.1f s\n",
                round, victim, acked.size(), rejoins.back());
  }

  // Every node holds every acknowledged create once, and nothing else; one CREATE entry each.
  for (int n = 1; n <= 3; ++n) {
    const std::string ids = Sql(n, "SELECT id FROM partners WHERE library_id = 'oblast'");
    std::multiset<std::string> held;
    for (absl::string_view id : absl::StrSplit(ids, '\n', absl::SkipEmpty())) {
      held.insert(absl::StrCat("libraries/oblast/partners/", id));
    }
    size_t missing = 0;
    for (const std::string& name : acked) missing += held.count(name) == 0;
    EXPECT_EQ(missing, 0u) << "node " << n << ": acknowledged creates missing";
    EXPECT_EQ(held.size(), acked.size()) << "node " << n;
    EXPECT_EQ(std::set<std::string>(held.begin(), held.end()).size(), held.size());
    EXPECT_EQ(Sql(n,
                  "SELECT COUNT(*) FROM activities WHERE library_id = 'oblast' AND kind = 1 "
                  "AND verb = 'CREATE' AND resource LIKE 'libraries/oblast/partners/%'"),
              absl::StrCat(acked.size(), "\n"))
        << "node " << n << ": one CREATE entry per create";
  }
  double slowest_rejoin = 0;
  for (double r : rejoins) slowest_rejoin = std::max(slowest_rejoin, r);
  std::printf(
      "cluster: %zu creates acknowledged by %d clients over %d kills of the node written "
      "through, all on every node; %d answers retried with their request id; longest write "
      "stall %.1f s (target < 6 s); slowest rejoin %.1f s\n",
      acked.size(), kClients, kRounds, retried, absl::ToDoubleSeconds(longest), slowest_rejoin);
  EXPECT_GT(acked.size(), 50u) << "the load ran";
  // A hang, not a slow failover, fails here; the 6 s target is printed above.
  EXPECT_LT(longest, absl::Seconds(30));
}

}  // namespace
}  // namespace allies
