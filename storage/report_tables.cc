#include "storage/report_tables.h"

#include "allies/v1/report.pb.h"

namespace allies::storage {

const ResourceTable& ReportsTable() {
  static const auto* table = [] {
    TableOptions options;
    // An approved report is never deleted, a draft is rebuilt: nothing is deleted.
    options.soft_delete = false;
    return new ResourceTable("reports", "reports", v1::Report::descriptor(),
                             {
                                 Field("year").Sortable(),
                                 Field("state").Sortable(),
                                 Field("review"),
                                 Field("approver"),
                                 Field("approve_time").Sortable(),
                             },
                             options);
  }();
  return *table;
}

}  // namespace allies::storage
