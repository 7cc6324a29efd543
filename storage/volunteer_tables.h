// The tables of a library's volunteers and of the personal-data consent ledger (152-FZ):
// volunteers, consents and destruction records, declared on storage/resource_table.h.
#ifndef ALLIES_STORAGE_VOLUNTEER_TABLES_H_
#define ALLIES_STORAGE_VOLUNTEER_TABLES_H_

#include <string>

#include "storage/resource_table.h"

namespace allies::storage {

const ResourceTable& ConsentsTable();
const ResourceTable& DestructionsTable();
const ResourceTable& VolunteersTable();
// Nested in volunteers: "libraries/{l}/volunteers/{v}/agreements/{a}", ".../qualifications/{q}".
const ResourceTable& VolunteerAgreementsTable();
const ResourceTable& QualificationsTable();

// SQL (over a consents row "t"; Consent.State numbers: 1 ACTIVE, 2 WITHDRAWN, 3 EXPIRED) of a
// consent's state as it reads today (UTC): an ACTIVE one past its valid_until is EXPIRED.
extern const char kConsentStateSql[];
// SQL (over a consents row "t") of a withdrawn consent whose data was due for destruction
// before `instant` (an SQL time, written twice) and not destroyed by then (nor retained): the
// computed destruction_overdue with `instant` now.
std::string ConsentDestructionOverdueOnSql(const std::string& instant);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_VOLUNTEER_TABLES_H_
