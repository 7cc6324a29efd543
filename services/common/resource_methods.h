// The standard methods (AIP-131..135, plus Undelete) and state-changing custom methods of any
// resource stored in a ResourceTable (libraries, API keys, the activity log, partners, contacts,
// agreements, and collections nested in them at any depth), written once. A service describes
// its resource with ResourceRules (its table, mutable and unique fields, validation, and the
// rules that need the database) and its handlers call these methods; what every resource shares
// lives here and only here:
//   - names parsed by the table's pattern; the caller's library scope checked first
//     (storage::scope); "-" in a List's parent at any level lists across the caller's reach;
//   - output-only fields ignored on input, update masks resolved against the mutable fields;
//     validation that needs no database before a connection is taken;
//   - the references the table declares checked (same library, exists, live, within reach);
//   - a resource is created and brought back only under a live parent (library or resource);
//     one with live children is deleted only with force, which deletes them too;
//   - etags checked, revisions bumped, soft delete and undelete;
//   - unique fields per library (ALREADY_EXISTS naming the holder);
//   - request_id idempotency (storage::RunIdempotent) on Create, Undelete and custom methods;
//   - a SYSTEM activity entry with the changed field paths in the same transaction as every
//     change (one core, Modify: load -> check etag -> change -> save -> record).
#ifndef ALLIES_SERVICES_COMMON_RESOURCE_METHODS_H_
#define ALLIES_SERVICES_COMMON_RESOURCE_METHODS_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/repeated_field.h>
#include <grpcpp/server_context.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
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
#include "api/policy.h"
#include "api/proto_time.h"
#include "api/rpc.h"
#include "storage/idempotency.h"
#include "storage/people.h"
#include "storage/pool.h"
#include "storage/resource_table.h"
#include "storage/scope.h"
#include "storage/transaction.h"

namespace allies::services {

// What the rules of a change get: its transaction, the caller, its time and request id.
struct WriteContext {
  storage::Session& session;
  const api::Call& call;
  absl::Time now;
  std::string request_id;  // the request's, or the call's when it has none
  bool creating = false;   // the resource is being created (it has no row yet)
};

template <typename M>
struct ResourceRules {
  const storage::ResourceTable* table = nullptr;
  std::string field;  // "partner": the request field that holds the resource
  std::vector<std::string> mutable_fields;
  // Fields unique within a library, with the ErrorInfo reason when taken ("PARTNER_INN_TAKEN").
  std::vector<std::pair<std::string, std::string>> unique_fields;
  // Rewrites input to its canonical form (phones, e-mails) before it is checked. Optional.
  std::function<void(M&)> normalize;
  // Fills what a new resource starts with (a state, the caller as its author, ...). Optional.
  std::function<void(const api::Call&, absl::Time now, M&)> defaults;
  // Adds violations (paths "<field>.<name>") for the given fields of the resource. No database.
  std::function<void(const M&, const std::vector<std::string>&, api::FieldViolations&)> check;
  // Rules across fields (date order, INN length against the kind), given the fields known:
  // before a connection is taken with those the request carries, and again on the changed
  // resource with all of them. No database. Optional.
  std::function<void(const M&, const std::vector<std::string>& known, api::FieldViolations&)>
      check_record;
  // May these fields change, given the current resource? (e.g. by state). Optional.
  std::function<absl::Status(const M& current, const std::vector<std::string>& fields)> updatable;
  // Rules on the version about to be written (create and update) that need the database, in its
  // transaction (`changed`: the fields that changed, every field on create). Optional.
  std::function<absl::Status(WriteContext&, const storage::ResourceKey&, const M&,
                             const std::vector<std::string>& changed)>
      check_write;
  // Refuses a delete (FAILED_PRECONDITION) while dependents exist, unless force. Optional.
  std::function<absl::Status(WriteContext&, const storage::ResourceKey&, const M&, bool force)>
      before_delete;
  // After every write of a resource (create: `before` is null), in its transaction: what other
  // rows keep about it. Optional.
  std::function<absl::Status(WriteContext&, const storage::ResourceKey&, const M* before,
                             const M& after)>
      after_write;
  // A nested resource's output-only field that shows its parent's name ("volunteer" of a
  // volunteer's qualification), filled on create; declared as a reference in its table, so
  // that the walks over references (export, erasure, merge) see the resource. Optional.
  std::string parent_field;
  // Once an update is known to be good, in its transaction: what it decides from the database
  // about the resource's own output fields and other rows (a schedule's future shifts, and
  // those it kept); adds the paths it changed to `changed`. Optional.
  std::function<absl::Status(WriteContext&, const storage::ResourceKey&, const M& before, M& after,
                             std::vector<std::string>& changed)>
      settle_update;
  // Once a create is known to be good, in its transaction, before the write: what it decides
  // from the database about the new resource's own output fields (a meeting's local date and
  // who is in office then, an agenda item's place at the end). May run again when the
  // transaction is retried: it sets fields, it does not add to them. Optional.
  std::function<absl::Status(WriteContext&, const storage::ResourceKey&, M&)> settle_create;
  // Fills output fields derived from what was read (a shift's local times in its library's
  // time zone), on every resource a method returns. No database. Optional.
  std::function<void(M&)> present;
};

// What a List method passes on.
struct ListArgs {
  absl::string_view method;  // "ListPartners"
  // "libraries/{library}", "libraries/-", "libraries/-/projects/-", ... ("" for a root table).
  absl::string_view parent;
  int32_t page_size = 0;
  absl::string_view page_token;
  absl::string_view filter;
  absl::string_view order_by;
  bool show_deleted = false;
  // A method's own condition (in terms of the row "t") and what it depends on (bound into the
  // page token).
  storage::SqlClause condition;
  std::string context;
  absl::string_view default_order;
  // A library the caller must reach for the list to be answered (ListLibraries' parent).
  std::optional<std::string> within_library;

