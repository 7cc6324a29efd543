#include "server/config.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace allies::server {
namespace {

struct Flag {
  std::string name;  // without "--"
  std::string env;   // "" when none
  std::string help;
  bool is_bool = false;
  std::function<bool(absl::string_view)> set;  // false on a bad value
};

std::function<bool(absl::string_view)> SetString(std::string& target) {
  return [&target](absl::string_view v) {
    target = std::string(v);
    return true;
  };
}

std::function<bool(absl::string_view)> SetInt(int& target, int min, int max) {
  return [&target, min, max](absl::string_view v) {
    int parsed = 0;
    if (!absl::SimpleAtoi(v, &parsed) || parsed < min || parsed > max) return false;
    target = parsed;
    return true;
  };
}

std::function<bool(absl::string_view)> SetBool(bool& target) {
  return [&target](absl::string_view v) { return absl::SimpleAtob(v, &target); };
}

std::function<bool(absl::string_view)> SetSeconds(absl::Duration& target) {
  return [&target](absl::string_view v) {
    double seconds = 0;
    if (!absl::SimpleAtod(v, &seconds) || seconds < 0) return false;
    target = absl::Seconds(seconds);
    return true;
  };
}

void AddDbFlags(std::vector<Flag>& flags, storage::DbConfig& db) {
  flags.push_back({"db-host", "ALLIES_DB_HOST", "database host (TCP)", false, SetString(db.host)});
  flags.push_back({"db-port", "ALLIES_DB_PORT", "database port", false, SetInt(db.port, 1, 65535)});
  flags.push_back({"db-socket", "ALLIES_DB_SOCKET", "database unix socket (preferred over TCP)",
                   false, SetString(db.socket)});
  flags.push_back({"db-user", "ALLIES_DB_USER", "database user", false, SetString(db.user)});
  flags.push_back({"db-password", "ALLIES_DB_PASSWORD",
                   "database password (prefer the environment variable)", false,
                   SetString(db.password)});
  flags.push_back(
      {"db-name", "ALLIES_DB_NAME", "database (schema) name", false, SetString(db.database)});
  flags.push_back({"pool-size", "ALLIES_POOL_SIZE", "maximum open database connections", false,
                   SetInt(db.pool_size, 1, 10000)});
  flags.push_back({"pool-timeout", "ALLIES_POOL_TIMEOUT",
                   "seconds to wait for a free connection before UNAVAILABLE", false,
                   SetSeconds(db.checkout_timeout)});
}

std::string Usage(absl::string_view program, absl::string_view description,
                  const std::vector<Flag>& flags) {
  std::string out = absl::StrCat("usage: ", program, " [flags]\n", description, "\n\nflags:\n");
  for (const Flag& f : flags) {
    absl::StrAppend(&out, "  --", f.name, f.is_bool ? "" : "=VALUE", "\n      ", f.help);
    if (!f.env.empty()) absl::StrAppend(&out, " (env ", f.env, ")");
    out += "\n";
  }
  return out;
}

absl::Status Parse(int argc, char** argv, absl::string_view program, absl::string_view description,
                   std::vector<Flag>& flags) {
  // Environment first, so that flags override it.
  for (const Flag& f : flags) {
    if (f.env.empty()) continue;
    const char* value = std::getenv(f.env.c_str());
    if (value == nullptr || *value == '\0') continue;
    if (!f.set(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value \"", value, "\" in environment variable ", f.env));
    }
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      return absl::CancelledError(Usage(program, description, flags));
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    arg.remove_prefix(2);
    absl::string_view name = arg, value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    const Flag* flag = nullptr;
    for (const Flag& f : flags) {
      if (f.name == name) flag = &f;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    if (!has_value) {
      if (flag->is_bool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
      }
    }
    if (!flag->set(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value \"", value, "\" for --", name, ": ", flag->help));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerConfig> ParseServerConfig(int argc, char** argv, absl::string_view program,
                                               absl::string_view description) {
  ServerConfig config;
  std::vector<Flag> flags;
  flags.push_back({"listen", "ALLIES_LISTEN", "address to serve gRPC on (host:port)", false,
                   SetString(config.listen)});
  flags.push_back({"threads", "ALLIES_THREADS",
                   "worker threads running RPC handlers (0: one per database connection)", false,
                   SetInt(config.threads, 0, 100000)});
  flags.push_back({"migrate", "ALLIES_MIGRATE", "apply database migrations at start-up", true,
                   SetBool(config.migrate)});
  flags.push_back({"shutdown-grace", "ALLIES_SHUTDOWN_GRACE",
                   "seconds in-flight RPCs get to finish on SIGTERM", false,
                   SetSeconds(config.shutdown_grace)});
  flags.push_back({"log-rpcs", "ALLIES_LOG_RPCS", "write one JSON line per RPC to stderr", true,
                   SetBool(config.log_rpcs)});
  flags.push_back({"metrics-listen", "ALLIES_METRICS_LISTEN",
                   "serve Prometheus metrics at http://HOST:PORT/metrics (empty: none)", false,
                   SetString(config.metrics_listen)});
  flags.push_back({"tls-cert", "ALLIES_TLS_CERT",
                   "PEM certificate chain: serve TLS instead of plaintext", false,
                   SetString(config.tls_cert)});
  flags.push_back({"tls-key", "ALLIES_TLS_KEY", "PEM private key of --tls-cert", false,
                   SetString(config.tls_key)});
  flags.push_back({"tls-client-ca", "ALLIES_TLS_CLIENT_CA",
                   "PEM CA: require client certificates it signed (mutual TLS)", false,
                   SetString(config.tls_client_ca)});
  AddDbFlags(flags, config.db);
  absl::Status status = Parse(argc, argv, program, description, flags);
  if (!status.ok()) return status;
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!config.tls_client_ca.empty() && config.tls_cert.empty()) {
    return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  return config;
}

absl::StatusOr<storage::DbConfig> ParseDbConfig(int argc, char** argv, absl::string_view program,
                                                absl::string_view description) {
  storage::DbConfig db;
  std::vector<Flag> flags;
  AddDbFlags(flags, db);
  absl::Status status = Parse(argc, argv, program, description, flags);
  if (!status.ok()) return status;
  return db;
}

absl::StatusOr<NotifierConfig> ParseNotifierConfig(int argc, char** argv, absl::string_view program,
                                                   absl::string_view description) {
  NotifierConfig config;
  std::vector<Flag> flags;
  flags.push_back({"smtp-url", "ALLIES_SMTP_URL",
                   "the SMTP relay: smtp://HOST:PORT (STARTTLS with --smtp-require-tls) or "
                   "smtps://HOST:PORT",
                   false, SetString(config.smtp_url)});
  flags.push_back({"smtp-user", "ALLIES_SMTP_USER", "user for SMTP AUTH (empty: none)", false,
                   SetString(config.smtp_user)});
  flags.push_back({"smtp-password", "ALLIES_SMTP_PASSWORD",
                   "password for SMTP AUTH (prefer the environment variable)", false,
                   SetString(config.smtp_password)});
  flags.push_back({"smtp-require-tls", "ALLIES_SMTP_REQUIRE_TLS",
                   "refuse to send unless STARTTLS succeeds", true,
                   SetBool(config.smtp_require_tls)});
  flags.push_back({"smtp-timeout", "ALLIES_SMTP_TIMEOUT", "seconds one send may take", false,
                   SetSeconds(config.smtp_timeout)});
  flags.push_back({"interval", "ALLIES_REMINDER_INTERVAL",
                   "seconds between delivery runs (a retry due sooner runs sooner)", false,
                   SetSeconds(config.interval)});
  flags.push_back({"backoff", "ALLIES_REMINDER_BACKOFF",
                   "seconds before the first retry of a failed send (doubled after each)", false,
                   SetSeconds(config.initial_backoff)});
  flags.push_back({"max-backoff", "ALLIES_REMINDER_MAX_BACKOFF",
                   "the longest wait between retries, in seconds", false,
                   SetSeconds(config.max_backoff)});
  flags.push_back({"once", "", "one delivery run, then exit (status 1 if it failed)", true,
                   SetBool(config.once)});
  flags.push_back({"migrate", "ALLIES_MIGRATE", "apply database migrations at start-up", true,
                   SetBool(config.migrate)});
  AddDbFlags(flags, config.db);
  absl::Status status = Parse(argc, argv, program, description, flags);
  if (!status.ok()) return status;
  if (config.smtp_url.empty()) {
    return absl::InvalidArgumentError("--smtp-url (or ALLIES_SMTP_URL) is required");
  }
  if (!absl::StartsWith(config.smtp_url, "smtp://") &&
      !absl::StartsWith(config.smtp_url, "smtps://")) {
    return absl::InvalidArgumentError("--smtp-url must start with smtp:// or smtps://");
  }
  if (config.interval <= absl::ZeroDuration() || config.initial_backoff <= absl::ZeroDuration() ||
      config.max_backoff < config.initial_backoff) {
    return absl::InvalidArgumentError(
        "--interval and --backoff must be positive, --max-backoff at least --backoff");
  }
  return config;
}

int ReportConfigError(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kCancelled) {
    std::fputs(std::string(status.message()).c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return 2;
}

}  // namespace allies::server
