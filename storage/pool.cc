#include "storage/pool.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <mysql_driver.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "storage/observer.h"

namespace allies::storage {
namespace {

sql::Driver* Driver() {
  // get_driver_instance() is not thread-safe on its first call; a function-local static is.
  static sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
  return driver;
}

absl::Status Unavailable(absl::string_view message) {
  return api::Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE", message);
}

}  // namespace

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    session_ = std::move(other.session_);
    other.pool_ = nullptr;
  }
  return *this;
}

Lease::~Lease() { Release(); }

void Lease::Release() {
  if (pool_ && session_) pool_->Return(std::move(session_));
  pool_ = nullptr;
}

ConnectionPool::ConnectionPool(DbConfig config) : config_(std::move(config)) { Driver(); }

ConnectionPool::~ConnectionPool() { Close(); }

absl::StatusOr<std::unique_ptr<Session>> ConnectionPool::Connect(const DbConfig& config) {
  sql::ConnectOptionsMap options;
  options["userName"] = config.user;
  options["password"] = config.password;
  options["schema"] = config.database;
  if (!config.socket.empty()) {
    options["hostName"] = std::string("localhost");
    options["socket"] = config.socket;
  } else {
    options["hostName"] = config.host;
    options["port"] = config.port;
  }
  options["OPT_RECONNECT"] = false;
  options["OPT_CONNECT_TIMEOUT"] =
      static_cast<int>(absl::ToInt64Seconds(config.connect_timeout) + 1);
  options["OPT_READ_TIMEOUT"] = static_cast<int>(absl::ToInt64Seconds(config.io_timeout));
  options["OPT_WRITE_TIMEOUT"] = static_cast<int>(absl::ToInt64Seconds(config.io_timeout));
  options["OPT_CHARSET_NAME"] = std::string("utf8mb4");
  std::unique_ptr<sql::Connection> connection;
  try {
    connection.reset(Driver()->connect(options));
  } catch (const sql::SQLException& e) {
    return Unavailable(absl::StrCat(
        "cannot connect to the database (",
        config.socket.empty() ? absl::StrCat(config.host, ":", config.port) : config.socket,
        "): ", e.what()));
  }
  auto session = std::make_unique<Session>(std::move(connection));
  absl::Status status = session->Run([&]() -> absl::Status {
    session->ExecuteDirect(
        "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci, time_zone = '+00:00', "
        "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
        "NO_ENGINE_SUBSTITUTION'");
    session->ExecuteDirect("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    // GROUP_CONCAT (an activity's related resources) is cut at 1 KiB on MySQL 8 by default.
    session->ExecuteDirect("SET SESSION group_concat_max_len = 1048576");
    session->ExecuteDirect(
        absl::StrCat("SET SESSION innodb_lock_wait_timeout = ",
                     std::max<int64_t>(1, absl::ToInt64Seconds(config.lock_wait_timeout))));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return session;
}

absl::StatusOr<Lease> ConnectionPool::Checkout(absl::Time call_deadline) {
  const absl::Time asked = absl::Now();
  auto lease = CheckoutSession(call_deadline);
  if (lease.ok()) {
    if (StorageObserver* observer = GetStorageObserver()) observer->OnCheckout(absl::Now() - asked);
  }
  return lease;
}

absl::StatusOr<Lease> ConnectionPool::CheckoutSession(absl::Time call_deadline) {
  const absl::Time timeout = absl::Now() + config_.checkout_timeout;
  const absl::Time deadline = std::min(timeout, call_deadline);
  while (true) {
    std::unique_ptr<Session> session;
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (!closed_ && idle_.empty() && open_ >= config_.pool_size) {
        const absl::Duration left = deadline - absl::Now();
        ++waiting_;
        const bool timed_out =
            left <= absl::ZeroDuration() ||
            available_.wait_for(lock, absl::ToChronoNanoseconds(left)) == std::cv_status::timeout;
        --waiting_;
        if (timed_out) {
          if (idle_.empty() && open_ >= config_.pool_size) {
            if (call_deadline < timeout) {
              return api::Error(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                                "the call's deadline passed while it waited for a database "
                                "connection");
            }
            return Unavailable(absl::StrCat("no database connection became free within ",
                                            absl::FormatDuration(config_.checkout_timeout),
                                            " (pool of ", config_.pool_size, ")"));
          }
        }
      }
      if (closed_) return Unavailable("the connection pool is closed");
      if (!idle_.empty()) {
        session = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++open_;  // reserve a slot; the connection opens outside the lock
      }
    }
    if (session) {
      const absl::Time now = absl::Now();
      // Pinged when idle for a while, or when it was returned before a connection was seen
      // to be lost (after a failover or a restart, its idle neighbours are likely dead too).
      bool trusted;
      {
        std::lock_guard<std::mutex> lock(mu_);
        trusted = now - session->last_used() <= config_.validate_after_idle &&
                  session->last_used() > suspect_before_;
      }
      if (trusted || session->Validate()) {
        return Lease(this, std::move(session));
      }
      // Stale and dead (the server restarted, or killed it): drop it and try again.
      session.reset();
      std::lock_guard<std::mutex> lock(mu_);
      --open_;
      ++replaced_;
      continue;
    }
    auto opened = Connect(config_);
    std::lock_guard<std::mutex> lock(mu_);
    if (!opened.ok()) {
      --open_;
      available_.notify_one();
      return opened.status();
    }
    ++opened_;
    return Lease(this, *std::move(opened));
  }
}

void ConnectionPool::Return(std::unique_ptr<Session> session) {
  const bool broken = session->broken();
  if (!broken) session->Touch(absl::Now());
  std::unique_ptr<Session> discard;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken || closed_) {
      discard = std::move(session);
      --open_;
      if (broken) {
        ++replaced_;
        suspect_before_ = absl::Now();
      }
    } else {
      idle_.push_back(std::move(session));
    }
  }
  available_.notify_one();
  // `discard` closes here, outside the lock.
}

void ConnectionPool::Close() {
  std::vector<std::unique_ptr<Session>> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  available_.notify_all();
}

ConnectionPool::Stats ConnectionPool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Stats{open_, static_cast<int>(idle_.size()), opened_, replaced_, waiting_};
}

}  // namespace allies::storage
