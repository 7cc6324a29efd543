#include "services/common/people.h"

#include <algorithm>
#include <set>
#include <utility>

#include "storage/core_tables.h"
#include "storage/scope.h"

namespace allies::services {

absl::Status MergePerson(WriteContext& ctx, const storage::ResourceTable& table,
                         const storage::ResourceKey& source,
                         const google::protobuf::Message& source_person,
                         const storage::ResourceKey& target,
                         const google::protobuf::Message& target_person) {
  auto moved = storage::RepointReferences(ctx.session, table.Name(source), table.Name(target));
  if (!moved.ok()) return moved.status();
  for (const storage::Referrer& r : *moved) {
    if (!r.table->options().logged) continue;
    absl::Status ok = r.table->Touch(ctx.session, r.key, ctx.now);
    if (ok.ok()) ok = RecordChange(ctx, *r.table, "UPDATE", r.key, {r.field});
    if (!ok.ok()) return ok;
  }
  return storage::people::AdoptKnownValues(ctx.session, table, source, source_person, target,
                                           target_person);
}

absl::StatusOr<std::vector<std::string>> ErasePerson(WriteContext& ctx,
                                                     const storage::ResourceTable& table,
                                                     const storage::ResourceKey& key,
                                                     google::protobuf::Message* person) {
  auto known = storage::people::Known(ctx.session, table, key, *person);
  if (!known.ok()) return known.status();
  // In every library, whoever recorded it: erasure is complete or it is not erasure.
  auto rewritten = storage::people::EraseElsewhere(ctx.session, table, key, *known, ctx.now);
  if (!rewritten.ok()) return rewritten.status();
  for (const auto& r : *rewritten) {
    absl::Status ok = RecordChange(ctx, *r.row.table, "UPDATE", r.row.key, r.fields);
    if (!ok.ok()) return ok;
  }
  // The record stays, with its links, for statistics.
  return storage::people::ClearPersonalFields(table, person);
}

absl::StatusOr<PersonExport> ExportPerson(storage::Session& s, const api::Principal& principal,
                                          const storage::ResourceTable& table,
                                          const storage::ResourceKey& key,
                                          const google::protobuf::Message& person) {
  PersonExport out;
  const std::string name = table.Name(key);
  // The caller sees what lies in the libraries it reaches.
  std::set<std::string> reached, refused;
  auto reaches = [&](const std::string& library) -> absl::StatusOr<bool> {
    if (reached.count(library)) return true;
    if (refused.count(library)) return false;
    absl::Status ok = storage::scope::Check(s, principal, library, name);
    if (ok.code() == absl::StatusCode::kPermissionDenied) {
      refused.insert(library);
      return false;
    }
    if (!ok.ok()) return ok;
    reached.insert(library);
    return true;
  };
  auto referrers = storage::ReferrersOf(s, name);
  if (!referrers.ok()) return referrers.status();
  std::set<std::string> seen;
  for (auto& r : *referrers) {
    auto visible = reaches(r.key.library_id);
    if (!visible.ok()) return visible.status();
    if (*visible && seen.insert(r.Name()).second) out.referrers.push_back(std::move(r));
  }
  auto entries = storage::people::LogEntriesAbout(s, name);
  if (!entries.ok()) return entries.status();
  std::vector<storage::ResourceKey> activities = *std::move(entries);
  for (const auto& r : out.referrers) {
    if (r.table == &storage::ActivitiesTable()) activities.push_back(r.key);
  }
  for (const auto& activity_key : activities) {
    storage::ResourceTable::Row row;
    v1::Activity activity;
    absl::Status read =
        storage::ActivitiesTable().Get(s, activity_key, storage::Lock::kNone, &row, &activity);
    if (!read.ok()) return read;
    out.activities.push_back(std::move(activity));
  }
  std::sort(out.activities.begin(), out.activities.end(),
            [](const v1::Activity& a, const v1::Activity& b) {
              return std::make_pair(a.create_time().seconds(), a.create_time().nanos()) <
                     std::make_pair(b.create_time().seconds(), b.create_time().nanos());
            });
  auto known = storage::people::Known(s, table, key, person);
  if (!known.ok()) return known.status();
  out.former_values = known->former;
  return out;
}

}  // namespace allies::services
