// ContactService end to end: contacts and their checks, likely duplicates, merging (every
// reference moved in one transaction, nothing on failure), export of everything held on a
// person, and erasure that leaves no personal value in any table (the test scans them all).
#include "services/contact/contact_service.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "allies/v1/activity.grpc.pb.h"
#include "allies/v1/agreement.grpc.pb.h"
#include "allies/v1/contact.grpc.pb.h"
#include "allies/v1/library.grpc.pb.h"
#include "allies/v1/partner.grpc.pb.h"
#include "tests/support/fixtures.h"
#include "tests/support/rpc_errors.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::Reason;
using allies::testing::TestDatabase;
using allies::testing::TestServer;
using allies::testing::ViolatedFields;
using v1::Contact;

Contact Person(const std::string& family, const std::string& given, const std::string& email = "",
               const std::string& phone = "") {
  Contact c;
  c.set_family_name(family);
  c.set_given_name(given);
  if (!email.empty()) c.add_emails(email);
  if (!phone.empty()) c.add_phones(phone);
  return c;
}

Contact Named(Contact c, const std::string& name) {
  c.set_name(name);
  return c;
}

std::vector<std::string> Names(const v1::DuplicateGroup& g) {
  return {g.contacts().begin(), g.contacts().end()};
}
std::vector<std::string> Reasons(const v1::DuplicateGroup& g) {
  return {g.reasons().begin(), g.reasons().end()};
}

TEST(GroupDuplicatesTest, JoinsByEmailPhoneAndFoldedFullNameTransitively) {
  std::vector<Contact> contacts = {
      Named(Person("Ёлкина", "Алёна", "a@x.ru"), "c/1"),
      Named(Person("  елкина ", "АЛЕНА"), "c/2"),  // same folded name as 1
      Named(Person("Другая", "Мария", "", "+79001112233"), "c/3"),
      Named(Person("Иванов", "Пётр", "m@y.ru", "+79001112233"), "c/4"),  // phone of 3
      Named(Person("Сидоров", "Иван", "m@y.ru"), "c/5"),  // email of 4: joins 3, 4, 5
      Named(Person("Одинокий", "Олег"), "c/6"),
      Named(Person("Ёлкина", ""), "c/7"),  // a family name alone joins nothing
  };
  // Folding drops inner runs of spaces too.
  contacts[1].set_family_name("  елкина ");
  const auto groups = services::GroupDuplicates(contacts);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(Names(groups[0]), (std::vector<std::string>{"c/1", "c/2"}));
  EXPECT_EQ(Reasons(groups[0]), (std::vector<std::string>{"full_name"}));
  EXPECT_EQ(Names(groups[1]), (std::vector<std::string>{"c/3", "c/4", "c/5"}));
  EXPECT_EQ(Reasons(groups[1]), (std::vector<std::string>{"email", "phone"}));
  EXPECT_TRUE(services::GroupDuplicates({}).empty());
}

