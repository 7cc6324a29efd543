// The standard methods (AIP-131..135, plus Undelete) and state-changing custom methods of a
// resource under a library, written once for every such resource (partners, contacts,
// agreements, ...). A service describes its resource with ResourceRules (its table, mutable and
// unique fields, validation, and the rules that need the database) and its handlers call these
// methods; what every resource shares lives here and only here:
//   - names parsed by the table's pattern, the caller's library scope checked first
//     (storage::scope), "libraries/-" lists across the caller's reach;
//   - output-only fields ignored on input, update masks resolved against the mutable fields;
//   - etags checked, revisions bumped, soft delete and undelete;
//   - unique fields per library (ALREADY_EXISTS naming the holder);
//   - request_id idempotency (storage::RunIdempotent) on Create, Undelete and custom methods;
//   - a SYSTEM activity entry with the changed field paths in the same transaction as every change.
#ifndef ALLIES_SERVICES_COMMON_RESOURCE_METHODS_H_
#define ALLIES_SERVICES_COMMON_RESOURCE_METHODS_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/repeated_field.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "api/errors.h"
#include "api/etag.h"
#include "api/fields.h"
#include "api/list_request.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "api/rpc.h"
#include "storage/activity_repository.h"
#include "storage/idempotency.h"
#include "storage/library_repository.h"
#include "storage/pool.h"
#include "storage/resource_table.h"
#include "storage/scope.h"
#include "storage/transaction.h"

namespace allies::services {

template <typename M>
struct ResourceRules {
  const storage::ResourceTable* table = nullptr;
  std::string field;  // "partner": the request field that holds the resource
  std::vector<std::string> mutable_fields;
  // Fields unique within a library, with the ErrorInfo reason when taken ("PARTNER_INN_TAKEN").
  std::vector<std::pair<std::string, std::string>> unique_fields;
  // Rewrites input to its canonical form (phones, e-mails) before it is checked. Optional.
  std::function<void(M&)> normalize;
  // Fills defaults on create (a state, ...). Optional.
  std::function<void(M&)> defaults;
  // Adds violations (paths "<field>.<name>") for the given fields of the resource.
  std::function<void(const M&, const std::vector<std::string>&, api::FieldViolations&)> check;
  // May these fields change, given the current resource? (e.g. by state). Optional.
  std::function<absl::Status(const M& current, const std::vector<std::string>& fields)> updatable;
  // Rules on the version about to be written (create and update), inside its transaction:
  // rules across fields, references to other resources (`changed` names the fields that
  // changed: every field on create). Optional.
  std::function<absl::Status(storage::Session&, const storage::ResourceKey&, const M&,
                             const std::vector<std::string>& changed)>
      check_write;
  // Refuses a delete (FAILED_PRECONDITION) while dependents exist, unless force. Optional.
  std::function<absl::Status(storage::Session&, const storage::ResourceKey&, const M&, bool force)>
      before_delete;
};

// What a List method passes on.
struct ListArgs {
  absl::string_view method;  // "ListPartners"
  absl::string_view parent;  // "libraries/{library}" or "libraries/-"
  int32_t page_size = 0;
  absl::string_view page_token;
  absl::string_view filter;
  absl::string_view order_by;
  bool show_deleted = false;
  // A method's own condition (in terms of the row "t") and what it depends on (bound into the
  // page token).
  storage::SqlClause condition;
  std::string context;
};

// A reference held by a resource of library `library_id` (in field `field`) to `name`, a resource
// of `table`: it must name one of that table, in the same library, that exists and is live.
// INVALID_ARGUMENT (reasons INVALID_ARGUMENT, CROSS_LIBRARY_REFERENCE, REFERENCE_NOT_FOUND) or
// FAILED_PRECONDITION (REFERENCE_DELETED). The row is share-locked so it cannot go meanwhile.
inline absl::Status CheckReference(storage::Session& s, const storage::ResourceTable& table,
                                   absl::string_view library_id, absl::string_view name,
                                   const std::string& field) {
  auto key = table.ParseName(name, field);
  if (!key.ok()) return key.status();
  if (key->library_id != library_id) {
    return api::InvalidField(
        field,
        absl::StrCat("must be in ", api::LibraryName(library_id), ", got ", api::Quote(name)),
        "CROSS_LIBRARY_REFERENCE");
  }
  auto state = table.State(s, *key, storage::Lock::kShare);
  if (!state.ok()) return state.status();
  if (*state == storage::ResourceTable::RowState::kMissing) {
    return api::InvalidField(field, absl::StrCat(name, " does not exist"), "REFERENCE_NOT_FOUND");
  }
  if (*state == storage::ResourceTable::RowState::kDeleted) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "REFERENCE_DELETED",
                      absl::StrCat(name, " is deleted"),
                      {{"field", field}, {"resource", std::string(name)}});
  }
  return absl::OkStatus();
}

