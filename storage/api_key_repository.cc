#include "storage/api_key_repository.h"

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "storage/scope.h"

namespace allies::storage::api_keys {
namespace {

#define ALLIES_API_KEY_COLUMNS                                                            \
  "id, library_id, display_name, role, secret_hash, expire_time, revoke_time, revision, " \
  "create_time, update_time"

std::optional<std::string> NullIfEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

ApiKeyRecord ReadRow(sql::ResultSet& rs) {
  ApiKeyRecord r;
  r.id = GetString(rs, 1);
  if (!rs.isNull(2)) r.library_id = GetString(rs, 2);
  r.display_name = GetString(rs, 3);
  r.role = rs.getInt(4);
  r.secret_hash = GetString(rs, 5);
  r.expire_time = GetOptionalTime(rs, 6);
  r.revoke_time = GetOptionalTime(rs, 7);
  r.revision = rs.getInt64(8);
  r.create_time = GetTime(rs, 9);
  r.update_time = GetTime(rs, 10);
  return r;
}

}  // namespace

const std::vector<ColumnSpec>& Columns() {
  static const auto* columns = new std::vector<ColumnSpec>{
      {"display_name", "display_name", "", ""},    {"role", "role", "", ""},
      {"library", "library_id", "libraries/", ""}, {"create_time", "create_time", "", ""},
      {"expire_time", "expire_time", "", ""},      {"revoke_time", "revoke_time", "", ""},
  };
  return *columns;
}

absl::StatusOr<ApiKeyRecord> Get(Session& session, absl::string_view id, bool for_update) {
  static const std::string kSql = "SELECT " ALLIES_API_KEY_COLUMNS " FROM api_keys WHERE id = ?";
  static const std::string kForUpdate = kSql + " FOR UPDATE";
  return session.Run([&]() -> absl::StatusOr<ApiKeyRecord> {
    auto rs = session.Query(for_update ? kForUpdate : kSql, id);
    if (!rs->next()) {
      const std::string name = absl::StrCat("apiKeys/", id);
      return api::Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                        absl::StrCat(name, " does not exist"), {{"resource", name}});
    }
    return ReadRow(*rs);
  });
}

absl::StatusOr<std::vector<ApiKeyRecord>> List(Session& session, const ApiKeyListQuery& query) {
  SqlClause live;
  if (!query.show_revoked) live = {"revoke_time IS NULL", {}};
  auto statement = scope::ListStatement("SELECT " ALLIES_API_KEY_COLUMNS " FROM api_keys",
                                        Columns(), {"id"}, "library_id", {live}, query.window);
  if (!statement.ok()) return statement.status();
  return session.Run([&]() -> absl::StatusOr<std::vector<ApiKeyRecord>> {
    auto rs = session.QueryValues(statement->sql, statement->params);
    std::vector<ApiKeyRecord> out;
    while (rs->next()) out.push_back(ReadRow(*rs));
    return out;
  });
}

absl::Status Insert(Session& session, const ApiKeyRecord& r) {
  static const std::string kSql =
      "INSERT INTO api_keys (id, library_id, display_name, role, secret_hash, expire_time, "
      "revision, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return session.Run([&]() -> absl::Status {
    session.Execute(kSql, r.id, NullIfEmpty(r.library_id), r.display_name, r.role, r.secret_hash,
                    r.expire_time, r.revision, r.create_time, r.update_time);
    return absl::OkStatus();
  });
}

absl::Status Update(Session& session, const ApiKeyRecord& r) {
  static const std::string kSql =
      "UPDATE api_keys SET revoke_time = ?, revision = ?, update_time = ? WHERE id = ?";
  return session.Run([&]() -> absl::Status {
    session.Execute(kSql, r.revoke_time, r.revision, r.update_time, r.id);
    return absl::OkStatus();
  });
}

}  // namespace allies::storage::api_keys