  // Keeps the rows of `library` and of every library below it (a library standing for its
  // subtree, in lists across the network), which the caller must reach: `condition` gains it.
  void WithinSubtree(const std::string& library) {
    storage::SqlClause subtree = storage::scope::WithinSubtree("t.library_id", library);
    absl::StrAppend(&condition.sql, condition.sql.empty() ? "" : " AND ", subtree.sql);
    condition.params.insert(condition.params.end(), subtree.params.begin(), subtree.params.end());
    within_library = library;
  }

  // The arguments of a List request: page_size, page_token and filter, and parent, order_by
  // and show_deleted where the request has them.
  template <typename Request>
  static ListArgs Of(absl::string_view method, const Request& r) {
    ListArgs args;
    args.method = method;
    args.page_size = r.page_size();
    args.page_token = r.page_token();
    args.filter = r.filter();
    if constexpr (Has<Request>::kParent) args.parent = r.parent();
    if constexpr (Has<Request>::kOrderBy) args.order_by = r.order_by();
    if constexpr (Has<Request>::kShowDeleted) args.show_deleted = r.show_deleted();
    return args;
  }

 private:
  template <typename R, typename = void>
  struct HasParent : std::false_type {};
  template <typename R>
  struct HasParent<R, std::void_t<decltype(std::declval<R>().parent())>> : std::true_type {};
  template <typename R, typename = void>
  struct HasOrderBy : std::false_type {};
  template <typename R>
  struct HasOrderBy<R, std::void_t<decltype(std::declval<R>().order_by())>> : std::true_type {};
  template <typename R, typename = void>
  struct HasShowDeleted : std::false_type {};
  template <typename R>
  struct HasShowDeleted<R, std::void_t<decltype(std::declval<R>().show_deleted())>>
      : std::true_type {};
  template <typename R>
  struct Has {
    static constexpr bool kParent = HasParent<R>::value;
    static constexpr bool kOrderBy = HasOrderBy<R>::value;
    static constexpr bool kShowDeleted = HasShowDeleted<R>::value;
  };
};

// ---------------------------------------------------------------------------------------------
// What does not depend on the message type (resource_methods.cc).

// The library a row belongs to, for scope and for its activity entries: its key's library, or
// (API keys) the library its scope field names; "" for what belongs to the network.
std::string ScopeLibrary(const storage::ResourceTable& table, const storage::ResourceKey& key,
                         const google::protobuf::Message& record);
// OK when the caller reaches `library_id` ("": network principals only); else PERMISSION_DENIED
// naming `resource`.
absl::Status CheckInScope(storage::Session& s, const api::Principal& principal,
                          const std::string& library_id, absl::string_view resource);
// Adds a violation for each reference among `fields` that is not a name of the collection its
// field declares (before any connection is taken).
void CheckReferenceNames(const storage::ResourceTable& table,
                         const google::protobuf::Message& record,
                         const std::vector<std::string>& fields, absl::string_view prefix,
                         api::FieldViolations& violations);
// The references among `changed` of a resource of library `library_id` (FieldColumn::References):
// well formed, and as the field's reach says, in the same library or within the caller's reach,
// existing and live (share-locked). `prefix` is the request field ("agreement").
absl::Status CheckReferences(WriteContext& ctx, const storage::ResourceTable& table,
                             const std::string& library_id, const google::protobuf::Message& record,
                             const std::vector<std::string>& changed, absl::string_view prefix);
// What holds the row exists and is live: its library (NOT_FOUND, or FAILED_PRECONDITION
// PARENT_DELETED), its parent resource (NOT_FOUND PARENT_NOT_FOUND or PARENT_DELETED), and when
// it is brought back (not `creating`: a create checks it as a reference), the resource its
// table's container field names (a library's parent).
absl::Status CheckParentLive(storage::Session& s, const storage::ResourceTable& table,
                             const storage::ResourceKey& key,
                             const google::protobuf::Message& record, bool creating);
// FAILED_PRECONDITION (RESOURCE_HAS_CHILDREN) when a collection nested in the table has a live
// resource under `key`.
absl::Status CheckNoLiveChildren(storage::Session& s, const storage::ResourceTable& table,
                                 const storage::ResourceKey& key);
// FAILED_PRECONDITION, with the declared reason, while a live resource refers to `name` in a
// way that keeps it (FieldColumn::PreventsDeleteWhile: a partner's agreements in force).
absl::Status CheckNoBlockingReferrers(storage::Session& s, const std::string& name);
// Soft-deletes every live resource nested under `key`, at any depth, each with its DELETE entry.
absl::Status DeleteChildren(WriteContext& ctx, const storage::ResourceTable& table,
                            const storage::ResourceKey& key);
// The SYSTEM entry for a change of `key` of `table` (none for what belongs to no library, nor
// for a table that is not logged).
absl::Status RecordChange(WriteContext& ctx, const storage::ResourceTable& table,
                          absl::string_view verb, const storage::ResourceKey& key,
                          const google::protobuf::Message& record, std::vector<std::string> fields,
                          absl::Time when);
// The same for a row changed without its message at hand (a cascade, a re-pointed or scrubbed
// row; its library is its key's), at the context's time.
absl::Status RecordChange(WriteContext& ctx, const storage::ResourceTable& table,
                          absl::string_view verb, const storage::ResourceKey& key,
                          std::vector<std::string> fields);
// A change's time: now, but never before the last one (clocks may step back).
absl::Time NextTime(const google::protobuf::Message& record);

// The caller of a server's own job (housekeeping: the destruction of personal data, the
// extension of schedules): the principal "system", reaching every library, as its entries'
// actor; its method "allies.system/<job>" and a request id of the job's run at `now`.
class SystemCall {
 public:
  SystemCall(absl::string_view job, absl::Time now);
  SystemCall(const SystemCall&) = delete;
  SystemCall& operator=(const SystemCall&) = delete;
  const api::Call& call() const { return call_; }

