#include "tests/support/test_server.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "clients/client_channel.h"
#include "server/all_services.h"
#include "services/apikey/api_key_service.h"

namespace allies::testing {
std::shared_ptr<grpc::Channel> ChannelWithKey(const std::string& address, const std::string& key) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return client::CreateChannel(address, key, args);
}

TestServer::TestServer(const storage::DbConfig& db,
                       std::vector<server::ServiceRegistration> extra) {
  server::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.db = db;
  config.shutdown_grace = absl::Seconds(2);
  config.log_rpcs = std::getenv("ALLIES_TEST_LOG_RPCS") != nullptr;
  std::vector<server::ServiceRegistration> services = server::AllServices();
  for (auto& registration : extra) services.push_back(std::move(registration));
  host_ = std::make_unique<server::ServerHost>(config, std::move(services));
  auto port = host_->Start();
  if (!port.ok()) {
    std::cerr << "test server failed to start: " << port.status() << "\n";
    std::abort();
  }
  auto key = services::CreateNetworkAdminKey(db, "test administrator");
  if (!key.ok()) {
    std::cerr << "cannot create the test admin key: " << key.status() << "\n";
    std::abort();
  }
  admin_key_ = *key;
  address_ = absl::StrCat("127.0.0.1:", *port);
  channel_ = testing::ChannelWithKey(address_, admin_key_);
}

TestServer::~TestServer() { host_->Shutdown(); }

std::shared_ptr<grpc::Channel> TestServer::ChannelWithKey(const std::string& key) const {
  return testing::ChannelWithKey(address_, key);
}

}  // namespace allies::testing
