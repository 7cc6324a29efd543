// What is kept under a volunteer: civil-law agreements (135-FZ) on the shared Lifecycle, and
// qualifications that expire. Rules only; VolunteerService serves them.
#ifndef ALLIES_SERVICES_VOLUNTEER_VOLUNTEER_RECORDS_H_
#define ALLIES_SERVICES_VOLUNTEER_VOLUNTEER_RECORDS_H_

#include "allies/v1/volunteer.pb.h"
#include "services/common/lifecycle.h"
#include "services/common/resource_methods.h"

namespace allies::services {

ResourceRules<v1::VolunteerAgreement> VolunteerAgreementRules();
ResourceRules<v1::Qualification> QualificationRules();
const Lifecycle& VolunteerAgreementLifecycle();

// ActivateVolunteerAgreement's change: DRAFT -> ACTIVE once it has an end date and a signer,
// the volunteer is live with a consent in force, and under 14 the representative signs.
absl::StatusOr<std::vector<std::string>> ActivateVolunteerAgreement(
    WriteContext& ctx, const storage::ResourceKey& key, v1::VolunteerAgreement& agreement);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_VOLUNTEER_VOLUNTEER_RECORDS_H_
