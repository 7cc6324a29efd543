// allies.v1.LibraryService: the library network.
#ifndef ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
#define ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_

#include "allies/v1/library.grpc.pb.h"
#include "server/host.h"
#include "storage/pool.h"

namespace allies::services {

class LibraryService final : public v1::LibraryService::Service {
 public:
  explicit LibraryService(storage::ConnectionPool& pool) : pool_(pool) {}

  grpc::Status GetLibrary(grpc::ServerContext* context, const v1::GetLibraryRequest* request,
                          v1::Library* response) override;
  grpc::Status ListLibraries(grpc::ServerContext* context, const v1::ListLibrariesRequest* request,
                             v1::ListLibrariesResponse* response) override;
  grpc::Status CreateLibrary(grpc::ServerContext* context, const v1::CreateLibraryRequest* request,
                             v1::Library* response) override;
  grpc::Status UpdateLibrary(grpc::ServerContext* context, const v1::UpdateLibraryRequest* request,
                             v1::Library* response) override;
  grpc::Status DeleteLibrary(grpc::ServerContext* context, const v1::DeleteLibraryRequest* request,
                             v1::Library* response) override;

 private:
  storage::ConnectionPool& pool_;
};

server::ServiceRegistration LibraryServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
