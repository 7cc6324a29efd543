// allies.v1.LibraryService: the library network.
#ifndef ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
#define ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_

#include "allies/v1/library.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "storage/pool.h"

namespace allies::services {

class LibraryService final : public api::AsyncServiceHost<v1::LibraryService::AsyncService> {
 public:
  explicit LibraryService(const server::ServiceDeps& deps);

  absl::Status GetLibrary(const api::Call& call, const v1::GetLibraryRequest& request,
                          v1::Library* response);
  absl::Status ListLibraries(const api::Call& call, const v1::ListLibrariesRequest& request,
                             v1::ListLibrariesResponse* response);
  absl::Status CreateLibrary(const api::Call& call, const v1::CreateLibraryRequest& request,
                             v1::Library* response);
  absl::Status UpdateLibrary(const api::Call& call, const v1::UpdateLibraryRequest& request,
                             v1::Library* response);
  absl::Status DeleteLibrary(const api::Call& call, const v1::DeleteLibraryRequest& request,
                             v1::Library* response);
  absl::Status UndeleteLibrary(const api::Call& call, const v1::UndeleteLibraryRequest& request,
                               v1::Library* response);

 private:
  storage::ConnectionPool& pool_;
};

server::ServiceRegistration LibraryServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
