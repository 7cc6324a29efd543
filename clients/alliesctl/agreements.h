// `alliesctl agreements ...`: agreements with partners and their lifecycle
// (allies.v1.AgreementService).
#ifndef ALLIES_CLIENTS_ALLIESCTL_AGREEMENTS_H_
#define ALLIES_CLIENTS_ALLIESCTL_AGREEMENTS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/agreement.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterAgreementCommands(CommandRegistry* registry);

// The requests `agreements create LIBRARY ...` and `agreements update NAME ...` send (exposed
// for tests). Errors are usage errors.
absl::StatusOr<allies::v1::CreateAgreementRequest> BuildCreateAgreementRequest(
    absl::string_view library, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateAgreementRequest> BuildUpdateAgreementRequest(
    absl::string_view name, const ParsedArgs& args);

// Columns NAME, NUMBER, PARTNER, STATE, END DATE, VALUE (and DELETED when any is).
Table AgreementsTable(const google::protobuf::RepeatedPtrField<allies::v1::Agreement>& agreements);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_AGREEMENTS_H_
