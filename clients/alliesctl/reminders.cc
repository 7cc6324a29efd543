#include "clients/alliesctl/reminders.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "allies/v1/reminder.grpc.pb.h"
#include "clients/alliesctl/output.h"

namespace allies::ctl {
namespace {

using allies::v1::Reminder;
using allies::v1::ReminderService;

constexpr char kResource[] = "reminders";

const Columns<Reminder>& ReminderColumns() {
  static const auto* const columns = new Columns<Reminder>{
      {"KIND", "TO", "WHEN", "TITLE", "DELIVERY", "ABOUT"},
      [](const Reminder& r) -> std::vector<std::string> {
        std::string delivery = EnumName(*Reminder::DeliveryState_descriptor(), r.delivery_state());
        if (r.possible_duplicate()) absl::StrAppend(&delivery, " (possible duplicate)");
        return {
            EnumName(*Reminder::Kind_descriptor(), r.kind()),
            OrNone(r.recipient()),
            r.has_event_time() ? FormatTimestamp(r.event_time()) : OrNone(FormatDate(r.due_date())),
            r.title(),
            delivery,
            r.subject()};
      }};
  return *columns;
}

int ListFlags(Invocation& inv, allies::v1::ListRemindersRequest& request) {
  request.set_parent(ListParent(inv));
  return ApplyPageFlags(inv, request);
}

}  // namespace

void RegisterReminderCommands(CommandRegistry* registry) {
  registry->AddResource(
      {kResource,
       {"reminder"},
       "what is due to be told, and to whom, with its e-mail delivery (allies-notifier)"});
  Command list = NewCommand(kResource, "list", "[LIBRARY]",
                            "List the reminders due now for the library's subtree (default: of "
                            "every library), with their delivery state.");
  list.details =
      "Due: shifts starting within 24 hours (to each CONFIRMED volunteer who may be contacted),\n"
      "partner agreements ending in 30, 7 or 0 days, qualifications and council or board terms\n"
      "expiring within 30 days, overdue action items, destructions of personal data due within\n"
      "7 days (to the library's staff, at its e-mail). allies-notifier sends them by e-mail,\n"
      "each once; DELIVERY shows the ledger's state (PENDING, SENDING, SENT, RETRYING,\n"
      "UNCONFIRMED). -o json prints the subject and text of each message.\n";
  list.flags = PageFlagSpecs("reminders");
  list.run = ListCall<ReminderService>(
      &ReminderService::Stub::ListReminders,
      [](allies::v1::ListRemindersResponse* page) { return page->mutable_reminders(); },
      ReminderColumns(), "reminders", ListFlags);
  registry->AddCommand(std::move(list));
}

}  // namespace allies::ctl
