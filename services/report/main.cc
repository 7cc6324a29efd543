// allies-report-service: ReportService (the network review and the yearly reports) as its own
// microservice.
#include "server/host.h"
#include "services/report/report_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(
      argc, argv, "allies-report-service",
      "Serves allies.v1.ReportService (the network review and the yearly reports).",
      {allies::services::ReportServiceRegistration()});
}
