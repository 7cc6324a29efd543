#include "services/library/library_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "api/etag.h"
#include "api/list_request.h"
#include "api/names.h"
#include "api/pagination.h"
#include "api/proto_time.h"
#include "api/rpc.h"
#include "services/library/library_validation.h"
#include "storage/activity_repository.h"
#include "storage/idempotency.h"
#include "storage/library_repository.h"
#include "storage/scope.h"
#include "storage/transaction.h"

namespace allies::services {
namespace {

using storage::LibraryRecord;
using storage::Session;
namespace libraries = storage::libraries;

void ToProto(const LibraryRecord& r, v1::Library* out) {
  out->set_name(api::LibraryName(r.id));
  out->set_display_name(r.display_name);
  if (!r.parent_id.empty()) out->set_parent(api::LibraryName(r.parent_id));
  out->set_kind(static_cast<v1::Library::Kind>(r.kind));
  out->set_region(r.region);
  out->set_address(r.address);
  out->set_website(r.website);
  out->set_etag(api::ComputeEtag(r.revision, r.update_time));
  api::ToTimestamp(r.create_time, out->mutable_create_time());
  api::ToTimestamp(r.update_time, out->mutable_update_time());
  if (r.delete_time) api::ToTimestamp(*r.delete_time, out->mutable_delete_time());
}

// Copies the named fields of the proto into the record. Names were validated already.
void ApplyFields(const v1::Library& in, const std::vector<std::string>& fields, LibraryRecord& r) {
  for (const std::string& f : fields) {
    if (f == "display_name") r.display_name = in.display_name();
    if (f == "kind") r.kind = in.kind();
    if (f == "region") r.region = in.region();
    if (f == "address") r.address = in.address();
    if (f == "website") r.website = in.website();
    if (f == "parent") {
      r.parent_id = in.parent().empty() ? "" : *api::ParseLibraryName(in.parent(), "");
    }
  }
}

absl::Status DeletedError(absl::string_view name) {
  return api::Error(absl::StatusCode::kFailedPrecondition, "RESOURCE_DELETED",
                    absl::StrCat(name, " is deleted"), {{"resource", std::string(name)}});
}

// The mutable fields whose values differ between two versions of a library.
std::vector<std::string> ChangedFields(const LibraryRecord& before, const LibraryRecord& after) {
  std::vector<std::string> changed;
  if (before.display_name != after.display_name) changed.push_back("display_name");
  if (before.parent_id != after.parent_id) changed.push_back("parent");
  if (before.kind != after.kind) changed.push_back("kind");
  if (before.region != after.region) changed.push_back("region");
  if (before.address != after.address) changed.push_back("address");
  if (before.website != after.website) changed.push_back("website");
  return changed;
}

// The system entry for a change to library `id`, in the change's transaction.
absl::Status Record(Session& s, const api::Call& call, absl::string_view verb,
                    const std::string& id, std::vector<std::string> fields,
                    const std::string& request_id, absl::Time when) {
  storage::Change change;
  change.library_id = id;
  change.actor = call.principal().name;
  change.verb = std::string(verb);
  change.resource = api::LibraryName(id);
  change.changed_fields = std::move(fields);
  change.request_id = request_id.empty() ? call.request_id() : request_id;
  change.time = when;
  return storage::activities::RecordChange(s, change);
}

// The parent must exist and be live; it is locked so it cannot be deleted under us.
absl::Status CheckParent(Session& s, const std::string& parent_id, libraries::Lock lock) {
  auto parent = libraries::Get(s, parent_id, lock);
  if (!parent.ok()) {
    if (parent.status().code() != absl::StatusCode::kNotFound) return parent.status();
    return api::InvalidField("library.parent",
                             absl::StrCat(api::LibraryName(parent_id), " does not exist"),
                             "PARENT_NOT_FOUND");
  }
  if (parent->delete_time) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "PARENT_DELETED",
                      absl::StrCat("the parent ", api::LibraryName(parent_id), " is deleted"),
                      {{"parent", api::LibraryName(parent_id)}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LibraryService::GetLibrary(const api::Call& call, const v1::GetLibraryRequest& request,
                                        v1::Library* response) {
  auto id = api::ParseLibraryName(request.name(), "name");
  if (!id.ok()) return id.status();
  return storage::RunRead(pool_, [&](Session& s) -> absl::Status {
    absl::Status in_scope = storage::scope::Check(s, call.principal(), *id, request.name());
    if (!in_scope.ok()) return in_scope;
    auto record = libraries::Get(s, *id);
    if (!record.ok()) return record.status();
    ToProto(*record, response);
    return absl::OkStatus();
  });
}

absl::Status LibraryService::ListLibraries(const api::Call& call,
                                           const v1::ListLibrariesRequest& request,
                                           v1::ListLibrariesResponse* response) {
  auto list = api::ParseList(
      {"ListLibraries", request.page_size(), request.page_token(), request.filter(),
       request.order_by(), "",
       absl::StrCat("parent=", request.parent(), "|show_deleted=", request.show_deleted() ? 1 : 0)},
      LibraryFilterSchema());
  if (!list.ok()) return list.status();
  storage::LibraryListQuery query;
  if (!request.parent().empty()) {
    auto parent = api::ParseLibraryName(request.parent(), "parent");
    if (!parent.ok()) return parent.status();
    query.parent_id = *parent;
  }
  query.show_deleted = request.show_deleted();
  query.window = storage::scope::Window(*list, call.principal());
  return storage::RunRead(pool_, [&](Session& s) -> absl::Status {
    if (query.parent_id) {
      absl::Status in_scope =
          storage::scope::Check(s, call.principal(), *query.parent_id, request.parent());
      if (!in_scope.ok()) return in_scope;
    }
    auto rows = libraries::List(s, query);
    if (!rows.ok()) return rows.status();
    response->set_next_page_token(api::NextPage(
        *rows, *list, [&](const LibraryRecord& r) { return libraries::SortKey(r, list->order); }));
    for (const auto& r : *rows) ToProto(r, response->add_libraries());
    return absl::OkStatus();
  });
}

absl::Status LibraryService::CreateLibrary(const api::Call& call,
                                           const v1::CreateLibraryRequest& request,
                                           v1::Library* response) {
  absl::Status valid = ValidateCreateLibrary(request);
  if (valid.ok()) valid = storage::ValidateRequestId(request.request_id());
  if (!valid.ok()) return valid;

  LibraryRecord record;
  record.id = request.library_id().empty() ? api::GenerateResourceId() : request.library_id();
  ApplyFields(request.library(), MutableLibraryFields(), record);
  record.create_time = record.update_time = storage::NowMicros();
  // Remembered with the parent (what the request names: a generated id differs per attempt).
  return storage::RunIdempotent(
      pool_, record.parent_id, call.principal().name, call.method(), request.request_id(), request,
      response, [&](Session& s) -> absl::Status {
        absl::Status in_scope =
            record.parent_id.empty()
                ? storage::scope::CheckNetwork(call.principal(), "the network's root libraries")
                : storage::scope::Check(s, call.principal(), record.parent_id,
                                        request.library().parent());
        if (!in_scope.ok()) return in_scope;
        if (!record.parent_id.empty()) {
          absl::Status parent_ok = CheckParent(s, record.parent_id, libraries::Lock::kShare);
          if (!parent_ok.ok()) return parent_ok;
        }
        absl::Status inserted = libraries::Insert(s, record);
        if (inserted.code() == absl::StatusCode::kAlreadyExists) {
          // Ids are global: a scoped caller must not learn of a library outside its reach.
          absl::Status visible =
              storage::scope::Check(s, call.principal(), record.id, api::LibraryName(record.id));
          if (!visible.ok()) return visible;
        }
        if (!inserted.ok()) return inserted;
        absl::Status recorded =
            Record(s, call, "CREATE", record.id, ChangedFields(LibraryRecord{}, record),
                   request.request_id(), record.create_time);
        if (!recorded.ok()) return recorded;
        ToProto(record, response);
        return absl::OkStatus();
      });
}

absl::Status LibraryService::UpdateLibrary(const api::Call& call,
                                           const v1::UpdateLibraryRequest& request,
                                           v1::Library* response) {
  if (!request.has_library()) return api::InvalidField("library", "is required");
  auto id = api::ParseLibraryName(request.library().name(), "library.name");
  if (!id.ok()) return id.status();
  auto fields = ResolveLibraryUpdateMask(request.update_mask());
  if (!fields.ok()) return fields.status();
  api::FieldViolations violations;
  CheckLibraryFields(request.library(), *fields, violations);
  if (!violations.empty()) return violations.ToStatus();
  const std::string& name = request.library().name();

  LibraryRecord record;
  absl::Status status = storage::RunInTransaction(pool_, [&](Session& s) -> absl::Status {
    absl::Status in_scope = storage::scope::Check(s, call.principal(), *id, name);
    if (!in_scope.ok()) return in_scope;
    auto current = libraries::Get(s, *id, libraries::Lock::kUpdate);
    if (!current.ok()) return current.status();
    record = *std::move(current);
    if (record.delete_time) return DeletedError(name);
    absl::Status etag_ok = api::CheckEtag(
        request.library().etag(), api::ComputeEtag(record.revision, record.update_time), name);
    if (!etag_ok.ok()) return etag_ok;
    const LibraryRecord before = record;
    const std::string& old_parent = before.parent_id;
    ApplyFields(request.library(), *fields, record);
    if (record.parent_id != old_parent) {
      absl::Status target_in_scope =
          record.parent_id.empty()
              ? storage::scope::CheckNetwork(call.principal(), "the network's root libraries")
              : storage::scope::Check(s, call.principal(), record.parent_id,
                                      request.library().parent());
      if (!target_in_scope.ok()) return target_in_scope;
    }
    if (record.parent_id != old_parent && !record.parent_id.empty()) {
      if (record.parent_id == record.id) {
        return api::Error(absl::StatusCode::kFailedPrecondition, "LIBRARY_CYCLE",
                          absl::StrCat(name, " cannot be its own parent"));
      }
      absl::Status parent_ok = CheckParent(s, record.parent_id, libraries::Lock::kUpdate);
      if (!parent_ok.ok()) return parent_ok;
      auto ancestry = libraries::LockAncestry(s, record.parent_id);
      if (!ancestry.ok()) return ancestry.status();
      for (const std::string& ancestor : *ancestry) {
        if (ancestor == record.id) {
          return api::Error(
              absl::StatusCode::kFailedPrecondition, "LIBRARY_CYCLE",
              absl::StrCat("cannot move ", name, " under ", request.library().parent(),
                           ", which lies inside its own subtree"),
              {{"resource", name}, {"parent", request.library().parent()}});
        }
      }
    }
    record.revision += 1;
    record.update_time = std::max(storage::NowMicros(), record.update_time);
    absl::Status updated = libraries::Update(s, record);
    if (!updated.ok()) return updated;
    return Record(s, call, "UPDATE", record.id, ChangedFields(before, record), "",
                  record.update_time);
  });
  if (status.ok()) ToProto(record, response);
  return status;
}

absl::Status LibraryService::DeleteLibrary(const api::Call& call,
                                           const v1::DeleteLibraryRequest& request,
                                           v1::Library* response) {
  auto id = api::ParseLibraryName(request.name(), "name");
  if (!id.ok()) return id.status();
  const std::string& name = request.name();
  LibraryRecord record;
  absl::Status status = storage::RunInTransaction(pool_, [&](Session& s) -> absl::Status {
    absl::Status in_scope = storage::scope::Check(s, call.principal(), *id, name);
    if (!in_scope.ok()) return in_scope;
    auto current = libraries::Get(s, *id, libraries::Lock::kUpdate);
    if (!current.ok()) return current.status();
    record = *std::move(current);
    if (record.delete_time) return DeletedError(name);
    absl::Status etag_ok =
        api::CheckEtag(request.etag(), api::ComputeEtag(record.revision, record.update_time), name);
    if (!etag_ok.ok()) return etag_ok;
    const absl::Time now = std::max(storage::NowMicros(), record.update_time);
    if (!request.force()) {
      auto child = libraries::AnyLiveChild(s, record.id);
      if (!child.ok()) return child.status();
      if (*child) {
        return api::Error(
            absl::StatusCode::kFailedPrecondition, "LIBRARY_HAS_CHILDREN",
            absl::StrCat(name, " has live child libraries (e.g. ", api::LibraryName(**child),
                         "); delete them first or pass force"),
            {{"resource", name}, {"child", api::LibraryName(**child)}});
      }
    }
    absl::Status marked = libraries::MarkDeleted(s, {record.id}, now);
    if (!marked.ok()) return marked;
    marked = Record(s, call, "DELETE", record.id, {"delete_time"}, "", now);
    if (!marked.ok()) return marked;
    // With force, the whole live subtree. Marking a row locks it; a child that another
    // transaction was creating under it commits first and is found by the next round.
    while (request.force()) {
      auto descendants = libraries::LiveDescendants(s, record.id, now);
      if (!descendants.ok()) return descendants.status();
      if (descendants->empty()) break;
      marked = libraries::MarkDeleted(s, *descendants, now);
      if (!marked.ok()) return marked;
      for (const std::string& descendant : *descendants) {
        marked = Record(s, call, "DELETE", descendant, {"delete_time"}, "", now);
        if (!marked.ok()) return marked;
      }
    }
    record.delete_time = now;
    record.update_time = now;
    record.revision += 1;
    return absl::OkStatus();
  });
  if (status.ok()) ToProto(record, response);
  return status;
}

absl::Status LibraryService::UndeleteLibrary(const api::Call& call,
                                             const v1::UndeleteLibraryRequest& request,
                                             v1::Library* response) {
  auto id = api::ParseLibraryName(request.name(), "name");
  if (!id.ok()) return id.status();
  absl::Status valid = storage::ValidateRequestId(request.request_id());
  if (!valid.ok()) return valid;
  const std::string& name = request.name();
  return storage::RunIdempotent(
      pool_, *id, call.principal().name, call.method(), request.request_id(), request, response,
      [&](Session& s) -> absl::Status {
        absl::Status in_scope = storage::scope::Check(s, call.principal(), *id, name);
        if (!in_scope.ok()) return in_scope;
        auto current = libraries::Get(s, *id, libraries::Lock::kUpdate);
        if (!current.ok()) return current.status();
        LibraryRecord record = *std::move(current);
        if (!record.delete_time) {
          return api::Error(absl::StatusCode::kAlreadyExists, "RESOURCE_NOT_DELETED",
                            absl::StrCat(name, " is not deleted"), {{"resource", name}});
        }
        absl::Status etag_ok = api::CheckEtag(
            request.etag(), api::ComputeEtag(record.revision, record.update_time), name);
        if (!etag_ok.ok()) return etag_ok;
        if (!record.parent_id.empty()) {
          absl::Status parent_ok = CheckParent(s, record.parent_id, libraries::Lock::kShare);
          if (!parent_ok.ok()) return parent_ok;
        }
        record.delete_time.reset();
        record.revision += 1;
        record.update_time = std::max(storage::NowMicros(), record.update_time);
        absl::Status updated = libraries::Update(s, record);
        if (!updated.ok()) return updated;
        updated = Record(s, call, "UNDELETE", record.id, {"delete_time"}, request.request_id(),
                         record.update_time);
        if (!updated.ok()) return updated;
        ToProto(record, response);
        return absl::OkStatus();
      });
}

LibraryService::LibraryService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), pool_(deps.pool) {
  using Async = v1::LibraryService::AsyncService;
  Unary<v1::GetLibraryRequest, v1::Library>(
      &Async::RequestGetLibrary,
      [this](const api::Call& c, const auto& r, auto* out) { return GetLibrary(c, r, out); });
  Unary<v1::ListLibrariesRequest, v1::ListLibrariesResponse>(
      &Async::RequestListLibraries,
      [this](const api::Call& c, const auto& r, auto* out) { return ListLibraries(c, r, out); });
  Unary<v1::CreateLibraryRequest, v1::Library>(
      &Async::RequestCreateLibrary,
      [this](const api::Call& c, const auto& r, auto* out) { return CreateLibrary(c, r, out); });
  Unary<v1::UpdateLibraryRequest, v1::Library>(
      &Async::RequestUpdateLibrary,
      [this](const api::Call& c, const auto& r, auto* out) { return UpdateLibrary(c, r, out); });
  Unary<v1::DeleteLibraryRequest, v1::Library>(
      &Async::RequestDeleteLibrary,
      [this](const api::Call& c, const auto& r, auto* out) { return DeleteLibrary(c, r, out); });
  Unary<v1::UndeleteLibraryRequest, v1::Library>(
      &Async::RequestUndeleteLibrary,
      [this](const api::Call& c, const auto& r, auto* out) { return UndeleteLibrary(c, r, out); });
}

server::ServiceRegistration LibraryServiceRegistration() {
  return {v1::LibraryService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<LibraryService>(deps); }};
}

}  // namespace allies::services
