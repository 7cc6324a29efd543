// allies.v1.ActivityLogService: the activity log (system entries and recorded interactions).
#ifndef ALLIES_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_
#define ALLIES_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_

#include "allies/v1/activity.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/resource_methods.h"

namespace allies::services {

// The rules of a recorded interaction: staff record MEETING, CALL, ... entries (never SYSTEM
// ones, which are the server's and immutable), and every write keeps the interaction times of
// the resources they relate.
ResourceRules<v1::Activity> ActivityRules();

class ActivityLogService final
    : public api::AsyncServiceHost<v1::ActivityLogService::AsyncService> {
 public:
  explicit ActivityLogService(const server::ServiceDeps& deps);

 private:
  ResourceMethods<v1::Activity> activities_;
};

server::ServiceRegistration ActivityLogServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_
