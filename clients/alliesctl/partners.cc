#include "clients/alliesctl/partners.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "allies/v1/partner.grpc.pb.h"

namespace allies::ctl {
namespace {

using allies::v1::Partner;
using allies::v1::PartnerService;

constexpr char kResource[] = "partners";

// The settable fields of Partner, as flags of create and update.
const std::vector<FieldFlag>& FieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"display-name", "display_name", "NAME", "display name (at most 300 characters)",
       /*required=*/true},
      {"legal-name", "legal_name", "NAME",
       "registered name, e.g. \"ПАО Сбербанк\" (at most 500 characters)"},
      {"inn", "inn", "INN", "ИНН: 10 digits (an organization) or 12 (an entrepreneur)"},
      {"ogrn", "ogrn", "OGRN", "ОГРН: 13 digits, or ОГРНИП: 15 digits"},
      {"kind", "kind", "KIND", EnumValueNames(*Partner::Kind_descriptor()), /*required=*/true},
      {"support-form", "support_forms", "FORM",
       absl::StrCat(
           "how it supports the library: ", EnumValueNames(*Partner::SupportForm_descriptor()),
           "; repeatable or comma-separated")},
      {"state", "state", "STATE",
       absl::StrCat(EnumValueNames(*Partner::State_descriptor()), " (default PROSPECT)")},
      {"website", "website", "URL", "http or https URL"},
      {"email", "email", "EMAIL", "e-mail address"},
      {"phone", "phone", "PHONE", "phone number, stored as + and digits"},
      {"address", "address", "ADDRESS", "postal address (at most 1000 characters)"},
      {"tag", "tags", "TAG",
       "a free label (at most 100 characters, 50 labels); repeatable or comma-separated"},
      {"notes", "notes", "TEXT", "notes (at most 10000 characters)"},
  };
  return *fields;
}

const Columns<Partner>& PartnerColumns() {
  static const auto* const columns =
      new Columns<Partner>{{"NAME", "DISPLAY NAME", "KIND", "STATE", "INN", "LAST INTERACTION"},
                           [](const Partner& partner) -> std::vector<std::string> {
                             return {partner.name(),
                                     OrNone(partner.display_name()),
                                     EnumName(*Partner::Kind_descriptor(), partner.kind()),
                                     EnumName(*Partner::State_descriptor(), partner.state()),
                                     OrNone(partner.inn()),
                                     OrNone(FormatTimestamp(partner.last_interaction_time()))};
                           }};
  return *columns;
}

absl::StatusOr<allies::v1::CreatePartnerRequest> CreateRequest(Invocation& inv) {
  return BuildCreatePartnerRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdatePartnerRequest> UpdateRequest(Invocation& inv) {
  return BuildUpdatePartnerRequest(inv.operands()[0], inv.args());
}

}  // namespace

absl::StatusOr<allies::v1::CreatePartnerRequest> BuildCreatePartnerRequest(
    absl::string_view library, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreatePartnerRequest>(FieldFlags(), "partner",
                                                              std::string(library), args);
}

absl::StatusOr<allies::v1::UpdatePartnerRequest> BuildUpdatePartnerRequest(absl::string_view name,
                                                                           const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdatePartnerRequest>(FieldFlags(), "partner", name, args);
}

Table PartnersTable(const google::protobuf::RepeatedPtrField<Partner>& partners) {
  return PartnerColumns()(partners);
}

void RegisterPartnerCommands(CommandRegistry* registry) {
  registry->AddResource({kResource, {"partner"}, "a library's social partners"});

  Command get = NewCommand(kResource, "get", "NAME",
                           "Show a partner (libraries/x/partners/y), including a deleted one.");
  get.run = NamedCall<PartnerService>(&PartnerService::Stub::GetPartner, PartnerColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kResource, "list", "[LIBRARY]",
                            "List the partners of a library (default: of every library you may "
                            "see, as with -).");
  list.details =
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr. Filter fields: every field, e.g. --filter 'inn = \"7707083893\"'\n"
      "(who already works with an organization), 'support_forms: MATERIAL', 'tags: \"банк\"',\n"
      "'state = ACTIVE AND kind = BUSINESS', 'last_interaction_time < \"2026-01-01T00:00:00Z\"'.\n"
      "Sortable: name, display_name, kind, state, inn, create_time, update_time,\n"
      "last_interaction_time.\n";
  list.flags = ListFlagSpecs("partners", /*filter_and_order=*/true);
  list.run = ListCall<PartnerService>(
      &PartnerService::Stub::ListPartners,
      [](allies::v1::ListPartnersResponse* page) { return page->mutable_partners(); },
      PartnerColumns(), "partners");
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kResource, "create", "LIBRARY",
                              "Create a partner of a library; --display-name and --kind are "
                              "required.");
  create.details =
      "The same --inn twice in one library is ALREADY_EXISTS (PARTNER_INN_TAKEN).\n"
      "--support-form and --tag take several values: --tag банк --tag спонсор, or\n"
      "--tag банк,спонсор.\n";
  create.flags = CreateFlagSpecs("partner", FieldFlags());
  create.run =
      Send<PartnerService>(&PartnerService::Stub::CreatePartner, CreateRequest, PartnerColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kResource, "update", "NAME",
                 "Update the fields given as flags (an empty value clears the field).");
  update.details =
      "The update_mask holds exactly the field flags given. --support-form and --tag replace\n"
      "the whole list (--tag \"\" clears it). At least one field flag is required.\n";
  update.flags = UpdateFlagSpecs("partner", FieldFlags());
  update.run =
      Send<PartnerService>(&PartnerService::Stub::UpdatePartner, UpdateRequest, PartnerColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kResource, "delete", "NAME", "Soft-delete a partner.");
  del.details =
      "A partner with ACTIVE or SUSPENDED agreements is not deleted (FAILED_PRECONDITION,\n"
      "PARTNER_HAS_AGREEMENTS) unless --force.\n";
  del.flags = {
      EtagFlag("partner"),
      {"force", '\0', false, "", "delete even with live agreements (they stay as they are)"}};
  del.run = NamedCall<PartnerService>(&PartnerService::Stub::DeletePartner, PartnerColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(kResource, "undelete", "NAME", "Bring back a deleted partner.");
  undelete.flags = {EtagFlag("partner"), RequestIdFlag()};
  undelete.run =
      NamedCall<PartnerService>(&PartnerService::Stub::UndeletePartner, PartnerColumns());
  registry->AddCommand(std::move(undelete));
}

}  // namespace allies::ctl
