// allies-library-service: the LibraryService as its own microservice.
#include "server/host.h"
#include "services/library/library_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(argc, argv, "allies-library-service",
                                       "Serves allies.v1.LibraryService (the library network).",
                                       {allies::services::LibraryServiceRegistration()});
}
