#include "clients/alliesctl/consents.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "allies/v1/consent.grpc.pb.h"
#include "clients/alliesctl/libraries.h"

namespace allies::ctl {
namespace {

using allies::v1::Consent;
using allies::v1::ConsentService;
using allies::v1::DestructionRecord;

constexpr char kResource[] = "consents";
// destroy_due is 30 days after a withdrawal, so by default every pending destruction is listed.
constexpr int32_t kDefaultWithinDays = 30;

// The help of the consent's fields, shared by `consents create` and `volunteers create`.
std::string PurposeHelp() {
  return absl::StrCat("what it allows: ", EnumValueNames(*Consent::Purpose_descriptor()),
                      "; repeatable or comma-separated");
}
constexpr char kCategoryHelp[] =
    "a category of data it covers, e.g. \"ФИО\", \"дата рождения\", \"телефон\" (at most 30); "
    "repeatable, one per flag (commas are kept)";
constexpr char kProcessorHelp[] =
    "another processor of the data (at most 20); repeatable, one per flag (commas are kept)";
std::string MethodHelp() {
  return absl::StrCat("how it was given: ", EnumValueNames(*Consent::Method_descriptor()));
}
constexpr char kDocumentHelp[] =
    "the number of the signed paper (required for PAPER, at most 100 characters)";
constexpr char kValidUntilHelp[] = "the last day it is valid, YYYY-MM-DD (UTC; default: no limit)";
constexpr char kGivenTimeHelp[] =
    "when it was given, RFC 3339 like 2026-11-26T10:00:00+03:00 (default: now)";

// The representative who gave the consent for a minor (or a person under guardianship).
std::vector<FieldFlag> RepresentativeFieldFlags() {
  return {
      {"representative", "representative_name", "NAME",
       "the parent or guardian who gave it, for a minor (at most 300 characters)"},
      {"representative-relation", "representative_relation", "RELATION",
       EnumValueNames(*Consent::Relation_descriptor())},
      {"representative-document", "representative_document", "DOCUMENT",
       "the document of the representative's authority (birth certificate, guardianship act)"},
      {"representative-contact", "representative_contact", "CONTACT",
       "the representative as a contact of the same library, libraries/x/contacts/y"},
  };
}

// The settable fields of Consent, as flags of create.
const std::vector<FieldFlag>& FieldFlags() {
  static const auto* const fields = [] {
    auto* flags = new std::vector<FieldFlag>{
        {"subject", "subject", "PERSON",
         "the person it is about, libraries/x/volunteers/y or libraries/x/contacts/y (omit it "
         "for a consent given before the volunteer is recorded: 'volunteers create --consent' "
         "makes it theirs)"},
        {"subject-name", "subject_name", "NAME",
         "the subject's name as written on the consent (at most 300 characters)",
         /*required=*/true},
        {"purpose", "purposes", "PURPOSE", PurposeHelp(), /*required=*/true},
        {"category", "data_categories", "CATEGORY", kCategoryHelp, /*required=*/true,
         EachValueSetter("category", "data_categories")},
        {"processor", "processors", "NAME", kProcessorHelp, /*required=*/false,
         EachValueSetter("processor", "processors")},
        {"method", "method", "METHOD", MethodHelp(), /*required=*/true},
        {"document-number", "document_number", "NUMBER", kDocumentHelp},
        {"valid-until", "valid_until", "DATE", kValidUntilHelp},
        {"given-time", "given_time", "TIME", kGivenTimeHelp},
    };
    for (FieldFlag& flag : RepresentativeFieldFlags()) flags->push_back(std::move(flag));
    return flags;
  }();
  return *fields;
}

const Columns<Consent>& ConsentColumns() {
  static const auto* const columns = new Columns<Consent>{
      {"NAME", "SUBJECT", "PURPOSES", "STATE", "DESTROY DUE"},
      [](const Consent& consent) -> std::vector<std::string> {
        return {consent.name(), OrNone(consent.subject()), OrNone(PurposesCell(consent)),
                EnumName(*Consent::State_descriptor(), consent.state()),
                OrNone(FormatTimestamp(consent.destroy_due()))};
      }};
  return *columns;
}

const Columns<DestructionRecord>& DestructionColumns() {
  static const auto* const columns = new Columns<DestructionRecord>{
      {"NAME", "SUBJECT", "CONSENT", "REASON", "DESTROYED", "BY"},
      [](const DestructionRecord& record) -> std::vector<std::string> {
        return {record.name(),
                OrNone(record.subject()),
                OrNone(record.consent()),
                EnumName(*DestructionRecord::Reason_descriptor(), record.reason()),
                OrNone(FormatTimestamp(record.destroy_time())),
                OrNone(record.destroyed_by())};
      }};
  return *columns;
}

// The flags of a List method with filter and order_by but no show_deleted (consents and
// destruction records are never soft-deleted).
std::vector<FlagSpec> FilterListFlagSpecs(absl::string_view items) {
  std::vector<FlagSpec> flags = PageFlagSpecs(items);
  flags.push_back({"filter", '\0', true, "FILTER", "AIP-160 filter (see above)"});
  flags.push_back(
      {"order-by", '\0', true, "ORDER", "sort fields, each optionally followed by desc"});
  return flags;
}

struct FilterListFlags {
  template <typename Request>
  int operator()(Invocation& inv, Request& request) const {
    request.set_parent(ListParent(inv));
    if (int code = ApplyPageFlags(inv, request); code != kExitOk) return code;
    if (std::optional<std::string> filter = inv.args().Get("filter")) request.set_filter(*filter);
    if (std::optional<std::string> order = inv.args().Get("order-by")) {
      request.set_order_by(*order);
    }
    return kExitOk;
  }
};

int DueFlags(Invocation& inv, allies::v1::ListDueDestructionsRequest& request) {
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

absl::StatusOr<allies::v1::CreateConsentRequest> CreateRequest(Invocation& inv) {
  return BuildCreateConsentRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::WithdrawConsentRequest> WithdrawRequest(Invocation& inv) {
  return BuildWithdrawConsentRequest(inv.operands()[0], inv.args());
}

}  // namespace

const std::vector<FieldFlag>& InlineConsentFieldFlags() {
  static const auto* const fields = [] {
    auto* flags = new std::vector<FieldFlag>{
        {"consent-purpose", "purposes", "PURPOSE",
         absl::StrCat(PurposeHelp(), " (at least VOLUNTEER_WORK)"), /*required=*/true},
        {"consent-category", "data_categories", "CATEGORY",
         absl::StrCat(kCategoryHelp, "; default \"ФИО\", \"дата рождения\", \"контактные данные\""),
         /*required=*/false, EachValueSetter("consent-category", "data_categories")},
        {"consent-processor", "processors", "NAME", kProcessorHelp, /*required=*/false,
         EachValueSetter("consent-processor", "processors")},
        {"consent-method", "method", "METHOD", MethodHelp(), /*required=*/true},
        {"consent-document", "document_number", "NUMBER", kDocumentHelp},
        {"consent-valid-until", "valid_until", "DATE", kValidUntilHelp},
        {"consent-given-time", "given_time", "TIME", kGivenTimeHelp},
    };
    for (FieldFlag& flag : RepresentativeFieldFlags()) flags->push_back(std::move(flag));
    return flags;
  }();
  return *fields;
}

std::vector<std::string> InlineConsentFlagsGiven(const ParsedArgs& args) {
  std::vector<std::string> given;
  for (const FieldFlag& field : InlineConsentFieldFlags()) {
    if (args.Has(field.flag)) given.push_back(absl::StrCat("--", field.flag));
  }
  return given;
}

absl::StatusOr<bool> ApplyInlineConsent(const ParsedArgs& args, absl::string_view with,
                                        const std::vector<std::string>& default_categories,
                                        const std::string& subject_name,
                                        allies::v1::Consent* consent) {
  const std::vector<std::string> given = InlineConsentFlagsGiven(args);
  if (given.empty()) return false;
  for (const FieldFlag& field : InlineConsentFieldFlags()) {
    if (field.required && !args.Has(field.flag)) {
      return absl::InvalidArgumentError(absl::StrCat("--", field.flag,
                                                     " is required with the consent given with ",
                                                     with, " (", absl::StrJoin(given, ", "), ")"));
    }
  }
  absl::Status applied = ApplyFieldFlags(InlineConsentFieldFlags(), args, consent, nullptr);
  if (!applied.ok()) return applied;
  if (consent->data_categories().empty()) {
    for (const std::string& category : default_categories) consent->add_data_categories(category);
  }
  consent->set_subject_name(subject_name);
  return true;
}

absl::StatusOr<allies::v1::CreateConsentRequest> BuildCreateConsentRequest(
    absl::string_view library, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateConsentRequest>(FieldFlags(), "consent",
                                                              std::string(library), args);
}

absl::StatusOr<allies::v1::WithdrawConsentRequest> BuildWithdrawConsentRequest(
    absl::string_view name, const ParsedArgs& args) {
  allies::v1::WithdrawConsentRequest request;
  FillNamedRequest(name, args, &request);
  const std::optional<std::string> channel = args.Get("channel");
  if (!channel.has_value() || channel->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--channel is required: how the withdrawal came (",
                     EnumValueNames(*Consent::Channel_descriptor()), ")"));
  }
  absl::StatusOr<int> parsed = ParseEnumFlag("channel", *Consent::Channel_descriptor(), *channel);
  if (!parsed.ok()) return parsed.status();
  request.set_channel(static_cast<Consent::Channel>(*parsed));
  if (std::optional<std::string> when = args.Get("withdraw-time")) {
    absl::StatusOr<google::protobuf::Timestamp> time = ParseTimestampFlag("withdraw-time", *when);
    if (!time.ok()) return time.status();
    *request.mutable_withdraw_time() = *time;
  }
  return request;
}

std::string PurposesCell(const Consent& consent) {
  std::vector<std::string> names;
  for (int purpose : consent.purposes()) {
    names.push_back(EnumName(*Consent::Purpose_descriptor(), purpose));
  }
  return absl::StrJoin(names, ", ");
}

Table ConsentsTable(const google::protobuf::RepeatedPtrField<Consent>& consents) {
  return ConsentColumns()(consents);
}

Table DestructionRecordsTable(
    const google::protobuf::RepeatedPtrField<DestructionRecord>& records) {
  return DestructionColumns()(records);
}

void RegisterConsentCommands(CommandRegistry* registry) {
  registry->AddResource(
      {kResource,
       {"consent"},
       "the personal-data consent ledger (152-FZ): ACTIVE -> WITHDRAWN -> destroyed"});

  Command get = NewCommand(kResource, "get", "NAME", "Show a consent (libraries/x/consents/y).");
  get.run = NamedCall<ConsentService>(&ConsentService::Stub::GetConsent, ConsentColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kResource, "list", "[LIBRARY]",
                            "List the consents of a library (default: of every library you may "
                            "see, as with -).");
  list.details =
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr. Filter fields: every field, e.g. --filter 'subject =\n"
      "\"libraries/x/volunteers/y\"', 'purposes: VOLUNTEER_WORK', 'state = WITHDRAWN'.\n"
      "Sortable: name, given_time, valid_until, withdraw_time, destroy_due, create_time.\n";
  list.flags = FilterListFlagSpecs("consents");
  list.run = ListCall<ConsentService>(
      &ConsentService::Stub::ListConsents,
      [](allies::v1::ListConsentsResponse* page) { return page->mutable_consents(); },
      ConsentColumns(), "consents", FilterListFlags());
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kResource, "create", "LIBRARY",
                              "Record a consent as given (ACTIVE); --subject-name, --purpose, "
                              "--category and --method are required.");
  create.details =
      "A consent is never edited once given: a change is a new consent. Under 18, the\n"
      "consent of a volunteer is given by a representative: --representative,\n"
      "--representative-relation and --representative-document.\n"
      "Example: --subject-name \"Петров Иван\" --purpose VOLUNTEER_WORK,COMMUNICATION\n"
      "--category ФИО --category \"дата рождения\" --method paper --document-number 17/2026\n";
  create.flags = CreateFlagSpecs("consent", FieldFlags());
  create.run =
      Send<ConsentService>(&ConsentService::Stub::CreateConsent, CreateRequest, ConsentColumns());
  registry->AddCommand(std::move(create));