// The system entry for a change of resource `key` of `table` by the caller, in the change's
// transaction; its request id is `request_id`, or the call's when there is none.
inline absl::Status RecordChange(storage::Session& s, const api::Call& call,
                                 const storage::ResourceTable& table, absl::string_view verb,
                                 const storage::ResourceKey& key, std::vector<std::string> fields,
                                 absl::string_view request_id, absl::Time when) {
  storage::Change change;
  change.library_id = key.library_id;
  change.actor = call.principal().name;
  change.verb = std::string(verb);
  change.resource = table.Name(key);
  change.changed_fields = std::move(fields);
  change.request_id = request_id.empty() ? call.request_id() : std::string(request_id);
  change.time = when;
  return storage::activities::RecordChange(s, change);
}

template <typename M>
class ResourceMethods {
 public:
  using Row = storage::ResourceTable::Row;
  using ResourceKey = storage::ResourceKey;
  using Session = storage::Session;
  // Changes the locked, live resource; returns the paths of what it changed.
  using ChangeFn =
      std::function<absl::StatusOr<std::vector<std::string>>(Session&, const ResourceKey&, M&)>;

  ResourceMethods(storage::ConnectionPool& pool, ResourceRules<M> rules)
      : pool_(pool), rules_(std::move(rules)), table_(*rules_.table) {}

  const storage::ResourceTable& table() const { return table_; }
  const ResourceRules<M>& rules() const { return rules_; }

  absl::Status Get(const api::Call& call, absl::string_view name, M* out) {
    auto key = table_.ParseName(name, "name");
    if (!key.ok()) return key.status();
    return storage::RunRead(pool_, [&](Session& s) -> absl::Status {
      absl::Status in_scope = storage::scope::Check(s, call.principal(), key->library_id, name);
      if (!in_scope.ok()) return in_scope;
      Row row;
      return table_.Get(s, *key, storage::Lock::kNone, &row, out);
    });
  }

  absl::Status List(const api::Call& call, const ListArgs& args,
                    google::protobuf::RepeatedPtrField<M>* out, std::string* next_page_token) {
    auto library = api::ParseLibraryParent(args.parent, "parent", /*allow_any=*/true);
    if (!library.ok()) return library.status();
    const std::string context = absl::StrCat(
        "parent=", args.parent, "|show_deleted=", args.show_deleted ? 1 : 0, "|", args.context);
    auto list = api::ParseList(
        {args.method, args.page_size, args.page_token, args.filter, args.order_by, "", context},
        table_.schema());
    if (!list.ok()) return list.status();
    storage::ResourceListQuery query;
    query.library_id = *library;
    query.show_deleted = args.show_deleted;
    query.condition = args.condition;
    query.window = storage::scope::Window(*list, call.principal());
    return storage::RunRead(pool_, [&](Session& s) -> absl::Status {
      if (query.library_id) {
        absl::Status in_scope =
            storage::scope::Check(s, call.principal(), *query.library_id, args.parent);
        if (!in_scope.ok()) return in_scope;
      }
      out->Clear();
      auto rows = table_.List(s, query, [&]() -> google::protobuf::Message* { return out->Add(); });
      if (!rows.ok()) return rows.status();
      *next_page_token = api::NextPage(*rows, *list, [&](const Row& last) {
        return table_.SortKey(last, out->Get(static_cast<int>(rows->size()) - 1), list->order);
      });
      const int page = static_cast<int>(rows->size());
      if (out->size() > page) out->DeleteSubrange(page, out->size() - page);
      return absl::OkStatus();
    });
  }

