// allies-contact-service: the ContactService as its own microservice.
#include "server/host.h"
#include "services/contact/contact_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-contact-service",
      "Serves allies.v1.ContactService (contact people, their duplicates and personal data).",
      {allies::services::ContactServiceRegistration()});
}
