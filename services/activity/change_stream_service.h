// allies.v1.ChangeStreamService: the change stream over the outbox (storage/change_outbox.h).
//
// The one server-streaming method of the API, so it is served by gRPC's synchronous API (one
// gRPC thread per open stream, blocked on the consumer's flow control or waiting for changes)
// rather than the completion-queue host the unary methods use. The service also runs the
// sequencer: a thread that gives committed outbox rows their positions, every `poll` and at
// once while a backlog lasts, and wakes the streams waiting for them.
#ifndef ALLIES_SERVICES_ACTIVITY_CHANGE_STREAM_SERVICE_H_
#define ALLIES_SERVICES_ACTIVITY_CHANGE_STREAM_SERVICE_H_

#include <condition_variable>
#include <mutex>
#include <thread>

#include "allies/v1/change_stream.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"

namespace allies::services {

struct ChangeStreamOptions {
  // How often the sequencer looks for newly committed changes.
  absl::Duration poll = absl::Milliseconds(100);
  // An idle stream sends an empty response this often (its position, and a liveness check).
  absl::Duration heartbeat = absl::Seconds(15);
  // Changes per response, at most: what one stream holds in memory.
  int batch = 256;
};

class ChangeStreamService final : public api::HostedService,
                                  public v1::ChangeStreamService::Service {
 public:
  ChangeStreamService(const server::ServiceDeps& deps, ChangeStreamOptions options = {});
  ~ChangeStreamService() override;

  grpc::Service* service() override { return this; }
  void Arm(grpc::ServerCompletionQueue*) override {}
  std::vector<std::string> Served() const override { return {method_.path}; }
  void Stop() override;

  grpc::Status WatchChanges(grpc::ServerContext* context, const v1::WatchChangesRequest* request,
                            grpc::ServerWriter<v1::WatchChangesResponse>* writer) override;

 private:
  absl::Status Watch(const api::Call& call, const v1::WatchChangesRequest& request,
                     grpc::ServerWriter<v1::WatchChangesResponse>& writer);
  void RunSequencer();
  // Raises the last position known to be given and wakes the waiting streams.
  void Publish(int64_t last_position);
  // Waits until a position after `position` is given, the service stops, or `until`; returns
  // the last position given (as last seen by the sequencer).
  int64_t WaitBeyond(int64_t position, absl::Time until);

  storage::ConnectionPool& pool_;
  // The sequencer's own connection: it never waits behind calls for the shared pool.
  storage::ConnectionPool sequencer_pool_;
  api::Authenticator& authenticator_;
  const ChangeStreamOptions options_;
  const api::MethodInfo method_;

  std::mutex mu_;
  std::condition_variable changed_;
  int64_t last_position_ = 0;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::thread sequencer_;
};

// Hosted by allies-activity-service and allies-server; its housekeeping prunes the outbox.
server::ServiceRegistration ChangeStreamServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_ACTIVITY_CHANGE_STREAM_SERVICE_H_
