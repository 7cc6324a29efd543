// References between resources, walked through the declarations of every table
// (FieldColumn::References): who refers to a resource, and moving those references to another
// (merges). No table is named here: a new table's reference fields take part by being declared.
#ifndef ALLIES_STORAGE_REFERENCES_H_
#define ALLIES_STORAGE_REFERENCES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/resource_table.h"

namespace allies::storage {

// A resource that refers to another through one of its fields.
struct Referrer {
  const ResourceTable* table;
  ResourceKey key;
  std::string field;
  std::string Name() const { return table->Name(key); }
};

// Every resource (deleted ones too) whose declared reference fields name `name`, table by
// table, row by row; locked as asked. References within a library are looked up in the named
// resource's library; mentions ("*") in every library.
absl::StatusOr<std::vector<Referrer>> ReferrersOf(Session& session, absl::string_view name,
                                                  Lock lock = Lock::kNone);

// A live resource whose reference to `name` keeps it from being deleted without force
// (FieldColumn::PreventsDeleteWhile), with the field's reason; nullopt when there is none.
struct Blocker {
  Referrer referrer;
  std::string reason;
};
absl::StatusOr<std::optional<Blocker>> DeleteBlocker(Session& session, absl::string_view name);

// Every reference to `from` becomes one to `to` (a repeated field that already names `to` just
// loses `from`). Returns the referrers that changed (their revisions are the caller's to bump).
absl::StatusOr<std::vector<Referrer>> RepointReferences(Session& session, absl::string_view from,
                                                        absl::string_view to);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_REFERENCES_H_
