// The tables of a library's partnership: partners, contacts, agreements (see resource_table.h),
// and the SQL they share with the rules that span them.
#ifndef ALLIES_STORAGE_PARTNERSHIP_TABLES_H_
#define ALLIES_STORAGE_PARTNERSHIP_TABLES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/resource_table.h"

namespace allies::storage {

const ResourceTable& PartnersTable();
const ResourceTable& ContactsTable();
const ResourceTable& AgreementsTable();

// SQL (over the agreements row "t"; Agreement.State numbers: 2 ACTIVE, 3 SUSPENDED, 5 EXPIRED) of
// an agreement's state and end date as they read today
// (UTC): an ACTIVE one past its end date is EXPIRED, or, when it renews itself, ACTIVE with its
// end date moved on by whole renewal periods.
extern const char kAgreementStateSql[];
extern const char kAgreementEndDateSql[];

// SQL (over "t") of an agreement in force on `day` (an SQL date): signed off (not a draft),
// begun by then, and ending then or later or renewing itself. TERMINATED and EXPIRED rows
// count as in force on days before their end, so a past day reads as it was (a termination's
// own time is the caller's to compare). When `day` is today this is kAgreementStateSql in
// (ACTIVE, SUSPENDED), except that a SUSPENDED agreement past its end no longer is.
std::string AgreementInForceOnSql(const std::string& day);

// Today's date in UTC, as the database sees it in kAgreementStateSql.
absl::StatusOr<std::string> UtcToday(Session& session);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_PARTNERSHIP_TABLES_H_
