// Every Allies service, as registered by allies-server (and the end-to-end tests and benchmark).
#ifndef ALLIES_SERVER_ALL_SERVICES_H_
#define ALLIES_SERVER_ALL_SERVICES_H_

#include <vector>

#include "server/host.h"

namespace allies::server {

std::vector<ServiceRegistration> AllServices();

}  // namespace allies::server

#endif  // ALLIES_SERVER_ALL_SERVICES_H_
