// Configuration of every Allies binary: flags, falling back to environment variables, falling
// back to defaults that work on one machine.
#ifndef ALLIES_SERVER_CONFIG_H_
#define ALLIES_SERVER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/db_config.h"

namespace allies::server {

struct ServerConfig {
  std::string listen = "127.0.0.1:50051";  // --listen, ALLIES_LISTEN
  int threads = 0;                         // --threads, ALLIES_THREADS; 0 = gRPC's default
  bool migrate = false;                    // --migrate: apply migrations at start-up
  absl::Duration shutdown_grace = absl::Seconds(10);  // --shutdown-grace
  bool log_rpcs = true;                               // --log-rpcs
  // Prometheus metrics over HTTP ("host:port"; empty: none).  // --metrics-listen
  std::string metrics_listen;
  // TLS: PEM files. Without a certificate the server speaks plaintext (fine on loopback). With a
  // client CA, clients must present a certificate it signed (mutual TLS).
  std::string tls_cert;       // --tls-cert, ALLIES_TLS_CERT
  std::string tls_key;        // --tls-key, ALLIES_TLS_KEY
  std::string tls_client_ca;  // --tls-client-ca, ALLIES_TLS_CLIENT_CA
  storage::DbConfig db;       // --db-*, ALLIES_DB_*
};

// allies-notifier: the reminder engine's delivery (services/reminder).
struct NotifierConfig {
  std::string smtp_url;           // --smtp-url, ALLIES_SMTP_URL (required): smtp[s]://host:port
  std::string smtp_user;          // --smtp-user, ALLIES_SMTP_USER (empty: no AUTH)
  std::string smtp_password;      // --smtp-password, ALLIES_SMTP_PASSWORD
  bool smtp_require_tls = false;  // --smtp-require-tls, ALLIES_SMTP_REQUIRE_TLS (STARTTLS)
  absl::Duration smtp_timeout = absl::Seconds(60);     // --smtp-timeout, ALLIES_SMTP_TIMEOUT
  absl::Duration interval = absl::Minutes(5);          // --interval, ALLIES_REMINDER_INTERVAL
  absl::Duration initial_backoff = absl::Seconds(30);  // --backoff, ALLIES_REMINDER_BACKOFF
  absl::Duration max_backoff = absl::Hours(1);         // --max-backoff, ALLIES_REMINDER_MAX_BACKOFF
  bool once = false;                                   // --once: one run, then exit
  bool migrate = false;                                // --migrate, ALLIES_MIGRATE
  storage::DbConfig db;                                // --db-*, ALLIES_DB_*
};

absl::StatusOr<NotifierConfig> ParseNotifierConfig(int argc, char** argv, absl::string_view program,
                                                   absl::string_view description);

// Parses argv. Returns INVALID_ARGUMENT with a readable message for unknown flags or bad values;
// "--help" yields a status with code CANCELLED whose message is the usage text.
absl::StatusOr<ServerConfig> ParseServerConfig(int argc, char** argv, absl::string_view program,
                                               absl::string_view description);

// Same for binaries that only need the database (allies-migrate).
absl::StatusOr<storage::DbConfig> ParseDbConfig(int argc, char** argv, absl::string_view program,
                                                absl::string_view description);

// Prints the error or usage from a failed parse and returns the process exit code.
int ReportConfigError(const absl::Status& status);

}  // namespace allies::server

#endif  // ALLIES_SERVER_CONFIG_H_
