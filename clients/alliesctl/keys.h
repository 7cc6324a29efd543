// `alliesctl keys ...`: API keys.
#ifndef ALLIES_CLIENTS_ALLIESCTL_KEYS_H_
#define ALLIES_CLIENTS_ALLIESCTL_KEYS_H_

#include "clients/alliesctl/cli.h"

namespace allies::ctl {

void RegisterKeyCommands(CommandRegistry* registry);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_KEYS_H_
