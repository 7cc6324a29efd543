#include "services/common/resource_methods.h"

#include <google/protobuf/timestamp.pb.h>

#include "api/fields.h"
#include "storage/activity_log.h"
#include "storage/change_outbox.h"
#include "storage/core_tables.h"
#include "storage/references.h"

namespace allies::services {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using storage::ResourceKey;
using storage::ResourceTable;
using storage::Session;

// Calls fn(field, value, path) for every value of every reference field of `table` among
// `fields` (paths "<prefix>.<field>", "<prefix>.<field>[i]"), until one is not OK.
template <typename Fn>
absl::Status ForEachReference(const ResourceTable& table, const Message& record,
                              const std::vector<std::string>& fields, absl::string_view prefix,
                              Fn fn) {
  const auto* r = record.GetReflection();
  for (const storage::FieldColumn& fc : table.fields()) {
    if (fc.references.empty() || !api::HasPath(fields, fc.field)) continue;
    const FieldDescriptor* f = record.GetDescriptor()->FindFieldByName(fc.field);
    const std::string path = absl::StrCat(prefix, ".", fc.field);
    if (!f->is_repeated()) {
      absl::Status ok = fn(fc, r->GetString(record, f), path);
      if (!ok.ok()) return ok;
      continue;
    }
    for (int i = 0; i < r->FieldSize(record, f); ++i) {
      absl::Status ok = fn(fc, r->GetRepeatedString(record, f, i), absl::StrCat(path, "[", i, "]"));
      if (!ok.ok()) return ok;
    }
  }
  return absl::OkStatus();
}

// The SYSTEM entry for a change of `key` of `table`, in `library`'s log (none for what belongs
// to no library). The log's own entries are not logged again, but streamed all the same.
absl::Status Entry(WriteContext& ctx, const ResourceTable& table, absl::string_view verb,
                   const ResourceKey& key, const std::string& library,
                   std::vector<std::string> fields, absl::Time when) {
  if (library.empty()) return absl::OkStatus();
  storage::Change change;
  change.library_id = library;
  change.actor = ctx.call.principal().name;
  change.verb = std::string(verb);
  change.resource = table.Name(key);
  change.changed_fields = std::move(fields);
  change.request_id = ctx.request_id;
  change.time = when;
  if (!table.options().logged) return storage::changes::Enqueue(ctx.session, {&change}, {""});
  return storage::activities::RecordChange(ctx.session, change);
}

absl::Status Deleted(absl::string_view reason, const std::string& name, const std::string& field,
                     const std::string& what) {
  return api::Error(absl::StatusCode::kFailedPrecondition, std::string(reason),
                    absl::StrCat(what, name, " is deleted"),
                    {{"field", field}, {"resource", name}});
}

// One reference `value` held in `path` by a resource of library `library_id`.
absl::Status CheckReference(WriteContext& ctx, const storage::FieldColumn& fc,
                            const std::string& library_id, const std::string& value,
                            const std::string& path) {
  // "*": any resource (its form was checked with the input, CheckReferenceNames); of the same
  // library, one of a known collection that exists and is live, like a typed reference.
  if (fc.references == "*" && fc.reach != storage::Reach::kSameLibrary) {
    return CheckInScope(ctx.session, ctx.call.principal(), std::string(api::LibraryIdOf(value)),
                        value);
  }
  const ResourceTable* target = fc.references == "*" ? storage::TableOfName(value)
                                                     : storage::TableOfCollection(fc.references);
  if (target == nullptr && fc.references == "*") {
    return api::InvalidField(path, absl::StrCat(value, " names no known collection"),
                             absl::StrCat(fc.reason, "_NOT_FOUND"));
  }
  if (target == nullptr) {
    return absl::InternalError(absl::StrCat("no table for the collection ", fc.references));
  }
  auto key = target->ParseName(value, path);
  if (!key.ok()) return key.status();
  if (fc.reach == storage::Reach::kSameLibrary && key->library_id != library_id) {
    return api::InvalidField(
        path,
        absl::StrCat("must be in ", api::LibraryName(library_id), ", got ", api::Quote(value)),
        "CROSS_LIBRARY_REFERENCE");
  }
  if (fc.reach != storage::Reach::kSameLibrary) {
    absl::Status in_scope = CheckInScope(ctx.session, ctx.call.principal(), key->library_id, value);
    if (!in_scope.ok()) return in_scope;
  }
  auto state = target->State(ctx.session, *key, storage::Lock::kShare);
  if (!state.ok()) return state.status();
  if (*state == ResourceTable::RowState::kMissing) {
    return api::InvalidField(path, absl::StrCat(value, " does not exist"),
                             absl::StrCat(fc.reason, "_NOT_FOUND"));
  }
  if (*state == ResourceTable::RowState::kDeleted) {
    return Deleted(absl::StrCat(fc.reason, "_DELETED"), value, path, "");
  }
  return absl::OkStatus();
}

}  // namespace

