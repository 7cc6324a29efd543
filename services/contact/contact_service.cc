#include "services/contact/contact_service.h"

#include <algorithm>
#include <deque>
#include <map>
#include <numeric>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "allies/v1/agreement.pb.h"
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
constexpr int kMaxMergeSources = 50;
// At most this many contacts of one library are compared for duplicates.
constexpr int kMaxDuplicateScan = 20000;

template <typename Check>
void CheckList(api::FieldViolations& v, const std::string& path,
               const google::protobuf::RepeatedPtrField<std::string>& values, Check check) {
  if (values.size() > kMaxContactPoints) {
    v.Add(path, absl::StrCat("at most ", kMaxContactPoints, ", got ", values.size()));
  }
  std::set<std::string> seen;
  for (int i = 0; i < values.size(); ++i) {
    const std::string item = absl::StrCat(path, "[", i, "]");
    if (values[i].empty()) {
      v.Add(item, "must not be empty");
    } else if (!seen.insert(values[i]).second) {
      v.Add(item, absl::StrCat(api::Quote(values[i]), " is listed twice"));
    } else {
      check(v, item, values[i]);
    }
  }
}

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
  if (api::HasPath(fields, "emails")) CheckList(v, "contact.emails", c.emails(), api::CheckEmail);
  if (api::HasPath(fields, "phones")) CheckList(v, "contact.phones", c.phones(), api::CheckPhone);
  if (api::HasPath(fields, "preferred_channel") &&
      !Contact::Channel_IsValid(c.preferred_channel())) {
    v.Add("contact.preferred_channel", "must be EMAIL, PHONE, MESSENGER, MAIL or IN_PERSON");
  }
  if (api::HasPath(fields, "notes")) {
    api::CheckText(v, "contact.notes", c.notes(), kMaxNotes, false, true);
  }
}

std::string FullName(const Contact& c) {
  return api::FoldName(absl::StrCat(c.family_name(), " ", c.given_name(), " ", c.patronymic()));
}

// Adds the values of `from` that `into` lacks, in order.
void Unite(const google::protobuf::RepeatedPtrField<std::string>& from,
           google::protobuf::RepeatedPtrField<std::string>* into) {
  for (const auto& value : from) {
    if (std::find(into->begin(), into->end(), value) == into->end()) *into->Add() = value;
  }
}

absl::Status Erased(const Contact& c) {
  return api::Error(absl::StatusCode::kFailedPrecondition, "CONTACT_ERASED",
                    absl::StrCat(c.name(), " was erased"), {{"resource", c.name()}});
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
    return current.has_erase_time() ? Erased(current) : absl::OkStatus();
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

std::vector<v1::DuplicateGroup> GroupDuplicates(const std::vector<Contact>& contacts) {
  const size_t n = contacts.size();
  std::vector<size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  // key -> the contacts that have it; the key's kind is its prefix.
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < n; ++i) {
    const Contact& c = contacts[i];
    if (c.has_erase_time()) continue;
    std::set<std::string> keys;
    for (const auto& e : c.emails()) keys.insert("email\t" + e);
    for (const auto& p : c.phones()) keys.insert("phone\t" + p);
    if (!c.family_name().empty() && !c.given_name().empty())
      keys.insert("full_name\t" + FullName(c));
    for (const auto& k : keys) by_key[k].push_back(i);
  }
  for (const auto& [key, members] : by_key) {
    for (size_t j = 1; j < members.size(); ++j) parent[find(members[j])] = find(members[0]);
  }
  std::map<size_t, std::set<std::string>> reasons;
  for (const auto& [key, members] : by_key) {
    if (members.size() < 2) continue;
    reasons[find(members[0])].insert(key.substr(0, key.find('\t')));
  }
  std::map<size_t, std::vector<std::string>> groups;
  for (size_t i = 0; i < n; ++i) {
    if (reasons.count(find(i))) groups[find(i)].push_back(contacts[i].name());
  }
  std::vector<v1::DuplicateGroup> out;
  for (auto& [root, names] : groups) {
    std::sort(names.begin(), names.end());
    v1::DuplicateGroup group;
    for (const auto& name : names) group.add_contacts(name);
    for (const auto& reason : reasons[root]) group.add_reasons(reason);
    out.push_back(std::move(group));
  }
  std::sort(out.begin(), out.end(), [](const v1::DuplicateGroup& a, const v1::DuplicateGroup& b) {
    return a.contacts(0) < b.contacts(0);
  });
  return out;
}

