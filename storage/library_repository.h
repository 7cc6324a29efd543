// SQL for the libraries table. Functions take the Session they run on, so a service composes
// them inside one RunInTransaction (or RunRead) with its rules in between.
#ifndef ALLIES_STORAGE_LIBRARY_REPOSITORY_H_
#define ALLIES_STORAGE_LIBRARY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "api/filter.h"
#include "storage/list_query.h"
#include "storage/session.h"

namespace allies::storage {

struct LibraryRecord {
  std::string id;
  std::string parent_id;  // empty for a root
  std::string display_name;
  int kind = 0;
  std::string region;
  std::string address;
  std::string website;
  int64_t revision = 1;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> delete_time;
};

struct LibraryListQuery {
  std::optional<std::string> parent_id;  // only children of this library
  bool show_deleted = false;
  ListWindow window;
};

namespace libraries {

using Lock = storage::Lock;

// The SQL text of the primary-key read (also used by the benchmark's raw-database path).
extern const char kSelectByIdSql[];
extern const char kInsertSql[];

// NOT_FOUND (reason RESOURCE_NOT_FOUND) when no row has this id, deleted or not.
absl::StatusOr<LibraryRecord> Get(Session& session, absl::string_view id, Lock lock = Lock::kNone);
// How the API's filterable fields map to columns.
const std::vector<ColumnSpec>& Columns();
absl::StatusOr<std::vector<LibraryRecord>> List(Session& session, const LibraryListQuery& query);
// The keyset of a row under `order`: one value per term, then the id.
std::vector<std::string> SortKey(const LibraryRecord& record,
                                 const std::vector<api::OrderTerm>& order);
// ALREADY_EXISTS (reason RESOURCE_ALREADY_EXISTS) when the id is taken, even by a deleted one.
absl::Status Insert(Session& session, const LibraryRecord& record);
// Writes every mutable column, revision, update_time and delete_time of record.id.
absl::Status Update(Session& session, const LibraryRecord& record);
// Some live direct child of id, if any.
absl::StatusOr<std::optional<std::string>> AnyLiveChild(Session& session, absl::string_view id);
// Every live library below id (not id itself), walking through live rows and rows deleted at
// exactly `deleted_at` (when given).
absl::StatusOr<std::vector<std::string>> LiveDescendants(
    Session& session, absl::string_view id, std::optional<absl::Time> deleted_at = std::nullopt);
// Locks id and its ancestors (FOR UPDATE) and returns the chain [id, parent, grandparent, ...].
absl::StatusOr<std::vector<std::string>> LockAncestry(Session& session, absl::string_view id);
// Sets delete_time on the given ids and bumps their revisions.
absl::Status MarkDeleted(Session& session, const std::vector<std::string>& ids, absl::Time when);

}  // namespace libraries
}  // namespace allies::storage

#endif  // ALLIES_STORAGE_LIBRARY_REPOSITORY_H_
