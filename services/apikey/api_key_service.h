// allies.v1.ApiKeyService: API keys (credentials with a role and a library scope).
#ifndef ALLIES_SERVICES_APIKEY_API_KEY_SERVICE_H_
#define ALLIES_SERVICES_APIKEY_API_KEY_SERVICE_H_

#include <string>

#include "absl/status/statusor.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/resource_methods.h"
#include "storage/db_config.h"

namespace allies::services {

// The rules of a key: a role, a library unless it is a network ADMIN key, an expiry in the
// future; keys are revoked, never edited.
ResourceRules<v1::ApiKey> ApiKeyRules();

class ApiKeyService final : public api::AsyncServiceHost<v1::ApiKeyService::AsyncService> {
 public:
  explicit ApiKeyService(const server::ServiceDeps& deps);

 private:
  absl::Status Create(const api::Call& call, const v1::CreateApiKeyRequest& request,
                      v1::CreateApiKeyResponse* response);
  absl::Status List(const api::Call& call, const v1::ListApiKeysRequest& request,
                    v1::ListApiKeysResponse* response);
  absl::Status Revoke(const api::Call& call, const v1::RevokeApiKeyRequest& request,
                      v1::ApiKey* response);

  ResourceMethods<v1::ApiKey> keys_;
};

server::ServiceRegistration ApiKeyServiceRegistration();

// Creates a network-wide ADMIN key (the first key of a new installation); returns its token.
absl::StatusOr<std::string> CreateNetworkAdminKey(const storage::DbConfig& db,
                                                  absl::string_view display_name);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_APIKEY_API_KEY_SERVICE_H_
