// allies-reader-council-service: ReaderCouncilService as one microservice.
#include "server/host.h"
#include "services/governance/governance_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-reader-council-service",
      "Serves allies.v1.ReaderCouncilService (reader councils: members, meetings, votes, "
      "decisions).",
      {allies::services::governance::ReaderCouncilServiceRegistration()});
}
