// The personal-data consent ledger (152-FZ) and what it does to the people it covers: the rules
// of a consent, which consents are in force for a person, the effects of a withdrawal on a
// volunteer, and the server's job that destroys a person's data when a withdrawn consent's
// destroy_due comes.
#ifndef ALLIES_SERVICES_VOLUNTEER_LEDGER_H_
#define ALLIES_SERVICES_VOLUNTEER_LEDGER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "allies/v1/consent.pb.h"
#include "allies/v1/volunteer.pb.h"
#include "services/common/resource_methods.h"

namespace allies::services {

// Days from a withdrawal to the destruction of the data (152-FZ art. 21 part 5).
inline constexpr int kDestroyWithinDays = 30;

ResourceRules<v1::Consent> ConsentRules();
ResourceRules<v1::DestructionRecord> DestructionRules();

// Full years of a person born on `birth` on the day `on` (UTC), or on a (local) day.
int AgeOn(const google::type::Date& birth, absl::Time on);
int AgeOn(const google::type::Date& birth, absl::CivilDay day);

bool Covers(const v1::Consent& consent, v1::Consent::Purpose purpose);

// The consents of `subject` in force now (ACTIVE as read today), but `except`.
absl::StatusOr<std::vector<v1::Consent>> ActiveConsentsOf(storage::Session& s,
                                                          const std::string& subject,
                                                          const std::string& except = "");

// Whether consents in force let the library contact their subject (reminders, news): one of
// them covers VOLUNTEER_WORK or COMMUNICATION. Without one, a withdrawal leaves a volunteer
// do_not_contact, and the reminder engine writes to nobody.
bool AllowContact(const std::vector<v1::Consent>& in_force);

// OK when `consent` lets the library keep a volunteer of `age` at work: it covers
// VOLUNTEER_WORK and, under 18, was given by a representative (ГК ст. 26, 28). Else
// FAILED_PRECONDITION naming `volunteer`.
absl::Status CheckWorkConsent(const v1::Consent& consent, int age, const std::string& volunteer);

// OK when one of the volunteer's consents in force passes CheckWorkConsent; else
// FAILED_PRECONDITION (CONSENT_REQUIRED). On a day (a shift's): the consent must still be valid
// then, and the age is the age on that day.
absl::Status CheckVolunteerConsented(storage::Session& s, const v1::Volunteer& volunteer,
                                     absl::Time now);
absl::Status CheckVolunteerConsented(storage::Session& s, const v1::Volunteer& volunteer,
                                     absl::CivilDay on);

// What a withdrawal of `consent` does to its subject when that is a volunteer, in the same
// transaction: without a VOLUNTEER_WORK consent left in force the volunteer becomes INACTIVE,
// and without one covering VOLUNTEER_WORK or COMMUNICATION it is no longer contacted.
absl::Status AfterWithdrawal(WriteContext& ctx, const v1::Consent& consent);

// The server's job: every withdrawn consent whose destroy_due is at or before `now` and whose
// subject's data is still held is settled, each in its own transaction: kept (retained_by) when
// another consent of the subject is in force, else the subject's data is destroyed
// (DestroyPerson, reason CONSENT_WITHDRAWN, by "system"). At most `limit` per run; returns how
// many were settled.
absl::StatusOr<int64_t> DestroyDuePersonalData(storage::ConnectionPool& pool, absl::Time now,
                                               int limit = 200);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_VOLUNTEER_LEDGER_H_
