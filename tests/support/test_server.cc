#include "tests/support/test_server.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "server/all_services.h"

namespace allies::testing {

TestServer::TestServer(const storage::DbConfig& db) {
  server::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.db = db;
  config.shutdown_grace = absl::Seconds(2);
  config.log_rpcs = std::getenv("ALLIES_TEST_LOG_RPCS") != nullptr;
  host_ = std::make_unique<server::ServerHost>(config, server::AllServices());
  auto port = host_->Start();
  if (!port.ok()) {
    std::cerr << "test server failed to start: " << port.status() << "\n";
    std::abort();
  }
  address_ = absl::StrCat("127.0.0.1:", *port);
  channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

TestServer::~TestServer() { host_->Shutdown(); }

}  // namespace allies::testing
