// The network review's queries (services/report): one grouped SQL aggregate per family of
// figures (partners, agreements, volunteers, hours, sign-ups, each governance family, consents,
// destructions, interactions) over the libraries of a subtree and a period, each grouped by
// library, so that the service rolls the sums up to the whole subtree, each library's own rows
// and each child's subtree. The conditions that mean the same as a List method's computed
// fields come from the same SQL (agreement state, a member in office, meetings required, ...).
#ifndef ALLIES_STORAGE_NETWORK_REVIEW_H_
#define ALLIES_STORAGE_NETWORK_REVIEW_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/library_tree.h"
#include "storage/session.h"

namespace allies::storage::network_review {

// What the queries are bound to.
struct Frame {
  std::vector<std::string> libraries;
  // The period's days (both included) and the day states are read on at its end.
  absl::CivilDay start;
  absl::CivilDay end;
  absl::CivilDay at_end;
  // The instants the period begins and ends at (its first day's 00:00 and the day after its
  // last day's 00:00 in a time zone), with the libraries whose zone gives them.
  struct Instants {
    std::vector<std::string> libraries;
    absl::Time begin;
    absl::Time end;
    // The end of the day "at the end" (at_end + 1 at 00:00), but never after now: what is
    // overdue at the end of a period not over yet is overdue now.
    absl::Time at_end;
    std::string zone;
  };
  std::vector<Instants> instants;
};

// One query as it ran: its id ("partners@1"), what it counts, its text and its filters.
struct QueryRun {
  std::string id;
  std::string description;
  std::string sql;
  std::vector<std::string> filters;
};

// Per library, per figure key, a sum (a count; minutes; money in billionths of the unit). Keys
// as allies.v1.Figure documents them; money keys are "agreements.value_signed.{CUR}..." .
using Sums = std::map<std::string, std::map<std::string, absl::int128>>;

struct Collected {
  Sums sums;
  std::vector<QueryRun> queries;
  // The query each key came from.
  std::map<std::string, std::string> key_query;
  // "libraries/{l}/projects/{p}" -> title, for the projects hours were counted under.
  std::map<std::string, std::string> project_titles;
};

// The query that counts `key` (a Collected::key_query id), also for a key no row gave (a zero).
std::string QueryOfKey(const std::string& key);

// Runs every query in a consistent snapshot (a REPEATABLE READ, read-only transaction of its own
// on `session`, which must not be in one). With `second` (another connection, not in a
// transaction either), the largest scans run on it at the same time, in a snapshot taken right
// after the first (a change committed in those milliseconds may be in some figures and not in
// others). On an error neither connection goes back to the pool (both are marked broken).
absl::StatusOr<Collected> Collect(Session& session, const Frame& frame, Session* second = nullptr);

}  // namespace allies::storage::network_review

#endif  // ALLIES_STORAGE_NETWORK_REVIEW_H_
