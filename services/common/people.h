// What the services do with people (contacts now; volunteers and council members next), on the
// declarations of storage/people.h: merge duplicates, export everything held on a person, erase
// it. Each change is recorded like any other.
#ifndef ALLIES_SERVICES_COMMON_PEOPLE_H_
#define ALLIES_SERVICES_COMMON_PEOPLE_H_

#include <google/protobuf/message.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "allies/v1/activity.pb.h"
#include "allies/v1/consent.pb.h"
#include "services/common/resource_methods.h"
#include "storage/idempotency.h"
#include "storage/people.h"

namespace allies::services {

// Merges `source` into `target` (people of `table`, both loaded and locked): every reference to
// the source now names the target (each row re-pointed gets a new revision and an UPDATE entry,
// unless its table is not logged), and every value the source is known by becomes one the
// target was known by.
absl::Status MergePerson(WriteContext& ctx, const storage::ResourceTable& table,
                         const storage::ResourceKey& source,
                         const google::protobuf::Message& source_person,
                         const storage::ResourceKey& target,
                         const google::protobuf::Message& target_person);

// A destruction later than this after its consent's destroy_due is overdue (the server's job
// runs hourly).
inline constexpr absl::Duration kDestructionGrace = absl::Hours(24);

// What an erasure destroyed, and the act that records it.
struct Destruction {
  std::vector<std::string> fields;  // the person's own fields that had a value
  std::string record;               // "libraries/{l}/destructions/{d}"
};

// Writes the act of a destruction (a DestructionRecord in `library_id`, with its CREATE entry):
// `act` says whose data, under which consent, why and what; the time, the actor and whether it
// came later than its due_time allows (kDestructionGrace) are the context's. Returns its name.
absl::StatusOr<std::string> WriteDestructionAct(WriteContext& ctx, const std::string& library_id,
                                                v1::DestructionRecord act);

// Erases a person: what is held on them outside their own row (storage::people::EraseElsewhere,
// each rewritten row of a logged table with an UPDATE entry naming the fields), then their own
// personal fields (the caller saves the person). Writes the act (a DestructionRecord in the
// person's library, with `reason`, under `consent`, or when that is empty under the person's
// latest withdrawn consent whose data is still held, else their latest consent) and marks every
// consent of the person not yet destroyed as destroyed by it (one still in force as withdrawn
// then: the erasure is the subject's demand to stop).
absl::StatusOr<Destruction> DestroyPerson(WriteContext& ctx, const storage::ResourceTable& table,
                                          const storage::ResourceKey& key,
                                          google::protobuf::Message* person, int reason,
                                          const std::string& consent = "");

// Saves a row changed outside ResourceMethods (a new revision and update time) and records it.
absl::Status SaveChanged(WriteContext& ctx, const storage::ResourceTable& table,
                         storage::ResourceTable::Row& row, google::protobuf::Message& record,
                         absl::string_view verb, std::vector<std::string> fields);

// Everything held on a person that the caller may see (besides their own row).
struct PersonExport {
  std::vector<storage::Referrer> referrers;  // resources referring to the person
  // The activity log's entries about the person: those relating them and the system entries
  // of their own changes, oldest first.
  std::vector<v1::Activity> activities;
  std::vector<std::string> former_values;  // names and contact points they were known by
};
absl::StatusOr<PersonExport> ExportPerson(storage::Session& s, const api::Principal& principal,
                                          const storage::ResourceTable& table,
                                          const storage::ResourceKey& key,
                                          const google::protobuf::Message& person);

// ExportContactData, ExportVolunteerData: in one snapshot, the person named `name` (into
// `response`'s field `person_field`) and everything held on them that the caller may see: every
// resource referring to them (`referenced_by`), the activity log's entries about them
// (`activities`) and the values they were known by (`former_values`); `each_referrer` lets the
// service add what it lists apart (a contact's agreements, a volunteer's consents).
absl::Status ExportPersonData(
    storage::ConnectionPool& pool, const api::Call& call, const storage::ResourceTable& table,
    absl::string_view name, const std::string& person_field, google::protobuf::Message* response,
    const std::function<absl::Status(storage::Session&, const storage::Referrer&)>& each_referrer);

// A group of likely duplicates: the people's names, in order, and why they were joined.
struct DuplicatePeople {
  std::vector<std::string> names;
  std::vector<std::string> reasons;
};

// Groups of likely duplicates among `people` (rows of `table`, any order, erased ones skipped):
// people sharing a value of a contact-point field (reason: the field's name in the singular,
// "email"), or the same folded full name (its first two name parts both given) and, when
// `qualifier` names a field, the same value of it (reason "full_name" or
// "full_name_<qualifier>"), joined transitively. Groups of two or more, each in name order,
// ordered by their first name.
std::vector<DuplicatePeople> GroupDuplicatePeople(
    const storage::ResourceTable& table,
    const std::vector<const google::protobuf::Message*>& people, const std::string& qualifier = "");

// The same over the live people of one library (`parent`, "libraries/{l}"), read in the caller's
// scope (at most 20 000 are compared).
absl::StatusOr<std::vector<DuplicatePeople>> FindDuplicatePeople(
    storage::ConnectionPool& pool, const api::Call& call, const storage::ResourceTable& table,
    const std::string& parent, const std::string& qualifier = "");

// FAILED_PRECONDITION (<KIND>_ERASED) for a person already erased.
absl::Status ErasedPerson(const storage::ResourceTable& table,
                          const google::protobuf::Message& person);
bool IsErased(const google::protobuf::Message& person);

// What a merge takes from a source into the target: each of `fields` the target lacks (an empty
// string or message, an unspecified enum; a reference only when it is valid for the target),
// and the values of repeated fields the target does not hold yet, in order.
void FillFromSource(WriteContext& ctx, const storage::ResourceTable& table,
                    const std::string& library_id, const std::vector<std::string>& fields,
                    const std::string& prefix, const google::protobuf::Message& source,
                    google::protobuf::Message* merged);

// MergeContacts, MergeVolunteers: merges request.sources() into request.target() (people of
// one library) in one transaction, through MergePerson; the sources are soft-deleted and
// emptied, each with a MERGE entry; repeated fields of `max_values` must still fit.
template <typename M, typename Request>
absl::Status MergePeople(ResourceMethods<M>& methods, const api::Call& call, const Request& request,
                         const std::map<std::string, int>& max_values, M* out) {
  constexpr int kMaxMergeSources = 50;
  const storage::ResourceTable& table = methods.table();
  auto target = table.ParseName(request.target(), "target");
  if (!target.ok()) return target.status();
  api::FieldViolations v;
  if (request.sources_size() == 0) {
    v.Add("sources", absl::StrCat("name at least one of ", table.collection_path(), " to merge"));
  }
  if (request.sources_size() > kMaxMergeSources) {
    v.Add("sources", absl::StrCat("at most ", kMaxMergeSources, ", got ", request.sources_size()));
  }
  std::vector<storage::ResourceKey> sources;
  std::set<std::string> seen;
  for (int i = 0; i < request.sources_size(); ++i) {
    const std::string path = absl::StrCat("sources[", i, "]");
    auto key = table.ParseName(request.sources(i), path);
    if (!key.ok()) {
      v.AddFrom(key.status(), path);
    } else if (key->library_id != target->library_id) {
      v.Add(path, absl::StrCat("is in another library than the target (",
                               api::LibraryName(target->library_id), "); only ",
                               table.collection_path(), " of one library merge"));
    } else if (request.sources(i) == request.target()) {
      v.Add(path, "is the target itself");
    } else if (!seen.insert(request.sources(i)).second) {
      v.Add(path, "is listed twice");
    } else {
      sources.push_back(*key);
    }
  }
  if (!v.empty()) return v.ToStatus();
  absl::Status valid = storage::ValidateRequestId(request.request_id());
  if (!valid.ok()) return valid;

  return storage::RunIdempotent(
      methods.pool(), target->library_id, call.principal().name, call.method(),
      request.request_id(), request, out,
      [&](storage::Session& s) -> absl::Status {
        storage::ResourceTable::Row target_row;
        M merged;
        absl::Status ok =
            methods.LoadLive(s, call, *target, request.target(), "", &target_row, &merged);
        if (ok.ok() && IsErased(merged)) ok = ErasedPerson(table, merged);
        if (!ok.ok()) return ok;
        const M before = merged;
        WriteContext ctx{s, call, NextTime(merged),
                         request.request_id().empty() ? call.request_id() : request.request_id()};
        for (size_t i = 0; i < sources.size(); ++i) {
          const std::string& name = request.sources(static_cast<int>(i));
          storage::ResourceTable::Row row;
          M source;
          ok = methods.LoadLive(s, call, sources[i], name, "", &row, &source);
          if (ok.ok() && IsErased(source)) ok = ErasedPerson(table, source);
          if (!ok.ok()) return ok;
          FillFromSource(ctx, table, target->library_id, methods.rules().mutable_fields,
                         methods.rules().field, source, &merged);
          // Every reference to the source now names the target (consents, signatures,
          // activities), and what the source was known by, the target was.
          ok = MergePerson(ctx, table, sources[i], source, *target, merged);
          if (!ok.ok()) return ok;
          // The source goes: soft-deleted and emptied (its data lives on in the target, and
          // erasing the target must not leave a copy behind), with its own entry.
          std::vector<std::string> emptied = storage::people::ClearPersonalFields(table, &source);
          emptied.push_back("delete_time");
          api::ToTimestamp(ctx.now, source.mutable_delete_time());
          api::ToTimestamp(ctx.now, source.mutable_erase_time());
          ok = methods.Save(s, row, source);
          if (ok.ok()) {
            ok = methods.Record(ctx, "MERGE", sources[i], source, emptied,
                                api::FromTimestamp(source.update_time()));
          }
          if (ok.ok()) ok = storage::ForgetResponsesContaining(s, name).status();
          if (!ok.ok()) return ok;
        }
        // United, the lists must still fit one person; the caller trims them first.
        for (const auto& [field, max] : max_values) {
          const auto* f = M::descriptor()->FindFieldByName(field);
          const int count = merged.GetReflection()->FieldSize(merged, f);
          if (count > max) {
            return api::Error(absl::StatusCode::kFailedPrecondition,
                              "MERGE_TOO_MANY_CONTACT_POINTS",
                              absl::StrCat("merged, ", request.target(), " would have ", count, " ",
                                           field, "; one holds at most ", max,
                                           ": remove some from the target or the sources first"),
                              {{"field", field}, {"count", absl::StrCat(count)}});
          }
        }
        std::vector<std::string> changed =
            api::ChangedFields(before, merged, methods.rules().mutable_fields);
        ok = methods.Save(s, target_row, merged);
        if (ok.ok()) {
          ok = methods.Record(ctx, "MERGE", *target, merged, changed,
                              api::FromTimestamp(merged.update_time()));
        }
        if (!ok.ok()) return ok;
        *out = merged;
        return absl::OkStatus();
      },
      call.deadline());
}

}  // namespace allies::services

#endif  // ALLIES_SERVICES_COMMON_PEOPLE_H_
