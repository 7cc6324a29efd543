#include "storage/library_repository.h"

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "api/names.h"
#include "storage/scope.h"

namespace allies::storage::libraries {
namespace {

#define ALLIES_LIBRARY_COLUMNS                                                           \
  "id, parent_id, display_name, kind, region, address, website, revision, create_time, " \
  "update_time, delete_time"

LibraryRecord ReadRow(sql::ResultSet& rs) {
  LibraryRecord r;
  r.id = GetString(rs, 1);
  if (!rs.isNull(2)) r.parent_id = GetString(rs, 2);
  r.display_name = GetString(rs, 3);
  r.kind = rs.getInt(4);
  r.region = GetString(rs, 5);
  r.address = GetString(rs, 6);
  r.website = GetString(rs, 7);
  r.revision = rs.getInt64(8);
  r.create_time = GetTime(rs, 9);
  r.update_time = GetTime(rs, 10);
  r.delete_time = GetOptionalTime(rs, 11);
  return r;
}

std::optional<std::string> NullIfEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// Reads every row of the result.
std::vector<LibraryRecord> ReadAll(sql::ResultSet& rs) {
  std::vector<LibraryRecord> out;
  while (rs.next()) out.push_back(ReadRow(rs));
  return out;
}

}  // namespace

const char kSelectByIdSql[] = "SELECT " ALLIES_LIBRARY_COLUMNS " FROM libraries WHERE id = ?";
const char kInsertSql[] =
    "INSERT INTO libraries (id, parent_id, display_name, kind, region, address, website, "
    "revision, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

absl::StatusOr<LibraryRecord> Get(Session& session, absl::string_view id, Lock lock) {
  static const std::string kShare = absl::StrCat(kSelectByIdSql, LockSuffix(Lock::kShare));
  static const std::string kUpdate = absl::StrCat(kSelectByIdSql, LockSuffix(Lock::kUpdate));
  static const std::string kPlain = kSelectByIdSql;
  const std::string& sql = lock == Lock::kShare ? kShare : lock == Lock::kUpdate ? kUpdate : kPlain;
  return session.Run([&]() -> absl::StatusOr<LibraryRecord> {
    auto rs = session.Query(sql, id);
    if (!rs->next()) {
      const std::string name = api::LibraryName(id);
      return api::Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                        absl::StrCat(name, " does not exist"), {{"resource", name}});
    }
    return ReadRow(*rs);
  });
}

const std::vector<ColumnSpec>& Columns() {
  static const auto* columns = new std::vector<ColumnSpec>{
      {"name", "id", "libraries/", ""},
      {"display_name", "display_name", "", ""},
      {"parent", "parent_id", "libraries/", ""},
      {"kind", "kind", "", ""},
      {"region", "region", "", ""},
      {"address", "address", "", ""},
      {"website", "website", "", ""},
      {"create_time", "create_time", "", ""},
      {"update_time", "update_time", "", ""},
      {"delete_time", "delete_time", "", ""},
  };
  return *columns;
}

absl::StatusOr<std::vector<LibraryRecord>> List(Session& session, const LibraryListQuery& query) {
  SqlClause parent, live;
  if (query.parent_id) parent = {"parent_id = ?", {*query.parent_id}};
  if (!query.show_deleted) live = {"delete_time IS NULL", {}};
  auto statement = scope::ListStatement("SELECT " ALLIES_LIBRARY_COLUMNS " FROM libraries",
                                        Columns(), {"id"}, "id", {parent, live}, query.window);
  if (!statement.ok()) return statement.status();
  return session.Run([&]() -> absl::StatusOr<std::vector<LibraryRecord>> {
    return ReadAll(*session.QueryValues(statement->sql, statement->params));
  });
}

std::vector<std::string> SortKey(const LibraryRecord& r, const std::vector<api::OrderTerm>& order) {
  std::vector<std::string> key;
  for (const auto& term : order) {
    const std::string& f = term.field->name;
    if (f == "name") key.push_back(r.id);
    if (f == "display_name") key.push_back(r.display_name);
    if (f == "kind") key.push_back(absl::StrCat(r.kind));
    if (f == "region") key.push_back(r.region);
    if (f == "create_time") key.push_back(ToSqlDatetime(r.create_time));
    if (f == "update_time") key.push_back(ToSqlDatetime(r.update_time));
  }
  key.push_back(r.id);
  return key;
}

