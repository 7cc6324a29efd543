// allies-supervisory-board-service: SupervisoryBoardService as one microservice.
#include "server/host.h"
#include "services/governance/governance_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-supervisory-board-service",
      "Serves allies.v1.SupervisoryBoardService (supervisory and trustee boards: members, "
      "meetings, votes, decisions).",
      {allies::services::governance::SupervisoryBoardServiceRegistration()});
}
