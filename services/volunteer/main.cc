// allies-volunteer-service: the VolunteerService and the ConsentService (the ledger volunteers
// are held under) as one microservice.
#include "server/host.h"
#include "services/volunteer/volunteer_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-volunteer-service",
      "Serves allies.v1.VolunteerService and allies.v1.ConsentService (volunteers and the "
      "personal-data consent ledger).",
      {allies::services::VolunteerServiceRegistration(),
       allies::services::ConsentServiceRegistration()});
}
