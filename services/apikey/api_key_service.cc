#include "services/apikey/api_key_service.h"

#include "absl/strings/str_cat.h"
#include "api/credentials.h"
#include "api/errors.h"
#include "api/etag.h"
#include "api/list_request.h"
#include "api/names.h"
#include "api/pagination.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "storage/activity_repository.h"
#include "storage/api_key_repository.h"
#include "storage/idempotency.h"
#include "storage/library_repository.h"
#include "storage/scope.h"
#include "storage/transaction.h"

namespace allies::services {
namespace {

using storage::ApiKeyRecord;
using storage::Session;
namespace api_keys = storage::api_keys;

const api::NamePattern& KeyNamePattern() {
  static const auto* pattern = new api::NamePattern("apiKeys/{api_key}");
  return *pattern;
}

const api::FilterSchema& KeyFilterSchema() {
  static const api::FilterSchema* schema = [] {
    std::vector<std::pair<std::string, int>> roles;
    const auto* role_enum = v1::ApiKey::Role_descriptor();
    for (int i = 0; i < role_enum->value_count(); ++i) {
      if (role_enum->value(i)->number() == 0) continue;
      roles.emplace_back(role_enum->value(i)->name(), role_enum->value(i)->number());
    }
    using api::FieldKind;
    return new api::FilterSchema{
        {"display_name", FieldKind::kString, false, false, {}},
        {"role", FieldKind::kEnum, false, false, roles},
        {"library", FieldKind::kName, false, false, {}},
        {"create_time", FieldKind::kTimestamp, false, false, {}},
        {"expire_time", FieldKind::kTimestamp, false, false, {}},
        {"revoke_time", FieldKind::kTimestamp, false, false, {}},
    };
  }();
  return *schema;
}

void ToProto(const ApiKeyRecord& r, v1::ApiKey* out) {
  out->set_name(KeyNamePattern().Format({r.id}));
  out->set_display_name(r.display_name);
  out->set_role(static_cast<v1::ApiKey::Role>(r.role));
  if (!r.library_id.empty()) out->set_library(api::LibraryName(r.library_id));
  if (r.expire_time) api::ToTimestamp(*r.expire_time, out->mutable_expire_time());
  if (r.revoke_time) api::ToTimestamp(*r.revoke_time, out->mutable_revoke_time());
  out->set_etag(api::ComputeEtag(r.revision, r.update_time));
  api::ToTimestamp(r.create_time, out->mutable_create_time());
  api::ToTimestamp(r.update_time, out->mutable_update_time());
}

// A change to a key scoped to a library goes to that library's activity log.
absl::Status Record(Session& s, const api::Call& call, absl::string_view verb,
                    const ApiKeyRecord& key, std::vector<std::string> fields,
                    const std::string& request_id, absl::Time when) {
  if (key.library_id.empty()) return absl::OkStatus();  // network keys belong to no library
  storage::Change change;
  change.library_id = key.library_id;
  change.actor = call.principal().name;
  change.verb = std::string(verb);
  change.resource = KeyNamePattern().Format({key.id});
  change.changed_fields = std::move(fields);
  change.request_id = request_id.empty() ? call.request_id() : request_id;
  change.time = when;
  return storage::activities::RecordChange(s, change);
}

// Loads a key the caller may see: outside the caller's scope, or missing, is the same answer for
// a scoped caller (PERMISSION_DENIED), so that keys elsewhere cannot be probed.
absl::StatusOr<ApiKeyRecord> GetInScope(Session& s, const api::Principal& principal,
                                        const std::string& id, const std::string& name,
                                        bool for_update) {
  auto key = api_keys::Get(s, id, for_update);
  if (!key.ok()) {
    if (key.status().code() == absl::StatusCode::kNotFound && !principal.library_id.empty()) {
      return api::OutOfScope(name);
    }
    return key.status();
  }
  absl::Status in_scope = key->library_id.empty()
                              ? storage::scope::CheckNetwork(principal, name)
                              : storage::scope::Check(s, principal, key->library_id, name);
  if (!in_scope.ok()) return in_scope;
  return key;
}

}  // namespace

absl::Status ApiKeyService::CreateApiKey(const api::Call& call,
                                         const v1::CreateApiKeyRequest& request,
                                         v1::CreateApiKeyResponse* response) {
  const v1::ApiKey& in = request.api_key();
  api::FieldViolations v;
  api::CheckText(v, "api_key.display_name", in.display_name(), 300, /*required=*/true);
  if (in.role() == v1::ApiKey::ROLE_UNSPECIFIED || !v1::ApiKey::Role_IsValid(in.role())) {
    v.Add("api_key.role", "is required: ADMIN, METHODIST, LIBRARIAN, COORDINATOR or INTEGRATION");
  }
  std::string library_id;
  if (in.library().empty()) {
    if (in.role() != v1::ApiKey::ADMIN) {
      v.Add("api_key.library", "is required: only ADMIN keys may reach the whole network");
    }
  } else {
    auto id = api::ParseLibraryName(in.library(), "api_key.library");
    if (!id.ok()) {
      v.AddFrom(id.status(), "api_key.library");
    } else {
      library_id = *id;
    }
  }
  const absl::Time now = storage::NowMicros();
  std::optional<absl::Time> expire_time;
  if (in.has_expire_time()) {
    if (!api::CheckTimestamp(in.expire_time(), "api_key.expire_time").ok()) {
      v.Add("api_key.expire_time", "is not a valid timestamp");
    } else if (api::FromTimestamp(in.expire_time()) <= now) {
      v.Add("api_key.expire_time", "must be in the future");
    } else {
      expire_time = absl::FromUnixMicros(absl::ToUnixMicros(api::FromTimestamp(in.expire_time())));
    }
  }
  if (absl::Status rid = storage::ValidateRequestId(request.request_id()); !rid.ok()) {
    v.Add("request_id", std::string(rid.message()));
  }
  if (!v.empty()) return v.ToStatus();

  const api::NewKey key = api::GenerateKey();
  ApiKeyRecord record;
  record.id = key.id;
  record.library_id = library_id;
  record.display_name = in.display_name();
  record.role = in.role();
  record.secret_hash = key.secret_hash;
  record.expire_time = expire_time;
  record.create_time = record.update_time = now;
  // The stored (replayable) response never holds the secret: it is added only for this call.
  absl::Status status = storage::RunIdempotent(
      pool_, library_id, call.principal().name, call.method(), request.request_id(), request,
      response, [&](Session& s) -> absl::Status {
        // An admin of a subtree issues keys within it, never a wider one.
        absl::Status in_scope =
            library_id.empty()
                ? storage::scope::CheckNetwork(call.principal(), "network-wide keys")
                : storage::scope::Check(s, call.principal(), library_id, in.library());
        if (!in_scope.ok()) return in_scope;
        if (!library_id.empty()) {
          auto library = storage::libraries::Get(s, library_id, storage::libraries::Lock::kShare);
          if (!library.ok()) {
            if (library.status().code() != absl::StatusCode::kNotFound) return library.status();
            return api::InvalidField("api_key.library",
                                     absl::StrCat(in.library(), " does not exist"),
                                     "LIBRARY_NOT_FOUND");
          }
          if (library->delete_time) {
            return api::Error(absl::StatusCode::kFailedPrecondition, "LIBRARY_DELETED",
                              absl::StrCat(in.library(), " is deleted"));
          }
        }
        absl::Status inserted = api_keys::Insert(s, record);
        if (!inserted.ok()) return inserted;
        absl::Status recorded =
            Record(s, call, "CREATE", record, {"display_name", "role", "library"},
                   request.request_id(), now);
        if (!recorded.ok()) return recorded;
        response->Clear();
        ToProto(record, response->mutable_api_key());
        return absl::OkStatus();
      });
  if (status.ok() && response->api_key().name() == KeyNamePattern().Format({key.id})) {
    response->set_key(key.token);
  }
  return status;
}

absl::Status ApiKeyService::GetApiKey(const api::Call& call, const v1::GetApiKeyRequest& request,
                                      v1::ApiKey* response) {
  auto ids = KeyNamePattern().Parse(request.name(), "name");
  if (!ids.ok()) return ids.status();
  return storage::RunRead(pool_, [&](Session& s) -> absl::Status {
    auto record = GetInScope(s, call.principal(), (*ids)[0], request.name(), false);
    if (!record.ok()) return record.status();
    ToProto(*record, response);
    return absl::OkStatus();
  });
}

absl::Status ApiKeyService::ListApiKeys(const api::Call& call,
                                        const v1::ListApiKeysRequest& request,
                                        v1::ListApiKeysResponse* response) {
  auto list =
      api::ParseList({"ListApiKeys", request.page_size(), request.page_token(), request.filter(),
                      "", "", absl::StrCat("show_revoked=", request.show_revoked() ? 1 : 0)},
                     KeyFilterSchema());
  if (!list.ok()) return list.status();
  storage::ApiKeyListQuery query;
  query.show_revoked = request.show_revoked();
  query.window = storage::scope::Window(*list, call.principal());
  return storage::RunRead(pool_, [&](Session& s) -> absl::Status {
    auto rows = api_keys::List(s, query);
    if (!rows.ok()) return rows.status();
    response->set_next_page_token(api::NextPage(
        *rows, *list, [](const ApiKeyRecord& r) { return std::vector<std::string>{r.id}; }));
    for (const auto& r : *rows) ToProto(r, response->add_api_keys());
    return absl::OkStatus();
  });
}

absl::Status ApiKeyService::RevokeApiKey(const api::Call& call,
                                         const v1::RevokeApiKeyRequest& request,
                                         v1::ApiKey* response) {
  auto ids = KeyNamePattern().Parse(request.name(), "name");
  if (!ids.ok()) return ids.status();
  absl::Status valid = storage::ValidateRequestId(request.request_id());
  if (!valid.ok()) return valid;
  return storage::RunIdempotent(
      pool_, "", call.principal().name, call.method(), request.request_id(), request, response,
      [&](Session& s) -> absl::Status {
        auto current = GetInScope(s, call.principal(), (*ids)[0], request.name(), true);
        if (!current.ok()) return current.status();
        ApiKeyRecord record = *std::move(current);
        if (record.revoke_time) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "ALREADY_REVOKED",
                            absl::StrCat(request.name(), " is already revoked"),
                            {{"resource", request.name()}});
        }
        absl::Status etag_ok = api::CheckEtag(
            request.etag(), api::ComputeEtag(record.revision, record.update_time), request.name());
        if (!etag_ok.ok()) return etag_ok;
        const absl::Time now = std::max(storage::NowMicros(), record.update_time);
        record.revoke_time = now;
        record.update_time = now;
        record.revision += 1;
        absl::Status updated = api_keys::Update(s, record);
        if (!updated.ok()) return updated;
        updated = Record(s, call, "REVOKE", record, {"revoke_time"}, request.request_id(), now);
        if (!updated.ok()) return updated;
        ToProto(record, response);
        return absl::OkStatus();
      });
}

