// allies.v1.ActivityLogService: the activity log of every library.
#ifndef ALLIES_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_
#define ALLIES_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_

#include "allies/v1/activity.grpc.pb.h"
#include "api/filter.h"
#include "api/rpc.h"
#include "server/host.h"
#include "storage/activity_repository.h"
#include "storage/pool.h"

namespace allies::services {

class ActivityLogService final
    : public api::AsyncServiceHost<v1::ActivityLogService::AsyncService> {
 public:
  explicit ActivityLogService(const server::ServiceDeps& deps);

  absl::Status GetActivity(const api::Call& call, const v1::GetActivityRequest& request,
                           v1::Activity* response);
  absl::Status ListActivities(const api::Call& call, const v1::ListActivitiesRequest& request,
                              v1::ListActivitiesResponse* response);
  absl::Status CreateActivity(const api::Call& call, const v1::CreateActivityRequest& request,
                              v1::Activity* response);
  absl::Status UpdateActivity(const api::Call& call, const v1::UpdateActivityRequest& request,
                              v1::Activity* response);
  absl::Status DeleteActivity(const api::Call& call, const v1::DeleteActivityRequest& request,
                              v1::Activity* response);
  absl::Status UndeleteActivity(const api::Call& call, const v1::UndeleteActivityRequest& request,
                                v1::Activity* response);

 private:
  storage::ConnectionPool& pool_;
};

// The fields ListActivities filters and sorts by.
const api::FilterSchema& ActivityFilterSchema();

server::ServiceRegistration ActivityLogServiceRegistration();

// An activity as the API shows it (also used by services that export activities).
void ActivityToProto(const storage::ActivityRecord& record, v1::Activity* out);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_