class ContactServiceTest : public allies::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "city").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "village").ok());
    partner_ = allies::testing::CreatePartner(*partners_, "city", "bank");
  }

  grpc::Status Create(const Contact& c, Contact* out, const std::string& library = "city",
                      const std::string& id = "", const std::string& request_id = "") {
    v1::CreateContactRequest request;
    request.set_parent("libraries/" + library);
    *request.mutable_contact() = c;
    request.set_contact_id(id);
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return contacts_->CreateContact(&context, request, out);
  }

  std::string MustCreate(const Contact& c, const std::string& id,
                         const std::string& library = "city") {
    Contact out;
    grpc::Status status = Create(c, &out, library, id);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  Contact Get(const std::string& name) {
    v1::GetContactRequest request;
    request.set_name(name);
    Contact out;
    grpc::ClientContext context;
    EXPECT_TRUE(contacts_->GetContact(&context, request, &out).ok());
    return out;
  }

  grpc::Status Merge(const std::string& target, const std::vector<std::string>& sources,
                     Contact* out) {
    v1::MergeContactsRequest request;
    request.set_target(target);
    for (const auto& s : sources) request.add_sources(s);
    grpc::ClientContext context;
    return contacts_->MergeContacts(&context, request, out);
  }

  v1::Agreement SignedAgreement(const std::string& number,
                                const std::vector<std::string>& signatories) {
    v1::CreateAgreementRequest request;
    request.set_parent("libraries/city");
    auto* a = request.mutable_agreement();
    a->set_partner(partner_);
    a->set_number(number);
    a->set_title("Соглашение");
    a->set_kind(v1::Agreement::COOPERATION);
    for (const auto& s : signatories) a->add_signatories(s);
    v1::Agreement out;
    grpc::ClientContext context;
    grpc::Status status = agreements_->CreateAgreement(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::Agreement GetAgreement(const std::string& name) {
    v1::GetAgreementRequest request;
    request.set_name(name);
    v1::Agreement out;
    grpc::ClientContext context;
    EXPECT_TRUE(agreements_->GetAgreement(&context, request, &out).ok());
    return out;
  }

  v1::Activity Meeting(const std::vector<std::string>& related, const std::string& description) {
    v1::CreateActivityRequest request;
    request.set_parent("libraries/city");
    request.mutable_activity()->set_kind(v1::Activity::MEETING);
    request.mutable_activity()->set_subject("Встреча");
    request.mutable_activity()->set_description(description);
    for (const auto& r : related) request.mutable_activity()->add_related(r);
    v1::Activity out;
    grpc::ClientContext context;
    EXPECT_TRUE(activities_->CreateActivity(&context, request, &out).ok());
    return out;
  }

  v1::Activity GetActivity(const std::string& name) {
    v1::GetActivityRequest request;
    request.set_name(name);
    v1::Activity out;
    grpc::ClientContext context;
    EXPECT_TRUE(activities_->GetActivity(&context, request, &out).ok());
    return out;
  }

  std::string partner_;
};

TEST_F(ContactServiceTest, CreateNormalizesAndChecks) {
  Contact c = Person("Ёлкина", "Алёна", "  Alena@Library.RU ", "8 (817) 272-00-00");
  c.set_patronymic("Петровна");
  c.set_position("Директор по связям с общественностью");
  c.set_partner(partner_);
  c.set_preferred_channel(Contact::PHONE);
  Contact out;
  ASSERT_TRUE(Create(c, &out, "city", "elkina").ok());
  EXPECT_EQ(out.name(), "libraries/city/contacts/elkina");
  const Contact got = Get(out.name());
  EXPECT_EQ(got.family_name(), "Ёлкина");
  EXPECT_EQ(got.emails(0), "alena@library.ru");
  EXPECT_EQ(got.phones(0), "+78172720000");
  EXPECT_EQ(got.partner(), partner_);

  Contact bad;
  bad.add_emails("nobody");
  bad.add_emails("nobody");
  bad.add_phones("+1");
  bad.set_partner("libraries/city/partners/");
  grpc::Status status = Create(bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto fields = ViolatedFields(status);
  for (const char* f :
       {"contact.emails[0]", "contact.emails[1]", "contact.phones[0]", "contact.partner"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  // A name is required; the partner must be of the same library.
  EXPECT_EQ(ViolatedFields(Create(Contact(), &out)),
            (std::vector<std::string>{"contact.family_name"}));
  Contact elsewhere = Person("Иванов", "Иван");
  elsewhere.set_partner(partner_);
  EXPECT_EQ(Reason(Create(elsewhere, &out, "village")), "CROSS_LIBRARY_REFERENCE");
  // Filters on repeated contact points.
  v1::ListContactsRequest list;
  list.set_parent("libraries/-");
  list.set_filter("phones: \"+78172720000\" AND family_name = \"елкина\"");
  v1::ListContactsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(contacts_->ListContacts(&context, list, &response).ok());
  ASSERT_EQ(response.contacts_size(), 1);
  EXPECT_EQ(response.contacts(0).name(), "libraries/city/contacts/elkina");
}

TEST_F(ContactServiceTest, FindsDuplicatesInOneLibrary) {
  const std::string a = MustCreate(Person("Петров", "Пётр", "petrov@x.ru"), "a");
  const std::string b = MustCreate(Person("ПЕТРОВ", "Петр"), "b");
  const std::string c = MustCreate(Person("Смирнова", "Анна", "", "+7 900 111-22-33"), "c");
  const std::string d = MustCreate(Person("Смирнова-Орлова", "Анна", "", "89001112233"), "d");
  MustCreate(Person("Петров", "Пётр", "petrov@x.ru"), "other", "village");  // another library
  v1::FindDuplicateContactsRequest request;
  request.set_parent("libraries/city");
  v1::FindDuplicateContactsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(contacts_->FindDuplicateContacts(&context, request, &response).ok());
  ASSERT_EQ(response.groups_size(), 2);
  EXPECT_EQ(Names(response.groups(0)), (std::vector<std::string>{a, b}));
  EXPECT_EQ(Names(response.groups(1)), (std::vector<std::string>{c, d}));
  EXPECT_EQ(Reasons(response.groups(1)), (std::vector<std::string>{"phone"}));
}

TEST_F(ContactServiceTest, MergeMovesEveryReferenceInOneTransaction) {
  Contact target_in = Person("Петров", "", "petrov@x.ru");
  const std::string target = MustCreate(target_in, "target");
  Contact source_in = Person("Петров", "Пётр", "p.petrov@y.ru", "+79001234567");
  source_in.set_position("Менеджер");
  source_in.set_partner(partner_);
  const std::string source = MustCreate(source_in, "source");
  const std::string second = MustCreate(Person("Петров", "П.", "petrov@x.ru"), "second");

  const v1::Agreement by_source = SignedAgreement("1", {source});
  const v1::Agreement by_both = SignedAgreement("2", {target, source});
  const v1::Activity meeting = Meeting({source, partner_}, "Обсудили планы");
  const v1::Activity both = Meeting({source, target}, "");

  // Refused merges change nothing: another library, a deleted source.
  const std::string far = MustCreate(Person("Петров", "Пётр"), "far", "village");
  Contact out;
  grpc::Status cross = Merge(target, {source, far}, &out);
  EXPECT_EQ(cross.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(cross), (std::vector<std::string>{"sources[1]"}));
  const std::string gone = MustCreate(Person("Удалённый", "Контакт"), "gone");
  ASSERT_TRUE(CallByName(*contacts_, &v1::ContactService::Stub::DeleteContact, gone, &out).ok());
  EXPECT_EQ(Merge(target, {source, gone}, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(GetAgreement(by_source.name()).signatories(0), source);
  EXPECT_EQ(GetAgreement(by_source.name()).etag(), by_source.etag());
  EXPECT_EQ(GetActivity(meeting.name()).related(0), source);
  EXPECT_FALSE(Get(source).has_delete_time());
  EXPECT_EQ(Get(target).given_name(), "");

  ASSERT_TRUE(Merge(target, {source, second}, &out).ok());
  // The target's empty fields came from the first source; contact points were united.
  EXPECT_EQ(out.given_name(), "Пётр");
  EXPECT_EQ(out.position(), "Менеджер");
  EXPECT_EQ(out.partner(), partner_);
  EXPECT_EQ(std::set<std::string>(out.emails().begin(), out.emails().end()),
            (std::set<std::string>{"petrov@x.ru", "p.petrov@y.ru"}));
  EXPECT_EQ(out.phones_size(), 1);
  // Every reference moved.
  const v1::Agreement moved = GetAgreement(by_source.name());
  EXPECT_EQ(std::vector<std::string>(moved.signatories().begin(), moved.signatories().end()),
            (std::vector<std::string>{target}));
  EXPECT_NE(moved.etag(), by_source.etag());
  const v1::Agreement deduped = GetAgreement(by_both.name());
  EXPECT_EQ(std::vector<std::string>(deduped.signatories().begin(), deduped.signatories().end()),
            (std::vector<std::string>{target}));
  const v1::Activity moved_meeting = GetActivity(meeting.name());
  EXPECT_EQ(std::set<std::string>(moved_meeting.related().begin(), moved_meeting.related().end()),
            (std::set<std::string>{target, partner_}));
  const v1::Activity deduped_meeting = GetActivity(both.name());
  EXPECT_EQ(
      std::vector<std::string>(deduped_meeting.related().begin(), deduped_meeting.related().end()),
      (std::vector<std::string>{target}));
  // Sources are soft-deleted and emptied (their data now lives in the target only).
  EXPECT_TRUE(Get(source).has_delete_time());
  EXPECT_TRUE(Get(source).has_erase_time());
  EXPECT_EQ(Get(source).family_name(), "");
  EXPECT_EQ(Get(source).emails_size(), 0);
  EXPECT_TRUE(Get(second).has_delete_time());
  EXPECT_EQ(SystemVerbs(target), (std::vector<std::string>{"CREATE", "MERGE"}));
  EXPECT_EQ(SystemVerbs(source), (std::vector<std::string>{"CREATE", "MERGE"}));
  EXPECT_EQ(SystemVerbs(by_source.name()), (std::vector<std::string>{"CREATE", "UPDATE"}));
}

TEST_F(ContactServiceTest, MergeRefusesMoreContactPointsThanAContactHolds) {
  Contact target_in = Person("Ёлкина", "Анна");
  Contact source_in = Person("Ёлкина", "Анна");
  for (int i = 0; i < 6; ++i) {
    target_in.add_emails(absl::StrCat("anna", i, "@library.ru"));
    source_in.add_emails(absl::StrCat("elkina", i, "@mail.ru"));
  }
  source_in.add_emails("anna0@library.ru");  // shared: counted once
  const std::string target = MustCreate(target_in, "target");
  const std::string source = MustCreate(source_in, "source");
  Contact out;
  grpc::Status refused = Merge(target, {source}, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("12 emails"), std::string::npos)
      << refused.error_message();
  EXPECT_FALSE(Get(source).has_delete_time());  // nothing changed
  EXPECT_EQ(Get(target).emails_size(), 6);

  // Ten in all fit.
  Contact trimmed = Get(source);
  v1::UpdateContactRequest update;
  *update.mutable_contact() = trimmed;
  update.mutable_contact()->clear_emails();
  for (int i = 0; i < 4; ++i) update.mutable_contact()->add_emails(trimmed.emails(i));
  update.mutable_update_mask()->add_paths("emails");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(contacts_->UpdateContact(&context, update, &trimmed).ok());
  }
  ASSERT_TRUE(Merge(target, {source}, &out).ok());
  EXPECT_EQ(out.emails_size(), 10);
}

TEST_F(ContactServiceTest, ExportReturnsEverythingHeldOnThePerson) {
  Contact in = Person("Кузнецова", "Ольга", "olga@example.ru");
  in.set_notes("Предпочитает звонки после обеда");
  const std::string name = MustCreate(in, "olga");
  const v1::Agreement agreement = SignedAgreement("77", {name});
  const v1::Activity meeting = Meeting({name}, "Ольга Кузнецова обещала помочь");
  Meeting({partner_}, "Не про неё");
  v1::ExportContactDataRequest request;
  request.set_name(name);
  v1::ExportContactDataResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(contacts_->ExportContactData(&context, request, &response).ok());
  EXPECT_EQ(response.contact().notes(), "Предпочитает звонки после обеда");
  EXPECT_EQ(std::vector<std::string>(response.agreements().begin(), response.agreements().end()),
            (std::vector<std::string>{agreement.name()}));
  std::set<std::string> activities;
  for (const auto& a : response.activities()) activities.insert(a.name());
  EXPECT_TRUE(activities.count(meeting.name()));
  // The system entries about the contact itself are part of what is held on it.
  bool has_create = false;
  for (const auto& a : response.activities()) has_create |= a.verb() == "CREATE";
  EXPECT_TRUE(has_create);
  EXPECT_EQ(response.activities_size(), 2);
}

TEST_F(ContactServiceTest, EraseForgetsOnlyTheErasedContactsStoredResponses) {
  Contact first, second, replay;
  ASSERT_TRUE(Create(Person("Иванов", "Иван"), &first, "city", "ivan", "req-ivan").ok());
  ASSERT_TRUE(Create(Person("Иванов", "Пётр"), &second, "city", "ivan-2", "req-ivan-2").ok());
  v1::EraseContactRequest request;
  request.set_name(first.name());
  Contact erased;
  grpc::ClientContext context;
  ASSERT_TRUE(contacts_->EraseContact(&context, request, &erased).ok());
  // ivan-2's replay still answers with its first response; ivan's is gone with its data (a
  // retry now finds the id taken).
  ASSERT_TRUE(Create(Person("Иванов", "Пётр"), &replay, "city", "ivan-2", "req-ivan-2").ok());
  EXPECT_EQ(replay.etag(), second.etag());
  EXPECT_EQ(Create(Person("Иванов", "Иван"), &replay, "city", "ivan", "req-ivan").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(ContactServiceTest, EraseLeavesNoPersonalValueInAnyTable) {
  Contact in = Person("Зябликова", "Евлампия", "evlampia.z@example.ru", "+7 911 765-43-21");
  in.set_patronymic("Ферапонтовна");
  in.set_position("Главный бухгалтер");
  in.set_notes("Звонить Евлампии Ферапонтовне по средам");
  in.set_partner(partner_);
  Contact created;
  ASSERT_TRUE(Create(in, &created, "city", "evlampia", "create-evlampia").ok());
  const std::string name = created.name();
  {  // an update leaves its own traces (a new revision, a system entry)
    Contact update = created;
    update.add_phones("+7 921 000-11-22");
    v1::UpdateContactRequest request;
    *request.mutable_contact() = update;
    request.mutable_update_mask()->add_paths("phones");
    grpc::ClientContext context;
    ASSERT_TRUE(contacts_->UpdateContact(&context, request, &created).ok());
  }
  const v1::Agreement agreement = SignedAgreement("ERASE-1", {name});
  const v1::Activity meeting =
      Meeting({name, partner_}, "Встреча с Евлампией Зябликовой, тел. 8 (911) 765-43-21");
  // Another library's staff may record a meeting with her too.
  v1::Activity far;
  {
    v1::CreateActivityRequest request;
    request.set_parent("libraries/village");
    request.mutable_activity()->set_kind(v1::Activity::CALL);
    request.mutable_activity()->set_subject("Звонок Зябликовой");
    request.mutable_activity()->set_description("EVLAMPIA.Z@EXAMPLE.RU ответила");
    request.mutable_activity()->add_related(name);
    grpc::ClientContext context;
    ASSERT_TRUE(activities_->CreateActivity(&context, request, &far).ok());
  }
  // A duplicate merged into her first: its data lives on in her, and nowhere else.
  const std::string dup =
      MustCreate(Person("Зябликова", "Е.", "old.mail@example.ru", "+7 911 000-99-88"), "dup");
  Contact merged;
  ASSERT_TRUE(Merge(name, {dup}, &merged).ok());

  const std::vector<std::string> personal = {
      "Зябликов",    "Евлампи",     "Ферапонтовн",      "evlampia.z@example.ru",
      "EVLAMPIA.Z",  "79117654321", "765-43-21",        "79210001122",
      "79110009988", "old.mail@",   "Главный бухгалтер"};
  for (const auto& value : personal) {
    EXPECT_FALSE(ColumnsHolding(value).empty()) << value << " was never stored: a weak scan";
  }

  v1::EraseContactRequest request;
  request.set_name(name);
  Contact erased;
  grpc::ClientContext context;
  ASSERT_TRUE(contacts_->EraseContact(&context, request, &erased).ok());
  EXPECT_TRUE(erased.has_erase_time());
  EXPECT_EQ(erased.family_name(), "");
  EXPECT_EQ(erased.emails_size(), 0);

  for (const auto& value : personal) {
    EXPECT_EQ(ColumnsHolding(value), std::vector<std::string>{}) << value;
  }
  // The record and its links remain, for statistics.
  const Contact kept = Get(name);
  EXPECT_EQ(kept.partner(), partner_);
  EXPECT_EQ(GetAgreement(agreement.name()).signatories(0), name);
  const v1::Activity scrubbed = GetActivity(meeting.name());
  EXPECT_EQ(std::set<std::string>(scrubbed.related().begin(), scrubbed.related().end()),
            (std::set<std::string>{name, partner_}));
  EXPECT_NE(scrubbed.description().find("[erased]"), std::string::npos);
  EXPECT_EQ(GetActivity(far.name()).subject(), "Звонок [erased]");
  // Logged, without the values; the erased contact takes no edits.
  const auto verbs = SystemVerbs(name);
  EXPECT_EQ(verbs.back(), "ERASE");
  Contact again;
  grpc::ClientContext c2;
  EXPECT_EQ(Reason(contacts_->EraseContact(&c2, request, &again)), "CONTACT_ERASED");
  v1::UpdateContactRequest update;
  *update.mutable_contact() = kept;
  update.mutable_contact()->set_given_name("Снова");
  update.mutable_update_mask()->add_paths("given_name");
  grpc::ClientContext c3;
  EXPECT_EQ(Reason(contacts_->UpdateContact(&c3, update, &again)), "CONTACT_ERASED");
}

// Erasure covers every name the person was ever known by here: a duplicate merged into them
// («Кузнецова» into «Смирнова»), and a name they had before an edit.
TEST_F(ContactServiceTest, EraseCoversEveryNameThePersonWasKnownBy) {
  const std::string target = MustCreate(Person("Смирнова", "Ольга", "olga@example.ru"), "olga");
  const std::string source =
      MustCreate(Person("Кузнецова", "Ольга", "kuznetsova@example.ru", "+7 911 222-33-44"), "ok");
  v1::Activity first = Meeting({source}, "Кузнецова обещала помочь");
  v1::CreateActivityRequest named;
  named.set_parent("libraries/city");
  named.mutable_activity()->set_kind(v1::Activity::MEETING);
  named.mutable_activity()->set_subject("Встреча с Кузнецовой");
  named.mutable_activity()->add_related(source);
  v1::Activity second;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(activities_->CreateActivity(&context, named, &second).ok());
  }
  Contact merged;
  ASSERT_TRUE(Merge(target, {source}, &merged).ok());
  EXPECT_EQ(merged.family_name(), "Смирнова");
  // Renamed afterwards: the old name stays hers to erase.
  Contact renamed = merged;
  renamed.set_family_name("Павлова");
  v1::UpdateContactRequest update;
  *update.mutable_contact() = renamed;
  update.mutable_update_mask()->add_paths("family_name");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(contacts_->UpdateContact(&context, update, &renamed).ok());
  }
  v1::Activity third =
      Meeting({target}, "Смирнова и Павлова — одно лицо; пишет на kuznetsova@example.ru");

  // Export shows what she was known by and who refers to her.
  v1::ExportContactDataRequest export_request;
  export_request.set_name(target);
  v1::ExportContactDataResponse exported;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(contacts_->ExportContactData(&context, export_request, &exported).ok());
  }
  const std::set<std::string> former(exported.former_values().begin(),
                                     exported.former_values().end());
  EXPECT_TRUE(former.count("Кузнецова")) << exported.DebugString();
  EXPECT_TRUE(former.count("Смирнова")) << exported.DebugString();
  const std::set<std::string> referrers(exported.referenced_by().begin(),
                                        exported.referenced_by().end());
  EXPECT_EQ(referrers, (std::set<std::string>{first.name(), second.name(), third.name()}));

  for (const char* value : {"Кузнецов", "Смирнов", "kuznetsova@", "79112223344"}) {
    EXPECT_FALSE(ColumnsHolding(value).empty()) << value << " was never stored: a weak scan";
  }
  v1::EraseContactRequest erase;
  erase.set_name(target);
  Contact erased;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(contacts_->EraseContact(&context, erase, &erased).ok());
  }
  for (const char* value : {"Кузнецов", "Смирнов", "Павлов", "kuznetsova@", "79112223344"}) {
    EXPECT_EQ(ColumnsHolding(value), std::vector<std::string>{}) << value;
  }
  EXPECT_EQ(GetActivity(first.name()).description(), "[erased] обещала помочь");
  EXPECT_EQ(GetActivity(second.name()).subject(), "Встреча с [erased]");
}

}  // namespace
}  // namespace allies