  absl::Status Create(const api::Call& call, absl::string_view parent, const M& resource,
                      absl::string_view id, absl::string_view request_id,
                      const google::protobuf::Message& request, M* out) {
    api::FieldViolations violations;
    auto library = api::ParseLibraryName(parent, "parent");
    if (!library.ok()) violations.AddFrom(library.status(), "parent");
    if (!id.empty() && !api::IsValidResourceId(id)) {
      violations.Add(absl::StrCat(rules_.field, "_id"),
                     absl::StrCat("must match [a-z][a-z0-9-]{0,62}, got ", api::Quote(id)));
    }
    M record;
    api::CopyFields(resource, rules_.mutable_fields, &record);  // output-only fields ignored
    if (rules_.normalize) rules_.normalize(record);
    if (rules_.defaults) rules_.defaults(record);
    rules_.check(record, rules_.mutable_fields, violations);
    if (!violations.empty()) return violations.ToStatus();
    absl::Status valid = storage::ValidateRequestId(request_id);
    if (!valid.ok()) return valid;

    Row row;
    row.key = {*library, id.empty() ? api::GenerateResourceId() : std::string(id)};
    const absl::Time now = storage::NowMicros();
    api::ToTimestamp(now, record.mutable_create_time());
    api::ToTimestamp(now, record.mutable_update_time());
    return storage::RunIdempotent(
        pool_, row.key.library_id, call.principal().name, call.method(), request_id, request, out,
        [&](Session& s) -> absl::Status {
          absl::Status ok = storage::scope::Check(s, call.principal(), row.key.library_id, parent);
          if (ok.ok()) ok = CheckLibraryLive(s, row.key.library_id, parent);
          if (ok.ok()) ok = CheckWrite(s, row.key, record, rules_.mutable_fields);
          if (ok.ok()) ok = Insert(s, row, record);
          if (ok.ok()) {
            ok = Record(s, call, "CREATE", row.key,
                        api::ChangedFields(M(), record, rules_.mutable_fields), request_id, now);
          }
          if (!ok.ok()) return ok;
          *out = record;
          FillStandard(row, out);
          return ReadBack(s, row, out);
        });
  }

  absl::Status Update(const api::Call& call, const M& resource,
                      const google::protobuf::FieldMask& mask, M* out) {
    const std::string field_name = absl::StrCat(rules_.field, ".name");
    auto key = table_.ParseName(resource.name(), field_name);
    if (!key.ok()) return key.status();
    auto fields = api::ResolveUpdateMask(mask, rules_.mutable_fields, M::descriptor());
    if (!fields.ok()) return fields.status();
    M input = resource;
    if (rules_.normalize) rules_.normalize(input);
    api::FieldViolations violations;
    rules_.check(input, *fields, violations);
    if (!violations.empty()) return violations.ToStatus();
    return storage::RunInTransaction(pool_, [&](Session& s) -> absl::Status {
      return Modify(
          s, call, *key, resource.name(), resource.etag(), /*allow_deleted=*/false, "UPDATE", "",
          [&](M& record) -> absl::StatusOr<std::vector<std::string>> {
            if (rules_.updatable) {
              absl::Status ok = rules_.updatable(record, *fields);
              if (!ok.ok()) return ok;
            }
            const M before = record;
            api::CopyFields(input, *fields, &record);
            std::vector<std::string> changed = api::ChangedFields(before, record, *fields);
            absl::Status ok = CheckWrite(s, *key, record, changed);
            if (!ok.ok()) return ok;
            return changed;
          },
          out);
    });
  }

  absl::Status Delete(const api::Call& call, absl::string_view name, absl::string_view etag,
                      bool force, M* out) {
    auto key = table_.ParseName(name, "name");
    if (!key.ok()) return key.status();
    return storage::RunInTransaction(pool_, [&](Session& s) -> absl::Status {
      return Modify(
          s, call, *key, name, etag, /*allow_deleted=*/false, "DELETE", "",
          [&](M& record) -> absl::StatusOr<std::vector<std::string>> {
            if (rules_.before_delete) {
              absl::Status ok = rules_.before_delete(s, *key, record, force);
              if (!ok.ok()) return ok;
            }
            api::ToTimestamp(NextTime(record), record.mutable_delete_time());
            return std::vector<std::string>{"delete_time"};
          },
          out);
    });
  }

