// The change stream's outbox: the rows behind ChangeStreamService.WatchChanges.
//
// Every change the activity log records (activities::RecordChange(s)) also writes an outbox row
// in the same transaction, without a position. The sequencer (Sequence, run by the processes
// that host the stream) later gives the committed rows positions, under the lock on the one row
// of change_sequence, in the order it finds them committed. So positions follow commit order,
// not the order transactions started: a transaction that started first and commits last gets
// the later position, and a reader that has read through position P never meets a new change
// at or below P. On a Galera cluster the sequence row's write is certified: two sequencers on
// two nodes cannot both give out the same positions (one is retried).
//
// Rows are kept for kChangeRetention after their sequencing (Prune), and change_sequence keeps
// the last position given and the last position pruned.
#ifndef ALLIES_STORAGE_CHANGE_OUTBOX_H_
#define ALLIES_STORAGE_CHANGE_OUTBOX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/activity_log.h"
#include "storage/pool.h"
#include "storage/session.h"

namespace allies::storage::changes {

// How long a change stays in the outbox after it got its position.
inline constexpr absl::Duration kChangeRetention = absl::Hours(24 * 7);

// A change as the stream sends it.
struct StoredChange {
  int64_t position = 0;
  std::string library_id;
  std::string collection;  // "partners", "projects/shifts"
  std::string resource;
  std::string verb;
  std::vector<std::string> changed_fields;
  std::string actor;
  std::string request_id;
  std::string activity;  // the activity log entry's name ("" for the log's own entries)
  absl::Time change_time;
};

// Outbox rows for `changes`, whose activity entries are `activity_ids` (same order; "" for a
// change of the log's own entries, which are not logged), in the caller's transaction.
absl::Status Enqueue(Session& session, const std::vector<const Change*>& changes,
                     const std::vector<std::string>& activity_ids);

// Gives positions to at most `max_rows` committed rows that have none, oldest row first, in
// one transaction: how many got one, and the last position given so far.
struct Sequenced {
  int64_t given = 0;
  int64_t last_position = 0;
};
absl::StatusOr<Sequenced> Sequence(ConnectionPool& pool, absl::Time now, int max_rows = 1000);

// What the outbox holds: positions (pruned_through, last_position] are readable.
struct Bounds {
  int64_t pruned_through = 0;
  int64_t last_position = 0;
};
absl::StatusOr<Bounds> ReadBounds(Session& session);

// Which changes a reader wants.
struct Window {
  int64_t after = 0;                     // positions after this
  int64_t through = 0;                   // up to and including this (a last_position read before)
  std::optional<std::string> within;     // a library and its subtree; nullopt: every library
  std::vector<std::string> collections;  // empty: all
  int limit = 256;
};
// The changes in `window`, by position.
absl::StatusOr<std::vector<StoredChange>> Read(Session& session, const Window& window);

// Deletes the rows sequenced before `cutoff` (in batches), first raising pruned_through to the
// last of them. Returns how many rows went.
absl::StatusOr<int64_t> Prune(ConnectionPool& pool, absl::Time cutoff);

}  // namespace allies::storage::changes

#endif  // ALLIES_STORAGE_CHANGE_OUTBOX_H_
