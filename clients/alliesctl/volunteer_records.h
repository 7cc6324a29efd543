// `alliesctl volunteer-agreements ...` and `alliesctl qualifications ...`: the records kept under
// a volunteer (allies.v1.VolunteerService): civil-law volunteer agreements with their lifecycle
// (DRAFT -> ACTIVE -> TERMINATED; EXPIRED past the end date) and qualifications (EXPIRED past
// the expiry date).
#ifndef ALLIES_CLIENTS_ALLIESCTL_VOLUNTEER_RECORDS_H_
#define ALLIES_CLIENTS_ALLIESCTL_VOLUNTEER_RECORDS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/volunteer.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterVolunteerRecordCommands(CommandRegistry* registry);

// The parent of `volunteer-agreements list` and `qualifications list`: a volunteer
// (libraries/x/volunteers/y, or x/volunteers/y), "-" for either id; a library alone (x,
// libraries/x or -) means every volunteer of it. Empty: libraries/-/volunteers/-.
std::string VolunteerListParent(absl::string_view operand);

// The requests `volunteer-agreements create VOLUNTEER ...`, `volunteer-agreements update NAME
// ...`, `qualifications create VOLUNTEER ...` and `qualifications update NAME ...` send (exposed
// for tests). Errors are usage errors.
absl::StatusOr<allies::v1::CreateVolunteerAgreementRequest> BuildCreateVolunteerAgreementRequest(
    absl::string_view volunteer, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateVolunteerAgreementRequest> BuildUpdateVolunteerAgreementRequest(
    absl::string_view name, const ParsedArgs& args);
absl::StatusOr<allies::v1::CreateQualificationRequest> BuildCreateQualificationRequest(
    absl::string_view volunteer, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateQualificationRequest> BuildUpdateQualificationRequest(
    absl::string_view name, const ParsedArgs& args);

// `qualifications expiring [VOLUNTEER]` and `volunteer-agreements expiring [VOLUNTEER]`: the
// parent of VolunteerListParent and --within-days (default 30).
absl::StatusOr<allies::v1::ListExpiringQualificationsRequest> BuildExpiringQualificationsRequest(
    absl::string_view parent, const ParsedArgs& args);
absl::StatusOr<allies::v1::ListExpiringVolunteerAgreementsRequest>
BuildExpiringVolunteerAgreementsRequest(absl::string_view parent, const ParsedArgs& args);

// Columns NAME, STATE, END DATE, SIGNER (and DELETED when any is).
Table VolunteerAgreementsTable(
    const google::protobuf::RepeatedPtrField<allies::v1::VolunteerAgreement>& agreements);
// Columns NAME, KIND, TITLE, EXPIRY, STATE (and DELETED when any is).
Table QualificationsTable(
    const google::protobuf::RepeatedPtrField<allies::v1::Qualification>& qualifications);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_VOLUNTEER_RECORDS_H_
