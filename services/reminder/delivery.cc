#include "services/reminder/delivery.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/log.h"
#include "services/common/resource_methods.h"
#include "storage/reminder_ledger.h"
#include "storage/transaction.h"

namespace allies::services::reminders {
namespace {

namespace ledger = storage::reminder_ledger;

std::string DomainOf(absl::string_view address) {
  const size_t at = address.rfind('@');
  return at == absl::string_view::npos ? "allies.invalid" : std::string(address.substr(at + 1));
}

// Runs fn on a pooled session (a statement of its own: autocommit).
absl::Status OnSession(storage::ConnectionPool& pool,
                       absl::FunctionRef<absl::Status(storage::Session&)> fn) {
  auto lease = pool.Checkout();
  if (!lease.ok()) return lease.status();
  return fn(**lease);
}

}  // namespace

absl::Duration Backoff(const DeliveryOptions& options, int attempts) {
  absl::Duration wait = options.initial_backoff;
  for (int i = 1; i < attempts && wait < options.max_backoff; ++i) wait *= 2;
  return std::min(wait, options.max_backoff);
}

absl::StatusOr<DeliveryReport> DeliverDue(Engine& engine, Mailer& mailer,
                                          const DeliveryOptions& options, absl::Time now) {
  storage::ConnectionPool& pool = engine.pool();
  DeliveryReport report;
  // The lock is held on a session of its own for the whole run (and dies with it).
  auto lock_session = pool.Checkout();
  if (!lock_session.ok()) return lock_session.status();
  auto locked = ledger::TryLock(**lock_session);
  if (!locked.ok()) return locked.status();
  if (!*locked) return report;
  report.ran = true;
  struct Unlocker {
    storage::Session& s;
    ~Unlocker() { ledger::Unlock(s).IgnoreError(); }
  } unlocker{**lock_session};

  SystemCall system("reminders", now);
  auto due = engine.Compute(system.call(), "-");
  if (!due.ok()) return due.status();
  report.due = static_cast<int>(due->size());
  std::vector<ledger::EntryKey> keys;
  for (const Due& d : *due) keys.emplace_back(d.library_id, ReminderId(d.key));
  std::map<ledger::EntryKey, ledger::Entry> entries;
  absl::Status ok = OnSession(pool, [&](storage::Session& s) -> absl::Status {
    auto read = ledger::Read(s, keys);
    if (!read.ok()) return read.status();
    entries = *std::move(read);
    return absl::OkStatus();
  });
  if (!ok.ok()) return ok;

  for (size_t i = 0; i < due->size(); ++i) {
    const Due& d = (*due)[i];
    const ledger::EntryKey& key = keys[i];
    if (d.from.empty() || d.to.empty()) {
      ++report.unsendable;
      continue;
    }
    bool resend = false;
    auto found = entries.find(key);
    if (found != entries.end() && (found->second.state == ledger::State::kSent ||
                                   found->second.state == ledger::State::kUnconfirmed)) {
      continue;
    }
    std::string to = d.to;
    if (d.reminder.audience() == v1::Reminder::VOLUNTEER) {
      // Read again just before the send: a consent withdrawn since the run began counts.
      auto address = engine.ContactAddress(d.reminder.recipient(), absl::InfiniteFuture());
      if (!address.ok()) return address.status();
      if (address->empty()) continue;
      to = *address;
    }
    if (found != entries.end()) {
      const ledger::Entry& e = found->second;
      if (e.state == ledger::State::kRetrying && e.next_attempt_time &&
          *e.next_attempt_time > now) {
        ++report.waiting;
        report.next_attempt = std::min(report.next_attempt, *e.next_attempt_time);
        continue;
      }
      if (e.state == ledger::State::kSending) {
        // Interrupted between the send and its record (runs hold the lock, so no run is sending
        // it now): it may have arrived. Sent once more, never a second time.
        if (e.resends > 0) {
          ok =
              OnSession(pool, [&](storage::Session& s) { return ledger::MarkUnconfirmed(s, key); });
          if (!ok.ok()) return ok;
          api::LogJson("warning", "reminder left unconfirmed after a second interrupted send",
                       {{"reminder", d.reminder.name()}});
          continue;
        }
        resend = true;
      }
    }
    ledger::Entry entry;
    entry.library_id = key.first;
    entry.id = key.second;
    entry.key = d.key;
    entry.kind = d.reminder.kind();
    entry.recipient = d.reminder.recipient();
    ok = OnSession(pool, [&](storage::Session& s) {
      return ledger::BeginAttempt(s, entry, resend, storage::NowMicros());
    });
    if (!ok.ok()) return ok;  // not recorded, so not sent
    const int attempts = found != entries.end() ? found->second.attempts + 1 : 1;
    Message message;
    message.from = d.from;
    message.from_name = d.from_name;
    message.to = to;
    message.subject = d.reminder.title();
    message.body = d.reminder.text();
    message.message_id = absl::StrCat(key.second, ".", key.first, "@", DomainOf(d.from));
    message.date = now;
    message.reminder = d.reminder.name();
    absl::Status sent = mailer.Send(message);
    if (sent.ok()) {
      ++report.sent;
      if (resend) ++report.resent;
      ok = OnSession(pool, [&](storage::Session& s) {
        return ledger::MarkSent(s, key, storage::NowMicros());
      });
      // Unrecorded, the entry stays SENDING: the next run re-sends it once, as the rule says.
      if (!ok.ok()) return ok;
    } else if (sent.code() == absl::StatusCode::kUnknown &&
               (resend || (found != entries.end() && found->second.possible_duplicate))) {
      // The relay may have it, and may have had it before: never a third time.
      ++report.failed;
      ok = OnSession(pool, [&](storage::Session& s) { return ledger::MarkUnconfirmed(s, key); });
      if (!ok.ok()) return ok;
      api::LogJson("warning", "reminder left unconfirmed: the relay never answered twice",
                   {{"reminder", d.reminder.name()}});
    } else {
      ++report.failed;
      const absl::Time next = storage::NowMicros() + Backoff(options, attempts);
      report.next_attempt = std::min(report.next_attempt, next);
      // UNKNOWN: the relay had the whole message and never answered; the retry may double it.
      ok = OnSession(pool, [&](storage::Session& s) {
        return ledger::MarkRetrying(s, key, sent.message(), next,
                                    sent.code() == absl::StatusCode::kUnknown);
      });
      if (!ok.ok()) return ok;
    }
  }
  return report;
}

void RunNotifier(Engine& engine, Mailer& mailer, const DeliveryOptions& options,
                 absl::Duration interval, absl::Notification& stop,
                 const std::function<void(const absl::StatusOr<DeliveryReport>&)>& on_run) {
  while (!stop.HasBeenNotified()) {
    auto report = DeliverDue(engine, mailer, options, storage::NowMicros());
    if (on_run) on_run(report);
    absl::Time wake = absl::Now() + interval;
    if (report.ok()) {
      if (report->sent > 0 || report->failed > 0) {
        api::LogJson("info", "reminders delivered",
                     {{"due", static_cast<long long>(report->due)},
                      {"sent", static_cast<long long>(report->sent)},
                      {"resent", static_cast<long long>(report->resent)},
                      {"failed", static_cast<long long>(report->failed)}});
      }
      wake = std::min(wake, report->next_attempt);
    } else {
      api::LogJson("error", "reminder delivery failed", {{"error", report.status().message()}});
      wake = std::min(wake, absl::Now() + options.initial_backoff);
    }
    stop.WaitForNotificationWithDeadline(wake);
  }
}

}  // namespace allies::services::reminders
