// The server as a process: health, the database going away and coming back, SIGTERM.
#include "server/host.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "allies/v1/library.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::TestDatabase;
using allies::testing::TestServer;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus Health(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return HealthCheckResponse::UNKNOWN;
  return response.status();
}

grpc::StatusCode GetCode(v1::LibraryService::Stub& stub, const std::string& name) {
  v1::GetLibraryRequest request;
  request.set_name(name);
  v1::Library out;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return stub.GetLibrary(&context, request, &out).error_code();
}

// Polls until pred() or the deadline.
template <typename Pred>
bool Eventually(Pred pred, absl::Duration within = absl::Seconds(30)) {
  const absl::Time give_up = absl::Now() + within;
  while (absl::Now() < give_up) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return pred();
}

TEST(HostTest, HealthReportsEveryService) {
  TestServer server(TestDatabase::Shared().FreshSchema());
  EXPECT_EQ(Health(server.channel(), ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(server.channel(), "allies.v1.LibraryService"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(server.channel(), "allies.v1.NoSuchService"), HealthCheckResponse::UNKNOWN);
}

TEST(HostTest, SurvivesTheDatabaseGoingAwayAndComingBack) {
  TestServer server(TestDatabase::Shared().FreshSchema());
  auto stub = v1::LibraryService::NewStub(server.channel());
  ASSERT_EQ(GetCode(*stub, "libraries/x"), grpc::StatusCode::NOT_FOUND);

  TestDatabase::Shared().Stop();
  EXPECT_EQ(GetCode(*stub, "libraries/x"), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetCode(*stub, "libraries/x"), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(Eventually([&] {
    return Health(server.channel(), "allies.v1.LibraryService") == HealthCheckResponse::NOT_SERVING;
  }));
  EXPECT_EQ(Health(server.channel(), ""), HealthCheckResponse::SERVING);

  TestDatabase::Shared().Start();
  EXPECT_TRUE(Eventually([&] {
    return GetCode(*stub, "libraries/x") == grpc::StatusCode::NOT_FOUND;
  })) << "the server did not recover by itself";
  EXPECT_TRUE(Eventually([&] {
    return Health(server.channel(), "allies.v1.LibraryService") == HealthCheckResponse::SERVING;
  }));
}

TEST(HostTest, ShutdownStopsServingAndIsIdempotent) {
  TestServer server(TestDatabase::Shared().FreshSchema());
  auto stub = v1::LibraryService::NewStub(server.channel());
  ASSERT_EQ(GetCode(*stub, "libraries/x"), grpc::StatusCode::NOT_FOUND);
  server.host().Shutdown();
  server.host().Shutdown();
  EXPECT_EQ(GetCode(*stub, "libraries/x"), grpc::StatusCode::UNAVAILABLE);
}

TEST(HostTest, PortInUseFailsStartCleanly) {
  TestServer first(TestDatabase::Shared().FreshSchema());
  server::ServerConfig config;
  config.listen = first.address();
  config.db = TestDatabase::Shared().base_config();
  server::ServerHost second(config, {});
  auto port = second.Start();
  EXPECT_FALSE(port.ok());
}

// A service that declares GetLibrary and the rest but serves only GetLibrary.
class HalfLibraryService final : public api::AsyncServiceHost<v1::LibraryService::AsyncService> {
 public:
  explicit HalfLibraryService(const server::ServiceDeps& deps)
      : AsyncServiceHost(deps.authenticator) {
    Unary(&v1::LibraryService::AsyncService::RequestGetLibrary,
          [](const api::Call&, const auto&, auto*) { return absl::OkStatus(); });
  }
};

// An asynchronous service would leave calls of a declared method it does not serve waiting
// for their deadline: the host refuses to start with one, naming the methods.
TEST(HostTest, RefusesToStartWithADeclaredMethodNotServed) {
  server::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.db = TestDatabase::Shared().FreshSchema();
  server::ServerHost host(
      config, {{v1::LibraryService::service_full_name(), [](const server::ServiceDeps& deps) {
                  return std::make_unique<HalfLibraryService>(deps);
                }}});
  auto port = host.Start();
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("allies.v1.LibraryService/ListLibraries"),
            std::string::npos)
      << port.status();
  EXPECT_EQ(port.status().message().find("allies.v1.LibraryService/GetLibrary,"), std::string::npos)
      << port.status();
}

// The real binary: starts, serves, and on SIGTERM drains and exits 0 with its log lines.
TEST(HostTest, BinaryStopsGracefullyOnSigterm) {
  storage::DbConfig db = TestDatabase::Shared().EmptySchema();  // --migrate fills it
  const std::string log_path = absl::StrCat(::testing::TempDir(), "/server-", getpid(), ".log");
  // A free port: bind to 0 in a throwaway server, then reuse the number.
  int port = 0;
  {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    auto probe = builder.BuildAndStart();
    probe->Shutdown();
  }
  ASSERT_GT(port, 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that is killed
    FILE* log = freopen(log_path.c_str(), "w", stderr);
    (void)log;
    setenv("ALLIES_DB_SOCKET", db.socket.c_str(), 1);
    setenv("ALLIES_DB_USER", db.user.c_str(), 1);
    setenv("ALLIES_DB_PASSWORD", db.password.c_str(), 1);
    setenv("ALLIES_DB_NAME", db.database.c_str(), 1);
    const std::string listen = absl::StrCat("--listen=127.0.0.1:", port);
    execl(ALLIES_SERVER_BIN, ALLIES_SERVER_BIN, listen.c_str(), "--migrate", nullptr);
    _exit(127);
  }
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  EXPECT_TRUE(Eventually(
      [&] { return Health(channel, "allies.v1.LibraryService") == HealthCheckResponse::SERVING; }));
  auto stub = v1::LibraryService::NewStub(channel);
  EXPECT_EQ(GetCode(*stub, "libraries/x"), grpc::StatusCode::UNAUTHENTICATED) << "no key";

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  bool exited = Eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; });
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(exited) << "the server did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(log_path);
  std::stringstream log;
  log << in.rdbuf();
  EXPECT_NE(log.str().find("\"msg\":\"signal received\""), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("\"msg\":\"stopped\""), std::string::npos) << log.str();
  // One JSON line per RPC with method, code, latency, peer and request id.
  std::string rpc_line;
  std::istringstream lines(log.str());
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"method\":\"allies.v1.LibraryService/GetLibrary\"") != std::string::npos) {
      rpc_line = line;
    }
  }
  ASSERT_FALSE(rpc_line.empty()) << log.str();
  for (const char* field : {"\"code\":\"UNAUTHENTICATED\"", "\"latency_ms\":",
                            "\"peer\":\"ipv4:127.0.0.1:", "\"request_id\":\"", "\"time\":\""}) {
    EXPECT_NE(rpc_line.find(field), std::string::npos) << field << " missing in " << rpc_line;
  }
}

}  // namespace
}  // namespace allies
