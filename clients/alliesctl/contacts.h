// `alliesctl contacts ...`: the people a library deals with at its partners
// (allies.v1.ContactService), including the personal-data requests: export and erase.
#ifndef ALLIES_CLIENTS_ALLIESCTL_CONTACTS_H_
#define ALLIES_CLIENTS_ALLIESCTL_CONTACTS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/contact.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterContactCommands(CommandRegistry* registry);

// The requests `contacts create LIBRARY ...`, `contacts update NAME ...` and
// `contacts merge TARGET --source ...` send (exposed for tests). Errors are usage errors.
absl::StatusOr<allies::v1::CreateContactRequest> BuildCreateContactRequest(
    absl::string_view library, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateContactRequest> BuildUpdateContactRequest(absl::string_view name,
                                                                           const ParsedArgs& args);
absl::StatusOr<allies::v1::MergeContactsRequest> BuildMergeContactsRequest(absl::string_view target,
                                                                           const ParsedArgs& args);

// One row per contact of each group: GROUP (1, 2, ...), CONTACT, REASONS.
Table DuplicatesTable(const allies::v1::FindDuplicateContactsResponse& response);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_CONTACTS_H_