  Command withdraw =
      NewCommand(kResource, "withdraw", "NAME",
                 "ACTIVE -> WITHDRAWN: the subject's data is to be destroyed within 30 days.");
  withdraw.details =
      "Sets withdraw_time and destroy_due (30 days later, 152-FZ art. 21). A volunteer left\n"
      "without a consent covering VOLUNTEER_WORK becomes INACTIVE, and one left without\n"
      "COMMUNICATION is no longer contacted. When destroy_due comes, the server destroys\n"
      "the data unless another consent in force keeps it ('consents due' lists what is due).\n";
  withdraw.flags = {
      {"channel", '\0', true, "CHANNEL",
       absl::StrCat("how the withdrawal came (required): ",
                    EnumValueNames(*Consent::Channel_descriptor()))},
      {"withdraw-time", '\0', true, "TIME",
       "when the subject withdrew, RFC 3339 (default: now; not before the consent was given)"},
      EtagFlag("consent"),
      RequestIdFlag()};
  withdraw.run = Send<ConsentService>(&ConsentService::Stub::WithdrawConsent, WithdrawRequest,
                                      ConsentColumns());
  registry->AddCommand(std::move(withdraw));

  Command due = NewCommand(kResource, "due", "[LIBRARY]",
                           "List withdrawn consents whose subject's data is still held, due for "
                           "destruction within --within-days (default: of every library).");
  due.details =
      "Overdue ones come first, then the soonest due. --within-days 0 lists only those due\n"
      "now or overdue; the default, 30, every pending destruction (destroy_due is 30 days\n"
      "after a withdrawal).\n";
  due.flags = PageFlagSpecs("consents");
  due.flags.push_back(
      {"within-days", '\0', true, "DAYS",
       absl::StrCat("how far ahead to look, 0-3650 (default ", kDefaultWithinDays, ")")});
  due.run = ListCall<ConsentService>(
      &ConsentService::Stub::ListDueDestructions,
      [](allies::v1::ListConsentsResponse* page) { return page->mutable_consents(); },
      ConsentColumns(), "destructions due", DueFlags);
  registry->AddCommand(std::move(due));

