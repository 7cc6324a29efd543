// allies.v1.ReportService: the network review of a library's subtree (services/report/review.h)
// and the yearly reports that keep one as an approved snapshot, stored on the shared machinery
// (storage/report_tables.h, services/common/resource_methods.h).
#ifndef ALLIES_SERVICES_REPORT_REPORT_SERVICE_H_
#define ALLIES_SERVICES_REPORT_REPORT_SERVICE_H_

#include "allies/v1/report.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/resource_methods.h"

namespace allies::services {

class ReportService final : public api::AsyncServiceHost<v1::ReportService::AsyncService> {
 public:
  explicit ReportService(const server::ServiceDeps& deps);

  absl::Status BuildNetworkReview(const api::Call& call, const v1::BuildNetworkReviewRequest& r,
                                  v1::NetworkReview* out);
  absl::Status BuildReport(const api::Call& call, const v1::BuildReportRequest& r,
                           v1::BuildReportResponse* out);
  absl::Status ApproveReport(const api::Call& call, const v1::ApproveReportRequest& r,
                             v1::Report* out);

 private:
  storage::ConnectionPool& pool_;
  ResourceMethods<v1::Report> reports_;
};

server::ServiceRegistration ReportServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_REPORT_REPORT_SERVICE_H_
