// `alliesctl changes watch`: the change stream (ChangeStreamService.WatchChanges).
#ifndef ALLIES_CLIENTS_ALLIESCTL_CHANGES_H_
#define ALLIES_CLIENTS_ALLIESCTL_CHANGES_H_

#include "clients/alliesctl/cli.h"

namespace allies::ctl {

void RegisterChangeCommands(CommandRegistry* registry);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_CHANGES_H_
