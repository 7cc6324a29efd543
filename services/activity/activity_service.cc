#include "services/activity/activity_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "api/etag.h"
#include "api/fields.h"
#include "api/list_request.h"
#include "api/names.h"
#include "api/pagination.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "storage/activity_repository.h"
#include "storage/idempotency.h"
#include "storage/library_repository.h"
#include "storage/scope.h"
#include "storage/transaction.h"

namespace allies::services {
namespace {

using storage::ActivityRecord;
using storage::Session;
namespace activities = storage::activities;

constexpr size_t kMaxSubject = 300;
constexpr size_t kMaxDescription = 10000;
constexpr int kMaxRelated = 50;

const api::NamePattern& ActivityNamePattern() {
  static const auto* pattern = new api::NamePattern("libraries/{library}/activities/{activity}");
  return *pattern;
}

const std::vector<std::string>& MutableActivityFields() {
  static const auto* fields = new std::vector<std::string>{
      "kind", "subject", "description", "occurred_time", "related", "follow_up_date"};
  return *fields;
}

}  // namespace

void ActivityToProto(const ActivityRecord& r, v1::Activity* out) {
  out->set_name(ActivityNamePattern().Format({r.library_id, r.id}));
  out->set_kind(static_cast<v1::Activity::Kind>(r.kind));
  out->set_actor(r.actor);
  out->set_verb(r.verb);
  out->set_resource(r.resource);
  for (const auto& f : r.changed_fields) out->add_changed_fields(f);
  out->set_request_id(r.request_id);
  out->set_subject(r.subject);
  out->set_description(r.description);
  api::ToTimestamp(r.occurred_time, out->mutable_occurred_time());
  for (const auto& related : r.related) out->add_related(related);
  if (r.follow_up_date) api::ToProtoDate(*r.follow_up_date, out->mutable_follow_up_date());
  out->set_etag(api::ComputeEtag(r.revision, r.update_time));
  api::ToTimestamp(r.create_time, out->mutable_create_time());
  api::ToTimestamp(r.update_time, out->mutable_update_time());
  if (r.delete_time) api::ToTimestamp(*r.delete_time, out->mutable_delete_time());
}

namespace {

// Checks the named fields of `in` and copies them into `r`; every violation is reported.
absl::Status ApplyFields(const v1::Activity& in, const std::vector<std::string>& fields,
                         absl::Time now, ActivityRecord& r) {
  api::FieldViolations v;
  auto wanted = [&](absl::string_view f) { return api::HasPath(fields, f); };
  if (wanted("kind")) {
    if (in.kind() == v1::Activity::KIND_UNSPECIFIED || in.kind() == v1::Activity::SYSTEM ||
        !v1::Activity::Kind_IsValid(in.kind())) {
      v.Add("activity.kind",
            "is required: MEETING, CALL, EMAIL, LETTER, EVENT, PUBLICATION or OTHER "
            "(SYSTEM entries are written by the server)");
    }
    r.kind = in.kind();
  }
  if (wanted("subject")) {
    api::CheckText(v, "activity.subject", in.subject(), kMaxSubject, /*required=*/true);
    r.subject = in.subject();
  }
  if (wanted("description")) {
    api::CheckText(v, "activity.description", in.description(), kMaxDescription, false, true);
    r.description = in.description();
  }
  if (wanted("occurred_time")) {
    if (!in.has_occurred_time()) {
      r.occurred_time = now;
    } else if (absl::Status ok = api::CheckTimestamp(in.occurred_time(), "activity.occurred_time");
               !ok.ok()) {
      v.Add("activity.occurred_time", "is not a valid timestamp");
    } else {
      r.occurred_time =
          absl::FromUnixMicros(absl::ToUnixMicros(api::FromTimestamp(in.occurred_time())));
    }
  }
  if (wanted("related")) {
    r.related.clear();
    if (in.related_size() > kMaxRelated) {
      v.Add("activity.related", absl::StrCat("at most ", kMaxRelated, " resources"));
    }
    for (int i = 0; i < in.related_size(); ++i) {
      const std::string& name = in.related(i);
      if (!api::IsResourceName(name) || name.size() > 500) {
        v.Add(absl::StrCat("activity.related[", i, "]"),
              absl::StrCat("must be a resource name like \"libraries/x/partners/y\", got ",
                           api::Quote(name)));
      } else if (std::find(r.related.begin(), r.related.end(), name) == r.related.end()) {
        r.related.push_back(name);
      }
    }
  }
  if (wanted("follow_up_date")) {
    r.follow_up_date.reset();
    if (in.has_follow_up_date()) {
      auto date = api::FromProtoDate(in.follow_up_date(), "activity.follow_up_date");
      if (!date.ok()) {
        v.AddFrom(date.status(), "activity.follow_up_date");
      } else {
        r.follow_up_date = *date;
      }
    }
  }
  return v.ToStatus();
}

absl::Status Immutable(absl::string_view name) {
  return api::Error(absl::StatusCode::kFailedPrecondition, "ACTIVITY_IMMUTABLE",
                    absl::StrCat(name, " is a system entry; the log of changes cannot be edited"),
                    {{"resource", std::string(name)}});
}

// The recorded interaction `name` (ids: library, activity), locked for a change: within the
// caller's scope, not a system entry, deleted or live as the change needs, at the caller's etag.
absl::StatusOr<ActivityRecord> LockForChange(Session& s, const api::Principal& principal,
                                             const std::vector<std::string>& ids,
                                             const std::string& name, absl::string_view etag,
                                             bool deleted) {
  absl::Status in_scope = storage::scope::Check(s, principal, ids[0], name);
  if (!in_scope.ok()) return in_scope;
  auto current = activities::Get(s, ids[0], ids[1], /*for_update=*/true);
  if (!current.ok()) return current.status();
  if (current->kind == storage::kActivityKindSystem) return Immutable(name);
  if (current->delete_time.has_value() != deleted) {
    if (deleted) {
      return api::Error(absl::StatusCode::kAlreadyExists, "RESOURCE_NOT_DELETED",
                        absl::StrCat(name, " is not deleted"), {{"resource", name}});
    }
    return api::Error(absl::StatusCode::kFailedPrecondition, "RESOURCE_DELETED",
                      absl::StrCat(name, " is deleted"), {{"resource", name}});
  }
  absl::Status etag_ok =
      api::CheckEtag(etag, api::ComputeEtag(current->revision, current->update_time), name);
  if (!etag_ok.ok()) return etag_ok;
  return current;
}

// Every related resource must be within the caller's reach: naming one elsewhere is refused as
// any out-of-scope name is (PERMISSION_DENIED, the same whether or not it exists).
absl::Status CheckRelatedInScope(Session& s, const api::Principal& principal,
                                 const std::vector<std::string>& related) {
  for (const std::string& name : related) {
    absl::Status in_scope = storage::scope::Check(s, principal, api::LibraryIdOf(name), name);
    if (!in_scope.ok()) return in_scope;
  }
  return absl::OkStatus();
}

}  // namespace

const api::FilterSchema& ActivityFilterSchema() {
  static const api::FilterSchema* schema = [] {
    std::vector<std::pair<std::string, int>> kinds;
    const auto* kind_enum = v1::Activity::Kind_descriptor();
    for (int i = 0; i < kind_enum->value_count(); ++i) {
      if (kind_enum->value(i)->number() == 0) continue;
      kinds.emplace_back(kind_enum->value(i)->name(), kind_enum->value(i)->number());
    }
    using api::FieldKind;
    return new api::FilterSchema{
        {"kind", FieldKind::kEnum, false, true, kinds},
        {"actor", FieldKind::kString, false, false, {}},
        {"verb", FieldKind::kString, false, false, {}},
        {"resource", FieldKind::kName, false, false, {}},
        {"related", FieldKind::kName, true, false, {}},
        {"subject", FieldKind::kString, false, false, {}},
        {"description", FieldKind::kString, false, false, {}},
        {"occurred_time", FieldKind::kTimestamp, false, true, {}},
        {"create_time", FieldKind::kTimestamp, false, true, {}},
        {"follow_up_date", FieldKind::kDate, false, false, {}},
    };
  }();
  return *schema;
}

absl::Status ActivityLogService::GetActivity(const api::Call& call,
                                             const v1::GetActivityRequest& request,
                                             v1::Activity* response) {
  auto ids = ActivityNamePattern().Parse(request.name(), "name");
  if (!ids.ok()) return ids.status();
  return storage::RunRead(pool_, [&](Session& s) -> absl::Status {
    absl::Status in_scope = storage::scope::Check(s, call.principal(), (*ids)[0], request.name());
    if (!in_scope.ok()) return in_scope;
    auto record = activities::Get(s, (*ids)[0], (*ids)[1]);
    if (!record.ok()) return record.status();
    ActivityToProto(*record, response);
    return absl::OkStatus();
  });
}

absl::Status ActivityLogService::ListActivities(const api::Call& call,
                                                const v1::ListActivitiesRequest& request,
                                                v1::ListActivitiesResponse* response) {
  auto library = api::ParseLibraryParent(request.parent(), "parent", /*allow_any=*/true);
  if (!library.ok()) return library.status();
  auto list = api::ParseList(
      {"ListActivities", request.page_size(), request.page_token(), request.filter(),
       request.order_by(), "create_time desc",
       absl::StrCat("parent=", request.parent(), "|show_deleted=", request.show_deleted() ? 1 : 0)},
      ActivityFilterSchema());
  if (!list.ok()) return list.status();
  storage::ActivityListQuery query;
  query.library_id = *library;
  query.show_deleted = request.show_deleted();
  query.window = storage::scope::Window(*list, call.principal());
  return storage::RunRead(pool_, [&](Session& s) -> absl::Status {
    if (query.library_id) {
      absl::Status in_scope =
          storage::scope::Check(s, call.principal(), *query.library_id, request.parent());
      if (!in_scope.ok()) return in_scope;
    }
    auto rows = activities::List(s, query);
    if (!rows.ok()) return rows.status();
    response->set_next_page_token(api::NextPage(*rows, *list, [&](const ActivityRecord& r) {
      return activities::SortKey(r, list->order);
    }));
    for (const auto& r : *rows) ActivityToProto(r, response->add_activities());
    return absl::OkStatus();
  });
}

absl::Status ActivityLogService::CreateActivity(const api::Call& call,
                                                const v1::CreateActivityRequest& request,
                                                v1::Activity* response) {
  auto library = api::ParseLibraryName(request.parent(), "parent");
  if (!library.ok()) return library.status();
  absl::Status valid = storage::ValidateRequestId(request.request_id());
  if (!valid.ok()) return valid;
  ActivityRecord record;
  record.id = api::GenerateResourceId();
  record.library_id = *library;
  record.actor = call.principal().name;
  record.create_time = record.update_time = storage::NowMicros();
  valid = ApplyFields(request.activity(), MutableActivityFields(), record.create_time, record);
  if (!valid.ok()) return valid;
  return storage::RunIdempotent(
      pool_, *library, call.principal().name, call.method(), request.request_id(), request,
      response, [&](Session& s) -> absl::Status {
        absl::Status in_scope =
            storage::scope::Check(s, call.principal(), *library, request.parent());
        if (in_scope.ok()) in_scope = CheckRelatedInScope(s, call.principal(), record.related);
        if (!in_scope.ok()) return in_scope;
        auto parent = storage::libraries::Get(s, *library, storage::libraries::Lock::kShare);
        if (!parent.ok()) return parent.status();
        if (parent->delete_time) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "PARENT_DELETED",
                            absl::StrCat(request.parent(), " is deleted"),
                            {{"parent", request.parent()}});
        }
        absl::Status inserted = activities::Insert(s, record);
        if (!inserted.ok()) return inserted;
        ActivityToProto(record, response);
        return absl::OkStatus();
      });
}

