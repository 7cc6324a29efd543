// allies-partner-service: the PartnerService as its own microservice.
#include "server/host.h"
#include "services/partner/partner_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(argc, argv, "allies-partner-service",
                                       "Serves allies.v1.PartnerService (a library's partners).",
                                       {allies::services::PartnerServiceRegistration()});
}
