// Sending a message to an SMTP relay with libcurl's SMTP client (smtp:// or smtps://, STARTTLS
// when required, AUTH when a user is given). No SMTP is spoken here.
#ifndef ALLIES_SERVICES_REMINDER_SMTP_H_
#define ALLIES_SERVICES_REMINDER_SMTP_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/reminder/mime.h"

namespace allies::services::reminders {

struct SmtpConfig {
  // "smtp://relay.example.org:25" or "smtps://relay.example.org:465".
  std::string url;
  std::string user;  // empty: no AUTH
  std::string password;
  bool require_tls = false;  // STARTTLS required on smtp://
  absl::Duration timeout = absl::Seconds(60);
};

// Where a message goes; the delivery takes any.
class Mailer {
 public:
  virtual ~Mailer() = default;
  // OK once the relay accepted the message for its recipient; UNAVAILABLE when the relay could
  // not be reached or refused it (retried later); UNKNOWN when the relay had the whole message
  // but gave no answer to it (it may have taken it: retried later, marked a possible duplicate).
  virtual absl::Status Send(const Message& message) = 0;
};

class SmtpMailer : public Mailer {
 public:
  explicit SmtpMailer(SmtpConfig config);
  absl::Status Send(const Message& message) override;

 private:
  SmtpConfig config_;
};

}  // namespace allies::services::reminders

#endif  // ALLIES_SERVICES_REMINDER_SMTP_H_
