// allies-activity-service: the ActivityLogService as its own microservice.
#include "server/host.h"
#include "services/activity/activity_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(argc, argv, "allies-activity-service",
                                       "Serves allies.v1.ActivityLogService (the activity log).",
                                       {allies::services::ActivityLogServiceRegistration()});
}
