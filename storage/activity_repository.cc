#include "storage/activity_repository.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/errors.h"
#include "api/names.h"
#include "storage/scope.h"

namespace allies::storage::activities {
namespace {

// Related resources come back as one space-separated column (names contain no spaces).
#define ALLIES_ACTIVITY_COLUMNS                                                                 \
  "a.id, a.library_id, a.kind, a.actor, a.verb, a.resource, a.changed_fields, a.request_id, "   \
  "a.subject, a.description, a.occurred_time, a.follow_up_date, a.revision, a.create_time, "    \
  "a.update_time, a.delete_time, "                                                              \
  "(SELECT GROUP_CONCAT(r.resource ORDER BY r.resource SEPARATOR ' ') FROM activity_related r " \
  "WHERE r.activity_id = a.id)"

std::vector<std::string> SplitList(const std::string& text, char separator) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, separator, absl::SkipEmpty())) {
    out.emplace_back(part);
  }
  return out;
}

std::optional<std::string> DateText(const std::optional<api::Date>& d) {
  if (!d) return std::nullopt;
  return api::FormatDate(*d);
}

ActivityRecord ReadRow(sql::ResultSet& rs) {
  ActivityRecord r;
  r.id = GetString(rs, 1);
  r.library_id = GetString(rs, 2);
  r.kind = rs.getInt(3);
  r.actor = GetString(rs, 4);
  r.verb = GetString(rs, 5);
  r.resource = GetString(rs, 6);
  r.changed_fields = SplitList(GetString(rs, 7), ',');
  r.request_id = GetString(rs, 8);
  r.subject = GetString(rs, 9);
  r.description = GetString(rs, 10);
  r.occurred_time = GetTime(rs, 11);
  if (!rs.isNull(12)) r.follow_up_date = api::ParseDate(GetString(rs, 12));
  r.revision = rs.getInt64(13);
  r.create_time = GetTime(rs, 14);
  r.update_time = GetTime(rs, 15);
  r.delete_time = GetOptionalTime(rs, 16);
  if (!rs.isNull(17)) r.related = SplitList(GetString(rs, 17), ' ');
  return r;
}

void WriteRelated(Session& session, const ActivityRecord& r) {
  static const std::string kInsert =
      "INSERT INTO activity_related (activity_id, resource) VALUES (?, ?)";
  for (const auto& resource : r.related) session.Execute(kInsert, r.id, resource);
}

}  // namespace

const std::vector<ColumnSpec>& Columns() {
  static const auto* columns = new std::vector<ColumnSpec>{
      {"kind", "a.kind", "", ""},
      {"actor", "a.actor", "", ""},
      {"verb", "a.verb", "", ""},
      {"resource", "a.resource", "", ""},
      {"related", "", "",
       "EXISTS (SELECT 1 FROM activity_related r WHERE r.activity_id = a.id AND r.resource = ?)"},
      {"subject", "a.subject", "", ""},
      {"description", "a.description", "", ""},
      {"occurred_time", "a.occurred_time", "", ""},
      {"create_time", "a.create_time", "", ""},
      {"follow_up_date", "a.follow_up_date", "", ""},
  };
  return *columns;
}

absl::StatusOr<ActivityRecord> Get(Session& session, absl::string_view library_id,
                                   absl::string_view id, bool for_update) {
  static const std::string kSql =
      "SELECT " ALLIES_ACTIVITY_COLUMNS " FROM activities a WHERE a.library_id = ? AND a.id = ?";
  static const std::string kForUpdate = kSql + " FOR UPDATE";
  return session.Run([&]() -> absl::StatusOr<ActivityRecord> {
    auto rs = session.Query(for_update ? kForUpdate : kSql, library_id, id);
    if (!rs->next()) {
      const std::string name = absl::StrCat("libraries/", library_id, "/activities/", id);
      return api::Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                        absl::StrCat(name, " does not exist"), {{"resource", name}});
    }
    return ReadRow(*rs);
  });
}

absl::StatusOr<std::vector<ActivityRecord>> List(Session& session, const ActivityListQuery& query) {
  SqlClause library, live;
  if (query.library_id) library = {"a.library_id = ?", {*query.library_id}};
  if (!query.show_deleted) live = {"a.delete_time IS NULL", {}};
  auto statement =
      scope::ListStatement("SELECT " ALLIES_ACTIVITY_COLUMNS " FROM activities a", Columns(),
                           {"a.id"}, "a.library_id", {library, live}, query.window);
  if (!statement.ok()) return statement.status();
  return session.Run([&]() -> absl::StatusOr<std::vector<ActivityRecord>> {
    auto rs = session.QueryValues(statement->sql, statement->params);
    std::vector<ActivityRecord> out;
    while (rs->next()) out.push_back(ReadRow(*rs));
    return out;
  });
}

