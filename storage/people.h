// People and their personal data (152-FZ), walked through the declarations of every table: a
// table whose fields are personal data of the row itself holds people (contacts, volunteers,
// council members); other tables hold personal data of a person one of their references names,
// and free text that may mention the people they refer to. Export and erasure work from these
// declarations alone, so a new table holding people gets both by declaring its fields.
#ifndef ALLIES_STORAGE_PEOPLE_H_
#define ALLIES_STORAGE_PEOPLE_H_

#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/references.h"
#include "storage/resource_table.h"

namespace allies::storage::people {

// What erased personal data reads as.
inline constexpr char kErased[] = "[erased]";

// Whether the table's rows are people (some field is personal data of the row itself).
bool HoldsPeople(const ResourceTable& table);

// Everything a person is or was known by here: the values of its name fields and of its contact
// points, as shown now and as they were (before an edit, or on a duplicate merged into it).
struct KnownValues {
  std::vector<std::string> names;
  std::vector<std::string> contact_points;
  std::vector<std::string> former;  // the former ones alone (of either kind)
};
absl::StatusOr<KnownValues> Known(Session& session, const ResourceTable& table,
                                  const ResourceKey& key, const google::protobuf::Message& person);

// Keeps the name and contact-point values that `before` held and `after` no longer does as
// former values of the person (a changed family name is still erased from old meeting notes).
absl::Status RememberFormer(Session& session, const ResourceTable& table, const ResourceKey& key,
                            const google::protobuf::Message& before,
                            const google::protobuf::Message& after);

// A merge: every value `source` is known by becomes a former value of `target` (when it is not
// one of target's own now), and the source's former values go.
absl::Status AdoptKnownValues(Session& session, const ResourceTable& table,
                              const ResourceKey& source,
                              const google::protobuf::Message& source_person,
                              const ResourceKey& target,
                              const google::protobuf::Message& target_person);

// Clears the person's own personal fields; returns the paths of those that had a value.
std::vector<std::string> ClearPersonalFields(const ResourceTable& table,
                                             google::protobuf::Message* person);

// Need to know (TableOptions::need_to_know): whether the caller's role grants a permission.
using MayKnow = std::function<bool(v1::Permission)>;
// Clears the personal fields of the row the caller may not see: a field of the row's own person
// needs its table's permission; one of the person a reference names needs that too, and the
// permission of the person's table (a librarian manages consents, and sees contacts' but not
// volunteers'). Sets the row's bool `personal_data_withheld` when it withheld any.
void Withhold(const ResourceTable& table, const MayKnow& may, google::protobuf::Message* row);
// The table's filter schema without the personal fields the caller may not see in some row
// (a field naming "*" counts every table that declares a need to know).
api::FilterSchema VisibleSchema(const ResourceTable& table, const MayKnow& may);
// Whether any personal field of the table may be hidden from someone (it or what its fields
// name declare a need to know).
bool HasNeedToKnow(const ResourceTable& table);

// A row rewritten by an erasure, with the fields that changed.
struct Rewritten {
  Referrer row;
  std::vector<std::string> fields;
};

// Erases the person's data held outside its own row, in every table: the personal fields of
// rows that hold them for this person are cleared, the free text of every row referring to the
// person loses the values it is known by (KnownValues), its former values are deleted, and the
// stored responses naming it are forgotten. The links stay (for statistics). Rows are saved
// with a new revision at `when`; returns them.
absl::StatusOr<std::vector<Rewritten>> EraseElsewhere(Session& session, const ResourceTable& table,
                                                      const ResourceKey& key,
                                                      const KnownValues& known, absl::Time when);

// The activity log's system entries about `name` (changes of it), in its library.
absl::StatusOr<std::vector<ResourceKey>> LogEntriesAbout(Session& session, absl::string_view name);

}  // namespace allies::storage::people

#endif  // ALLIES_STORAGE_PEOPLE_H_
