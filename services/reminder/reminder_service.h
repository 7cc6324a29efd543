// allies.v1.ReminderService: the reminders due now (services/reminder/reminders.h) with their
// delivery state from the ledger, for integrations.
#ifndef ALLIES_SERVICES_REMINDER_REMINDER_SERVICE_H_
#define ALLIES_SERVICES_REMINDER_REMINDER_SERVICE_H_

#include "allies/v1/reminder.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/reminder/reminders.h"

namespace allies::services {

class ReminderService final : public api::AsyncServiceHost<v1::ReminderService::AsyncService> {
 public:
  explicit ReminderService(const server::ServiceDeps& deps);

  absl::Status ListReminders(const api::Call& call, const v1::ListRemindersRequest& request,
                             v1::ListRemindersResponse* out);

 private:
  storage::ConnectionPool& pool_;
  reminders::Engine engine_;
};

server::ServiceRegistration ReminderServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_REMINDER_REMINDER_SERVICE_H_
