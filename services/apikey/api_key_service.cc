#include "services/apikey/api_key_service.h"

#include "absl/strings/str_cat.h"
#include "api/credentials.h"
#include "api/errors.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "storage/core_tables.h"
#include "storage/transaction.h"

namespace allies::services {
namespace {

using v1::ApiKey;

void CheckKey(const ApiKey& key, const std::vector<std::string>& fields, api::FieldViolations& v) {
  if (api::HasPath(fields, "display_name")) {
    api::CheckText(v, "api_key.display_name", key.display_name(), 300, /*required=*/true);
  }
  if (api::HasPath(fields, "role") &&
      (key.role() == ApiKey::ROLE_UNSPECIFIED || !ApiKey::Role_IsValid(key.role()))) {
    v.Add("api_key.role", "is required: ADMIN, METHODIST, LIBRARIAN, COORDINATOR or INTEGRATION");
  }
  if (api::HasPath(fields, "expire_time") && key.has_expire_time()) {
    if (!api::CheckTimestamp(key.expire_time(), "api_key.expire_time").ok()) {
      v.Add("api_key.expire_time", "is not a valid timestamp");
    } else if (api::FromTimestamp(key.expire_time()) <= absl::Now()) {
      v.Add("api_key.expire_time", "must be in the future");
    }
  }
}

}  // namespace

ResourceRules<ApiKey> ApiKeyRules() {
  ResourceRules<ApiKey> rules;
  rules.table = &storage::ApiKeysTable();
  rules.field = "api_key";
  rules.mutable_fields = {"display_name", "role", "library", "expire_time"};
  rules.normalize = [](ApiKey& key) {
    if (key.has_expire_time() && api::CheckTimestamp(key.expire_time(), "").ok()) {
      key.mutable_expire_time()->set_nanos(key.expire_time().nanos() / 1000 * 1000);
    }
  };
  rules.check = CheckKey;
  rules.check_record = [](const ApiKey& key, const std::vector<std::string>& known,
                          api::FieldViolations& v) {
    if (api::HasPath(known, "library") && api::HasPath(known, "role") && key.library().empty() &&
        key.role() != ApiKey::ADMIN) {
      v.Add("api_key.library", "is required: only ADMIN keys may reach the whole network");
    }
  };
  return rules;
}

absl::Status ApiKeyService::Create(const api::Call& call, const v1::CreateApiKeyRequest& request,
                                   v1::CreateApiKeyResponse* response) {
  const api::NewKey key = api::GenerateKey();
  // The stored (replayable) answer never holds the secret: it is added only for this call.
  absl::Status status = keys_.Create(call, "", request.api_key(), key.id, request.request_id(),
                                     request, response->mutable_api_key(), {key.secret_hash});
  if (status.ok() && response->api_key().name() == keys_.table().Name({"", key.id})) {
    response->set_key(key.token);
  }
  return status;
}

absl::Status ApiKeyService::List(const api::Call& call, const v1::ListApiKeysRequest& request,
                                 v1::ListApiKeysResponse* response) {
  ListArgs args = ListArgs::Of("ListApiKeys", request);
  if (!request.show_revoked()) args.condition = {"t.revoke_time IS NULL", {}};
  args.context = absl::StrCat("show_revoked=", request.show_revoked() ? 1 : 0);
  return keys_.List(call, args, response->mutable_api_keys(), response->mutable_next_page_token());
}

absl::Status ApiKeyService::Revoke(const api::Call& call, const v1::RevokeApiKeyRequest& request,
                                   ApiKey* response) {
  return keys_.Change(
      call, "REVOKE", request.name(), request.etag(), request.request_id(), request,
      [&](WriteContext&, const storage::ResourceKey&,
          ApiKey& key) -> absl::StatusOr<std::vector<std::string>> {
        if (key.has_revoke_time()) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "ALREADY_REVOKED",
                            absl::StrCat(request.name(), " is already revoked"),
                            {{"resource", request.name()}});
        }
        api::ToTimestamp(NextTime(key), key.mutable_revoke_time());
        return std::vector<std::string>{"revoke_time"};
      },
      response);
}

ApiKeyService::ApiKeyService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), keys_(deps.pool, ApiKeyRules()) {
  using Async = v1::ApiKeyService::AsyncService;
  Unary(&Async::RequestCreateApiKey,
        [this](const api::Call& c, const auto& r, auto* out) { return Create(c, r, out); });
  Unary(&Async::RequestGetApiKey, [this](const api::Call& c, const auto& r, auto* out) {
    return keys_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListApiKeys,
        [this](const api::Call& c, const auto& r, auto* out) { return List(c, r, out); });
  Unary(&Async::RequestRevokeApiKey,
        [this](const api::Call& c, const auto& r, auto* out) { return Revoke(c, r, out); });
}

server::ServiceRegistration ApiKeyServiceRegistration() {
  return {v1::ApiKeyService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<ApiKeyService>(deps); }};
}

absl::StatusOr<std::string> CreateNetworkAdminKey(const storage::DbConfig& db,
                                                  absl::string_view display_name) {
  storage::ConnectionPool pool(db);
  const api::NewKey key = api::GenerateKey();
  absl::Status status = storage::RunInTransaction(pool, [&](storage::Session& s) -> absl::Status {
    ApiKey record;
    record.set_display_name(std::string(display_name));
    record.set_role(ApiKey::ADMIN);
    const absl::Time now = storage::NowMicros();
    api::ToTimestamp(now, record.mutable_create_time());
    api::ToTimestamp(now, record.mutable_update_time());
    storage::ResourceTable::Row row;
    row.key = {"", key.id};
    row.extra = {key.secret_hash};
    return storage::ApiKeysTable().Insert(s, row, record);
  });
  if (!status.ok()) return status;
  return key.token;
}

}  // namespace allies::services
