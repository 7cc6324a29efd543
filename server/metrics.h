// The server's Prometheus metrics (prometheus-cpp), served on an HTTP port of their own:
// requests by method and code with latency histograms, the connection pool (size, in use,
// waiters, checkout time), transactions retried by cause, database errors by number, the change
// stream's sequencing (changes positioned, the last position, how long changes waited).
#ifndef ALLIES_SERVER_METRICS_H_
#define ALLIES_SERVER_METRICS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/rpc.h"
#include "storage/observer.h"
#include "storage/pool.h"

namespace prometheus {
class Collectable;
class Exposer;
class Registry;
}  // namespace prometheus

namespace allies::server {

class Metrics final : public api::RpcObserver, public storage::StorageObserver {
 public:
  // Serves /metrics on `listen` ("host:port"; port 0 picks one) and observes the RPC and
  // storage layers until destroyed; the pool's gauges are read at each scrape.
  static absl::StatusOr<std::unique_ptr<Metrics>> Serve(const std::string& listen,
                                                        const storage::ConnectionPool& pool);
  ~Metrics() override;
  int port() const { return port_; }

  void OnRpc(const api::Call& call, absl::StatusCode code, absl::Duration latency) override;
  void OnCheckout(absl::Duration waited) override;
  void OnRetry(absl::string_view cause) override;
  void OnDatabaseError(int error_code) override;
  void OnChangesSequenced(int64_t count, int64_t last_position, absl::Duration lag) override;

 private:
  struct Families;
  Metrics() = default;

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  std::shared_ptr<prometheus::Collectable> pool_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace allies::server

#endif  // ALLIES_SERVER_METRICS_H_