void CheckReferenceNames(const ResourceTable& table, const Message& record,
                         const std::vector<std::string>& fields, absl::string_view prefix,
                         api::FieldViolations& violations) {
  (void)ForEachReference(
      table, record, fields, prefix,
      [&](const storage::FieldColumn& fc, const std::string& value, const std::string& at) {
        if (value.empty()) {
          // An empty single reference names nothing; an empty one in a list is a mistake.
          if (record.GetDescriptor()->FindFieldByName(fc.field)->is_repeated()) {
            violations.Add(at, "must not be empty");
          }
        } else if (fc.references == "*") {
          if (!api::IsResourceName(value) || value.size() > 500) {
            violations.Add(at, absl::StrCat("must be a resource name like "
                                            "\"libraries/x/partners/y\", got ",
                                            api::Quote(value)));
          }
        } else if (const ResourceTable* target = storage::TableOfCollection(fc.references)) {
          auto key = target->ParseName(value, at);
          if (!key.ok()) violations.AddFrom(key.status(), at);
        }
        return absl::OkStatus();
      });
}

std::string ScopeLibrary(const ResourceTable& table, const ResourceKey& key,
                         const Message& record) {
  if (!key.library_id.empty() || table.options().scope_field.empty()) return key.library_id;
  return std::string(api::LibraryIdOf(api::StringField(record, table.options().scope_field)));
}

absl::Status CheckInScope(Session& s, const api::Principal& principal,
                          const std::string& library_id, absl::string_view resource) {
  if (library_id.empty()) return storage::scope::CheckNetwork(principal, resource);
  return storage::scope::Check(s, principal, library_id, resource);
}

absl::Status CheckReferences(WriteContext& ctx, const ResourceTable& table,
                             const std::string& library_id, const Message& record,
                             const std::vector<std::string>& changed, absl::string_view prefix) {
  return ForEachReference(
      table, record, changed, prefix,
      [&](const storage::FieldColumn& fc, const std::string& value, const std::string& path) {
        return value.empty() ? absl::OkStatus() : CheckReference(ctx, fc, library_id, value, path);
      });
}

// `key` of `table` (the library or the parent resource holding a row) exists and is live:
// NOT_FOUND with `missing` as the reason, or FAILED_PRECONDITION PARENT_DELETED.
absl::Status CheckHolderLive(Session& s, const ResourceTable& table, const ResourceKey& key,
                             absl::string_view missing) {
  const std::string name = table.Name(key);
  auto state = table.State(s, key, storage::Lock::kShare);
  if (!state.ok()) return state.status();
  if (*state == ResourceTable::RowState::kMissing) {
    return api::Error(absl::StatusCode::kNotFound, std::string(missing),
                      absl::StrCat(name, " does not exist"), {{"resource", name}});
  }
  if (*state == ResourceTable::RowState::kDeleted) {
    return Deleted("PARENT_DELETED", name, "parent", "");
  }
  return absl::OkStatus();
}

