// An in-process Allies server on a loopback port, over a given database, for end-to-end tests
// through a real gRPC channel. channel() carries a network-wide ADMIN key; ChannelWithKey gives
// a channel for any other key (or none, with an empty one).
#ifndef ALLIES_TESTS_SUPPORT_TEST_SERVER_H_
#define ALLIES_TESTS_SUPPORT_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "server/host.h"
#include "storage/db_config.h"

namespace allies::testing {

class TestServer {
 public:
  // Serves every service of the all-in-one server over `db`, and `extra` (test-only ones).
  explicit TestServer(const storage::DbConfig& db,
                      std::vector<server::ServiceRegistration> extra = {});
  ~TestServer();

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  std::shared_ptr<grpc::Channel> ChannelWithKey(const std::string& key) const;
  const std::string& admin_key() const { return admin_key_; }
  std::string address() const { return address_; }
  server::ServerHost& host() { return *host_; }

 private:
  std::unique_ptr<server::ServerHost> host_;
  std::string admin_key_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string address_;
};

// A channel to `address` whose every call carries "authorization: Bearer <key>" (none if empty).
std::shared_ptr<grpc::Channel> ChannelWithKey(const std::string& address, const std::string& key);

}  // namespace allies::testing

#endif  // ALLIES_TESTS_SUPPORT_TEST_SERVER_H_
