// allies-server: every Allies service in one process (the default on a single machine).
#include "server/all_services.h"
#include "server/host.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(argc, argv, "allies-server",
                                       "Serves every Allies gRPC service in one process.",
                                       allies::server::AllServices());
}
