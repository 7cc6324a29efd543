#include "clients/alliesctl/agreements.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "allies/v1/agreement.grpc.pb.h"

namespace allies::ctl {
namespace {

using allies::v1::Agreement;
using allies::v1::AgreementService;

constexpr char kResource[] = "agreements";
constexpr int32_t kDefaultWithinDays = 30;

// --document TITLE=URI, repeatable; every occurrence together replaces the list ("" clears it).
absl::Status SetDocuments(const ParsedArgs& args, google::protobuf::Message* message) {
  auto* agreement = static_cast<Agreement*>(message);
  agreement->clear_documents();
  for (const std::string& value : args.GetAll("document")) {
    if (value.empty()) continue;
    absl::StatusOr<std::pair<std::string, std::string>> document =
        ParsePairFlag("document", "TITLE=URI", value);
    if (!document.ok()) return document.status();
    Agreement::Document* added = agreement->add_documents();
    added->set_title(document->first);
    added->set_uri(document->second);
  }
  return absl::OkStatus();
}

// The settable fields of Agreement, as flags of create and update.
const std::vector<FieldFlag>& FieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"partner", "partner", "PARTNER", "the partner, libraries/x/partners/y of the same library",
       /*required=*/true},
      {"number", "number", "NUMBER",
       "agreement number, unique in the library, e.g. \"12/2026-С\" (at most 100 characters)",
       /*required=*/true},
      {"title", "title", "TITLE", "title (at most 300 characters)", /*required=*/true},
      {"kind", "kind", "KIND", EnumValueNames(*Agreement::Kind_descriptor()), /*required=*/true},
      {"sign-date", "sign_date", "DATE", "when it was signed, YYYY-MM-DD"},
      {"start-date", "start_date", "DATE", "when it takes effect, YYYY-MM-DD"},
      {"end-date", "end_date", "DATE", "when it ends, YYYY-MM-DD (needed to activate)"},
      {"auto-renew", "auto_renew", "",
       "renews itself by --renewal-months when it ends (--auto-renew=false: no longer)"},
      {"renewal-months", "renewal_months", "N", "length of an automatic renewal, 1-120 months"},
      {"subject", "subject", "TEXT", "what it is about (at most 10000 characters)"},
      {"library-obligations", "library_obligations", "TEXT", "what the library undertakes"},
      {"partner-obligations", "partner_obligations", "TEXT", "what the partner undertakes"},
      {"value", "value", "MONEY",
       "value for material support, \"AMOUNT CURRENCY\": \"150000.50 RUB\" (ISO 4217 code, "
       "decimal point or comma)"},
      {"signatory", "signatories", "CONTACT",
       "a contact who signed, libraries/x/contacts/y; repeatable or comma-separated"},
      {"document", "documents", "TITLE=URI",
       "a document, e.g. \"Договор=https://example.ru/12.pdf\" (split at the first =); "
       "repeatable",
       /*required=*/false, SetDocuments},
  };
  return *fields;
}

