// Delivery of the due reminders by e-mail, each exactly once, by the delivery ledger's rule
// (storage/reminder_ledger.h): SENDING committed before the send, SENT after; a SENDING entry
// found by a later run was interrupted and is re-sent once, marked possible_duplicate (a second
// interruption leaves it UNCONFIRMED); a relay that is down or refuses leaves it RETRYING with
// exponential backoff. Runs are serialized across processes by a named database lock.
#ifndef ALLIES_SERVICES_REMINDER_DELIVERY_H_
#define ALLIES_SERVICES_REMINDER_DELIVERY_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/reminder/reminders.h"
#include "services/reminder/smtp.h"

namespace allies::services::reminders {

struct DeliveryOptions {
  // The wait after the first failed attempt, doubled after each further one, at most max.
  absl::Duration initial_backoff = absl::Seconds(30);
  absl::Duration max_backoff = absl::Hours(1);
};

// The wait before the attempt after `attempts` failed ones.
absl::Duration Backoff(const DeliveryOptions& options, int attempts);

struct DeliveryReport {
  bool ran = false;    // false: another run held the lock
  int due = 0;         // reminders due
  int sent = 0;        // accepted by the relay in this run
  int resent = 0;      // of them, re-sends of an interrupted send (possible duplicates)
  int failed = 0;      // refused or relay down: RETRYING
  int waiting = 0;     // RETRYING, not yet time to try again
  int unsendable = 0;  // no address to send from or to
  // The earliest next attempt of a RETRYING entry still due (InfiniteFuture(): none).
  absl::Time next_attempt = absl::InfiniteFuture();
};

// One delivery run at `now`: every reminder due (for every library) that is not SENT or
// UNCONFIRMED and whose time has come is sent.
absl::StatusOr<DeliveryReport> DeliverDue(Engine& engine, Mailer& mailer,
                                          const DeliveryOptions& options, absl::Time now);

// Runs DeliverDue now and then again after `interval`, or sooner when a retry is due, until
// `stop` is notified. `on_run` (optional) sees each run's outcome.
void RunNotifier(Engine& engine, Mailer& mailer, const DeliveryOptions& options,
                 absl::Duration interval, absl::Notification& stop,
                 const std::function<void(const absl::StatusOr<DeliveryReport>&)>& on_run = {});

}  // namespace allies::services::reminders

#endif  // ALLIES_SERVICES_REMINDER_DELIVERY_H_
