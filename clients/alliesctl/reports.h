// `alliesctl reports ...`: the network review of a library's subtree and the yearly reports
// (allies.v1.ReportService): review, build, approve, get, list.
#ifndef ALLIES_CLIENTS_ALLIESCTL_REPORTS_H_
#define ALLIES_CLIENTS_ALLIESCTL_REPORTS_H_

#include "clients/alliesctl/cli.h"

namespace allies::ctl {

void RegisterReportCommands(CommandRegistry* registry);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_REPORTS_H_
