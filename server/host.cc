#include "server/host.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/ext/channelz_service_plugin.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "api/log.h"
#include "grpc/health/v1/health.pb.h"
#include "server/key_authenticator.h"
#include "server/metrics.h"
#include "storage/idempotency.h"
#include "storage/migrations.h"

namespace allies::server {
namespace {

constexpr absl::Duration kDatabaseWatchInterval = absl::Seconds(2);
constexpr absl::Duration kMigrationWait = absl::Seconds(60);

}  // namespace

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  if (!in || contents.str().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the ", what, " ", path, " (missing or empty)"));
  }
  return contents.str();
}

// INTERNAL naming the methods `service` declares in its .proto and does not serve.
absl::Status CheckEveryMethodServed(const std::string& name, const api::HostedService& service) {
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
  if (descriptor == nullptr) return absl::InternalError(absl::StrCat("no service ", name));
  const std::vector<std::string> served = service.Served();
  std::vector<std::string> missing;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const std::string path = absl::StrCat(name, "/", descriptor->method(i)->name());
    if (std::find(served.begin(), served.end(), path) == served.end()) missing.push_back(path);
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(
      name, " declares methods it does not serve (their calls would wait for their deadline): ",
      absl::StrJoin(missing, ", ")));
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerHost::ServerCredentials() const {
  if (config_.tls_cert.empty()) return grpc::InsecureServerCredentials();
  auto cert = ReadFile(config_.tls_cert, "TLS certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadFile(config_.tls_key, "TLS key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!config_.tls_client_ca.empty()) {
    auto ca = ReadFile(config_.tls_client_ca, "TLS client CA");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

ServerHost::ServerHost(ServerConfig config, std::vector<ServiceRegistration> services)
    : config_(std::move(config)), registrations_(std::move(services)) {}

ServerHost::~ServerHost() { Shutdown(); }

absl::StatusOr<int> ServerHost::Start() {
  api::SetLogEnabled(config_.log_rpcs);
  // gRPC locks absl::Mutex on every call; Debian's Abseil tracks lock graphs for deadlock
  // detection, which showed in profiles of the request path. Servers run without it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (config_.migrate) {
    const absl::Time give_up = absl::Now() + kMigrationWait;
    while (true) {
      auto result = storage::ApplyMigrations(
          config_.db, [](absl::string_view line) { api::LogJson("info", line); });
      if (result.ok()) break;
      if (result.status().code() != absl::StatusCode::kUnavailable || absl::Now() > give_up) {
        return result.status();
      }
      api::LogJson("warn", "waiting for the database to apply migrations",
                   {{"error", result.status().message()}});
      absl::SleepFor(absl::Seconds(1));
    }
  }
  pool_ = std::make_unique<storage::ConnectionPool>(config_.db);

  grpc::EnableDefaultHealthCheckService(true);
  // The health service's proto in the generated pool, so that reflection describes it too.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // channelz on the gRPC port: channels, servers and sockets for grpcdebug and the like.
  grpc::channelz::experimental::InitChannelzService();
  grpc::ServerBuilder builder;
  int port = 0;
  // Without this, gRPC binds with SO_REUSEPORT and a second server on a busy port would start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  auto credentials = ServerCredentials();
  if (!credentials.ok()) return credentials.status();
  builder.AddListeningPort(config_.listen, *credentials, &port);
  authenticator_ = std::make_unique<KeyAuthenticator>(*pool_);
  const ServiceDeps deps{*pool_, *authenticator_};
  for (const auto& registration : registrations_) {
    services_.push_back(registration.create(deps));
    absl::Status complete = CheckEveryMethodServed(registration.name, *services_.back());
    if (!complete.ok()) return complete;
    builder.RegisterService(services_.back()->service());
  }
  // Serving threads block on the database while they handle a call, so more threads than
  // connections would only wait. One completion queue per core, threads spread over them.
  const int threads = config_.threads > 0 ? config_.threads : config_.db.pool_size;
  const int queues =
      std::max(1, std::min(threads, static_cast<int>(std::thread::hardware_concurrency())));
  for (int q = 0; q < queues; ++q) queues_.push_back(builder.AddCompletionQueue());
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.listen, " (address in use or not valid?)"));
  }
  for (int t = 0; t < threads; ++t) {
    grpc::ServerCompletionQueue* cq = queues_[t % queues].get();
    for (auto& service : services_) service->Arm(cq);
    serving_threads_.emplace_back([cq] {
      pthread_setname_np(pthread_self(), "allies-serve");  // as top and perf show it
      void* tag = nullptr;
      bool ok = false;
      while (cq->Next(&tag, &ok)) {
        auto* event = static_cast<api::CompletionTag*>(tag);
        event->Acquire();
        event->Proceed(ok);
      }
    });
  }
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  for (const auto& registration : registrations_) {
    health->SetServingStatus(registration.name, true);
  }
  if (!config_.metrics_listen.empty()) {
    auto metrics = Metrics::Serve(config_.metrics_listen, *pool_);
    if (!metrics.ok()) {
      Shutdown();
      return metrics.status();
    }
    metrics_ = *std::move(metrics);
    api::LogJson("info", "metrics",
                 {{"listen", config_.metrics_listen}, {"port", metrics_->port()}});
  }
  watcher_ = std::thread([this] { WatchDatabase(); });
  std::string services;
  for (const auto& r : registrations_)
    absl::StrAppend(&services, services.empty() ? "" : ",", r.name);
  api::LogJson("info", "serving",
               {{"listen", config_.listen}, {"port", port}, {"services", services}});
  return port;
}

