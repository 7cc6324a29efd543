#include "storage/activity_repository.h"

#include <algorithm>

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
#define ALLIES_ACTIVITY_COLUMNS                                                                  \
  "a.id, a.library_id, a.kind, a.actor, a.verb, a.resource, a.changed_fields, a.request_id, "    \
  "a.subject, a.description, a.occurred_time, a.follow_up_date, a.revision, a.create_time, "     \
  "a.update_time, a.delete_time, "                                                               \
  "(SELECT GROUP_CONCAT(v.value ORDER BY v.position SEPARATOR ' ') FROM resource_values v "      \
  "WHERE v.library_id = a.library_id AND v.collection = 'activities' AND v.owner_id = a.id AND " \
  "v.field = 'related')"

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
      "INSERT INTO resource_values (library_id, collection, owner_id, field, position, value) "
      "VALUES (?, 'activities', ?, 'related', ?, ?)";
  for (size_t i = 0; i < r.related.size(); ++i) {
    session.Execute(kInsert, r.library_id, r.id, static_cast<int64_t>(i), r.related[i]);
  }
}

}  // namespace

const std::vector<ColumnSpec>& Columns() {
  static const auto* columns = new std::vector<ColumnSpec>{
      {"kind", "a.kind", "", ""},
      {"actor", "a.actor", "", ""},
      {"verb", "a.verb", "", ""},
      {"resource", "a.resource", "", ""},
      {"related", "", "",
       "EXISTS (SELECT 1 FROM resource_values v WHERE v.library_id = a.library_id AND "
       "v.collection = 'activities' AND v.owner_id = a.id AND v.field = 'related' AND "
       "v.value = ?)"},
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
  absl::Status inserted = session.Run([&]() -> absl::Status {
    session.Execute(kSql, r.id, r.library_id, r.kind, r.actor, r.verb, r.resource,
                    absl::StrJoin(r.changed_fields, ","), r.request_id, r.subject, r.description,
                    r.occurred_time, DateText(r.follow_up_date), r.revision, r.create_time,
                    r.update_time);
    WriteRelated(session, r);
    return absl::OkStatus();
  });
  if (!inserted.ok() || r.kind == kActivityKindSystem) return inserted;
  return RefreshInteractionTimes(session, r.related);
}

absl::Status Update(Session& session, const ActivityRecord& r) {
  static const std::string kSql =
      "UPDATE activities SET kind = ?, subject = ?, description = ?, occurred_time = ?, "
      "follow_up_date = ?, revision = ?, update_time = ?, delete_time = ? "
      "WHERE library_id = ? AND id = ?";
  static const std::string kClear =
      "DELETE FROM resource_values WHERE library_id = ? AND collection = 'activities' AND "
      "owner_id = ? AND field = 'related'";
  static const std::string kRelated =
      "SELECT value FROM resource_values WHERE library_id = ? AND collection = 'activities' AND "
      "owner_id = ? AND field = 'related'";
  // The resources related before and after: the interaction times of both may move.
  std::vector<std::string> touched = r.related;
  absl::Status updated = session.Run([&]() -> absl::Status {
    auto rs = session.Query(kRelated, r.library_id, r.id);
    while (rs->next()) touched.push_back(GetString(*rs, 1));
    session.Execute(kSql, r.kind, r.subject, r.description, r.occurred_time,
                    DateText(r.follow_up_date), r.revision, r.update_time, r.delete_time,
                    r.library_id, r.id);
    session.Execute(kClear, r.library_id, r.id);
    WriteRelated(session, r);
    return absl::OkStatus();
  });
  if (!updated.ok()) return updated;
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  return RefreshInteractionTimes(session, touched);
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
      "((a.library_id = ? AND a.resource = ?) OR (a.library_id, a.id) IN (SELECT v.library_id, "
      "v.owner_id FROM resource_values v WHERE v.collection = 'activities' AND "
      "v.field = 'related' AND v.value = ?))",
      {std::string(api::LibraryIdOf(resource)), std::string(resource), std::string(resource)}};
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

absl::Status MoveRelated(Session& session, absl::string_view from, absl::string_view to) {
  // An activity that names both keeps `to` where it was and loses `from`.
  static const std::string kDropDuplicate =
      "DELETE v FROM resource_values v JOIN resource_values w ON w.library_id = v.library_id AND "
      "w.collection = v.collection AND w.owner_id = v.owner_id AND w.field = v.field AND "
      "w.value = ? WHERE v.collection = 'activities' AND v.field = 'related' AND v.value = ?";
  static const std::string kMove =
      "UPDATE resource_values SET value = ? WHERE collection = 'activities' AND "
      "field = 'related' AND value = ?";
  return session.Run([&]() -> absl::Status {
    session.Execute(kDropDuplicate, to, from);
    session.Execute(kMove, to, from);
    return absl::OkStatus();
  });
}

absl::Status RefreshInteractionTimes(Session& session, const std::vector<std::string>& resources) {
  // The latest live interaction (not a system entry) among the activities relating each one.
  static const std::string kSql =
      "UPDATE partners p SET p.last_interaction_time = (SELECT MAX(a.occurred_time) FROM "
      "resource_values v JOIN activities a ON a.library_id = v.library_id AND a.id = v.owner_id "
      "WHERE v.collection = 'activities' AND v.field = 'related' AND v.value = ? AND "
      "a.kind <> 1 AND a.delete_time IS NULL) WHERE p.library_id = ? AND p.id = ?";
  static const api::NamePattern partner("libraries/{library}/partners/{partner}");
  return session.Run([&]() -> absl::Status {
    for (const std::string& resource : resources) {
      auto ids = partner.Parse(resource, "");
      if (!ids.ok()) continue;  // not a partner
      session.Execute(kSql, resource, (*ids)[0], (*ids)[1]);
    }
    return absl::OkStatus();
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