absl::Status ActivityLogService::UpdateActivity(const api::Call& call,
                                                const v1::UpdateActivityRequest& request,
                                                v1::Activity* response) {
  const std::string& name = request.activity().name();
  auto ids = ActivityNamePattern().Parse(name, "activity.name");
  if (!ids.ok()) return ids.status();
  auto fields = api::ResolveUpdateMask(request.update_mask(), MutableActivityFields(),
                                       v1::Activity::descriptor());
  if (!fields.ok()) return fields.status();
  return storage::RunInTransaction(pool_, [&](Session& s) -> absl::Status {
    auto current = LockForChange(s, call.principal(), *ids, name, request.activity().etag(), false);
    if (!current.ok()) return current.status();
    ActivityRecord record = *std::move(current);
    const absl::Time now = std::max(storage::NowMicros(), record.update_time);
    absl::Status valid = ApplyFields(request.activity(), *fields, now, record);
    if (valid.ok() && api::HasPath(*fields, "related")) {
      valid = CheckRelatedInScope(s, call.principal(), record.related);
    }
    if (!valid.ok()) return valid;
    record.revision += 1;
    record.update_time = now;
    absl::Status updated = activities::Update(s, record);
    if (!updated.ok()) return updated;
    ActivityToProto(record, response);
    return absl::OkStatus();
  });
}