 private:
  api::MethodInfo method_;
  grpc::ServerContext context_;
  api::Call call_;
};

// ---------------------------------------------------------------------------------------------

template <typename M>
class ResourceMethods {
 public:
  using Row = storage::ResourceTable::Row;
  using ResourceKey = storage::ResourceKey;
  using Session = storage::Session;
  // Changes the locked resource; returns the paths of what it changed.
  using ChangeFn = std::function<absl::StatusOr<std::vector<std::string>>(WriteContext&,
                                                                          const ResourceKey&, M&)>;

  ResourceMethods(storage::ConnectionPool& pool, ResourceRules<M> rules)
      : pool_(pool),
        rules_(std::move(rules)),
        table_(*rules_.table),
        need_to_know_(storage::people::HasNeedToKnow(table_)) {}

  const storage::ResourceTable& table() const { return table_; }
  const ResourceRules<M>& rules() const { return rules_; }
  storage::ConnectionPool& pool() const { return pool_; }

  absl::Status Get(const api::Call& call, absl::string_view name, M* out) {
    auto key = table_.ParseName(name, "name");
    if (!key.ok()) return key.status();
    return storage::RunRead(
        pool_,
        [&](Session& s) -> absl::Status {
          Row row;
          absl::Status ok = LoadInScope(s, call, *key, name, storage::Lock::kNone, &row, out);
          if (ok.ok()) Present(call, out);
          return ok;
        },
        call.deadline());
  }

  // The resource as the caller may see it: need to know (TableOptions::need_to_know) clears
  // the personal fields its role may not see.
  void Present(const api::Call& call, M* record) const {
    if (rules_.present) rules_.present(*record);
    if (need_to_know_) storage::people::Withhold(table_, MayKnow(call), record);
  }

