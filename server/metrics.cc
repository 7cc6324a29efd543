#include "server/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <exception>

#include "absl/strings/str_cat.h"

namespace allies::server {
namespace {

// Latency buckets in seconds: 0.5 ms to 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

// The pool's gauges, read when scraped.
class PoolCollectable final : public prometheus::Collectable {
 public:
  explicit PoolCollectable(const storage::ConnectionPool& pool) : pool_(pool) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    const storage::ConnectionPool::Stats stats = pool_.stats();
    auto gauge = [](const char* name, const char* help, double value) {
      prometheus::MetricFamily family;
      family.name = name;
      family.help = help;
      family.type = prometheus::MetricType::Gauge;
      prometheus::ClientMetric metric;
      metric.gauge.value = value;
      family.metric.push_back(metric);
      return family;
    };
    auto counter = [](const char* name, const char* help, double value) {
      prometheus::MetricFamily family;
      family.name = name;
      family.help = help;
      family.type = prometheus::MetricType::Counter;
      prometheus::ClientMetric metric;
      metric.counter.value = value;
      family.metric.push_back(metric);
      return family;
    };
    return {
        gauge("allies_db_pool_size", "Database connections the pool may open.",
              pool_.config().pool_size),
        gauge("allies_db_pool_open", "Database connections open (idle and in use).", stats.open),
        gauge("allies_db_pool_in_use", "Database connections handed out now.",
              stats.open - stats.idle),
        gauge("allies_db_pool_waiters", "Callers waiting for a database connection now.",
              stats.waiting),
        counter("allies_db_connections_opened_total", "Database connections ever opened.",
                static_cast<double>(stats.opened)),
        counter("allies_db_connections_replaced_total", "Broken database connections discarded.",
                static_cast<double>(stats.replaced)),
    };
  }

 private:
  const storage::ConnectionPool& pool_;
};

}  // namespace

struct Metrics::Families {
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Histogram& checkout;
  prometheus::Family<prometheus::Counter>& retries;
  prometheus::Family<prometheus::Counter>& errors;
  prometheus::Counter& sequenced;
  prometheus::Gauge& last_position;
  prometheus::Histogram& sequence_lag;
};

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Serve(const std::string& listen,
                                                        const storage::ConnectionPool& pool) {
  std::unique_ptr<Metrics> metrics(new Metrics());
  metrics->registry_ = std::make_shared<prometheus::Registry>();
  prometheus::Registry& r = *metrics->registry_;
  metrics->families_ = std::unique_ptr<Families>(new Families{
      prometheus::BuildCounter()
          .Name("allies_rpc_requests_total")
          .Help("RPCs handled, by method and status code.")
          .Register(r),
      prometheus::BuildHistogram()
          .Name("allies_rpc_latency_seconds")
          .Help("RPC latency from the call's start to its answer, by method.")
          .Register(r),
      prometheus::BuildHistogram()
          .Name("allies_db_checkout_seconds")
          .Help("How long a database connection was waited for.")
          .Register(r)
          .Add({}, LatencyBuckets()),
      prometheus::BuildCounter()
          .Name("allies_db_transaction_retries_total")
          .Help("Transactions run again, by cause (DEADLOCK, LOCK_WAIT_TIMEOUT, ...).")
          .Register(r),
      prometheus::BuildCounter()
          .Name("allies_db_errors_total")
          .Help("Statements the database answered with an error, by MySQL error number.")
          .Register(r),
      prometheus::BuildCounter()
          .Name("allies_changes_sequenced_total")
          .Help("Changes given their change-stream position by this process's sequencer.")
          .Register(r)
          .Add({}),
      prometheus::BuildGauge()
          .Name("allies_change_stream_last_position")
          .Help("The last change-stream position this process's sequencer gave.")
          .Register(r)
          .Add({}),
      prometheus::BuildHistogram()
          .Name("allies_change_sequence_lag_seconds")
          .Help("How long the oldest change of each sequencing run waited for its position "
                "(the outbox lag: from its transaction to the stream).")
          .Register(r)
          .Add({}, LatencyBuckets()),
  });
  metrics->pool_ = std::make_shared<PoolCollectable>(pool);
  try {
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen,
                                               " (address in use or not valid?): ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  metrics->exposer_->RegisterCollectable(metrics->pool_);
  const auto ports = metrics->exposer_->GetListeningPorts();
  metrics->port_ = ports.empty() ? 0 : ports.front();
  api::SetRpcObserver(metrics.get());
  storage::SetStorageObserver(metrics.get());
  return metrics;
}

Metrics::~Metrics() {
  api::SetRpcObserver(nullptr);
  storage::SetStorageObserver(nullptr);
  exposer_.reset();
}

void Metrics::OnRpc(const api::Call& call, absl::StatusCode code, absl::Duration latency) {
  families_->requests.Add({{"method", call.method()}, {"code", absl::StatusCodeToString(code)}})
      .Increment();
  families_->latency.Add({{"method", call.method()}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(latency));
}

void Metrics::OnCheckout(absl::Duration waited) {
  families_->checkout.Observe(absl::ToDoubleSeconds(waited));
}

void Metrics::OnRetry(absl::string_view cause) {
  families_->retries.Add({{"cause", std::string(cause)}}).Increment();
}

void Metrics::OnDatabaseError(int error_code) {
  families_->errors.Add({{"error", absl::StrCat(error_code)}}).Increment();
}

void Metrics::OnChangesSequenced(int64_t count, int64_t last_position, absl::Duration lag) {
  families_->sequenced.Increment(static_cast<double>(count));
  families_->last_position.Set(static_cast<double>(last_position));
  families_->sequence_lag.Observe(absl::ToDoubleSeconds(lag));
}

}  // namespace allies::server
