// `alliesctl completion bash`: a bash completion script made from the command table.
#ifndef ALLIES_CLIENTS_ALLIESCTL_COMPLETION_H_
#define ALLIES_CLIENTS_ALLIESCTL_COMPLETION_H_

#include <string>

#include "clients/alliesctl/cli.h"

namespace allies::ctl {

// A bash script that completes alliesctl's resources (and their aliases), the words below them,
// verbs, each command's flags and the global ones, and the values of -o; a command's operands
// and other flags' values fall back to file names. Load it with
//   source <(alliesctl completion bash)
// or save it as /etc/bash_completion.d/alliesctl.
std::string BashCompletion(const CommandRegistry& registry);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_COMPLETION_H_
