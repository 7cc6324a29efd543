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
const GovernanceTables& SupervisoryBoardTables();

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_GOVERNANCE_TABLES_H_
