// What the services do with people (contacts now; volunteers and council members next), on the
// declarations of storage/people.h: merge duplicates, export everything held on a person, erase
// it. Each change is recorded like any other.
#ifndef ALLIES_SERVICES_COMMON_PEOPLE_H_
#define ALLIES_SERVICES_COMMON_PEOPLE_H_

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "allies/v1/activity.pb.h"
#include "services/common/resource_methods.h"
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

// Erases a person: what is held on them outside their own row (storage::people::EraseElsewhere,
// each rewritten row of a logged table with an UPDATE entry naming the fields), then their own
// personal fields. Returns the paths of the person's own fields that had a value.
absl::StatusOr<std::vector<std::string>> ErasePerson(WriteContext& ctx,
                                                     const storage::ResourceTable& table,
                                                     const storage::ResourceKey& key,
                                                     google::protobuf::Message* person);

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

}  // namespace allies::services

#endif  // ALLIES_SERVICES_COMMON_PEOPLE_H_
