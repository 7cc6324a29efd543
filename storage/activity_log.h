// The activity log's own writes: the SYSTEM entry of every change, and the interaction times it
// keeps on the resources it relates. The log's rows are a ResourceTable (core_tables.h).
#ifndef ALLIES_STORAGE_ACTIVITY_LOG_H_
#define ALLIES_STORAGE_ACTIVITY_LOG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "storage/session.h"

namespace allies::storage {

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

// A SYSTEM entry for `change`: who, what, which fields; never the values. It also queues the
// change for the change stream (storage/change_outbox.h).
absl::Status RecordChange(Session& session, const Change& change);

// The SYSTEM entries of many changes at once (an import), with multi-row statements.
absl::Status RecordChanges(Session& session, const std::vector<Change>& changes);

// Stores, on each of `resources` whose table keeps one (FieldColumn::LatestInteraction), the
// time of the latest live staff-recorded activity relating it. Inside the transaction that
// changed the log.
absl::Status RefreshInteractionTimes(Session& session, const std::vector<std::string>& resources);

}  // namespace activities
}  // namespace allies::storage

#endif  // ALLIES_STORAGE_ACTIVITY_LOG_H_
