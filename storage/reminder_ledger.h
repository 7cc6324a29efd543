// The reminders' delivery ledger (table reminder_deliveries, migration 0018): one row per
// reminder handed to the relay, so that each is sent exactly once. The rule, kept by
// services/reminder/delivery: a row is written SENDING (and committed) before the message goes
// to the relay, and SENT after the relay accepted it; a SENDING row that a later run finds
// (the process died in between: runs are serialized by a named lock, so no other run is
// sending it) is sent once more with possible_duplicate set, and a second interruption leaves
// it UNCONFIRMED, never sent again. A refusal or a relay that is down makes it RETRYING with the
// time of its next attempt (exponential backoff).
#ifndef ALLIES_STORAGE_REMINDER_LEDGER_H_
#define ALLIES_STORAGE_REMINDER_LEDGER_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/pool.h"
#include "storage/session.h"

namespace allies::storage::reminder_ledger {

enum class State { kSending = 1, kSent = 2, kRetrying = 3, kUnconfirmed = 4 };

struct Entry {
  std::string library_id;
  std::string id;
  std::string key;
  int kind = 0;
  std::string recipient;
  State state = State::kSending;
  int attempts = 0;
  int resends = 0;
  bool possible_duplicate = false;
  std::string last_error;
  std::optional<absl::Time> next_attempt_time;
  std::optional<absl::Time> attempt_time;
  std::optional<absl::Time> send_time;
};

using EntryKey = std::pair<std::string, std::string>;  // library_id, id

// The entries of the given reminders that exist.
absl::StatusOr<std::map<EntryKey, Entry>> Read(Session& s, const std::vector<EntryKey>& keys);
// Every entry (for tests and tools), by library and id.
absl::StatusOr<std::vector<Entry>> ReadAll(Session& s);

// Records an attempt about to be made: inserts the entry SENDING with one attempt, or moves an
// existing one to SENDING with one attempt more (and, when `resend`, one resend more and
// possible_duplicate set). Its own statement (autocommit): committed before the send.
absl::Status BeginAttempt(Session& s, const Entry& entry, bool resend, absl::Time now);
// The relay accepted it.
absl::Status MarkSent(Session& s, const EntryKey& key, absl::Time now);
// The relay was down or refused: tried again at `next`. `maybe_delivered`: the attempt failed
// after the relay had the whole message and before it answered, so the next one may deliver it
// twice (possible_duplicate set).
absl::Status MarkRetrying(Session& s, const EntryKey& key, absl::string_view error, absl::Time next,
                          bool maybe_delivered = false);
// A re-send was interrupted too: never sent again.
absl::Status MarkUnconfirmed(Session& s, const EntryKey& key);

// The named lock that serializes delivery runs (across processes): true when this session
// holds it now (released by Unlock or when the connection ends).
absl::StatusOr<bool> TryLock(Session& s);
absl::Status Unlock(Session& s);

}  // namespace allies::storage::reminder_ledger

#endif  // ALLIES_STORAGE_REMINDER_LEDGER_H_