absl::Status ContactService::FindDuplicates(const api::Call& call,
                                            const v1::FindDuplicateContactsRequest& request,
                                            v1::FindDuplicateContactsResponse* out) {
  auto library = api::ParseLibraryName(request.parent(), "parent");
  if (!library.ok()) return library.status();
  return storage::RunRead(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        absl::Status in_scope =
            storage::scope::Check(s, call.principal(), *library, request.parent());
        if (!in_scope.ok()) return in_scope;
        storage::ResourceListQuery query;
        query.parent.library_id = *library;
        query.window.limit = kMaxDuplicateScan;
        std::deque<Contact> read;  // stable addresses while rows are read into them
        auto rows = contacts_.table().List(s, query, [&]() -> google::protobuf::Message* {
          read.emplace_back();
          return &read.back();
        });
        if (!rows.ok()) return rows.status();
        for (auto& group : GroupDuplicates({read.begin(), read.end()})) {
          *out->add_groups() = std::move(group);
        }
        return absl::OkStatus();
      },
      call.deadline());
}

absl::Status ContactService::Merge(const api::Call& call, const v1::MergeContactsRequest& request,
                                   Contact* out) {
  const storage::ResourceTable& table = contacts_.table();
  auto target = table.ParseName(request.target(), "target");
  if (!target.ok()) return target.status();
  api::FieldViolations v;
  if (request.sources_size() == 0) v.Add("sources", "name at least one contact to merge");
  if (request.sources_size() > kMaxMergeSources) {
    v.Add("sources", absl::StrCat("at most ", kMaxMergeSources, ", got ", request.sources_size()));
  }
  std::vector<storage::ResourceKey> sources;
  std::set<std::string> seen;
  for (int i = 0; i < request.sources_size(); ++i) {
    const std::string path = absl::StrCat("sources[", i, "]");
    auto key = table.ParseName(request.sources(i), path);
    if (!key.ok()) {
      v.AddFrom(key.status(), path);
    } else if (key->library_id != target->library_id) {
      v.Add(path, absl::StrCat("is in another library than the target (",
                               api::LibraryName(target->library_id),
                               "); only contacts of one library merge"));
    } else if (request.sources(i) == request.target()) {
      v.Add(path, "is the target itself");
    } else if (!seen.insert(request.sources(i)).second) {
      v.Add(path, "is listed twice");
    } else {
      sources.push_back(*key);
    }
  }
  if (!v.empty()) return v.ToStatus();
  absl::Status valid = storage::ValidateRequestId(request.request_id());
  if (!valid.ok()) return valid;

  return storage::RunIdempotent(
      pool_, target->library_id, call.principal().name, call.method(), request.request_id(),
      request, out,
      [&](storage::Session& s) -> absl::Status {
        storage::ResourceTable::Row target_row;
        Contact merged;
        absl::Status ok =
            contacts_.LoadLive(s, call, *target, request.target(), "", &target_row, &merged);
        if (ok.ok() && merged.has_erase_time()) ok = Erased(merged);
        if (!ok.ok()) return ok;
        const Contact before = merged;
        WriteContext ctx{s, call, NextTime(merged),
                         request.request_id().empty() ? call.request_id() : request.request_id()};
        for (size_t i = 0; i < sources.size(); ++i) {
          const std::string& name = request.sources(static_cast<int>(i));
          storage::ResourceTable::Row row;
          Contact source;
          ok = contacts_.LoadLive(s, call, sources[i], name, "", &row, &source);
          if (ok.ok() && source.has_erase_time()) ok = Erased(source);
          if (!ok.ok()) return ok;
          // The target's empty fields from the sources, in order; e-mails and phones united.
          if (merged.partner().empty() && !source.partner().empty() &&
              CheckReferences(ctx, table, target->library_id, source, {"partner"}, "contact")
                  .ok()) {
            merged.set_partner(source.partner());
          }
          for (const char* f : {"family_name", "given_name", "patronymic", "position", "notes"}) {
            const auto* d = Contact::descriptor()->FindFieldByName(f);
            const auto* r = merged.GetReflection();
            if (r->GetString(merged, d).empty()) r->SetString(&merged, d, r->GetString(source, d));
          }
          if (merged.preferred_channel() == Contact::CHANNEL_UNSPECIFIED) {
            merged.set_preferred_channel(source.preferred_channel());
          }
          Unite(source.emails(), merged.mutable_emails());
          Unite(source.phones(), merged.mutable_phones());
          // Every reference to the source now names the target, and what the source was known
          // by, the target was.
          ok = MergePerson(ctx, table, sources[i], source, *target, merged);
          if (!ok.ok()) return ok;
          // The source goes: soft-deleted and emptied (its data lives on in the target, and
          // erasing the target must not leave a copy behind), with its own entry.
          std::vector<std::string> emptied = storage::people::ClearPersonalFields(table, &source);
          emptied.push_back("delete_time");
          api::ToTimestamp(ctx.now, source.mutable_delete_time());
          api::ToTimestamp(ctx.now, source.mutable_erase_time());
          ok = contacts_.Save(s, row, source);
          if (ok.ok()) {
            ok = contacts_.Record(ctx, "MERGE", sources[i], source, emptied,
                                  api::FromTimestamp(source.update_time()));
          }
          if (ok.ok()) ok = storage::ForgetResponsesContaining(s, name).status();
          if (!ok.ok()) return ok;
        }
        // United, the contact points must still fit one contact; the caller trims them first.
        for (const auto& [field, count] :
             {std::pair<const char*, int>{"emails", merged.emails_size()},
              {"phones", merged.phones_size()}}) {
          if (count > kMaxContactPoints) {
            return api::Error(absl::StatusCode::kFailedPrecondition,
                              "MERGE_TOO_MANY_CONTACT_POINTS",
                              absl::StrCat("merged, ", request.target(), " would have ", count, " ",
                                           field, "; a contact holds at most ", kMaxContactPoints,
                                           ": remove some from the target or the sources first"),
                              {{"field", field}, {"count", absl::StrCat(count)}});
          }
        }
        std::vector<std::string> changed =
            api::ChangedFields(before, merged, contacts_.rules().mutable_fields);
        ok = contacts_.Save(s, target_row, merged);
        if (ok.ok()) {
          ok = contacts_.Record(ctx, "MERGE", *target, merged, changed,
                                api::FromTimestamp(merged.update_time()));
        }
        if (!ok.ok()) return ok;
        *out = merged;
        return absl::OkStatus();
      },
      call.deadline());
}

