// allies.v1.LibraryService: the library network.
#ifndef ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
#define ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_

#include "allies/v1/library.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/resource_methods.h"

namespace allies::services {

// The rules of a library: its fields, where it may move (no cycles, within the caller's reach),
// and no delete with live child libraries unless force (which deletes the live subtree).
ResourceRules<v1::Library> LibraryRules();

class LibraryService final : public api::AsyncServiceHost<v1::LibraryService::AsyncService> {
 public:
  explicit LibraryService(const server::ServiceDeps& deps);

 private:
  absl::Status List(const api::Call& call, const v1::ListLibrariesRequest& request,
                    v1::ListLibrariesResponse* response);

  ResourceMethods<v1::Library> libraries_;
};

server::ServiceRegistration LibraryServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
