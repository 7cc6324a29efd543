// allies-project-service: the ProjectService (volunteer work: projects, shifts, schedules,
// sign-ups) as one microservice.
#include "server/host.h"
#include "services/project/project_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-project-service",
      "Serves allies.v1.ProjectService (volunteer work: projects, shifts, recurring schedules "
      "and sign-ups).",
      {allies::services::ProjectServiceRegistration()});
}
