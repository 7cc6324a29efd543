// allies.v1.LibraryService: the library network.
#ifndef ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
#define ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_

#include "allies/v1/library.grpc.pb.h"
#include "server/host.h"
#include "storage/pool.h"

namespace allies::services {

class LibraryService final : public v1::LibraryService::CallbackService {
 public:
  explicit LibraryService(const server::ServiceDeps& deps)
      : pool_(deps.pool), executor_(deps.executor) {}

  grpc::ServerUnaryReactor* GetLibrary(grpc::CallbackServerContext* context,
                                       const v1::GetLibraryRequest* request,
                                       v1::Library* response) override;
  grpc::ServerUnaryReactor* ListLibraries(grpc::CallbackServerContext* context,
                                          const v1::ListLibrariesRequest* request,
                                          v1::ListLibrariesResponse* response) override;
  grpc::ServerUnaryReactor* CreateLibrary(grpc::CallbackServerContext* context,
                                          const v1::CreateLibraryRequest* request,
                                          v1::Library* response) override;
  grpc::ServerUnaryReactor* UpdateLibrary(grpc::CallbackServerContext* context,
                                          const v1::UpdateLibraryRequest* request,
                                          v1::Library* response) override;
  grpc::ServerUnaryReactor* DeleteLibrary(grpc::CallbackServerContext* context,
                                          const v1::DeleteLibraryRequest* request,
                                          v1::Library* response) override;

 private:
  storage::ConnectionPool& pool_;
  api::Executor& executor_;
};

server::ServiceRegistration LibraryServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