  // A change's response as the caller may see it (need to know; replays of a stored response
  // too): the personal fields its role may not see are cleared, as Get clears them.
  absl::Status Shown(const api::Call& call, M* out, absl::Status ok) const {
    if (ok.ok() && need_to_know_) storage::people::Withhold(table_, MayKnow(call), out);
    return ok;
  }

  absl::Status List(const api::Call& call, const ListArgs& args,
                    google::protobuf::RepeatedPtrField<M>* out, std::string* next_page_token) {
    auto parent = table_.ParseListParent(args.parent, "parent");
    if (!parent.ok()) return parent.status();
    const std::string context = absl::StrCat(
        "parent=", args.parent, "|show_deleted=", args.show_deleted ? 1 : 0, "|", args.context);
    const api::ListInputs inputs{args.method,   args.page_size,     args.page_token, args.filter,
                                 args.order_by, args.default_order, context};
    const bool withheld = need_to_know_;
    // The parsed list points into its schema: the schema outlives it.
    std::optional<api::FilterSchema> visible;
    if (withheld) visible = storage::people::VisibleSchema(table_, MayKnow(call));
    auto list = api::ParseList(inputs, visible ? *visible : table_.schema());
    if (!list.ok() && withheld && api::ParseList(inputs, table_.schema()).ok()) {
      return api::Error(
          absl::StatusCode::kPermissionDenied, "NEED_TO_KNOW",
          absl::StrCat(call.principal().name, " may not filter or order by personal fields of ",
                       table_.collection_path(), " (its role does not manage them)"),
          {{"principal", call.principal().name}});
    }
    if (!list.ok()) return list.status();
    storage::ResourceListQuery query;
    query.parent = *std::move(parent);
    query.show_deleted = args.show_deleted;
    query.condition = args.condition;
    query.window = storage::scope::Window(*list, call.principal());
    const std::optional<std::string>& library =
        args.within_library ? args.within_library : query.parent.library_id;
    return storage::RunRead(
        pool_,
        [&](Session& s) -> absl::Status {
          if (library) {
            absl::Status in_scope = storage::scope::Check(
                s, call.principal(), *library,
                args.within_library ? api::LibraryName(*library) : std::string(args.parent));
            if (!in_scope.ok()) return in_scope;
          }
          out->Clear();
          auto rows =
              table_.List(s, query, [&]() -> google::protobuf::Message* { return out->Add(); });
          if (!rows.ok()) return rows.status();
          *next_page_token = api::NextPage(*rows, *list, [&](const Row& last) {
            return table_.SortKey(last, out->Get(static_cast<int>(rows->size()) - 1), list->order);
          });
          const int page = static_cast<int>(rows->size());
          if (out->size() > page) out->DeleteSubrange(page, out->size() - page);
          if (withheld || rules_.present) {
            for (M& record : *out) Present(call, &record);
          }
          return absl::OkStatus();
        },
        call.deadline());
  }

  // What else a create does in its transaction, once the resource is written (a volunteer's
  // consent).
  using CreateHook = std::function<absl::Status(WriteContext&, const ResourceKey&, const M&)>;

  // Creates a resource under `parent` ("" for a root collection). `extra` fills the table's
  // extra columns; `along` runs in the same transaction after the write, `first` before it
  // (what the resource needs to exist first: a council member's person given with it).
  absl::Status Create(const api::Call& call, absl::string_view parent, const M& resource,
                      absl::string_view id, absl::string_view request_id,
                      const google::protobuf::Message& request, M* out,
                      std::vector<storage::SqlValue> extra = {}, const CreateHook& along = {},
                      const CreateHook& first = {}) {
    api::FieldViolations violations;
    auto parent_key = table_.ParseCreateParent(parent, "parent");
    if (!parent_key.ok()) violations.AddFrom(parent_key.status(), "parent");
    M record;
    const absl::Time now = storage::NowMicros();
    Prepare(call, now, resource, id, rules_.field, &record, violations);
    if (!violations.empty()) return violations.ToStatus();
    absl::Status valid = storage::ValidateRequestId(request_id);
    if (!valid.ok()) return valid;

    Row row;
    row.key = *parent_key;
    row.key.id = id.empty() ? api::GenerateResourceId() : std::string(id);
    if (table_.root() && table_.options().scope_field.empty()) row.key.library_id = row.key.id;
    row.extra = std::move(extra);
    FillParentField(row.key, &record);
    // Remembered with what the request names (a generated id differs per attempt).
    const std::string request_library = CreateScope(row.key, record);
    return Shown(
        call, out,
        storage::RunIdempotent(
            pool_, request_library, call.principal().name, call.method(), request_id, request, out,
            [&](Session& s) -> absl::Status {
              WriteContext ctx{s, call, now, RequestIdOf(call, request_id), /*creating=*/true};
              absl::Status ok = CheckInScope(
                  s, call.principal(), request_library,
                  parent.empty() ? absl::string_view(CreateScopeName(record)) : parent);
              if (ok.ok() && first) ok = first(ctx, row.key, record);
              if (ok.ok() && rules_.settle_create) ok = rules_.settle_create(ctx, row.key, record);
              if (ok.ok()) ok = Write(ctx, row, record, out);
              if (ok.ok() && along) ok = along(ctx, row.key, *out);
              return ok;
            },
            call.deadline()));
  }

