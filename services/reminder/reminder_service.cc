#include "services/reminder/reminder_service.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "api/names.h"
#include "api/pagination.h"
#include "api/proto_time.h"
#include "storage/reminder_ledger.h"
#include "storage/transaction.h"

namespace allies::services {
namespace {

namespace ledger = storage::reminder_ledger;

v1::Reminder::DeliveryState StateOf(ledger::State state) {
  switch (state) {
    case ledger::State::kSending:
      return v1::Reminder::SENDING;
    case ledger::State::kSent:
      return v1::Reminder::SENT;
    case ledger::State::kRetrying:
      return v1::Reminder::RETRYING;
    case ledger::State::kUnconfirmed:
      return v1::Reminder::UNCONFIRMED;
  }
  return v1::Reminder::PENDING;
}

}  // namespace

ReminderService::ReminderService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), pool_(deps.pool), engine_(deps.pool) {
  using Async = v1::ReminderService::AsyncService;
  Unary(&Async::RequestListReminders,
        [this](const api::Call& c, const auto& r, auto* out) { return ListReminders(c, r, out); });
}

absl::Status ReminderService::ListReminders(const api::Call& call,
                                            const v1::ListRemindersRequest& request,
                                            v1::ListRemindersResponse* out) {
  const std::string library =
      request.parent() == "libraries/-" ? "-" : std::string(api::LibraryIdOf(request.parent()));
  if (library.empty() || (library != "-" && request.parent() != api::LibraryName(library))) {
    return api::InvalidField("parent",
                             absl::StrCat("must be \"libraries/{library}\" (its subtree) or "
                                          "\"libraries/-\", got ",
                                          api::Quote(request.parent())));
  }
  auto page_size = api::EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const std::string fingerprint = absl::StrCat("ListReminders|parent=", request.parent());
  auto after = api::DecodePageToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  if (!after->empty() && after->size() != 1) {
    return api::InvalidField("page_token", "is not a token of ListReminders");
  }
  auto due = engine_.Compute(call, library);
  if (!due.ok()) return due.status();
  // The page: the reminders after the last one named, by name.
  auto begin = due->begin();
  if (!after->empty()) {
    begin = std::upper_bound(
        due->begin(), due->end(), (*after)[0],
        [](const std::string& name, const reminders::Due& d) { return name < d.reminder.name(); });
  }
  const auto end = due->end() - begin > *page_size ? begin + *page_size : due->end();
  std::vector<ledger::EntryKey> keys;
  for (auto it = begin; it != end; ++it) {
    keys.emplace_back(it->library_id, reminders::ReminderId(it->key));
  }
  std::map<ledger::EntryKey, ledger::Entry> entries;
  absl::Status ok = storage::RunRead(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        auto read = ledger::Read(s, keys);
        if (!read.ok()) return read.status();
        entries = *std::move(read);
        return absl::OkStatus();
      },
      call.deadline());
  if (!ok.ok()) return ok;
  size_t i = 0;
  for (auto it = begin; it != end; ++it, ++i) {
    v1::Reminder* r = out->add_reminders();
    *r = std::move(it->reminder);
    auto found = entries.find(keys[i]);
    if (found == entries.end()) continue;
    const ledger::Entry& e = found->second;
    r->set_delivery_state(StateOf(e.state));
    r->set_attempts(e.attempts);
    r->set_possible_duplicate(e.possible_duplicate);
    if (e.send_time) api::ToTimestamp(*e.send_time, r->mutable_send_time());
    if (e.next_attempt_time && e.state == ledger::State::kRetrying) {
      api::ToTimestamp(*e.next_attempt_time, r->mutable_next_attempt_time());
    }
  }
  if (end != due->end()) {
    out->set_next_page_token(
        api::EncodePageToken(fingerprint, {out->reminders(out->reminders_size() - 1).name()}));
  }
  return absl::OkStatus();
}

server::ServiceRegistration ReminderServiceRegistration() {
  return server::ServiceRegistration(
      v1::ReminderService::service_full_name(),
      [](const server::ServiceDeps& deps) { return std::make_unique<ReminderService>(deps); });
}

}  // namespace allies::services
