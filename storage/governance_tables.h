// The tables of a governance body family (reader councils; supervisory and trustee boards),
// declared once for both on storage/resource_table.h: the bodies under a library and, nested in
// a body, members, meetings (and in them agenda items) and decisions (and in them action
// items). The families differ in their tables' names and their body message, nothing else.
#ifndef ALLIES_STORAGE_GOVERNANCE_TABLES_H_
#define ALLIES_STORAGE_GOVERNANCE_TABLES_H_

#include <string>

#include "storage/resource_table.h"

namespace allies::storage {

struct GovernanceTables {
  std::string prefix;                 // of the SQL tables: "reader_council"
  const ResourceTable* bodies;        // "libraries/{l}/readerCouncils/{c}"
  const ResourceTable* members;       // "{body}/members/{m}"
  const ResourceTable* meetings;      // "{body}/meetings/{t}"
  const ResourceTable* agenda_items;  // "{body}/meetings/{t}/agendaItems/{i}"
  const ResourceTable* decisions;     // "{body}/decisions/{d}"
  const ResourceTable* action_items;  // "{body}/decisions/{d}/actionItems/{a}"
};

const GovernanceTables& ReaderCouncilTables();
// SQL shared by the bodies' computed fields (over today) and the network review (over a
// period): a member row "m" in office on `day`; the meetings a body row "t" of the family
// `prefix` held from `from` to `to` (days, both included); the meetings its rules require from
// `from` to `to` (the share of the year from `from` that has passed, times meetings_per_year).
std::string GovernanceInOfficeSql(const std::string& day);
std::string GovernanceMeetingsHeldSql(const std::string& prefix, const std::string& from,
                                      const std::string& to);
std::string GovernanceMeetingsRequiredSql(const std::string& from, const std::string& to);
const GovernanceTables& SupervisoryBoardTables();

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_GOVERNANCE_TABLES_H_
