// allies-reminder-service: ReminderService (what is due, with its delivery state) as its own
// microservice. Delivery itself is allies-notifier's.
#include "server/host.h"
#include "services/reminder/reminder_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-reminder-service",
      "Serves allies.v1.ReminderService (the reminders due and their delivery state).",
      {allies::services::ReminderServiceRegistration()});
}