absl::Status ActivityLogService::DeleteActivity(const api::Call& call,
                                                const v1::DeleteActivityRequest& request,
                                                v1::Activity* response) {
  auto ids = ActivityNamePattern().Parse(request.name(), "name");
  if (!ids.ok()) return ids.status();
  const std::string& name = request.name();
  return storage::RunInTransaction(pool_, [&](Session& s) -> absl::Status {
    auto current = LockForChange(s, call.principal(), *ids, name, request.etag(), false);
    if (!current.ok()) return current.status();
    ActivityRecord record = *std::move(current);
    const absl::Time now = std::max(storage::NowMicros(), record.update_time);
    record.delete_time = now;
    record.update_time = now;
    record.revision += 1;
    absl::Status updated = activities::Update(s, record);
    if (!updated.ok()) return updated;
    ActivityToProto(record, response);
    return absl::OkStatus();
  });
}

absl::Status ActivityLogService::UndeleteActivity(const api::Call& call,
                                                  const v1::UndeleteActivityRequest& request,
                                                  v1::Activity* response) {
  auto ids = ActivityNamePattern().Parse(request.name(), "name");
  if (!ids.ok()) return ids.status();
  absl::Status valid = storage::ValidateRequestId(request.request_id());
  if (!valid.ok()) return valid;
  const std::string& name = request.name();
  return storage::RunIdempotent(
      pool_, (*ids)[0], call.principal().name, call.method(), request.request_id(), request,
      response, [&](Session& s) -> absl::Status {
        auto current = LockForChange(s, call.principal(), *ids, name, request.etag(), true);
        if (!current.ok()) return current.status();
        ActivityRecord record = *std::move(current);
        record.delete_time.reset();
        record.update_time = std::max(storage::NowMicros(), record.update_time);
        record.revision += 1;
        absl::Status updated = activities::Update(s, record);
        if (!updated.ok()) return updated;
        ActivityToProto(record, response);
        return absl::OkStatus();
      });
}

