// `alliesctl partners ...`: a library's social partners (allies.v1.PartnerService).
#ifndef ALLIES_CLIENTS_ALLIESCTL_PARTNERS_H_
#define ALLIES_CLIENTS_ALLIESCTL_PARTNERS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/partner.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterPartnerCommands(CommandRegistry* registry);

// The requests `partners create LIBRARY ...` and `partners update NAME ...` send (exposed for
// tests). Errors are usage errors.
absl::StatusOr<allies::v1::CreatePartnerRequest> BuildCreatePartnerRequest(
    absl::string_view library, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdatePartnerRequest> BuildUpdatePartnerRequest(absl::string_view name,
                                                                           const ParsedArgs& args);

// Columns NAME, DISPLAY NAME, KIND, STATE, INN, LAST INTERACTION (and DELETED when any is).
Table PartnersTable(const google::protobuf::RepeatedPtrField<allies::v1::Partner>& partners);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_PARTNERS_H_
