#include "clients/alliesctl/contacts.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "allies/v1/contact.grpc.pb.h"
#include "clients/alliesctl/libraries.h"

namespace allies::ctl {
namespace {

using allies::v1::Activity;
using allies::v1::Contact;
using allies::v1::ContactService;

constexpr char kResource[] = "contacts";

// The settable fields of Contact, as flags of create and update.
const std::vector<FieldFlag>& FieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"family-name", "family_name", "NAME",
       "family name (at most 100 characters); --family-name or --given-name is required"},
      {"given-name", "given_name", "NAME", "given name (at most 100 characters)"},
      {"patronymic", "patronymic", "NAME", "patronymic (at most 100 characters)"},
      {"position", "position", "TEXT", "position at the partner (at most 300 characters)"},
      {"partner", "partner", "PARTNER",
       "the partner they represent, libraries/x/partners/y of the same library"},
      {"email", "emails", "EMAIL", "e-mail address (at most 10); repeatable or comma-separated"},
      {"phone", "phones", "PHONE",
       "phone number (at most 10), stored as + and digits; repeatable or comma-separated"},
      {"preferred-channel", "preferred_channel", "CHANNEL",
       EnumValueNames(*Contact::Channel_descriptor())},
      {"notes", "notes", "TEXT", "notes (at most 10000 characters)"},
  };
  return *fields;
}

const Columns<Contact>& ContactColumns() {
  static const auto* const columns =
      new Columns<Contact>{{"NAME", "FAMILY NAME", "GIVEN NAME", "PARTNER"},
                           [](const Contact& contact) -> std::vector<std::string> {
                             return {contact.name(), OrNone(contact.family_name()),
                                     OrNone(contact.given_name()), OrNone(contact.partner())};
                           }};
  return *columns;
}

// Everything ExportContactData returned, a row each: TYPE, NAME, DETAILS.
Table ExportTable(const allies::v1::ExportContactDataResponse& response) {
  Table table;
  table.headers = {"TYPE", "NAME", "DETAILS"};
  const Contact& contact = response.contact();
  std::vector<std::string> full_name;
  for (const std::string& part :
       {contact.family_name(), contact.given_name(), contact.patronymic()}) {
    if (!part.empty()) full_name.push_back(part);
  }
  table.rows.push_back({"contact", contact.name(), OrNone(absl::StrJoin(full_name, " "))});
  for (const Activity& activity : response.activities()) {
    const std::string what = activity.kind() == Activity::SYSTEM
                                 ? absl::StrCat(activity.verb(), " ", activity.resource())
                                 : activity.subject();
    table.rows.push_back({"activity", activity.name(),
                          absl::StrCat(EnumName(*Activity::Kind_descriptor(), activity.kind()), " ",
                                       FormatTimestamp(activity.occurred_time()), " ", what)});
  }
  for (const std::string& agreement : response.agreements()) {
    table.rows.push_back({"agreement", agreement, kEmptyCell});
  }
  return table;
}

absl::StatusOr<allies::v1::CreateContactRequest> CreateRequest(Invocation& inv) {
  return BuildCreateContactRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdateContactRequest> UpdateRequest(Invocation& inv) {
  return BuildUpdateContactRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::MergeContactsRequest> MergeRequest(Invocation& inv) {
  return BuildMergeContactsRequest(inv.operands()[0], inv.args());
}

// Erasure cannot be undone, so it needs --yes.
absl::Status Confirmed(const ParsedArgs& args, allies::v1::EraseContactRequest*) {
  if (args.GetBool("yes")) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "erasing a contact cannot be undone: the person's data is replaced with anonymous values "
      "everywhere it is held (the contact, the activities that mention it, stored responses); "
      "pass --yes to confirm (consider 'contacts export' first)");
}

int RunDuplicates(Invocation& inv) {
  allies::v1::FindDuplicateContactsRequest request;
  request.set_parent(NormalizeLibraryName(inv.operands()[0]));
  allies::v1::FindDuplicateContactsResponse response;
  if (int code = Call<ContactService>(inv, &ContactService::Stub::FindDuplicateContacts, request,
                                      &response);
      code != kExitOk) {
    return code;
  }
  return PrintListPage(inv, response, DuplicatesTable(response), response.groups().empty(), "",
                       "duplicate contacts");
}

}  // namespace

absl::StatusOr<allies::v1::CreateContactRequest> BuildCreateContactRequest(
    absl::string_view library, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateContactRequest>(FieldFlags(), "contact",
                                                              std::string(library), args);
}

absl::StatusOr<allies::v1::UpdateContactRequest> BuildUpdateContactRequest(absl::string_view name,
                                                                           const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateContactRequest>(FieldFlags(), "contact", name, args);
}

absl::StatusOr<allies::v1::MergeContactsRequest> BuildMergeContactsRequest(absl::string_view target,
                                                                           const ParsedArgs& args) {
  allies::v1::MergeContactsRequest request;
  request.set_target(std::string(target));
  for (const std::string& source : args.GetList("source")) request.add_sources(source);
  if (request.sources().empty()) {
    return absl::InvalidArgumentError("--source is required: the contacts to merge into TARGET");
  }
  if (std::optional<std::string> rid = args.Get("request-id")) request.set_request_id(*rid);
  return request;
}

