// The yearly reports' table (services/report): "libraries/{library}/reports/{year}", the
// snapshot of a network review kept as JSON; declared on storage/resource_table.h.
#ifndef ALLIES_STORAGE_REPORT_TABLES_H_
#define ALLIES_STORAGE_REPORT_TABLES_H_

#include "storage/resource_table.h"

namespace allies::storage {

const ResourceTable& ReportsTable();

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_REPORT_TABLES_H_