ActivityLogService::ActivityLogService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), pool_(deps.pool) {
  using Async = v1::ActivityLogService::AsyncService;
  Unary<v1::GetActivityRequest, v1::Activity>(
      &Async::RequestGetActivity,
      [this](const api::Call& c, const auto& r, auto* out) { return GetActivity(c, r, out); });
  Unary<v1::ListActivitiesRequest, v1::ListActivitiesResponse>(
      &Async::RequestListActivities,
      [this](const api::Call& c, const auto& r, auto* out) { return ListActivities(c, r, out); });
  Unary<v1::CreateActivityRequest, v1::Activity>(
      &Async::RequestCreateActivity,
      [this](const api::Call& c, const auto& r, auto* out) { return CreateActivity(c, r, out); });
  Unary<v1::UpdateActivityRequest, v1::Activity>(
      &Async::RequestUpdateActivity,
      [this](const api::Call& c, const auto& r, auto* out) { return UpdateActivity(c, r, out); });
  Unary<v1::DeleteActivityRequest, v1::Activity>(
      &Async::RequestDeleteActivity,
      [this](const api::Call& c, const auto& r, auto* out) { return DeleteActivity(c, r, out); });
  Unary<v1::UndeleteActivityRequest, v1::Activity>(
      &Async::RequestUndeleteActivity,
      [this](const api::Call& c, const auto& r, auto* out) { return UndeleteActivity(c, r, out); });
}

server::ServiceRegistration ActivityLogServiceRegistration() {
  return {v1::ActivityLogService::service_full_name(), [](const server::ServiceDeps& deps) {
            return std::make_unique<ActivityLogService>(deps);
          }};
}

}  // namespace allies::services
