#include "storage/activity_log.h"

#include "absl/strings/str_cat.h"
#include "allies/v1/activity.pb.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "storage/change_outbox.h"
#include "storage/core_tables.h"

namespace allies::storage::activities {

namespace {

v1::Activity Entry(const Change& change) {
  v1::Activity entry;
  entry.set_kind(v1::Activity::SYSTEM);
  entry.set_actor(change.actor);
  entry.set_verb(change.verb);
  entry.set_resource(change.resource);
  for (const auto& f : change.changed_fields) entry.add_changed_fields(f);
  entry.set_request_id(change.request_id);
  api::ToTimestamp(change.time, entry.mutable_occurred_time());
  api::ToTimestamp(change.time, entry.mutable_create_time());
  api::ToTimestamp(change.time, entry.mutable_update_time());
  return entry;
}

}  // namespace

absl::Status RecordChange(Session& session, const Change& change) {
  ResourceTable::Row row;
  row.key = {change.library_id, api::GenerateResourceId()};
  absl::Status ok = ActivitiesTable().Insert(session, row, Entry(change));
  if (!ok.ok()) return ok;
  return changes::Enqueue(session, {&change}, {row.key.id});
}

absl::Status RecordChanges(Session& session, const std::vector<Change>& changes) {
  std::vector<ResourceTable::Row> rows(changes.size());
  std::vector<v1::Activity> entries;
  entries.reserve(changes.size());
  std::vector<const google::protobuf::Message*> messages;
  for (size_t i = 0; i < changes.size(); ++i) {
    rows[i].key = {changes[i].library_id, api::GenerateResourceId()};
    entries.push_back(Entry(changes[i]));
    messages.push_back(&entries.back());
  }
  absl::Status ok = ActivitiesTable().InsertMany(session, rows, messages);
  if (!ok.ok()) return ok;
  std::vector<const Change*> queued;
  std::vector<std::string> ids;
  for (size_t i = 0; i < changes.size(); ++i) {
    queued.push_back(&changes[i]);
    ids.push_back(rows[i].key.id);
  }
  return changes::Enqueue(session, queued, ids);
}

absl::Status RefreshInteractionTimes(Session& session, const std::vector<std::string>& resources) {
  for (const std::string& resource : resources) {
    const ResourceTable* table = TableOfName(resource);
    if (table == nullptr) continue;
    const FieldColumn* kept = table->latest_interaction();
    if (kept == nullptr) continue;
    auto key = table->ParseName(resource, "");
    if (!key.ok()) continue;
    const std::string sql = absl::StrCat(
        "UPDATE ", table->table(), " t SET t.", kept->column,
        " = (SELECT MAX(a.occurred_time) FROM resource_values v JOIN activities a ON "
        "a.library_id = v.library_id AND a.id = v.owner_id WHERE v.collection = 'activities' AND "
        "v.field = 'related' AND v.value = ? AND a.kind <> ",
        kActivityKindSystem, " AND a.delete_time IS NULL) WHERE ", table->KeyCondition("t."));
    std::vector<SqlValue> values = {resource};
    for (SqlValue& v : table->KeyValues(*key)) values.push_back(std::move(v));
    absl::Status ok = session.Run([&]() -> absl::Status {
      session.ExecuteValues(sql, values);
      return absl::OkStatus();
    });
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

}  // namespace allies::storage::activities