  Command destructions =
      NewCommand(kResource, "destructions", "[LIBRARY]",
                 "List the acts of destruction of personal data, newest first (default: of "
                 "every library).");
  destructions.details =
      "Each act (Roskomnadzor order No. 179) says whose data was destroyed, under which\n"
      "consent, why (CONSENT_WITHDRAWN or ERASURE_REQUEST), when and by whom; -o json gives\n"
      "the fields destroyed and the rows rewritten. Filter fields: e.g. --filter 'reason =\n"
      "ERASURE_REQUEST', 'subject = \"libraries/x/volunteers/y\"'.\n";
  destructions.flags = FilterListFlagSpecs("records");
  destructions.run = ListCall<ConsentService>(
      &ConsentService::Stub::ListDestructionRecords,
      [](allies::v1::ListDestructionRecordsResponse* page) {
        return page->mutable_destruction_records();
      },
      DestructionColumns(), "destruction records", FilterListFlags());
  registry->AddCommand(std::move(destructions));

  Command destruction = NewCommand(kResource, "destruction", "NAME",
                                   "Show an act of destruction (libraries/x/destructions/y).");
  destruction.run =
      NamedCall<ConsentService>(&ConsentService::Stub::GetDestructionRecord, DestructionColumns());
  registry->AddCommand(std::move(destruction));
}

}  // namespace allies::ctl
