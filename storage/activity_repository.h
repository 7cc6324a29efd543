// SQL for the activity log (activities, activity_related).
#ifndef ALLIES_STORAGE_ACTIVITY_REPOSITORY_H_
#define ALLIES_STORAGE_ACTIVITY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/filter.h"
#include "storage/list_query.h"
#include "storage/session.h"

namespace allies::storage {

// Activity.Kind numbers as stored; SYSTEM entries are written by RecordChange only.
inline constexpr int kActivityKindSystem = 1;

struct ActivityRecord {
  std::string id;
  std::string library_id;
  int kind = 0;
  std::string actor;
  std::string verb;
  std::string resource;
  std::vector<std::string> changed_fields;
  std::string request_id;
  std::string subject;
  std::string description;
  absl::Time occurred_time;
  std::optional<api::Date> follow_up_date;
  std::vector<std::string> related;
  int64_t revision = 1;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> delete_time;
};

struct ActivityListQuery {
  std::optional<std::string> library_id;  // none: every library
  bool show_deleted = false;
  ListWindow window;
};

// A change to record, in the transaction that makes it.
struct Change {
  std::string library_id;  // whose log it goes to
  std::string actor;
  std::string verb;      // CREATE, UPDATE, DELETE, UNDELETE, or a custom method
  std::string resource;  // the changed resource's name
  std::vector<std::string> changed_fields;
  std::string request_id;
  absl::Time time;
};

namespace activities {

const std::vector<ColumnSpec>& Columns();

// NOT_FOUND unless the activity exists in that library.
absl::StatusOr<ActivityRecord> Get(Session& session, absl::string_view library_id,
                                   absl::string_view id, bool for_update = false);
absl::StatusOr<std::vector<ActivityRecord>> List(Session& session, const ActivityListQuery& query);
std::vector<std::string> SortKey(const ActivityRecord& record,
                                 const std::vector<api::OrderTerm>& order);
absl::Status Insert(Session& session, const ActivityRecord& record);
// Writes the mutable columns, revision and times, and replaces the related resources.
absl::Status Update(Session& session, const ActivityRecord& record);
// A SYSTEM entry for `change`.
absl::Status RecordChange(Session& session, const Change& change);

// The activities about `resource` or with it among their related resources (deleted ones
// too), in any library or, with `within`, in that library's subtree; oldest first. With
// `for_update` the rows are locked.
absl::StatusOr<std::vector<ActivityRecord>> Mentioning(Session& session, absl::string_view resource,
                                                       const std::optional<std::string>& within,
                                                       bool for_update = false);
// Every related-resource reference to `from` becomes one to `to` (an activity that already
// names `to` keeps one).
absl::Status MoveRelated(Session& session, absl::string_view from, absl::string_view to);
// Stores the last interaction time of each of `resources` that keeps one (partners): the latest
// live staff-recorded activity relating it. Inside the transaction that changed the log.
absl::Status RefreshInteractionTimes(Session& session, const std::vector<std::string>& resources);
// Replaces an activity's subject and description (erasing personal data), bumping its revision.
absl::Status RewriteText(Session& session, const ActivityRecord& record, absl::Time when);

}  // namespace activities
}  // namespace allies::storage

#endif  // ALLIES_STORAGE_ACTIVITY_REPOSITORY_H_
