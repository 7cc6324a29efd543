// allies-agreement-service: the AgreementService as its own microservice.
#include "server/host.h"
#include "services/agreement/agreement_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-agreement-service",
      "Serves allies.v1.AgreementService (agreements with partners and their lifecycle).",
      {allies::services::AgreementServiceRegistration()});
}
