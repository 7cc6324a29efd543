// `alliesctl consents ...`: the personal-data consent ledger (allies.v1.ConsentService): consents
// as given, their withdrawal, the destructions due after it and the acts of destruction.
#ifndef ALLIES_CLIENTS_ALLIESCTL_CONSENTS_H_
#define ALLIES_CLIENTS_ALLIESCTL_CONSENTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/consent.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterConsentCommands(CommandRegistry* registry);

// The flags of the consent given with a volunteer's application (`volunteers create`), as fields
// of Consent: --consent-purpose, --consent-category, --consent-processor, --consent-method,
// --consent-document, --consent-valid-until, --consent-given-time, and the representative's
// --representative, --representative-relation, --representative-document,
// --representative-contact (named as in `consents create`).
const std::vector<FieldFlag>& InlineConsentFieldFlags();

// The consent given with a person's record (a volunteer's application, a council member given
// by name), from those flags: the flags given (none: *consent untouched, returns false), each
// required one present (a usage error naming `with`, e.g. "the application"), the data
// categories defaulting to `default_categories`, and `subject_name` as the subject's name.
absl::StatusOr<bool> ApplyInlineConsent(const ParsedArgs& args, absl::string_view with,
                                        const std::vector<std::string>& default_categories,
                                        const std::string& subject_name,
                                        allies::v1::Consent* consent);
// The flags of it that were given ("--consent-purpose", ...).
std::vector<std::string> InlineConsentFlagsGiven(const ParsedArgs& args);

// The requests `consents create LIBRARY ...` and `consents withdraw NAME ...` send (exposed for
// tests). Errors are usage errors.
absl::StatusOr<allies::v1::CreateConsentRequest> BuildCreateConsentRequest(
    absl::string_view library, const ParsedArgs& args);
absl::StatusOr<allies::v1::WithdrawConsentRequest> BuildWithdrawConsentRequest(
    absl::string_view name, const ParsedArgs& args);

// "VOLUNTEER_WORK, COMMUNICATION"; empty when there are none.
std::string PurposesCell(const allies::v1::Consent& consent);

// Columns NAME, SUBJECT, PURPOSES, STATE, DESTROY DUE.
Table ConsentsTable(const google::protobuf::RepeatedPtrField<allies::v1::Consent>& consents);
// Columns NAME, SUBJECT, CONSENT, REASON, DESTROYED, BY.
Table DestructionRecordsTable(
    const google::protobuf::RepeatedPtrField<allies::v1::DestructionRecord>& records);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_CONSENTS_H_
