// The library network as a tree: the hand-written SQL that walks it (the rows themselves are
// LibrariesTable, core_tables.h). Functions take the Session of the caller's transaction.
#ifndef ALLIES_STORAGE_LIBRARY_TREE_H_
#define ALLIES_STORAGE_LIBRARY_TREE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/session.h"

namespace allies::storage::library_tree {

// Some live direct child of library `id`, if any.
absl::StatusOr<std::optional<std::string>> AnyLiveChild(Session& session, absl::string_view id);
// Every live library below `id` (not `id` itself), walking through live rows and rows deleted at
// exactly `deleted_at` (when given).
absl::StatusOr<std::vector<std::string>> LiveDescendants(
    Session& session, absl::string_view id, std::optional<absl::Time> deleted_at = std::nullopt);
// Locks `id` and its ancestors (FOR UPDATE) and returns the chain [id, parent, grandparent, ...].
absl::StatusOr<std::vector<std::string>> LockAncestry(Session& session, absl::string_view id);
// A library of a subtree: its place, name and time zone (the network review's frame).
struct SubtreeLibrary {
  std::string id;
  std::string parent_id;  // "" for the network's root
  std::string display_name;
  std::string time_zone;
  std::optional<absl::Time> delete_time;
};
// The libraries of `root`'s subtree not deleted before `not_deleted_before`, `root` first (even
// deleted) and every parent before its children (NOT_FOUND when `root` does not exist).
absl::StatusOr<std::vector<SubtreeLibrary>> Subtree(Session& session, const std::string& root,
                                                    absl::Time not_deleted_before);
// Sets delete_time on the given libraries and bumps their revisions.
absl::Status MarkDeleted(Session& session, const std::vector<std::string>& ids, absl::Time when);

}  // namespace allies::storage::library_tree

#endif  // ALLIES_STORAGE_LIBRARY_TREE_H_
