// The tables of volunteer work: a library's projects and, nested in them, recurring schedules,
// shifts and, nested in shifts, sign-ups; declared on storage/resource_table.h.
#ifndef ALLIES_STORAGE_PROJECT_TABLES_H_
#define ALLIES_STORAGE_PROJECT_TABLES_H_

#include "storage/resource_table.h"

namespace allies::storage {

// "libraries/{l}/projects/{p}".
const ResourceTable& ProjectsTable();
// ".../projects/{p}/schedules/{r}" and ".../projects/{p}/shifts/{s}".
const ResourceTable& SchedulesTable();
const ResourceTable& ShiftsTable();
// ".../shifts/{s}/signups/{u}".
const ResourceTable& SignupsTable();

// Nested in volunteers: "libraries/{l}/volunteers/{v}/hours/{h}".
const ResourceTable& HoursTable();

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_PROJECT_TABLES_H_