  // A create inside another change's transaction (the caller checked its scope): `resource`
  // validated (violations under `prefix`) and written under `parent_key` with id `id` (empty:
  // generated). A volunteer's consent given with the application. `settle` fills, in the
  // transaction, what the create decides from the database (a sign-up's state), before the
  // write.
  absl::Status CreateIn(WriteContext& ctx, const ResourceKey& parent_key, const M& resource,
                        absl::string_view id, absl::string_view prefix, M* out,
                        const std::function<absl::Status(M&)>& settle = {}) {
    api::FieldViolations violations;
    M record;
    Prepare(ctx.call, ctx.now, resource, id, prefix, &record, violations);
    if (!violations.empty()) return violations.ToStatus();
    if (settle) {
      absl::Status ok = settle(record);
      if (!ok.ok()) return ok;
    }
    Row row;
    row.key = parent_key;
    row.key.id = id.empty() ? api::GenerateResourceId() : std::string(id);
    FillParentField(row.key, &record);
    if (rules_.settle_create) {
      absl::Status ok = rules_.settle_create(ctx, row.key, record);
      if (!ok.ok()) return ok;
    }
    return Write(ctx, row, record, out);
  }

  // What a create checks before it needs the database, for a request carrying `resource` in
  // its field `prefix`: the new resource (mutable fields, normalized, with its defaults) goes to
  // `record`.
  void Prepare(const api::Call& call, absl::Time now, const M& resource, absl::string_view id,
               absl::string_view prefix, M* record, api::FieldViolations& violations) const {
    if (!id.empty() && !api::IsValidResourceId(id)) {
      violations.Add(
          absl::StrCat(rules_.field, "_id"),
          absl::StrCat("must match [a-z][a-z0-9-]{0,62} or be a number, got ", api::Quote(id)));
    }
    api::CopyFields(resource, rules_.mutable_fields, record);  // output-only fields ignored
    if (rules_.normalize) rules_.normalize(*record);
    if (rules_.defaults) rules_.defaults(call, now, *record);
    api::FieldViolations found;
    if (rules_.check) rules_.check(*record, rules_.mutable_fields, found);
    CheckReferenceNames(table_, *record, rules_.mutable_fields, rules_.field, found);
    if (rules_.check_record) rules_.check_record(*record, rules_.mutable_fields, found);
    violations.Merge(found, rules_.field, prefix);
    api::ToTimestamp(now, record->mutable_create_time());
    api::ToTimestamp(now, record->mutable_update_time());
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
    if (rules_.check) rules_.check(input, *fields, violations);
    CheckReferenceNames(table_, input, *fields, rules_.field, violations);
    if (rules_.check_record) rules_.check_record(input, *fields, violations);
    if (!violations.empty()) return violations.ToStatus();
    return Shown(
        call, out,
        storage::RunInTransaction(
            pool_,
            [&](Session& s) -> absl::Status {
              WriteContext ctx{s, call, storage::NowMicros(), call.request_id()};
              return Modify(
                  ctx, *key, resource.name(), resource.etag(), /*allow_deleted=*/false, "UPDATE",
                  [&](M& record) -> absl::StatusOr<std::vector<std::string>> {
                    if (rules_.updatable) {
                      absl::Status ok = rules_.updatable(record, *fields);
                      if (!ok.ok()) return ok;
                    }
                    const M before = record;
                    api::CopyFields(input, *fields, &record);
                    std::vector<std::string> changed = api::ChangedFields(before, record, *fields);
                    if (rules_.check_record) {
                      api::FieldViolations merged;
                      rules_.check_record(record, rules_.mutable_fields, merged);
                      if (!merged.empty()) return merged.ToStatus();
                    }
                    absl::Status ok = CheckWrite(ctx, *key, record, changed);
                    // A person's former names and contact points are still theirs to erase.
                    if (ok.ok() && storage::people::HoldsPeople(table_)) {
                      ok = storage::people::RememberFormer(s, table_, *key, before, record);
                    }
                    if (ok.ok() && rules_.settle_update) {
                      ok = rules_.settle_update(ctx, *key, before, record, changed);
                    }
                    if (!ok.ok()) return ok;
                    return changed;
                  },
                  out);
            },
            storage::Until(call.deadline())));
  }

