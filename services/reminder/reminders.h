// The reminder engine: what is due to be told, and to whom, computed from the data at the
// moment it is asked (never stored). It reads through the same List machinery and the same
// conditions (storage/due.h) as the methods that show each thing (ListUpcomingShifts,
// ListExpiringAgreements, ListExpiringQualifications, ListExpiringTerms,
// ListOverdueActionItems, ListDueDestructions), as the caller: scope and need to know apply.
// ListReminders shows the result; services/reminder/delivery sends it.
#ifndef ALLIES_SERVICES_REMINDER_REMINDERS_H_
#define ALLIES_SERVICES_REMINDER_REMINDERS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "allies/v1/agreement.pb.h"
#include "allies/v1/consent.pb.h"
#include "allies/v1/governance.pb.h"
#include "allies/v1/library.pb.h"
#include "allies/v1/partner.pb.h"
#include "allies/v1/project.pb.h"
#include "allies/v1/reader_council.pb.h"
#include "allies/v1/reminder.pb.h"
#include "allies/v1/supervisory_board.pb.h"
#include "allies/v1/volunteer.pb.h"
#include "api/rpc.h"
#include "services/common/resource_methods.h"

namespace allies::services::reminders {

inline constexpr int kShiftHours = 24;
inline constexpr int kAgreementStages[] = {30, 7, 0};
inline constexpr int kExpiringDays = 30;
inline constexpr int kDestructionDays = 7;

// The stage of an agreement ending in `days_left` days: the smallest of 30, 7, 0 not below
// it; -1 past the end or more than 30 days before it.
int AgreementStage(int days_left);
// "1 день", "3 дня", "30 дней".
std::string RussianDays(int n);
// "05.12.2026".
std::string RussianDate(absl::CivilDay day);
// The id of a reminder with this key: 32 hex digits of its SHA-256.
std::string ReminderId(absl::string_view key);

// A reminder as computed, with what its delivery needs besides what the API shows.
struct Due {
  v1::Reminder reminder;
  std::string key;         // what it is about, spelled out (the ledger keeps it)
  std::string library_id;  // whose reminder it is (its sender)
  // VOLUNTEER: the volunteer's first e-mail; STAFF: the library's e-mail ("" when it has none).
  std::string to;
  std::string from;       // the library's e-mail ("": it cannot be sent)
  std::string from_name;  // the library's display name
};

class Engine {
 public:
  explicit Engine(storage::ConnectionPool& pool);
  ~Engine();

  // Every reminder due now for the libraries of `library`'s subtree ("-": every library the
  // caller reaches), sorted by name. Volunteers who may not be contacted get none.
  absl::StatusOr<std::vector<Due>> Compute(const api::Call& call, const std::string& library);

  // The address a volunteer may be written to now: their first e-mail, unless they are
  // deleted, erased, INACTIVE, do_not_contact, opted out of e-mail, or have no consent in
  // force covering VOLUNTEER_WORK or COMMUNICATION (""). Read as stored.
  absl::StatusOr<std::string> ContactAddress(const std::string& volunteer, absl::Time deadline);

  storage::ConnectionPool& pool() { return pool_; }

 private:
  struct Run;
  template <typename Body>
  struct Family;

  absl::Status Shifts(Run& run);
  absl::Status Agreements(Run& run);
  absl::Status Qualifications(Run& run);
  template <typename Body>
  absl::Status Governance(Run& run, Family<Body>& family);
  absl::Status Destructions(Run& run);

  storage::ConnectionPool& pool_;
  ResourceMethods<v1::Library> libraries_;
  ResourceMethods<v1::Project> projects_;
  ResourceMethods<v1::Shift> shifts_;
  ResourceMethods<v1::Signup> signups_;
  ResourceMethods<v1::Volunteer> volunteers_;
  ResourceMethods<v1::Qualification> qualifications_;
  ResourceMethods<v1::Agreement> agreements_;
  ResourceMethods<v1::Partner> partners_;
  ResourceMethods<v1::Consent> consents_;
  std::unique_ptr<Family<v1::ReaderCouncil>> councils_;
  std::unique_ptr<Family<v1::SupervisoryBoard>> boards_;
};

}  // namespace allies::services::reminders

#endif  // ALLIES_SERVICES_REMINDER_REMINDERS_H_
