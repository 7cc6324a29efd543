#include "services/contact/contact_service.h"

#include <algorithm>
#include <deque>
#include <map>
#include <numeric>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "allies/v1/agreement.pb.h"
#include "allies/v1/consent.pb.h"
#include "api/contact_points.h"
#include "api/fields.h"
#include "api/text.h"
#include "services/common/people.h"
#include "storage/idempotency.h"
#include "storage/partnership_tables.h"

namespace allies::services {
namespace {

using v1::Contact;

constexpr size_t kMaxName = 100;
constexpr size_t kMaxPosition = 300;
constexpr size_t kMaxNotes = 10000;
constexpr int kMaxContactPoints = 10;

void CheckContact(const Contact& c, const std::vector<std::string>& fields,
                  api::FieldViolations& v) {
  if (api::HasPath(fields, "family_name")) {
    api::CheckText(v, "contact.family_name", c.family_name(), kMaxName, false);
  }
  if (api::HasPath(fields, "given_name")) {
    api::CheckText(v, "contact.given_name", c.given_name(), kMaxName, false);
  }
  if (api::HasPath(fields, "patronymic")) {
    api::CheckText(v, "contact.patronymic", c.patronymic(), kMaxName, false);
  }
  if (api::HasPath(fields, "position")) {
    api::CheckText(v, "contact.position", c.position(), kMaxPosition, false);
  }
  if (api::HasPath(fields, "emails")) {
    api::CheckValues(v, "contact.emails", c.emails(), kMaxContactPoints, api::CheckEmail);
  }
  if (api::HasPath(fields, "phones")) {
    api::CheckValues(v, "contact.phones", c.phones(), kMaxContactPoints, api::CheckPhone);
  }
  if (api::HasPath(fields, "preferred_channel") &&
      !Contact::Channel_IsValid(c.preferred_channel())) {
    v.Add("contact.preferred_channel", "must be EMAIL, PHONE, MESSENGER, MAIL or IN_PERSON");
  }
  if (api::HasPath(fields, "notes")) {
    api::CheckText(v, "contact.notes", c.notes(), kMaxNotes, false, true);
  }
}

}  // namespace

ResourceRules<Contact> ContactRules() {
  ResourceRules<Contact> rules;
  rules.table = &storage::ContactsTable();
  rules.field = "contact";
  rules.mutable_fields = {"family_name", "given_name", "patronymic",        "position", "partner",
                          "emails",      "phones",     "preferred_channel", "notes"};
  rules.normalize = [](Contact& c) {
    c.set_family_name(std::string(absl::StripAsciiWhitespace(c.family_name())));
    c.set_given_name(std::string(absl::StripAsciiWhitespace(c.given_name())));
    c.set_patronymic(std::string(absl::StripAsciiWhitespace(c.patronymic())));
    for (auto& e : *c.mutable_emails()) e = api::NormalizeEmail(e);
    for (auto& p : *c.mutable_phones()) p = api::NormalizePhone(p);
  };
  rules.check = CheckContact;
  rules.updatable = [](const Contact& current, const std::vector<std::string>&) {
    return current.has_erase_time() ? ErasedPerson(storage::ContactsTable(), current)
                                    : absl::OkStatus();
  };
  rules.check_record = [](const Contact& c, const std::vector<std::string>& known,
                          api::FieldViolations& v) {
    if (api::HasPath(known, "family_name") && api::HasPath(known, "given_name") &&
        c.family_name().empty() && c.given_name().empty()) {
      v.Add("contact.family_name", "family_name or given_name is required (the person's name)");
    }
  };
  return rules;
}

namespace {

v1::DuplicateGroup ToProto(const DuplicatePeople& group) {
  v1::DuplicateGroup out;
  for (const auto& name : group.names) out.add_contacts(name);
  for (const auto& reason : group.reasons) out.add_reasons(reason);
  return out;
}

// A contact holds at most this many of each.
const std::map<std::string, int>& ContactPointLimits() {
  static const auto* limits =
      new std::map<std::string, int>{{"emails", kMaxContactPoints}, {"phones", kMaxContactPoints}};
  return *limits;
}

}  // namespace

std::vector<v1::DuplicateGroup> GroupDuplicates(const std::vector<Contact>& contacts) {
  std::vector<const google::protobuf::Message*> people;
  for (const auto& c : contacts) people.push_back(&c);
  std::vector<v1::DuplicateGroup> out;
  for (const auto& group : GroupDuplicatePeople(storage::ContactsTable(), people)) {
    out.push_back(ToProto(group));
  }
  return out;
}

absl::Status ContactService::FindDuplicates(const api::Call& call,
                                            const v1::FindDuplicateContactsRequest& request,
                                            v1::FindDuplicateContactsResponse* out) {
  auto groups = FindDuplicatePeople(pool_, call, contacts_.table(), request.parent());
  if (!groups.ok()) return groups.status();
  for (const auto& group : *groups) *out->add_groups() = ToProto(group);
  return absl::OkStatus();
}

absl::Status ContactService::Merge(const api::Call& call, const v1::MergeContactsRequest& request,
                                   Contact* out) {
  return MergePeople(contacts_, call, request, ContactPointLimits(), out);
}

absl::Status ContactService::Export(const api::Call& call,
                                    const v1::ExportContactDataRequest& request,
                                    v1::ExportContactDataResponse* out) {
  return ExportPersonData(pool_, call, contacts_.table(), request.name(), "contact", out,
                          [&](storage::Session&, const storage::Referrer& r) {
                            if (r.table->message() == v1::Agreement::descriptor()) {
                              out->add_agreements(r.Name());
                            }
                            return absl::OkStatus();
                          });
}

absl::Status ContactService::Erase(const api::Call& call, const v1::EraseContactRequest& request,
                                   Contact* out) {
  // Deleted contacts are erased too: they still hold the data.
  return contacts_.Change(
      call, "ERASE", request.name(), request.etag(), request.request_id(), request,
      [&](WriteContext& ctx, const storage::ResourceKey& key,
          Contact& contact) -> absl::StatusOr<std::vector<std::string>> {
        if (contact.has_erase_time()) return ErasedPerson(contacts_.table(), contact);
        auto destroyed = DestroyPerson(ctx, contacts_.table(), key, &contact,
                                       v1::DestructionRecord::ERASURE_REQUEST);
        if (!destroyed.ok()) return destroyed.status();
        destroyed->fields.push_back("erase_time");
        api::ToTimestamp(NextTime(contact), contact.mutable_erase_time());
        return destroyed->fields;
      },
      out, /*allow_deleted=*/true);
}

ContactService::ContactService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), pool_(deps.pool), contacts_(deps.pool, ContactRules()) {
  using Async = v1::ContactService::AsyncService;
  Unary(&Async::RequestGetContact, [this](const api::Call& c, const auto& r, auto* out) {
    return contacts_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListContacts, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListContacts", r);
    return contacts_.List(c, args, out->mutable_contacts(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateContact, [this](const api::Call& c, const auto& r, auto* out) {
    return contacts_.Create(c, r.parent(), r.contact(), r.contact_id(), r.request_id(), r, out);
  });
  Unary(&Async::RequestUpdateContact, [this](const api::Call& c, const auto& r, auto* out) {
    return contacts_.Update(c, r.contact(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteContact, [this](const api::Call& c, const auto& r, auto* out) {
    return contacts_.Delete(c, r.name(), r.etag(), false, out);
  });
  Unary(&Async::RequestUndeleteContact, [this](const api::Call& c, const auto& r, auto* out) {
    return contacts_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
  Unary(&Async::RequestFindDuplicateContacts,
        [this](const api::Call& c, const auto& r, auto* out) { return FindDuplicates(c, r, out); });
  Unary(&Async::RequestMergeContacts,
        [this](const api::Call& c, const auto& r, auto* out) { return Merge(c, r, out); });
  Unary(&Async::RequestExportContactData,
        [this](const api::Call& c, const auto& r, auto* out) { return Export(c, r, out); });
  Unary(&Async::RequestEraseContact,
        [this](const api::Call& c, const auto& r, auto* out) { return Erase(c, r, out); });
}

server::ServiceRegistration ContactServiceRegistration() {
  return {v1::ContactService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<ContactService>(deps); }};
}

}  // namespace allies::services
