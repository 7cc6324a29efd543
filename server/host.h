// Hosting gRPC services: one process serves any set of services over one connection pool, with
// health checking, reflection, and a graceful shutdown. allies-server hosts every service; each
// standalone service binary hosts one.
#ifndef ALLIES_SERVER_HOST_H_
#define ALLIES_SERVER_HOST_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "api/rpc.h"
#include "server/config.h"
#include "storage/pool.h"

namespace allies::server {

class Metrics;

// What a hosted service gets: the shared database pool and the caller authentication.
struct ServiceDeps {
  storage::ConnectionPool& pool;
  api::Authenticator& authenticator;
};

// How a service plugs into a host: its full gRPC name and a factory.
struct ServiceRegistration {
  using Factory = std::function<std::unique_ptr<api::HostedService>(const ServiceDeps&)>;
  // Periodic work the service's data needs (the consent ledger's destructions), run by the host
  // every kHousekeepingInterval while the database is up: what it did (for the log) and the
  // job, which returns how many rows it handled at `now`. Optional.
  struct Housekeeping {
    std::string what;
    std::function<absl::StatusOr<int64_t>(storage::ConnectionPool&, absl::Time now)> run;
  };

  ServiceRegistration(std::string service_name, Factory factory, Housekeeping job = {})
      : name(std::move(service_name)), create(std::move(factory)), housekeeping(std::move(job)) {}

  std::string name;  // "allies.v1.LibraryService"
  Factory create;
  Housekeeping housekeeping;
};

// How often the host runs request-id pruning and the services' housekeeping.
inline constexpr absl::Duration kHousekeepingInterval = absl::Hours(1);

class ServerHost {
 public:
  ServerHost(ServerConfig config, std::vector<ServiceRegistration> services);
  ~ServerHost();

  // Applies migrations when configured (waiting up to a minute for the database), then binds
  // and starts serving. Returns the bound port (useful with "host:0").
  absl::StatusOr<int> Start();

  // Health NOT_SERVING, stop accepting, let in-flight calls finish within the grace period,
  // then close the pool. Idempotent.
  void Shutdown();

  // Blocks until SIGINT or SIGTERM, then shuts down. Call BlockShutdownSignals() first, before
  // any thread starts, so that the signals reach only this wait.
  void ServeUntilSignal();
  static void BlockShutdownSignals();

  storage::ConnectionPool& pool() { return *pool_; }

 private:
  void WatchDatabase();
  // Plaintext, TLS, or mutual TLS, from the configuration.
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials() const;

  ServerConfig config_;
  std::vector<ServiceRegistration> registrations_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<api::Authenticator> authenticator_;
  std::vector<std::unique_ptr<api::HostedService>> services_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> serving_threads_;
  std::thread watcher_;
  // After pool_: destroyed before it (its gauges read the pool).
  std::unique_ptr<Metrics> metrics_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> database_up_{true};
  std::mutex shutdown_mu_;
  std::condition_variable shutdown_cv_;
  bool shut_down_ = false;
};

// The whole main() of a server binary.
int RunServerMain(int argc, char** argv, absl::string_view program, absl::string_view description,
                  std::vector<ServiceRegistration> services);

}  // namespace allies::server

#endif  // ALLIES_SERVER_HOST_H_
