// allies-server: every Allies service in one process (the default on a single machine).
#include "server/host.h"
#include "services/library/library_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(argc, argv, "allies-server",
                                       "Serves every Allies gRPC service in one process.",
                                       {allies::services::LibraryServiceRegistration()});
}
