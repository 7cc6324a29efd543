#include "server/all_services.h"

#include "services/library/library_service.h"

namespace allies::server {

std::vector<ServiceRegistration> AllServices() { return {services::LibraryServiceRegistration()}; }

}  // namespace allies::server