  absl::Status Undelete(const api::Call& call, absl::string_view name, absl::string_view etag,
                        absl::string_view request_id, const google::protobuf::Message& request,
                        M* out) {
    auto key = table_.ParseName(name, "name");
    if (!key.ok()) return key.status();
    absl::Status valid = storage::ValidateRequestId(request_id);
    if (!valid.ok()) return valid;
    return storage::RunIdempotent(
        pool_, key->library_id, call.principal().name, call.method(), request_id, request, out,
        [&](Session& s) -> absl::Status {
          return Modify(
              s, call, *key, name, etag, /*allow_deleted=*/true, "UNDELETE", request_id,
              [&](M& record) -> absl::StatusOr<std::vector<std::string>> {
                if (!record.has_delete_time()) {
                  return api::Error(absl::StatusCode::kAlreadyExists, "RESOURCE_NOT_DELETED",
                                    absl::StrCat(name, " is not deleted"),
                                    {{"resource", std::string(name)}});
                }
                absl::Status ok =
                    CheckLibraryLive(s, key->library_id, api::LibraryName(key->library_id));
                if (!ok.ok()) return ok;
                record.clear_delete_time();
                return std::vector<std::string>{"delete_time"};
              },
              out);
        });
  }

  // A custom method that changes one live resource (ActivateAgreement, ...): scope, lock, etag,
  // then `change`; the result is written with a system entry whose verb is `verb`. With
  // `allow_deleted`, a deleted resource is changed too (erasure).
  absl::Status Change(const api::Call& call, absl::string_view verb, absl::string_view name,
                      absl::string_view etag, absl::string_view request_id,
                      const google::protobuf::Message& request, const ChangeFn& change, M* out,
                      bool allow_deleted = false) {
    auto key = table_.ParseName(name, "name");
    if (!key.ok()) return key.status();
    absl::Status valid = storage::ValidateRequestId(request_id);
    if (!valid.ok()) return valid;
    return storage::RunIdempotent(pool_, key->library_id, call.principal().name, call.method(),
                                  request_id, request, out, [&](Session& s) -> absl::Status {
                                    return Modify(
                                        s, call, *key, name, etag, allow_deleted, verb, request_id,
                                        [&](M& record) { return change(s, *key, record); }, out);
                                  });
  }

  // Building blocks for methods that touch several resources in one transaction (merges).

  // Scope check, then the row locked FOR UPDATE; the etag (when sent) must match.
  absl::Status Load(Session& s, const api::Call& call, const ResourceKey& key,
                    absl::string_view name, absl::string_view etag, Row* row, M* record) {
    absl::Status ok = storage::scope::Check(s, call.principal(), key.library_id, name);
    if (ok.ok()) ok = table_.Get(s, key, storage::Lock::kUpdate, row, record);
    if (ok.ok()) ok = api::CheckEtag(etag, record->etag(), name);
    return ok;
  }

  // Load, and FAILED_PRECONDITION (RESOURCE_DELETED) for a deleted resource.
  absl::Status LoadLive(Session& s, const api::Call& call, const ResourceKey& key,
                        absl::string_view name, absl::string_view etag, Row* row, M* record) {
    absl::Status ok = Load(s, call, key, name, etag, row, record);
    if (ok.ok() && record->has_delete_time()) {
      return api::Error(absl::StatusCode::kFailedPrecondition, "RESOURCE_DELETED",
                        absl::StrCat(name, " is deleted"), {{"resource", std::string(name)}});
    }
    return ok;
  }

  // Writes a changed resource: a new revision and update time (etag follows).
  absl::Status Save(Session& s, Row& row, M& record) {
    row.revision += 1;
    api::ToTimestamp(NextTime(record), record.mutable_update_time());
    absl::Status ok = table_.Update(s, row, record);
    if (ok.code() == absl::StatusCode::kAlreadyExists) ok = UniqueError(s, row.key, record, ok);
    if (ok.ok()) FillStandard(row, &record);
    return ok;
  }

  // The system entry for a change of `key`, in the change's transaction.
  absl::Status Record(Session& s, const api::Call& call, absl::string_view verb,
                      const ResourceKey& key, std::vector<std::string> fields,
                      absl::string_view request_id, absl::Time when) {
    return RecordChange(s, call, table_, verb, key, std::move(fields), request_id, when);
  }

