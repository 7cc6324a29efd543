// allies-notifier: delivers the reminders due (services/reminder) by e-mail through an SMTP
// relay, each exactly once (the delivery ledger), every --interval and sooner when a retry is
// due, until SIGINT or SIGTERM. Any number may run: a named database lock lets one deliver at
// a time.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "absl/synchronization/notification.h"
#include "api/log.h"
#include "server/config.h"
#include "services/reminder/delivery.h"
#include "storage/migrations.h"
#include "storage/pool.h"

namespace {

using allies::services::reminders::DeliveryOptions;
using allies::services::reminders::DeliveryReport;

void LogReport(const absl::StatusOr<DeliveryReport>& report) {
  if (!report.ok()) {
    allies::api::LogJson("error", "reminder delivery failed",
                         {{"error", report.status().message()}});
    return;
  }
  allies::api::LogJson("info",
                       report->ran ? "reminder delivery run" : "another notifier is running",
                       {{"due", static_cast<long long>(report->due)},
                        {"sent", static_cast<long long>(report->sent)},
                        {"resent", static_cast<long long>(report->resent)},
                        {"failed", static_cast<long long>(report->failed)},
                        {"waiting", static_cast<long long>(report->waiting)},
                        {"unsendable", static_cast<long long>(report->unsendable)}});
}

}  // namespace

int main(int argc, char** argv) {
  auto config = allies::server::ParseNotifierConfig(
      argc, argv, "allies-notifier",
      "Delivers the reminders due (shifts, agreements, qualifications, terms, action items, "
      "destructions) by e-mail through an SMTP relay, each exactly once.");
  if (!config.ok()) return allies::server::ReportConfigError(config.status());
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (config->migrate) {
    auto migrated = allies::storage::ApplyMigrations(
        config->db, [](absl::string_view line) { allies::api::LogJson("info", line); });
    if (!migrated.ok()) {
      allies::api::LogJson("error", "migrations failed", {{"error", migrated.status().message()}});
      return 1;
    }
  }
  allies::storage::ConnectionPool pool(config->db);
  allies::services::reminders::Engine engine(pool);
  allies::services::reminders::SmtpConfig smtp;
  smtp.url = config->smtp_url;
  smtp.user = config->smtp_user;
  smtp.password = config->smtp_password;
  smtp.require_tls = config->smtp_require_tls;
  smtp.timeout = config->smtp_timeout;
  allies::services::reminders::SmtpMailer mailer(smtp);
  DeliveryOptions options;
  options.initial_backoff = config->initial_backoff;
  options.max_backoff = config->max_backoff;

  if (config->once) {
    auto report = allies::services::reminders::DeliverDue(engine, mailer, options,
                                                          allies::storage::NowMicros());
    LogReport(report);
    return report.ok() && report->failed == 0 ? 0 : 1;
  }
  absl::Notification stop;
  std::thread worker([&] {
    allies::services::reminders::RunNotifier(engine, mailer, options, config->interval, stop,
                                             LogReport);
  });
  int received = 0;
  sigwait(&signals, &received);
  allies::api::LogJson("info", "stopping", {{"signal", static_cast<long long>(received)}});
  stop.Notify();
  worker.join();
  pool.Close();
  return 0;
}