absl::Status CheckParentLive(Session& s, const ResourceTable& table, const ResourceKey& key,
                             const Message& record, bool creating) {
  if (table.root()) {
    const std::string& field = table.options().container_field;
    if (creating || field.empty()) return absl::OkStatus();
    const std::string container = api::StringField(record, field);
    const storage::FieldColumn* fc = table.Find(field);
    const ResourceTable* target =
        fc == nullptr ? nullptr : storage::TableOfCollection(fc->references);
    if (container.empty() || target == nullptr) return absl::OkStatus();
    auto container_key = target->ParseName(container, field);
    if (!container_key.ok()) return container_key.status();
    return CheckHolderLive(s, *target, *container_key, "PARENT_NOT_FOUND");
  }
  absl::Status ok = CheckHolderLive(s, storage::LibrariesTable(), {key.library_id, key.library_id},
                                    "RESOURCE_NOT_FOUND");
  if (!ok.ok() || table.parent() == nullptr) return ok;
  return CheckHolderLive(s, *table.parent(), table.ParentKey(key), "PARENT_NOT_FOUND");
}

absl::Status CheckNoLiveChildren(Session& s, const ResourceTable& table, const ResourceKey& key) {
  for (const ResourceTable* child_table : storage::ChildrenOf(table)) {
    auto children = child_table->LiveChildren(s, key, 1);
    if (!children.ok()) return children.status();
    if (children->empty()) continue;
    const std::string name = table.Name(key);
    const std::string child = child_table->Name(children->front());
    return api::Error(absl::StatusCode::kFailedPrecondition, "RESOURCE_HAS_CHILDREN",
                      absl::StrCat(name, " has live ", child_table->collection_path(), " (e.g. ",
                                   child, "); delete them first or pass force"),
                      {{"resource", name}, {"child", child}});
  }
  return absl::OkStatus();
}

absl::Status CheckNoBlockingReferrers(Session& s, const std::string& name) {
  auto blocker = storage::DeleteBlocker(s, name);
  if (!blocker.ok()) return blocker.status();
  if (!*blocker) return absl::OkStatus();
  const std::string referrer = (*blocker)->referrer.Name();
  return api::Error(absl::StatusCode::kFailedPrecondition, (*blocker)->reason,
                    absl::StrCat(name, " has live ", (*blocker)->referrer.table->collection_path(),
                                 " (e.g. ", referrer, "); end them first or pass force"),
                    {{"resource", name}, {"referrer", referrer}});
}

absl::Status DeleteChildren(WriteContext& ctx, const ResourceTable& table, const ResourceKey& key) {
  for (const ResourceTable* child_table : storage::ChildrenOf(table)) {
    auto children = child_table->LiveChildren(ctx.session, key, 0);
    if (!children.ok()) return children.status();
    for (const ResourceKey& child : *children) {
      auto deleted = child_table->SoftDelete(ctx.session, child, ctx.now);
      if (!deleted.ok()) return deleted.status();
      if (!*deleted) continue;
      absl::Status ok = RecordChange(ctx, *child_table, "DELETE", child, {"delete_time"});
      if (ok.ok()) ok = DeleteChildren(ctx, *child_table, child);
      if (!ok.ok()) return ok;
    }
  }
  return absl::OkStatus();
}

absl::Status RecordChange(WriteContext& ctx, const ResourceTable& table, absl::string_view verb,
                          const ResourceKey& key, const Message& record,
                          std::vector<std::string> fields, absl::Time when) {
  return Entry(ctx, table, verb, key, ScopeLibrary(table, key, record), std::move(fields), when);
}

absl::Status RecordChange(WriteContext& ctx, const ResourceTable& table, absl::string_view verb,
                          const ResourceKey& key, std::vector<std::string> fields) {
  return Entry(ctx, table, verb, key, key.library_id, std::move(fields), ctx.now);
}

absl::Time NextTime(const Message& record) {
  absl::Time last = absl::InfinitePast();
  const FieldDescriptor* f = record.GetDescriptor()->FindFieldByName("update_time");
  if (f != nullptr && record.GetReflection()->HasField(record, f)) {
    last = api::FromTimestamp(static_cast<const google::protobuf::Timestamp&>(
        record.GetReflection()->GetMessage(record, f)));
  }
  return std::max(storage::NowMicros(), last);
}

SystemCall::SystemCall(absl::string_view job, absl::Time now)
    : method_{nullptr, absl::StrCat("allies.system/", job)},
      call_(&context_, method_, absl::StrCat(job, "-", absl::ToUnixMicros(now)),
            api::Principal{"system", api::Role::kAdmin, ""}) {}

}  // namespace allies::services
