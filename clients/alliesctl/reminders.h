// `alliesctl reminders ...`: the reminders due now (allies.v1.ReminderService) with their
// delivery state.
#ifndef ALLIES_CLIENTS_ALLIESCTL_REMINDERS_H_
#define ALLIES_CLIENTS_ALLIESCTL_REMINDERS_H_

#include "clients/alliesctl/cli.h"

namespace allies::ctl {

void RegisterReminderCommands(CommandRegistry* registry);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_REMINDERS_H_
