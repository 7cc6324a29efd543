#include "clients/alliesctl/volunteer_records.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "allies/v1/volunteer.grpc.pb.h"
#include "clients/alliesctl/libraries.h"

namespace allies::ctl {
namespace {

using allies::v1::Qualification;
using allies::v1::VolunteerAgreement;
using allies::v1::VolunteerService;

constexpr char kAgreements[] = "volunteer-agreements";
constexpr char kQualifications[] = "qualifications";
constexpr int kDefaultWithinDays = 30;

// ---- Volunteer agreements ----

// The settable fields of VolunteerAgreement, as flags of create and update.
const std::vector<FieldFlag>& AgreementFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"number", "number", "NUMBER",
       "agreement number, unique in the library when given, e.g. \"В-7/2026\" (at most 100 "
       "characters)"},
      {"tasks", "tasks", "TEXT", "what the volunteer does (at most 10000 characters)",
       /*required=*/true},
      {"place", "place", "TEXT", "where (at most 1000 characters)"},
      {"start-date", "start_date", "DATE", "when it takes effect, YYYY-MM-DD"},
      {"end-date", "end_date", "DATE",
       "when it ends, YYYY-MM-DD (needed to activate; past it an ACTIVE agreement reads EXPIRED)"},
      {"support", "support", "SUPPORT",
       absl::StrCat(
           "what the library provides: ", EnumValueNames(*VolunteerAgreement::Support_descriptor()),
           "; repeatable or comma-separated, no repeats")},
      {"support-notes", "support_notes", "TEXT",
       "details of the support: amounts, conditions (at most 10000 characters)"},
      {"risk-briefing-time", "risk_briefing_time", "TIME",
       "when the volunteer was briefed on the risks (135-FZ art. 17.3), RFC 3339 like "
       "2026-11-26T10:00:00+03:00"},
      {"signer", "signer", "SIGNER",
       absl::StrCat("who signs: ", EnumValueNames(*VolunteerAgreement::Signer_descriptor()),
                    " (needed to activate; under 14 the representative signs, 14-17 the "
                    "volunteer with the representative's consent)")},
      {"representative-contact", "representative_contact", "CONTACT",
       "for a REPRESENTATIVE signer: the representative as a contact of the same library, "
       "libraries/x/contacts/y (optional)"},
  };
  return *fields;
}

const Columns<VolunteerAgreement>& AgreementColumns() {
  static const auto* const columns = new Columns<VolunteerAgreement>{
      {"NAME", "STATE", "END DATE", "SIGNER"},
      [](const VolunteerAgreement& agreement) -> std::vector<std::string> {
        return {agreement.name(),
                EnumName(*VolunteerAgreement::State_descriptor(), agreement.state()),
                OrNone(FormatDate(agreement.end_date())),
                agreement.signer() == VolunteerAgreement::SIGNER_UNSPECIFIED
                    ? kEmptyCell
                    : EnumName(*VolunteerAgreement::Signer_descriptor(), agreement.signer())};
      }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateVolunteerAgreementRequest> CreateAgreementRequest(
    Invocation& inv) {
  return BuildCreateVolunteerAgreementRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdateVolunteerAgreementRequest> UpdateAgreementRequest(
    Invocation& inv) {
  return BuildUpdateVolunteerAgreementRequest(inv.operands()[0], inv.args());
}

absl::Status TerminationReason(const ParsedArgs& args,
                               allies::v1::TerminateVolunteerAgreementRequest* request) {
  std::optional<std::string> reason = args.Get("reason");
  if (!reason.has_value() || reason->empty()) {
    return absl::InvalidArgumentError("--reason is required: why the agreement is terminated");
  }
  request->set_reason(*reason);
  return absl::OkStatus();
}

// ---- Qualifications ----

// The settable fields of Qualification, as flags of create and update.
const std::vector<FieldFlag>& QualificationFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"kind", "kind", "KIND", EnumValueNames(*Qualification::Kind_descriptor()),
       /*required=*/true},
      {"title", "title", "TITLE",
       "what it is, e.g. \"Курс первой помощи\" (at most 300 characters)", /*required=*/true},
      {"issuer", "issuer", "NAME", "who issued it (at most 300 characters)"},
      {"issued-date", "issued_date", "DATE", "when it was issued, YYYY-MM-DD (not in the future)",
       /*required=*/true},
      {"expiry-date", "expiry_date", "DATE",
       "the last day it is valid, YYYY-MM-DD, not before --issued-date (default: no limit)"},
      {"evidence", "evidence", "TEXT",
       "a document number or reference (personal data; at most 500 characters)"},
  };
  return *fields;
}

