// An in-process Allies server on a loopback port, over a given database, for end-to-end tests
// through a real gRPC channel.
#ifndef ALLIES_TESTS_SUPPORT_TEST_SERVER_H_
#define ALLIES_TESTS_SUPPORT_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "server/host.h"
#include "storage/db_config.h"

namespace allies::testing {

class TestServer {
 public:
  // Serves every service of the all-in-one server over `db`.
  explicit TestServer(const storage::DbConfig& db);
  ~TestServer();

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  std::string address() const { return address_; }
  server::ServerHost& host() { return *host_; }

 private:
  std::unique_ptr<server::ServerHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string address_;
};

}  // namespace allies::testing

#endif  // ALLIES_TESTS_SUPPORT_TEST_SERVER_H_