  absl::Status Delete(const api::Call& call, absl::string_view name, absl::string_view etag,
                      bool force, M* out) {
    auto key = table_.ParseName(name, "name");
    if (!key.ok()) return key.status();
    return Shown(call, out,
                 storage::RunInTransaction(
                     pool_,
                     [&](Session& s) -> absl::Status {
                       WriteContext ctx{s, call, storage::NowMicros(), call.request_id()};
                       absl::Status ok = Modify(
                           ctx, *key, name, etag, /*allow_deleted=*/false, "DELETE",
                           [&](M& record) -> absl::StatusOr<std::vector<std::string>> {
                             if (rules_.before_delete) {
                               absl::Status refused =
                                   rules_.before_delete(ctx, *key, record, force);
                               if (!refused.ok()) return refused;
                             }
                             if (!force) {
                               absl::Status refused = CheckNoLiveChildren(s, table_, *key);
                               if (refused.ok())
                                 refused = CheckNoBlockingReferrers(s, table_.Name(*key));
                               if (!refused.ok()) return refused;
                             }
                             api::ToTimestamp(NextTime(record), record.mutable_delete_time());
                             return std::vector<std::string>{"delete_time"};
                           },
                           out);
                       if (ok.ok() && force) ok = DeleteChildren(ctx, table_, *key);
                       return ok;
                     },
                     storage::Until(call.deadline())));
  }

  absl::Status Undelete(const api::Call& call, absl::string_view name, absl::string_view etag,
                        absl::string_view request_id, const google::protobuf::Message& request,
                        M* out) {
    auto key = table_.ParseName(name, "name");
    if (!key.ok()) return key.status();
    absl::Status valid = storage::ValidateRequestId(request_id);
    if (!valid.ok()) return valid;
    return Shown(
        call, out,
        storage::RunIdempotent(
            pool_, key->library_id, call.principal().name, call.method(), request_id, request, out,
            [&](Session& s) -> absl::Status {
              WriteContext ctx{s, call, storage::NowMicros(), RequestIdOf(call, request_id)};
              return Modify(
                  ctx, *key, name, etag, /*allow_deleted=*/true, "UNDELETE",
                  [&](M& record) -> absl::StatusOr<std::vector<std::string>> {
                    if (!record.has_delete_time()) {
                      return api::Error(absl::StatusCode::kAlreadyExists, "RESOURCE_NOT_DELETED",
                                        absl::StrCat(name, " is not deleted"),
                                        {{"resource", std::string(name)}});
                    }
                    absl::Status ok = CheckParentLive(s, table_, *key, record, /*creating=*/false);
                    if (!ok.ok()) return ok;
                    record.clear_delete_time();
                    return std::vector<std::string>{"delete_time"};
                  },
                  out);
            },
            call.deadline()));
  }

  // A custom method that changes one live resource (ActivateAgreement, ...): scope, lock, etag,
  // then `change`; the result is written with a system entry whose verb is `verb`. With
  // `allow_deleted`, a deleted resource is changed too (erasure). `first` runs in the
  // transaction before the resource is locked: what must be locked before it (a sign-up's
  // shift, which every change of its sign-ups locks first).
  using FirstFn = std::function<absl::Status(WriteContext&, const ResourceKey&)>;
  absl::Status Change(const api::Call& call, absl::string_view verb, absl::string_view name,
                      absl::string_view etag, absl::string_view request_id,
                      const google::protobuf::Message& request, const ChangeFn& change, M* out,
                      bool allow_deleted = false, const FirstFn& first = {}) {
    auto key = table_.ParseName(name, "name");
    if (!key.ok()) return key.status();
    absl::Status valid = storage::ValidateRequestId(request_id);
    if (!valid.ok()) return valid;
    return Shown(
        call, out,
        storage::RunIdempotent(
            pool_, key->library_id, call.principal().name, call.method(), request_id, request, out,
            [&](Session& s) -> absl::Status {
              WriteContext ctx{s, call, storage::NowMicros(), RequestIdOf(call, request_id)};
              if (first) {
                absl::Status ok = storage::scope::Check(s, call.principal(), key->library_id, name);
                if (ok.ok()) ok = first(ctx, *key);
                if (!ok.ok()) return ok;
              }
              return Modify(
                  ctx, *key, name, etag, allow_deleted, verb,
                  [&](M& record) { return change(ctx, *key, record); }, out);
            },
            call.deadline()));
  }

