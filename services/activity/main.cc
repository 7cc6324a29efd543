// allies-activity-service: the ActivityLogService and the change stream as one microservice.
#include "server/host.h"
#include "services/activity/activity_service.h"
#include "services/activity/change_stream_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-activity-service",
      "Serves allies.v1.ActivityLogService (the activity log) and allies.v1.ChangeStreamService "
      "(every change in commit order).",
      {allies::services::ActivityLogServiceRegistration(),
       allies::services::ChangeStreamServiceRegistration()});
}