const Columns<Qualification>& QualificationColumns() {
  static const auto* const columns = new Columns<Qualification>{
      {"NAME", "KIND", "TITLE", "EXPIRY", "STATE"},
      [](const Qualification& qualification) -> std::vector<std::string> {
        return {qualification.name(),
                EnumName(*Qualification::Kind_descriptor(), qualification.kind()),
                OrNone(qualification.title()), OrNone(FormatDate(qualification.expiry_date())),
                EnumName(*Qualification::State_descriptor(), qualification.state())};
      }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateQualificationRequest> CreateQualificationRequest(Invocation& inv) {
  return BuildCreateQualificationRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdateQualificationRequest> UpdateQualificationRequest(Invocation& inv) {
  return BuildUpdateQualificationRequest(inv.operands()[0], inv.args());
}

// The request of a List command under a volunteer: the parent of VolunteerListParent and the
// shared list flags.
struct VolunteerListFlags {
  template <typename Request>
  int operator()(Invocation& inv, Request& request) const {
    request.set_parent(VolunteerListParent(inv.operands().empty() ? "" : inv.operands()[0]));
    return ApplyListFlags(inv, request);
  }
};

// The request of an `expiring` command: the parent of VolunteerListParent, --within-days and
// the page flags.
template <typename Request>
absl::StatusOr<Request> BuildExpiringRequest(absl::string_view operand, const ParsedArgs& args) {
  Request request;
  request.set_parent(VolunteerListParent(operand));
  request.set_within_days(kDefaultWithinDays);
  if (std::optional<std::string> days = args.Get("within-days")) {
    absl::StatusOr<int32_t> within = ParseInt32Flag("within-days", *days);
    if (!within.ok()) return within.status();
    request.set_within_days(*within);
  }
  return request;
}

struct ExpiringFlags {
  template <typename Request>
  int operator()(Invocation& inv, Request& request) const {
    absl::StatusOr<Request> built =
        BuildExpiringRequest<Request>(inv.operands().empty() ? "" : inv.operands()[0], inv.args());
    if (!built.ok()) return inv.UsageError(built.status().message());
    request = *std::move(built);
    return ApplyPageFlags(inv, request);
  }
};

FlagSpec WithinDaysFlag() {
  return {"within-days", '\0', true, "DAYS",
          absl::StrCat("how far ahead to look, 0-3650 (default ", kDefaultWithinDays, ")")};
}

void RegisterAgreements(CommandRegistry* registry) {
  registry->AddResource({kAgreements,
                         {"volunteer-agreement", "vagreements"},
                         "agreements with volunteers (135-FZ art. 17.1): DRAFT -> ACTIVE -> "
                         "TERMINATED"});

  Command get = NewCommand(kAgreements, "get", "NAME",
                           "Show a volunteer agreement (libraries/x/volunteers/y/agreements/z), "
                           "including a deleted one.");
  get.run = NamedCall<VolunteerService>(&VolunteerService::Stub::GetVolunteerAgreement,
                                        AgreementColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kAgreements, "list", "[VOLUNTEER]",
                            "List the agreements of a volunteer (libraries/x/volunteers/y; - for "
                            "either id; default: of every volunteer you may see).");
  list.details =
      "A library alone (x or libraries/x) lists the agreements of all its volunteers.\n"
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr. Filter fields: e.g. --filter 'state = ACTIVE AND end_date <=\n"
      "\"2027-01-31\"', 'signer = REPRESENTATIVE', 'support: INSURANCE', 'number = \"В-7\"'.\n"
      "An ACTIVE agreement past its end date is EXPIRED, in filters too.\n"
      "Sortable: name, number, start_date, end_date, state, create_time, update_time.\n";
  list.flags = ListFlagSpecs("agreements", /*filter_and_order=*/true);
  list.run = ListCall<VolunteerService>(
      &VolunteerService::Stub::ListVolunteerAgreements,
      [](allies::v1::ListVolunteerAgreementsResponse* page) { return page->mutable_agreements(); },
      AgreementColumns(), "volunteer agreements", VolunteerListFlags());
  registry->AddCommand(std::move(list));

  Command create =
      NewCommand(kAgreements, "create", "VOLUNTEER",
                 "Create a DRAFT agreement with a volunteer (libraries/x/volunteers/y); --tasks "
                 "is required.");
  create.details =
      "Dates are YYYY-MM-DD; --risk-briefing-time is RFC 3339 (2026-11-26T10:00:00+03:00).\n"
      "--support may be repeated or comma-separated: --support meals,insurance.\n"
      "Activation needs --end-date, --signer and the volunteer's consent in force; under 14\n"
      "the parent or guardian signs (--signer REPRESENTATIVE).\n";
  create.flags = CreateFlagSpecs("agreement", AgreementFieldFlags());
  create.run = Send<VolunteerService>(&VolunteerService::Stub::CreateVolunteerAgreement,
                                      CreateAgreementRequest, AgreementColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kAgreements, "update", "NAME",
                 "Update the fields given as flags (an empty value clears the field).");
  update.details =
      "The update_mask holds exactly the field flags given. A DRAFT takes any field; an\n"
      "ACTIVE agreement only --risk-briefing-time and --support-notes (terminate it and\n"
      "make a new one to change the terms); TERMINATED and EXPIRED ones none. --support\n"
      "replaces the whole list (\"\" clears it).\n";
  update.flags = UpdateFlagSpecs("agreement", AgreementFieldFlags());
  update.run = Send<VolunteerService>(&VolunteerService::Stub::UpdateVolunteerAgreement,
                                      UpdateAgreementRequest, AgreementColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kAgreements, "delete", "NAME", "Soft-delete a volunteer agreement.");
  del.flags = {EtagFlag("agreement")};
  del.run = NamedCall<VolunteerService>(&VolunteerService::Stub::DeleteVolunteerAgreement,
                                        AgreementColumns());
  registry->AddCommand(std::move(del));

  Command undelete =
      NewCommand(kAgreements, "undelete", "NAME", "Bring back a deleted volunteer agreement.");
  undelete.flags = {EtagFlag("agreement"), RequestIdFlag()};
  undelete.run = NamedCall<VolunteerService>(&VolunteerService::Stub::UndeleteVolunteerAgreement,
                                             AgreementColumns());
  registry->AddCommand(std::move(undelete));

  Command activate =
      NewCommand(kAgreements, "activate", "NAME",
                 "DRAFT -> ACTIVE (needs an end date, a signer and the volunteer's consent in "
                 "force; under 14 the signer must be REPRESENTATIVE).");
  activate.flags = {EtagFlag("agreement"), RequestIdFlag()};
  activate.run = NamedCall<VolunteerService>(&VolunteerService::Stub::ActivateVolunteerAgreement,
                                             AgreementColumns());
  registry->AddCommand(std::move(activate));

  Command terminate =
      NewCommand(kAgreements, "terminate", "NAME", "ACTIVE -> TERMINATED; --reason is required.");
  terminate.flags = {{"reason", '\0', true, "TEXT", "why (required, at most 1000 characters)"},
                     EtagFlag("agreement"),
                     RequestIdFlag()};
  terminate.run = NamedCall<VolunteerService>(&VolunteerService::Stub::TerminateVolunteerAgreement,
                                              AgreementColumns(), TerminationReason);
  registry->AddCommand(std::move(terminate));

  Command expiring =
      NewCommand(kAgreements, "expiring", "[VOLUNTEER]",
                 "List ACTIVE volunteer agreements ending within --within-days, soonest first "
                 "(a volunteer, or a library's: x or libraries/x; default: of every volunteer you "
                 "may see).");
  expiring.details =
      "An agreement is listed when its end date (UTC) falls between today and today plus\n"
      "--within-days; 0 means ending today. Example:\n"
      "  alliesctl volunteer-agreements expiring obl --within-days 30\n";
  expiring.flags = PageFlagSpecs("agreements");
  expiring.flags.push_back(WithinDaysFlag());
  expiring.run = ListCall<VolunteerService>(
      &VolunteerService::Stub::ListExpiringVolunteerAgreements,
      [](allies::v1::ListVolunteerAgreementsResponse* page) { return page->mutable_agreements(); },
      AgreementColumns(), "expiring volunteer agreements", ExpiringFlags());
  registry->AddCommand(std::move(expiring));
}

void RegisterQualifications(CommandRegistry* registry) {
  registry->AddResource({kQualifications,
                         {"qualification"},
                         "volunteers' trainings and certificates; EXPIRED past the expiry date"});

  Command get =
      NewCommand(kQualifications, "get", "NAME",
                 "Show a qualification (libraries/x/volunteers/y/qualifications/z), including a "
                 "deleted one.");
  get.run = NamedCall<VolunteerService>(&VolunteerService::Stub::GetQualification,
                                        QualificationColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kQualifications, "list", "[VOLUNTEER]",
                            "List the qualifications of a volunteer (libraries/x/volunteers/y; - "
                            "for either id; default: of every volunteer you may see).");
  list.details =
      "A library alone (x or libraries/x) lists the qualifications of all its volunteers.\n"
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr. Filter fields: e.g. --filter 'state = VALID AND kind =\n"
      "NO_CRIMINAL_RECORD', 'expiry_date < \"2027-01-01\"', 'state = EXPIRED' (past the\n"
      "expiry date, UTC).\n"
      "Sortable: name, kind, title, issued_date, expiry_date, state, create_time, update_time.\n";
  list.flags = ListFlagSpecs("qualifications", /*filter_and_order=*/true);
  list.run = ListCall<VolunteerService>(
      &VolunteerService::Stub::ListQualifications,
      [](allies::v1::ListQualificationsResponse* page) { return page->mutable_qualifications(); },
      QualificationColumns(), "qualifications", VolunteerListFlags());
  registry->AddCommand(std::move(list));

  Command create =
      NewCommand(kQualifications, "create", "VOLUNTEER",
                 "Record a qualification of a volunteer (libraries/x/volunteers/y); --kind, "
                 "--title and --issued-date are required.");
  create.details =
      "Dates are YYYY-MM-DD. Example: --kind no_criminal_record --title \"Справка об\n"
      "отсутствии судимости\" --issuer \"МВД России\" --issued-date 2026-03-01\n"
      "--expiry-date 2027-02-28 --evidence \"№ 35/1234\".\n";
  create.flags = CreateFlagSpecs("qualification", QualificationFieldFlags());
  create.run = Send<VolunteerService>(&VolunteerService::Stub::CreateQualification,
                                      CreateQualificationRequest, QualificationColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kQualifications, "update", "NAME",
                 "Update the fields given as flags (an empty value clears the field).");
  update.details = "The update_mask holds exactly the field flags given.\n";
  update.flags = UpdateFlagSpecs("qualification", QualificationFieldFlags());
  update.run = Send<VolunteerService>(&VolunteerService::Stub::UpdateQualification,
                                      UpdateQualificationRequest, QualificationColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kQualifications, "delete", "NAME", "Soft-delete a qualification.");
  del.flags = {EtagFlag("qualification")};
  del.run = NamedCall<VolunteerService>(&VolunteerService::Stub::DeleteQualification,
                                        QualificationColumns());
  registry->AddCommand(std::move(del));

  Command undelete =
      NewCommand(kQualifications, "undelete", "NAME", "Bring back a deleted qualification.");
  undelete.flags = {EtagFlag("qualification"), RequestIdFlag()};
  undelete.run = NamedCall<VolunteerService>(&VolunteerService::Stub::UndeleteQualification,
                                             QualificationColumns());
  registry->AddCommand(std::move(undelete));

  Command expiring =
      NewCommand(kQualifications, "expiring", "[VOLUNTEER]",
                 "List VALID qualifications whose expiry date falls within --within-days, "
                 "soonest first (a volunteer, or a library's: x or libraries/x; default: of every "
                 "volunteer you may see).");
  expiring.details =
      "A qualification is listed when its expiry date (UTC) falls between today and today\n"
      "plus --within-days; 0 means expiring today. A project that requires it stops taking\n"
      "the volunteer's sign-ups for shifts that end after it. Example:\n"
      "  alliesctl qualifications expiring obl --within-days 30\n";
  expiring.flags = PageFlagSpecs("qualifications");
  expiring.flags.push_back(WithinDaysFlag());
  expiring.run = ListCall<VolunteerService>(
      &VolunteerService::Stub::ListExpiringQualifications,
      [](allies::v1::ListQualificationsResponse* page) { return page->mutable_qualifications(); },
      QualificationColumns(), "expiring qualifications", ExpiringFlags());
  registry->AddCommand(std::move(expiring));
}

}  // namespace

std::string VolunteerListParent(absl::string_view operand) {
  if (operand.empty()) return "libraries/-/volunteers/-";
  std::string parent = NormalizeLibraryName(operand);
  absl::string_view library_id = parent;
  absl::ConsumePrefix(&library_id, "libraries/");
  if (!absl::StrContains(library_id, '/')) absl::StrAppend(&parent, "/volunteers/-");
  return parent;
}

absl::StatusOr<allies::v1::CreateVolunteerAgreementRequest> BuildCreateVolunteerAgreementRequest(
    absl::string_view volunteer, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateVolunteerAgreementRequest>(
      AgreementFieldFlags(), "agreement", std::string(volunteer), args);
}

absl::StatusOr<allies::v1::UpdateVolunteerAgreementRequest> BuildUpdateVolunteerAgreementRequest(
    absl::string_view name, const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateVolunteerAgreementRequest>(AgreementFieldFlags(),
                                                                         "agreement", name, args);
}

absl::StatusOr<allies::v1::CreateQualificationRequest> BuildCreateQualificationRequest(
    absl::string_view volunteer, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateQualificationRequest>(
      QualificationFieldFlags(), "qualification", std::string(volunteer), args);
}

absl::StatusOr<allies::v1::UpdateQualificationRequest> BuildUpdateQualificationRequest(
    absl::string_view name, const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateQualificationRequest>(QualificationFieldFlags(),
                                                                    "qualification", name, args);
}

absl::StatusOr<allies::v1::ListExpiringQualificationsRequest> BuildExpiringQualificationsRequest(
    absl::string_view parent, const ParsedArgs& args) {
  return BuildExpiringRequest<allies::v1::ListExpiringQualificationsRequest>(parent, args);
}

absl::StatusOr<allies::v1::ListExpiringVolunteerAgreementsRequest>
BuildExpiringVolunteerAgreementsRequest(absl::string_view parent, const ParsedArgs& args) {
  return BuildExpiringRequest<allies::v1::ListExpiringVolunteerAgreementsRequest>(parent, args);
}

Table VolunteerAgreementsTable(
    const google::protobuf::RepeatedPtrField<VolunteerAgreement>& agreements) {
  return AgreementColumns()(agreements);
}

Table QualificationsTable(const google::protobuf::RepeatedPtrField<Qualification>& qualifications) {
  return QualificationColumns()(qualifications);
}

void RegisterVolunteerRecordCommands(CommandRegistry* registry) {
  RegisterAgreements(registry);
  RegisterQualifications(registry);
}

}  // namespace allies::ctl
