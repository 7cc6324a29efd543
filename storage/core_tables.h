// The tables every part of Allies stands on: the library network, API keys and the activity log
// (see resource_table.h), and the list of every built-in table.
#ifndef ALLIES_STORAGE_CORE_TABLES_H_
#define ALLIES_STORAGE_CORE_TABLES_H_

#include "storage/resource_table.h"

namespace allies::storage {

// "libraries/{library}": the network's tree (a library's parent is another library).
const ResourceTable& LibrariesTable();
// "apiKeys/{api_key}": a key belongs to the library its `library` field names (none: the
// network); the hash of its secret is an extra column.
const ResourceTable& ApiKeysTable();
// "libraries/{library}/activities/{activity}": system entries for every change and
// interactions recorded by staff.
const ResourceTable& ActivitiesTable();

// Activity.Kind numbers as stored; SYSTEM entries are written by activities::RecordChange only.
inline constexpr int kActivityKindSystem = 1;

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_CORE_TABLES_H_
