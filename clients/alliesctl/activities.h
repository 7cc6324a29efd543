// `alliesctl activities ...`: the activity log.
#ifndef ALLIES_CLIENTS_ALLIESCTL_ACTIVITIES_H_
#define ALLIES_CLIENTS_ALLIESCTL_ACTIVITIES_H_

#include "absl/status/statusor.h"
#include "allies/v1/activity.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"

namespace allies::ctl {

void RegisterActivityCommands(CommandRegistry* registry);

// The request `activities log PARENT --kind ... --subject ...` sends (exposed for tests).
absl::StatusOr<allies::v1::CreateActivityRequest> BuildLogActivityRequest(absl::string_view parent,
                                                                          const ParsedArgs& args);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_ACTIVITIES_H_