  // Building blocks for methods that touch several resources in one transaction (merges).

  // Scope check, then the row locked FOR UPDATE; the etag (when sent) must match.
  absl::Status Load(Session& s, const api::Call& call, const ResourceKey& key,
                    absl::string_view name, absl::string_view etag, Row* row, M* record) {
    absl::Status ok = LoadInScope(s, call, key, name, storage::Lock::kUpdate, row, record);
    if (ok.ok()) ok = api::CheckEtag(etag, record->etag(), name);
    return ok;
  }

  // Load, and FAILED_PRECONDITION (RESOURCE_DELETED) for a deleted resource.
  absl::Status LoadLive(Session& s, const api::Call& call, const ResourceKey& key,
                        absl::string_view name, absl::string_view etag, Row* row, M* record) {
    absl::Status ok = Load(s, call, key, name, etag, row, record);
    if (ok.ok() && IsDeleted(*record)) {
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
  absl::Status Record(WriteContext& ctx, absl::string_view verb, const ResourceKey& key,
                      const M& record, std::vector<std::string> fields, absl::Time when) {
    return RecordChange(ctx, table_, verb, key, record, std::move(fields), when);
  }

 private:
  // What every single-resource change shares, inside its transaction: the resource loaded and
  // locked (live, unless `allow_deleted`), changed by `change` (which returns the changed
  // paths), saved, and recorded with `verb`; the result goes to `out`.
  absl::Status Modify(WriteContext& ctx, const ResourceKey& key, absl::string_view name,
                      absl::string_view etag, bool allow_deleted, absl::string_view verb,
                      const std::function<absl::StatusOr<std::vector<std::string>>(M&)>& change,
                      M* out) {
    Row row;
    M record;
    absl::Status ok = allow_deleted
                          ? Load(ctx.session, ctx.call, key, name, etag, &row, &record)
                          : LoadLive(ctx.session, ctx.call, key, name, etag, &row, &record);
    if (!ok.ok()) return ok;
    // The version before the change, for the rules that keep state about it elsewhere.
    std::optional<M> before;
    if (rules_.after_write) before = record;
    auto changed = change(record);
    if (!changed.ok()) return changed.status();
    ok = Save(ctx.session, row, record);
    if (ok.ok()) ok = Record(ctx, verb, key, record, *changed, UpdateTime(record));
    if (ok.ok() && before) ok = rules_.after_write(ctx, key, &*before, record);
    if (!ok.ok()) return ok;
    *out = record;
    return ReadBack(ctx.session, row, out);
  }

 public:
  // The resource as a change returns it: read back where fields are computed, then presented
  // (ResourceRules::present).
  absl::Status ReadBack(Session& s, const Row& row, M* out) {
    if (table_.has_computed_fields()) {
      Row read;
      absl::Status ok = table_.Get(s, row.key, storage::Lock::kNone, &read, out);
      if (!ok.ok()) return ok;
    }
    if (rules_.present) rules_.present(*out);
    return absl::OkStatus();
  }

 private:
  void FillParentField(const ResourceKey& key, M* record) const {
    if (rules_.parent_field.empty()) return;
    record->GetReflection()->SetString(
        record, M::descriptor()->FindFieldByName(rules_.parent_field), table_.ParentName(key));
  }

  static storage::people::MayKnow MayKnow(const api::Call& call) {
    const api::Role role = call.principal().role;
    return [role](v1::Permission p) { return api::RoleGrants(role, p); };
  }

  // A new row, in its create's transaction: its parent live, its references, rules and unique
  // fields checked, inserted and recorded.
  absl::Status Write(WriteContext& ctx, const Row& row, const M& record, M* out) {
    absl::Status ok = CheckParentLive(ctx.session, table_, row.key, record, /*creating=*/true);
    if (ok.ok()) ok = CheckWrite(ctx, row.key, record, rules_.mutable_fields);
    if (ok.ok()) ok = Insert(ctx.session, ctx.call, row, record);
    if (ok.ok()) {
      ok = Record(ctx, "CREATE", row.key, record,
                  api::ChangedFields(M(), record, rules_.mutable_fields), ctx.now);
    }
    if (ok.ok() && rules_.after_write) ok = rules_.after_write(ctx, row.key, nullptr, record);
    if (!ok.ok()) return ok;
    *out = record;
    FillStandard(row, out);
    return ReadBack(ctx.session, row, out);
  }

  // The row, once the caller is known to reach it: before reading when its name tells its
  // library, after reading otherwise (API keys; a missing one looks like one out of reach).
  absl::Status LoadInScope(Session& s, const api::Call& call, const ResourceKey& key,
                           absl::string_view name, storage::Lock lock, Row* row, M* record) {
    if (!key.library_id.empty()) {
      absl::Status in_scope = storage::scope::Check(s, call.principal(), key.library_id, name);
      if (!in_scope.ok()) return in_scope;
      return table_.Get(s, key, lock, row, record);
    }
    absl::Status ok = table_.Get(s, key, lock, row, record);
    if (ok.code() == absl::StatusCode::kNotFound && !call.principal().library_id.empty()) {
      return api::OutOfScope(name);
    }
    if (!ok.ok()) return ok;
    return CheckInScope(s, call.principal(), ScopeLibrary(table_, key, *record), name);
  }

  // The library whose reach a create needs: the parent's, or for a root collection the library
  // its scope field or container names ("" for the network).
  std::string CreateScope(const ResourceKey& key, const M& record) const {
    if (!table_.root()) return key.library_id;
    const std::string& field = !table_.options().scope_field.empty()
                                   ? table_.options().scope_field
                                   : table_.options().container_field;
    if (field.empty()) return "";
    return std::string(api::LibraryIdOf(api::StringField(record, field)));
  }
  std::string CreateScopeName(const M& record) const {
    const std::string library = CreateScope({}, record);
    return library.empty() ? "the network's root" : api::LibraryName(library);
  }

  static std::string RequestIdOf(const api::Call& call, absl::string_view request_id) {
    return request_id.empty() ? call.request_id() : std::string(request_id);
  }
  static bool IsDeleted(const M& record) {
    static const auto* f = M::descriptor()->FindFieldByName("delete_time");  // none: keys
    return f != nullptr && record.GetReflection()->HasField(record, f);
  }
  static absl::Time UpdateTime(const M& record) { return api::FromTimestamp(record.update_time()); }

  void FillStandard(const Row& row, M* record) const {
    record->set_name(table_.Name(row.key));
    record->set_etag(api::ComputeEtag(row.revision, UpdateTime(*record)));
  }

  // References, the rules' own checks and unique fields of the version about to be written.
  absl::Status CheckWrite(WriteContext& ctx, const ResourceKey& key, const M& record,
                          const std::vector<std::string>& changed) {
    absl::Status ok = CheckReferences(ctx, table_, ScopeLibrary(table_, key, record), record,
                                      changed, rules_.field);
    if (ok.ok() && rules_.check_write) ok = rules_.check_write(ctx, key, record, changed);
    if (!ok.ok()) return ok;
    for (const auto& [field, reason] : rules_.unique_fields) {
      if (!api::HasPath(changed, field)) continue;
      ok = CheckUnique(ctx.session, key, record, field, reason);
      if (!ok.ok()) return ok;
    }
    return absl::OkStatus();
  }

  absl::Status CheckUnique(Session& s, const ResourceKey& key, const M& record,
                           const std::string& field, const std::string& reason) {
    const auto* f = M::descriptor()->FindFieldByName(field);
    const std::string value = record.GetReflection()->GetString(record, f);
    if (value.empty()) return absl::OkStatus();
    auto holder = table_.FindByField(s, key.library_id, field, value, key);
    if (!holder.ok()) return holder.status();
    if (!*holder) return absl::OkStatus();
    const std::string holder_name = table_.Name(**holder);
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

  absl::Status Insert(Session& s, const api::Call& call, const Row& row, const M& record) {
    absl::Status ok = table_.Insert(s, row, record);
    if (ok.code() != absl::StatusCode::kAlreadyExists) return ok;
    if (table_.root() && api::ErrorReason(ok) == "RESOURCE_ALREADY_EXISTS") {
      // Root ids are global: a scoped caller must not learn of one outside its reach.
      Row existing;
      M holder;
      absl::Status visible = LoadInScope(s, call, row.key, table_.Name(row.key),
                                         storage::Lock::kNone, &existing, &holder);
      if (!visible.ok() && visible.code() == absl::StatusCode::kPermissionDenied) return visible;
      return ok;
    }
    return UniqueError(s, row.key, record, ok);
  }

  storage::ConnectionPool& pool_;
  ResourceRules<M> rules_;
  const storage::ResourceTable& table_;
  // Whether some personal field may be hidden from a caller (computed once: it walks every
  // table for fields naming "*"; Get and List are hot paths).
  const bool need_to_know_;
};

}  // namespace allies::services

#endif  // ALLIES_SERVICES_COMMON_RESOURCE_METHODS_H_