absl::Status ContactService::Export(const api::Call& call,
                                    const v1::ExportContactDataRequest& request,
                                    v1::ExportContactDataResponse* out) {
  const storage::ResourceTable& table = contacts_.table();
  auto key = table.ParseName(request.name(), "name");
  if (!key.ok()) return key.status();
  return storage::RunRead(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        absl::Status ok =
            storage::scope::Check(s, call.principal(), key->library_id, request.name());
        storage::ResourceTable::Row row;
        if (ok.ok()) ok = table.Get(s, *key, storage::Lock::kNone, &row, out->mutable_contact());
        if (!ok.ok()) return ok;
        auto held = ExportPerson(s, call.principal(), table, *key, out->contact());
        if (!held.ok()) return held.status();
        // Activities in any library may mention the person; the caller sees those it may see.
        for (const auto& r : held->referrers) {
          out->add_referenced_by(r.Name());
          if (r.table->message() == v1::Agreement::descriptor()) out->add_agreements(r.Name());
        }
        for (auto& a : held->activities) *out->add_activities() = std::move(a);
        for (const auto& v : held->former_values) out->add_former_values(v);
        return absl::OkStatus();
      },
      call.deadline());
}

absl::Status ContactService::Erase(const api::Call& call, const v1::EraseContactRequest& request,
                                   Contact* out) {
  // Deleted contacts are erased too: they still hold the data.
  return contacts_.Change(
      call, "ERASE", request.name(), request.etag(), request.request_id(), request,
      [&](WriteContext& ctx, const storage::ResourceKey& key,
          Contact& contact) -> absl::StatusOr<std::vector<std::string>> {
        if (contact.has_erase_time()) return Erased(contact);
        auto changed = ErasePerson(ctx, contacts_.table(), key, &contact);
        if (!changed.ok()) return changed.status();
        changed->push_back("erase_time");
        api::ToTimestamp(NextTime(contact), contact.mutable_erase_time());
        return changed;
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