 private:
  // What every single-resource change shares, inside its transaction: the resource loaded and
  // locked (live, unless `allow_deleted`), changed by `change` (which returns the changed
  // paths), saved, and recorded with `verb`; the result goes to `out`.
  absl::Status Modify(Session& s, const api::Call& call, const ResourceKey& key,
                      absl::string_view name, absl::string_view etag, bool allow_deleted,
                      absl::string_view verb, absl::string_view request_id,
                      const std::function<absl::StatusOr<std::vector<std::string>>(M&)>& change,
                      M* out) {
    Row row;
    M record;
    absl::Status ok = allow_deleted ? Load(s, call, key, name, etag, &row, &record)
                                    : LoadLive(s, call, key, name, etag, &row, &record);
    if (!ok.ok()) return ok;
    auto changed = change(record);
    if (!changed.ok()) return changed.status();
    ok = Save(s, row, record);
    if (ok.ok()) ok = Record(s, call, verb, key, *changed, request_id, UpdateTime(record));
    if (!ok.ok()) return ok;
    *out = record;
    return ReadBack(s, row, out);
  }

  // A response reads what Get reads: where fields are computed when read (an agreement past
  // its end reads EXPIRED), the written row is read back in the transaction.
  absl::Status ReadBack(Session& s, const Row& row, M* out) {
    if (!table_.has_computed_fields()) return absl::OkStatus();
    Row read;
    return table_.Get(s, row.key, storage::Lock::kNone, &read, out);
  }

  static absl::Time UpdateTime(const M& record) { return api::FromTimestamp(record.update_time()); }
  // A change's time: now, but never before the last one (clocks may step back).
  static absl::Time NextTime(const M& record) {
    return std::max(storage::NowMicros(), UpdateTime(record));
  }

  void FillStandard(const Row& row, M* record) const {
    record->set_name(table_.Name(row.key));
    record->set_etag(api::ComputeEtag(row.revision, UpdateTime(*record)));
  }

  // Resources are created (and brought back) only under a live library.
  static absl::Status CheckLibraryLive(Session& s, const std::string& library_id,
                                       absl::string_view parent) {
    auto library = storage::libraries::Get(s, library_id, storage::Lock::kShare);
    if (!library.ok()) return library.status();
    if (library->delete_time) {
      return api::Error(absl::StatusCode::kFailedPrecondition, "PARENT_DELETED",
                        absl::StrCat(parent, " is deleted"), {{"parent", std::string(parent)}});
    }
    return absl::OkStatus();
  }

  // References and unique fields of the version about to be written.
  absl::Status CheckWrite(Session& s, const ResourceKey& key, const M& record,
                          const std::vector<std::string>& changed) {
    if (rules_.check_write) {
      absl::Status ok = rules_.check_write(s, key, record, changed);
      if (!ok.ok()) return ok;
    }
    for (const auto& [field, reason] : rules_.unique_fields) {
      if (!api::HasPath(changed, field)) continue;
      absl::Status ok = CheckUnique(s, key, record, field, reason);
      if (!ok.ok()) return ok;
    }
    return absl::OkStatus();
  }

  absl::Status CheckUnique(Session& s, const ResourceKey& key, const M& record,
                           const std::string& field, const std::string& reason) {
    const auto* f = M::descriptor()->FindFieldByName(field);
    const std::string value = record.GetReflection()->GetString(record, f);
    if (value.empty()) return absl::OkStatus();
    auto holder = table_.FindByField(s, key.library_id, field, value, key.id);
    if (!holder.ok()) return holder.status();
    if (!*holder) return absl::OkStatus();
    const std::string holder_name = table_.Name({key.library_id, **holder});
    return api::Error(absl::StatusCode::kAlreadyExists, reason,
                      absl::StrCat(api::LibraryName(key.library_id), " already has ", field, " ",
                                   api::Quote(value), ": ", holder_name),
                      {{"field", field}, {"existing", holder_name}});
  }

  // A unique key hit by a concurrent writer: name the holder if we can.
  absl::Status UniqueError(Session& s, const ResourceKey& key, const M& record,
                           absl::Status original) {
    if (api::ErrorReason(original) != "DUPLICATE_VALUE") return original;
    for (const auto& [field, reason] : rules_.unique_fields) {
      absl::Status ok = CheckUnique(s, key, record, field, reason);
      if (!ok.ok()) return ok;
    }
    return original;
  }

  absl::Status Insert(Session& s, const Row& row, const M& record) {
    absl::Status ok = table_.Insert(s, row, record);
    if (ok.code() == absl::StatusCode::kAlreadyExists) ok = UniqueError(s, row.key, record, ok);
    return ok;
  }

  storage::ConnectionPool& pool_;
  ResourceRules<M> rules_;
  const storage::ResourceTable& table_;
};

}  // namespace allies::services

#endif  // ALLIES_SERVICES_COMMON_RESOURCE_METHODS_H_
