#include "server/all_services.h"

#include "services/activity/activity_service.h"
#include "services/activity/change_stream_service.h"
#include "services/agreement/agreement_service.h"
#include "services/apikey/api_key_service.h"
#include "services/contact/contact_service.h"
#include "services/governance/governance_service.h"
#include "services/library/library_service.h"
#include "services/partner/partner_service.h"
#include "services/project/project_service.h"
#include "services/reminder/reminder_service.h"
#include "services/report/report_service.h"
#include "services/volunteer/volunteer_service.h"

namespace allies::server {

std::vector<ServiceRegistration> AllServices() {
  return {services::LibraryServiceRegistration(),
          services::ActivityLogServiceRegistration(),
          services::ChangeStreamServiceRegistration(),
          services::ApiKeyServiceRegistration(),
          services::PartnerServiceRegistration(),
          services::AgreementServiceRegistration(),
          services::ContactServiceRegistration(),
          services::VolunteerServiceRegistration(),
          services::ConsentServiceRegistration(),
          services::ProjectServiceRegistration(),
          services::governance::ReaderCouncilServiceRegistration(),
          services::governance::SupervisoryBoardServiceRegistration(),
          services::ReminderServiceRegistration(),
          services::ReportServiceRegistration()};
}

}  // namespace allies::server