absl::Status Insert(Session& session, const LibraryRecord& r) {
  return session.Run([&]() -> absl::Status {
    try {
      session.Execute(kInsertSql, r.id, NullIfEmpty(r.parent_id), r.display_name, r.kind, r.region,
                      r.address, r.website, r.revision, r.create_time, r.update_time);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kErDupEntry) throw;
      const std::string name = api::LibraryName(r.id);
      return api::Error(absl::StatusCode::kAlreadyExists, "RESOURCE_ALREADY_EXISTS",
                        absl::StrCat(name, " already exists"), {{"resource", name}});
    }
    return absl::OkStatus();
  });
}

absl::Status Update(Session& session, const LibraryRecord& r) {
  static const std::string kSql =
      "UPDATE libraries SET parent_id = ?, display_name = ?, kind = ?, region = ?, address = ?, "
      "website = ?, revision = ?, update_time = ?, delete_time = ? WHERE id = ?";
  return session.Run([&]() -> absl::Status {
    session.Execute(kSql, NullIfEmpty(r.parent_id), r.display_name, r.kind, r.region, r.address,
                    r.website, r.revision, r.update_time, r.delete_time, r.id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<std::string>> AnyLiveChild(Session& session, absl::string_view id) {
  static const std::string kSql =
      "SELECT id FROM libraries WHERE parent_id = ? AND delete_time IS NULL ORDER BY id LIMIT 1";
  return session.Run([&]() -> absl::StatusOr<std::optional<std::string>> {
    auto rs = session.Query(kSql, id);
    if (!rs->next()) return std::optional<std::string>();
    return std::optional<std::string>(GetString(*rs, 1));
  });
}

absl::StatusOr<std::vector<std::string>> LiveDescendants(Session& session, absl::string_view id,
                                                         std::optional<absl::Time> deleted_at) {
  // The walk passes through rows that are live or were deleted at `deleted_at` (by the delete
  // in progress), so repeated rounds still reach what was created under them meanwhile.
  static const std::string kSql =
      "WITH RECURSIVE subtree (id, live) AS ("
      " SELECT id, delete_time IS NULL FROM libraries"
      " WHERE parent_id = ? AND (delete_time IS NULL OR delete_time = ?)"
      " UNION ALL"
      " SELECT l.id, l.delete_time IS NULL FROM libraries l JOIN subtree s ON l.parent_id = s.id"
      " WHERE l.delete_time IS NULL OR l.delete_time = ?"
      ") SELECT id FROM subtree WHERE live";
  return session.Run([&]() -> absl::StatusOr<std::vector<std::string>> {
    auto rs = session.Query(kSql, id, deleted_at, deleted_at);
    std::vector<std::string> ids;
    while (rs->next()) ids.push_back(GetString(*rs, 1));
    return ids;
  });
}

absl::StatusOr<std::vector<std::string>> LockAncestry(Session& session, absl::string_view id) {
  static const std::string kSql = "SELECT parent_id FROM libraries WHERE id = ? FOR UPDATE";
  constexpr size_t kMaxDepth = 1000;  // a corrupt (cyclic) tree must not loop forever
  return session.Run([&]() -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> chain{std::string(id)};
    while (chain.size() < kMaxDepth) {
      auto rs = session.Query(kSql, chain.back());
      if (!rs->next() || rs->isNull(1)) break;
      chain.push_back(GetString(*rs, 1));
    }
    return chain;
  });
}

absl::Status MarkDeleted(Session& session, const std::vector<std::string>& ids, absl::Time when) {
  static const std::string kSql =
      "UPDATE libraries SET delete_time = ?, update_time = ?, revision = revision + 1 "
      "WHERE id = ? AND delete_time IS NULL";
  return session.Run([&]() -> absl::Status {
    for (const auto& id : ids) session.Execute(kSql, when, when, id);
    return absl::OkStatus();
  });
}

}  // namespace allies::storage::libraries
