// allies.v1.ApiKeyService: API keys.
#ifndef ALLIES_SERVICES_APIKEY_API_KEY_SERVICE_H_
#define ALLIES_SERVICES_APIKEY_API_KEY_SERVICE_H_

#include <optional>
#include <string>

#include "allies/v1/api_key.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "storage/db_config.h"
#include "storage/pool.h"

namespace allies::services {

class ApiKeyService final : public api::AsyncServiceHost<v1::ApiKeyService::AsyncService> {
 public:
  explicit ApiKeyService(const server::ServiceDeps& deps);

  absl::Status CreateApiKey(const api::Call& call, const v1::CreateApiKeyRequest& request,
                            v1::CreateApiKeyResponse* response);
  absl::Status GetApiKey(const api::Call& call, const v1::GetApiKeyRequest& request,
                         v1::ApiKey* response);
  absl::Status ListApiKeys(const api::Call& call, const v1::ListApiKeysRequest& request,
                           v1::ListApiKeysResponse* response);
  absl::Status RevokeApiKey(const api::Call& call, const v1::RevokeApiKeyRequest& request,
                            v1::ApiKey* response);

 private:
  storage::ConnectionPool& pool_;
};

server::ServiceRegistration ApiKeyServiceRegistration();

// Creates a network-wide ADMIN key directly in the database (for the first start, when no key
// exists to call CreateApiKey with) and returns its token, to be shown once.
absl::StatusOr<std::string> CreateNetworkAdminKey(const storage::DbConfig& db,
                                                  absl::string_view display_name);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_APIKEY_API_KEY_SERVICE_H_
