// What is due, as conditions over a table's row "t" relative to the database's clock
// (UTC_DATE(), UTC_TIMESTAMP(6)): written once for the List methods that show it
// (ListExpiringAgreements, ListExpiringQualifications, ListExpiringTerms,
// ListOverdueActionItems, ListDueDestructions, ListUpcomingShifts) and the reminder engine
// (services/reminder), which reads the same rows through the same List machinery.
#ifndef ALLIES_STORAGE_DUE_H_
#define ALLIES_STORAGE_DUE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "storage/list_query.h"

namespace allies::storage::due {

// `ends` (SQL of a date over "t", with any condition before it: "t.state = 2 AND t.end_date")
// falls between today and today + `days` (UTC), both included.
SqlClause EndingWithin(absl::string_view ends, int days);

// Partner agreements ACTIVE as they read today whose (renewed) end date falls within `days`.
SqlClause AgreementsEndingWithin(int days);
// A volunteer's qualifications with an expiry date within `days`.
SqlClause QualificationsExpiringWithin(int days);
// A volunteer's agreements ACTIVE with an end date within `days`.
SqlClause VolunteerAgreementsEndingWithin(int days);
// Governance members still serving whose term ends within `days`.
SqlClause TermsExpiringWithin(int days);
// OPEN governance action items past their due date.
SqlClause ActionItemsOverdue();
// SQL (over the action item row `alias`) of one overdue on `day` (an SQL date): due before it,
// created by then, and still OPEN then (open now, or closed after it). ActionItemsOverdue is
// this with today (in a form its index serves).
std::string ActionItemOverdueOnSql(absl::string_view alias, absl::string_view day);
// Withdrawn consents whose subject's data is still held and whose destroy_due comes within
// `days` (0: due now or overdue).
SqlClause DestructionsDueWithin(int days);
// Shifts that start from now to `hours` ahead.
SqlClause ShiftsStartingWithin(int hours);

}  // namespace allies::storage::due

#endif  // ALLIES_STORAGE_DUE_H_