const Columns<Agreement>& AgreementColumns() {
  static const auto* const columns =
      new Columns<Agreement>{{"NAME", "NUMBER", "PARTNER", "STATE", "END DATE", "VALUE"},
                             [](const Agreement& agreement) -> std::vector<std::string> {
                               return {agreement.name(),
                                       OrNone(agreement.number()),
                                       OrNone(agreement.partner()),
                                       EnumName(*Agreement::State_descriptor(), agreement.state()),
                                       OrNone(FormatDate(agreement.end_date())),
                                       OrNone(FormatMoney(agreement.value()))};
                             }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateAgreementRequest> CreateRequest(Invocation& inv) {
  return BuildCreateAgreementRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdateAgreementRequest> UpdateRequest(Invocation& inv) {
  return BuildUpdateAgreementRequest(inv.operands()[0], inv.args());
}

absl::Status TerminationReason(const ParsedArgs& args,
                               allies::v1::TerminateAgreementRequest* request) {
  std::optional<std::string> reason = args.Get("reason");
  if (!reason.has_value() || reason->empty()) {
    return absl::InvalidArgumentError("--reason is required: why the agreement is terminated");
  }
  request->set_reason(*reason);
  return absl::OkStatus();
}

absl::Status NewEndDate(const ParsedArgs& args, allies::v1::RenewAgreementRequest* request) {
  std::optional<std::string> date = args.Get("new-end-date");
  if (!date.has_value()) return absl::InvalidArgumentError("--new-end-date is required");
  absl::StatusOr<google::type::Date> parsed = ParseDateFlag("new-end-date", *date);
  if (!parsed.ok()) return parsed.status();
  *request->mutable_new_end_date() = *parsed;
  return absl::OkStatus();
}

int ExpiringFlags(Invocation& inv, allies::v1::ListExpiringAgreementsRequest& request) {
  request.set_parent(ListParent(inv));
  if (int code = ApplyPageFlags(inv, request); code != kExitOk) return code;
  request.set_within_days(kDefaultWithinDays);
  if (std::optional<std::string> days = inv.args().Get("within-days")) {
    absl::StatusOr<int32_t> within = ParseInt32Flag("within-days", *days);
    if (!within.ok()) return inv.UsageError(within.status().message());
    request.set_within_days(*within);
  }
  return kExitOk;
}

}  // namespace

absl::StatusOr<allies::v1::CreateAgreementRequest> BuildCreateAgreementRequest(
    absl::string_view library, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateAgreementRequest>(FieldFlags(), "agreement",
                                                                std::string(library), args);
}

absl::StatusOr<allies::v1::UpdateAgreementRequest> BuildUpdateAgreementRequest(
    absl::string_view name, const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateAgreementRequest>(FieldFlags(), "agreement", name,
                                                                args);
}

Table AgreementsTable(const google::protobuf::RepeatedPtrField<Agreement>& agreements) {
  return AgreementColumns()(agreements);
}

void RegisterAgreementCommands(CommandRegistry* registry) {
  registry->AddResource({kResource,
                         {"agreement"},
                         "agreements with partners: DRAFT -> ACTIVE <-> SUSPENDED -> TERMINATED"});

  Command get =
      NewCommand(kResource, "get", "NAME",
                 "Show an agreement (libraries/x/agreements/y), including a deleted one.");
  get.run = NamedCall<AgreementService>(&AgreementService::Stub::GetAgreement, AgreementColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kResource, "list", "[LIBRARY]",
                            "List the agreements of a library (default: of every library you may "
                            "see, as with -).");
  list.details =
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr. Filter fields: e.g. --filter 'state = ACTIVE AND end_date <=\n"
      "\"2027-01-31\"', 'partner = \"libraries/x/partners/y\"', 'signatories:\n"
      "\"libraries/x/contacts/z\"', 'kind = SPONSORSHIP', 'number = \"12/2026\"'.\n"
      "Sortable: name, number, title, kind, state, sign_date, start_date, end_date,\n"
      "create_time, update_time.\n";
  list.flags = ListFlagSpecs("agreements", /*filter_and_order=*/true);
  list.run = ListCall<AgreementService>(
      &AgreementService::Stub::ListAgreements,
      [](allies::v1::ListAgreementsResponse* page) { return page->mutable_agreements(); },
      AgreementColumns(), "agreements");
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kResource, "create", "LIBRARY",
                              "Create a DRAFT agreement; --partner, --number, --title and --kind "
                              "are required.");
  create.details =
      "Dates are YYYY-MM-DD; money is \"AMOUNT CURRENCY\" (--value \"150000.50 RUB\").\n"
      "--signatory and --document may be repeated: --signatory libraries/x/contacts/a\n"
      "--document \"Договор=https://example.ru/12.pdf\" --document \"Акт=https://...\".\n";
  create.flags = CreateFlagSpecs("agreement", FieldFlags());
  create.run = Send<AgreementService>(&AgreementService::Stub::CreateAgreement, CreateRequest,
                                      AgreementColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kResource, "update", "NAME",
                 "Update the fields given as flags (an empty value clears the field).");
  update.details =
      "The update_mask holds exactly the field flags given. A DRAFT takes any field; ACTIVE\n"
      "and SUSPENDED agreements only --title, --auto-renew, --renewal-months, --signatory and\n"
      "--document (terms change by 'renew' or a new agreement); TERMINATED and EXPIRED ones\n"
      "none. --signatory and --document replace the whole list (\"\" clears it).\n";
  update.flags = UpdateFlagSpecs("agreement", FieldFlags());
  update.run = Send<AgreementService>(&AgreementService::Stub::UpdateAgreement, UpdateRequest,
                                      AgreementColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kResource, "delete", "NAME", "Soft-delete an agreement.");
  del.flags = {EtagFlag("agreement")};
  del.run =
      NamedCall<AgreementService>(&AgreementService::Stub::DeleteAgreement, AgreementColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(kResource, "undelete", "NAME", "Bring back a deleted agreement.");
  undelete.flags = {EtagFlag("agreement"), RequestIdFlag()};
  undelete.run =
      NamedCall<AgreementService>(&AgreementService::Stub::UndeleteAgreement, AgreementColumns());
  registry->AddCommand(std::move(undelete));

  Command activate = NewCommand(kResource, "activate", "NAME",
                                "DRAFT -> ACTIVE (needs an end date, not before the start date).");
  activate.flags = {EtagFlag("agreement"), RequestIdFlag()};
  activate.run =
      NamedCall<AgreementService>(&AgreementService::Stub::ActivateAgreement, AgreementColumns());
  registry->AddCommand(std::move(activate));

  Command suspend = NewCommand(kResource, "suspend", "NAME", "ACTIVE -> SUSPENDED.");
  suspend.flags = {EtagFlag("agreement"), RequestIdFlag()};
  suspend.run =
      NamedCall<AgreementService>(&AgreementService::Stub::SuspendAgreement, AgreementColumns());
  registry->AddCommand(std::move(suspend));

  Command resume = NewCommand(kResource, "resume", "NAME", "SUSPENDED -> ACTIVE.");
  resume.flags = {EtagFlag("agreement"), RequestIdFlag()};
  resume.run =
      NamedCall<AgreementService>(&AgreementService::Stub::ResumeAgreement, AgreementColumns());
  registry->AddCommand(std::move(resume));

  Command terminate = NewCommand(kResource, "terminate", "NAME",
                                 "ACTIVE or SUSPENDED -> TERMINATED; --reason is required.");
  terminate.flags = {{"reason", '\0', true, "TEXT", "why (required, at most 1000 characters)"},
                     EtagFlag("agreement"),
                     RequestIdFlag()};
  terminate.run = NamedCall<AgreementService>(&AgreementService::Stub::TerminateAgreement,
                                              AgreementColumns(), TerminationReason);
  registry->AddCommand(std::move(terminate));

  Command renew =
      NewCommand(kResource, "renew", "NAME", "ACTIVE or EXPIRED -> ACTIVE until --new-end-date.");
  renew.flags = {{"new-end-date", '\0', true, "DATE",
                  "the new end date, YYYY-MM-DD (required; later than the current one, not past)"},
                 EtagFlag("agreement"),
                 RequestIdFlag()};
  renew.run = NamedCall<AgreementService>(&AgreementService::Stub::RenewAgreement,
                                          AgreementColumns(), NewEndDate);
  registry->AddCommand(std::move(renew));

  Command expiring = NewCommand(kResource, "expiring", "[LIBRARY]",
                                "List live ACTIVE agreements ending within --within-days, soonest "
                                "first (default: of every library you may see).");
  expiring.details =
      "An agreement is listed when its end date (UTC) falls between today and today plus\n"
      "--within-days; 0 means ending today.\n";
  expiring.flags = PageFlagSpecs("agreements");
  expiring.flags.push_back(
      {"within-days", '\0', true, "DAYS",
       absl::StrCat("how far ahead to look, 0-3650 (default ", kDefaultWithinDays, ")")});
  expiring.run = ListCall<AgreementService>(
      &AgreementService::Stub::ListExpiringAgreements,
      [](allies::v1::ListExpiringAgreementsResponse* page) { return page->mutable_agreements(); },
      AgreementColumns(), "expiring agreements", ExpiringFlags);
  registry->AddCommand(std::move(expiring));
}

}  // namespace allies::ctl