void ServerHost::WatchDatabase() {
  // Services need the database: their health follows it ("" stays SERVING while the process
  // lives). The watcher has a connection of its own, so a busy pool never reads as an outage.
  std::unique_ptr<storage::Session> session;
  absl::Time last_prune = absl::InfinitePast();
  std::unique_lock<std::mutex> lock(shutdown_mu_);
  while (!stopping_) {
    lock.unlock();
    if (session && !session->Validate()) session.reset();
    if (!session) {
      auto connected = storage::ConnectionPool::Connect(config_.db);
      if (connected.ok()) session = *std::move(connected);
    }
    const bool up = session != nullptr;
    // Housekeeping while the database is there: forget expired request ids.
    if (up && absl::Now() - last_prune > kHousekeepingInterval) {
      last_prune = absl::Now();
      auto pruned = storage::PruneRequestLog(*pool_, last_prune);
      if (pruned.ok() && *pruned > 0) {
        api::LogJson("info", "pruned expired request ids", {{"rows", *pruned}});
      }
      for (const auto& r : registrations_) {
        if (!r.housekeeping.run) continue;
        auto done = r.housekeeping.run(*pool_, last_prune);
        if (!done.ok()) {
          api::LogJson("error", "housekeeping failed",
                       {{"service", r.name}, {"error", std::string(done.status().message())}});
        } else if (*done > 0) {
          api::LogJson("info", r.housekeeping.what, {{"service", r.name}, {"rows", *done}});
        }
      }
    }
    if (up != database_up_.exchange(up) && !stopping_) {
      for (const auto& r : registrations_) {
        server_->GetHealthCheckService()->SetServingStatus(r.name, up);
      }
      api::LogJson(up ? "info" : "warn", up ? "database is back" : "database is unreachable");
    }
    lock.lock();
    shutdown_cv_.wait_for(lock, absl::ToChronoNanoseconds(kDatabaseWatchInterval),
                          [this] { return stopping_.load(); });
  }
}

void ServerHost::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    stopping_ = true;
  }
  shutdown_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (server_) {
    server_->GetHealthCheckService()->Shutdown();     // every status NOT_SERVING
    for (auto& service : services_) service->Stop();  // streams end, so the drain can finish
    api::LogJson("info", "shutting down",
                 {{"grace_seconds", absl::ToDoubleSeconds(config_.shutdown_grace)}});
    // Calls still running at the deadline are cancelled by gRPC; closing the pool then makes
    // the queued ones fail fast instead of waiting for the database.
    const auto deadline =
        std::chrono::system_clock::now() + absl::ToChronoNanoseconds(config_.shutdown_grace);
    std::mutex drained_mu;
    std::condition_variable drained_cv;
    bool drained = false;
    std::thread closer([&] {
      std::unique_lock<std::mutex> drained_lock(drained_mu);
      if (!drained_cv.wait_until(drained_lock, deadline, [&] { return drained; })) {
        api::LogJson("warn", "grace period over; closing the database pool");
        pool_->Close();
      }
    });
    server_->Shutdown(deadline);
    for (auto& cq : queues_) cq->Shutdown();
    for (auto& thread : serving_threads_) thread.join();  // they drain their queues
    server_->Wait();
    {
      std::lock_guard<std::mutex> drained_lock(drained_mu);
      drained = true;
    }
    drained_cv.notify_all();
    closer.join();
  }
  metrics_.reset();  // no RPC runs now
  if (pool_) pool_->Close();
  api::LogJson("info", "stopped");
}

void ServerHost::BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void ServerHost::ServeUntilSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  sigwait(&set, &signal);  // an ordinary thread: Shutdown() is safe to call from here
  api::LogJson("info", "signal received", {{"signal", strsignal(signal)}});
  Shutdown();
}

int RunServerMain(int argc, char** argv, absl::string_view program, absl::string_view description,
                  std::vector<ServiceRegistration> services) {
  auto config = ParseServerConfig(argc, argv, program, description);
  if (!config.ok()) return ReportConfigError(config.status());
  ServerHost::BlockShutdownSignals();
  ServerHost host(*std::move(config), std::move(services));
  auto port = host.Start();
  if (!port.ok()) {
    api::LogJson("error", "start-up failed", {{"error", port.status().message()}});
    return 1;
  }
  host.ServeUntilSignal();
  return 0;
}

}  // namespace allies::server