ApiKeyService::ApiKeyService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), pool_(deps.pool) {
  using Async = v1::ApiKeyService::AsyncService;
  Unary<v1::CreateApiKeyRequest, v1::CreateApiKeyResponse>(
      &Async::RequestCreateApiKey,
      [this](const api::Call& c, const auto& r, auto* out) { return CreateApiKey(c, r, out); });
  Unary<v1::GetApiKeyRequest, v1::ApiKey>(
      &Async::RequestGetApiKey,
      [this](const api::Call& c, const auto& r, auto* out) { return GetApiKey(c, r, out); });
  Unary<v1::ListApiKeysRequest, v1::ListApiKeysResponse>(
      &Async::RequestListApiKeys,
      [this](const api::Call& c, const auto& r, auto* out) { return ListApiKeys(c, r, out); });
  Unary<v1::RevokeApiKeyRequest, v1::ApiKey>(
      &Async::RequestRevokeApiKey,
      [this](const api::Call& c, const auto& r, auto* out) { return RevokeApiKey(c, r, out); });
}

server::ServiceRegistration ApiKeyServiceRegistration() {
  return {v1::ApiKeyService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<ApiKeyService>(deps); }};
}

absl::StatusOr<std::string> CreateNetworkAdminKey(const storage::DbConfig& db,
                                                  absl::string_view display_name) {
  storage::ConnectionPool pool(db);
  const api::NewKey key = api::GenerateKey();
  absl::Status status = storage::RunInTransaction(pool, [&](Session& s) -> absl::Status {
    ApiKeyRecord record;
    record.id = key.id;
    record.display_name = std::string(display_name);
    record.role = v1::ApiKey::ADMIN;
    record.secret_hash = key.secret_hash;
    record.create_time = record.update_time = storage::NowMicros();
    return api_keys::Insert(s, record);
  });
  if (!status.ok()) return status;
  return key.token;
}

}  // namespace allies::services