std::vector<std::string> SortKey(const ActivityRecord& r,
                                 const std::vector<api::OrderTerm>& order) {
  std::vector<std::string> key;
  for (const auto& term : order) {
    const std::string& f = term.field->name;
    if (f == "occurred_time") key.push_back(ToSqlDatetime(r.occurred_time));
    if (f == "create_time") key.push_back(ToSqlDatetime(r.create_time));
    if (f == "kind") key.push_back(absl::StrCat(r.kind));
  }
  key.push_back(r.id);
  return key;
}

absl::Status Insert(Session& session, const ActivityRecord& r) {
  static const std::string kSql =
      "INSERT INTO activities (id, library_id, kind, actor, verb, resource, changed_fields, "
      "request_id, subject, description, occurred_time, follow_up_date, revision, create_time, "
      "update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return session.Run([&]() -> absl::Status {
    session.Execute(kSql, r.id, r.library_id, r.kind, r.actor, r.verb, r.resource,
                    absl::StrJoin(r.changed_fields, ","), r.request_id, r.subject, r.description,
                    r.occurred_time, DateText(r.follow_up_date), r.revision, r.create_time,
                    r.update_time);
    WriteRelated(session, r);
    return absl::OkStatus();
  });
}

absl::Status Update(Session& session, const ActivityRecord& r) {
  static const std::string kSql =
      "UPDATE activities SET kind = ?, subject = ?, description = ?, occurred_time = ?, "
      "follow_up_date = ?, revision = ?, update_time = ?, delete_time = ? "
      "WHERE library_id = ? AND id = ?";
  static const std::string kClear = "DELETE FROM activity_related WHERE activity_id = ?";
  return session.Run([&]() -> absl::Status {
    session.Execute(kSql, r.kind, r.subject, r.description, r.occurred_time,
                    DateText(r.follow_up_date), r.revision, r.update_time, r.delete_time,
                    r.library_id, r.id);
    session.Execute(kClear, r.id);
    WriteRelated(session, r);
    return absl::OkStatus();
  });
}

absl::Status RecordChange(Session& session, const Change& change) {
  ActivityRecord r;
  r.id = api::GenerateResourceId();
  r.library_id = change.library_id;
  r.kind = kActivityKindSystem;
  r.actor = change.actor;
  r.verb = change.verb;
  r.resource = change.resource;
  r.changed_fields = change.changed_fields;
  r.request_id = change.request_id;
  r.occurred_time = r.create_time = r.update_time = change.time;
  return Insert(session, r);
}

absl::StatusOr<std::vector<ActivityRecord>> Mentioning(Session& session, absl::string_view resource,
                                                       const std::optional<std::string>& within,
                                                       bool for_update) {
  // Related resources may name another library's resources, so the search spans libraries.
  SqlClause where{
      "(a.resource = ? OR a.id IN (SELECT r.activity_id FROM activity_related r WHERE "
      "r.resource = ?))",
      {std::string(resource), std::string(resource)}};
  if (within) where = AllOf({std::move(where), scope::WithinSubtree("a.library_id", *within)});
  const std::string sql =
      absl::StrCat("SELECT " ALLIES_ACTIVITY_COLUMNS " FROM activities a WHERE ", where.sql,
                   " ORDER BY a.create_time, a.id", for_update ? " FOR UPDATE" : "");
  return session.Run([&]() -> absl::StatusOr<std::vector<ActivityRecord>> {
    auto rs = session.QueryValues(sql, where.params);
    std::vector<ActivityRecord> out;
    while (rs->next()) out.push_back(ReadRow(*rs));
    return out;
  });
}

absl::StatusOr<std::vector<std::string>> MoveRelated(Session& session, absl::string_view from,
                                                     absl::string_view to) {
  static const std::string kFind = "SELECT activity_id FROM activity_related WHERE resource = ?";
  static const std::string kDropDuplicate =
      "DELETE r FROM activity_related r JOIN activity_related t ON t.activity_id = r.activity_id "
      "AND t.resource = ? WHERE r.resource = ?";
  static const std::string kMove = "UPDATE activity_related SET resource = ? WHERE resource = ?";
  return session.Run([&]() -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> ids;
    auto rs = session.Query(kFind, from);
    while (rs->next()) ids.push_back(GetString(*rs, 1));
    session.Execute(kDropDuplicate, to, from);
    session.Execute(kMove, to, from);
    return ids;
  });
}

absl::Status RewriteText(Session& session, const ActivityRecord& r, absl::Time when) {
  static const std::string kSql =
      "UPDATE activities SET subject = ?, description = ?, revision = revision + 1, "
      "update_time = GREATEST(update_time, ?) WHERE library_id = ? AND id = ?";
  return session.Run([&]() -> absl::Status {
    session.Execute(kSql, r.subject, r.description, when, r.library_id, r.id);
    return absl::OkStatus();
  });
}

}  // namespace allies::storage::activities
