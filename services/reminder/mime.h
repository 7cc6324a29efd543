// An e-mail message as RFC 5322 text with MIME (RFC 2045-2047) for UTF-8: headers with
// non-ASCII text as encoded words ("=?UTF-8?B?...?="), folded, and a base64 text/plain body.
// What the SMTP client (libcurl) sends as DATA; no SMTP here.
#ifndef ALLIES_SERVICES_REMINDER_MIME_H_
#define ALLIES_SERVICES_REMINDER_MIME_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace allies::services::reminders {

struct Message {
  std::string from;        // address
  std::string from_name;   // display name (any UTF-8)
  std::string to;          // address
  std::string subject;     // UTF-8
  std::string body;        // UTF-8, lines separated by "\n"
  std::string message_id;  // "id@domain" (the angle brackets are added)
  absl::Time date;
  std::string reminder;  // the reminder's name, as X-Allies-Reminder
};

// `text` as it may stand in a header: as is when it is printable ASCII without "=?", else as
// encoded words of at most 75 characters each (never splitting a UTF-8 character), separated by
// CRLF and a space (folding).
std::string EncodeHeaderText(absl::string_view text);

// The whole message, CRLF line ends.
std::string FormatMessage(const Message& m);

}  // namespace allies::services::reminders

#endif  // ALLIES_SERVICES_REMINDER_MIME_H_