Table DuplicatesTable(const allies::v1::FindDuplicateContactsResponse& response) {
  Table table;
  table.headers = {"GROUP", "CONTACT", "REASONS"};
  for (int i = 0; i < response.groups_size(); ++i) {
    const allies::v1::DuplicateGroup& group = response.groups(i);
    for (const std::string& contact : group.contacts()) {
      table.rows.push_back(
          {absl::StrCat(i + 1), contact, OrNone(absl::StrJoin(group.reasons(), ", "))});
    }
  }
  return table;
}

void RegisterContactCommands(CommandRegistry* registry) {
  registry->AddResource(
      {kResource, {"contact"}, "people at partners (personal data: export and erase)"});

  Command get = NewCommand(kResource, "get", "NAME",
                           "Show a contact (libraries/x/contacts/y), including a deleted one.");
  get.run = NamedCall<ContactService>(&ContactService::Stub::GetContact, ContactColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kResource, "list", "[LIBRARY]",
                            "List the contacts of a library (default: of every library you may "
                            "see, as with -).");
  list.details =
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr. Filter fields: every field, e.g. --filter 'family_name = \"Иванова\"',\n"
      "'partner = \"libraries/x/partners/y\"', 'emails: \"ivanova@example.ru\"'.\n"
      "Sortable: name, family_name, given_name, create_time, update_time.\n";
  list.flags = ListFlagSpecs("contacts", /*filter_and_order=*/true);
  list.run = ListCall<ContactService>(
      &ContactService::Stub::ListContacts,
      [](allies::v1::ListContactsResponse* page) { return page->mutable_contacts(); },
      ContactColumns(), "contacts");
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kResource, "create", "LIBRARY", "Create a contact in a library.");
  create.details =
      "--email and --phone take several values: --email a@x.ru --email b@x.ru, or\n"
      "--email a@x.ru,b@x.ru.\n";
  create.flags = CreateFlagSpecs("contact", FieldFlags());
  create.run =
      Send<ContactService>(&ContactService::Stub::CreateContact, CreateRequest, ContactColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kResource, "update", "NAME",
                 "Update the fields given as flags (an empty value clears the field).");
  update.details =
      "The update_mask holds exactly the field flags given. --email and --phone replace the\n"
      "whole list (--email \"\" clears it). At least one field flag is required.\n";
  update.flags = UpdateFlagSpecs("contact", FieldFlags());
  update.run =
      Send<ContactService>(&ContactService::Stub::UpdateContact, UpdateRequest, ContactColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kResource, "delete", "NAME", "Soft-delete a contact.");
  del.flags = {EtagFlag("contact")};
  del.run = NamedCall<ContactService>(&ContactService::Stub::DeleteContact, ContactColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(kResource, "undelete", "NAME", "Bring back a deleted contact.");
  undelete.flags = {EtagFlag("contact"), RequestIdFlag()};
  undelete.run =
      NamedCall<ContactService>(&ContactService::Stub::UndeleteContact, ContactColumns());
  registry->AddCommand(std::move(undelete));

  Command duplicates = NewCommand(kResource, "duplicates", "LIBRARY",
                                  "Find groups of live contacts of a library that are likely the "
                                  "same person.");
  duplicates.details =
      "Contacts are grouped by the same e-mail, the same phone, or the same full name (case,\n"
      "spaces and ё/е folded); REASONS says which. Merge a group with 'contacts merge'.\n";
  duplicates.run = RunDuplicates;
  registry->AddCommand(std::move(duplicates));

  Command merge = NewCommand(kResource, "merge", "TARGET",
                             "Merge the --source contacts into TARGET, which remains.");
  merge.details =
      "In one transaction: every reference to a source (agreement signatories, activities)\n"
      "moves to TARGET, TARGET's empty fields are filled from the sources (e-mails and phones\n"
      "are united), and the sources are soft-deleted. All must be of one library.\n";
  merge.flags = {{"source", '\0', true, "NAME",
                  "a contact to merge into TARGET (at least one, at most 50); repeatable or "
                  "comma-separated"},
                 RequestIdFlag()};
  merge.run =
      Send<ContactService>(&ContactService::Stub::MergeContacts, MergeRequest, ContactColumns());
  registry->AddCommand(std::move(merge));

  Command export_data =
      NewCommand(kResource, "export", "NAME",
                 "Export everything held on a person: the contact, the activities "
                 "that mention it, the agreements it signed.");
  export_data.details =
      "The table lists what is held; -o json or -o yaml gives all of it (for a subject access\n"
      "request under 152-FZ).\n";
  export_data.run =
      NamedCall<ContactService>(&ContactService::Stub::ExportContactData, ExportTable);
  registry->AddCommand(std::move(export_data));

  Command erase = NewCommand(kResource, "erase", "NAME",
                             "Erase (anonymize) a person's data everywhere; cannot be undone.");
  erase.details =
      "Replaces the person's data with anonymous values in the contact, the activities that\n"
      "mention it and stored responses, and keeps the record and its links for statistics.\n"
      "It cannot be undone, so it needs --yes.\n";
  erase.flags = {{"yes", '\0', false, "", "confirm the erasure (required)"},
                 EtagFlag("contact"),
                 RequestIdFlag()};
  erase.run =
      NamedCall<ContactService>(&ContactService::Stub::EraseContact, ContactColumns(), Confirmed);
  registry->AddCommand(std::move(erase));
}

}  // namespace allies::ctl
