// VolunteerService and ConsentService through gRPC: no personal data without consent, minors
// through representatives, the lifecycle, withdrawal and its 30-day destruction (with the clock
// moved), erasure that leaves no value behind, duplicates, merge and export.
#include "services/volunteer/volunteer_service.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/proto_time.h"
#include "services/volunteer/ledger.h"
#include "storage/pool.h"
#include "tests/support/fixtures.h"
#include "tests/support/rpc_errors.h"
#include "tests/support/test_database.h"

namespace allies {
namespace {

using allies::testing::ByParent;
using allies::testing::CallByName;
using allies::testing::Person;
using allies::testing::Reason;
using allies::testing::ViolatedFields;
using allies::testing::WorkConsent;
using allies::testing::YearsAgo;
using v1::Consent;
using v1::Qualification;
using v1::Volunteer;

class VolunteerServiceTest : public allies::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "city").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "village").ok());
  }

  grpc::Status Create(const Volunteer& v, const Consent* consent, Volunteer* out,
                      const std::string& consent_name = "", const std::string& id = "",
                      const std::string& library = "city") {
    v1::CreateVolunteerRequest request;
    request.set_parent("libraries/" + library);
    *request.mutable_volunteer() = v;
    if (consent != nullptr) *request.mutable_consent() = *consent;
    request.set_consent_name(consent_name);
    request.set_volunteer_id(id);
    grpc::ClientContext context;
    return volunteers_->CreateVolunteer(&context, request, out);
  }

  std::string MustCreate(const Volunteer& v, const std::string& id = "",
                         const Consent& consent = WorkConsent(),
                         const std::string& library = "city") {
    Volunteer out;
    grpc::Status status = Create(v, &consent, &out, "", id, library);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  Volunteer Get(const std::string& name) {
    Volunteer out;
    grpc::Status status =
        CallByName(*volunteers_, &v1::VolunteerService::Stub::GetVolunteer, name, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  Consent GetConsent(const std::string& name) {
    Consent out;
    EXPECT_TRUE(CallByName(*consents_, &v1::ConsentService::Stub::GetConsent, name, &out).ok());
    return out;
  }

  std::vector<Consent> ConsentsOf(const std::string& subject) {
    v1::ListConsentsRequest request;
    request.set_parent("libraries/-");
    request.set_filter(absl::StrCat("subject = \"", subject, "\""));
    request.set_order_by("given_time");
    v1::ListConsentsResponse out;
    grpc::ClientContext context;
    grpc::Status status = consents_->ListConsents(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {out.consents().begin(), out.consents().end()};
  }

  grpc::Status CreateConsent(const Consent& c, Consent* out, const std::string& library = "city") {
    v1::CreateConsentRequest request;
    request.set_parent("libraries/" + library);
    *request.mutable_consent() = c;
    grpc::ClientContext context;
    return consents_->CreateConsent(&context, request, out);
  }

  grpc::Status Withdraw(const std::string& name, Consent* out,
                        std::optional<absl::Time> when = std::nullopt) {
    v1::WithdrawConsentRequest request;
    request.set_name(name);
    request.set_channel(Consent::IN_WRITING);
    if (when) api::ToTimestamp(*when, request.mutable_withdraw_time());
    grpc::ClientContext context;
    return consents_->WithdrawConsent(&context, request, out);
  }

  template <typename Method>
  grpc::Status Move(Method method, const std::string& name, Volunteer* out = nullptr) {
    return CallByName(*volunteers_, method, name, out);
  }

  std::vector<Consent> Due(int within_days) {
    v1::ListDueDestructionsRequest request;
    request.set_parent("libraries/-");
    request.set_within_days(within_days);
    v1::ListConsentsResponse out;
    grpc::ClientContext context;
    grpc::Status status = consents_->ListDueDestructions(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {out.consents().begin(), out.consents().end()};
  }

  std::vector<v1::DestructionRecord> Acts(const std::string& subject) {
    v1::ListDestructionRecordsRequest request;
    request.set_parent("libraries/-");
    request.set_filter(absl::StrCat("subject = \"", subject, "\""));
    v1::ListDestructionRecordsResponse out;
    grpc::ClientContext context;
    grpc::Status status = consents_->ListDestructionRecords(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {out.destruction_records().begin(), out.destruction_records().end()};
  }

  int CountVolunteers() {
    v1::ListVolunteersRequest request;
    request.set_parent("libraries/-");
    request.set_show_deleted(true);
    v1::ListVolunteersResponse out;
    grpc::ClientContext context;
    EXPECT_TRUE(volunteers_->ListVolunteers(&context, request, &out).ok());
    return out.volunteers_size();
  }
};

TEST_F(VolunteerServiceTest, CreateNormalizesAndComputesAge) {
  Volunteer v = Person("Ёлкина", "Алёна", 25);
  v.set_patronymic("Сергеевна");
  v.add_emails("  Alena@Example.RU ");
  v.add_phones("8 (921) 555-44-33");
  v.add_skills("ремонт книг");
  v.add_languages("ru");
  auto* slot = v.add_availability();
  slot->set_day_of_week(6);
  slot->set_start_time("10:00");
  slot->set_end_time("14:30");
  v.set_dobro_id(" https://dobro.ru/volunteer/10456789/ ");
  v.set_city("Череповец");
  Consent consent = WorkConsent({Consent::VOLUNTEER_WORK, Consent::COMMUNICATION});
  Volunteer out;
  ASSERT_TRUE(Create(v, &consent, &out, "", "elkina").ok());
  EXPECT_EQ(out.name(), "libraries/city/volunteers/elkina");
  const Volunteer got = Get(out.name());
  EXPECT_EQ(got.family_name(), "Ёлкина");
  EXPECT_EQ(got.emails(0), "alena@example.ru");
  EXPECT_EQ(got.phones(0), "+79215554433");
  EXPECT_EQ(got.dobro_id(), "10456789");
  EXPECT_EQ(got.age(), 25);
  EXPECT_EQ(got.state(), Volunteer::APPLICANT);
  EXPECT_EQ(got.availability(0).end_time(), "14:30");
  EXPECT_FALSE(got.personal_data_withheld());
  // The consent was recorded in the same request, its subject the new volunteer.
  const auto consents = ConsentsOf(out.name());
  ASSERT_EQ(consents.size(), 1u);
  EXPECT_EQ(consents[0].state(), Consent::ACTIVE);
  EXPECT_TRUE(consents[0].has_given_time());
  EXPECT_EQ(SystemVerbs(out.name()), (std::vector<std::string>{"CREATE"}));
  EXPECT_EQ(SystemVerbs(consents[0].name()), (std::vector<std::string>{"CREATE"}));
  // Filters by age and on tags.
  v1::ListVolunteersRequest list;
  list.set_parent("libraries/city");
  list.set_filter("age >= 18 AND skills: \"ремонт книг\" AND family_name = \"Ёлкина\"");
  v1::ListVolunteersResponse page;
  grpc::ClientContext context;
  ASSERT_TRUE(volunteers_->ListVolunteers(&context, list, &page).ok());
  ASSERT_EQ(page.volunteers_size(), 1);
  // One Dobro.rf id per volunteer in a library.
  Volunteer twin = Person("Другая", "Алёна");
  twin.set_dobro_id("10456789");
  EXPECT_EQ(Reason(Create(twin, &consent, &out)), "VOLUNTEER_DOBRO_ID_TAKEN");
}

TEST_F(VolunteerServiceTest, RefusesBadInputNamingEachField) {
  Volunteer bad;
  bad.set_family_name(std::string(1 << 20, 'x'));  // a 1 MB name
  bad.add_emails("не-почта");
  bad.add_phones("12");
  bad.set_dobro_id("dobro.ru/volunteer/abc");
  auto* slot = bad.add_availability();
  slot->set_day_of_week(8);
  slot->set_start_time("18:00");
  slot->set_end_time("09:00");
  auto* blackout = bad.add_blackouts();
  *blackout->mutable_start_date() = YearsAgo(0, 10);
  *blackout->mutable_end_date() = YearsAgo(0, 1);
  bad.add_opt_outs(Volunteer::EMAIL);
  bad.add_opt_outs(Volunteer::EMAIL);
  Consent consent = WorkConsent();
  consent.clear_purposes();
  consent.set_method(Consent::PAPER);
  consent.clear_document_number();
  Volunteer out;
  grpc::Status status = Create(bad, &consent, &out);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto fields = ViolatedFields(status);
  for (const char* f : {"volunteer.family_name", "volunteer.given_name", "volunteer.birth_date",
                        "volunteer.emails[0]", "volunteer.phones[0]", "volunteer.dobro_id",
                        "volunteer.availability[0].day_of_week",
                        "volunteer.availability[0].end_time", "volunteer.blackouts[0].end_date",
                        "volunteer.opt_outs[1]", "consent.purposes", "consent.document_number"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end())
        << f << " in " << status.error_message();
  }
  // No consent at all, or both kinds: refused before anything is written.
  EXPECT_EQ(ViolatedFields(Create(Person("Без", "Согласия"), nullptr, &out)),
            (std::vector<std::string>{"consent"}));
  EXPECT_EQ(ViolatedFields(
                Create(Person("Оба", "Согласия"), &consent, &out, "libraries/city/consents/x")),
            (std::vector<std::string>{"consent"}));
  // The consent's subject is the new volunteer; a birth date in the future is refused.
  Consent named = WorkConsent();
  named.set_subject("libraries/city/volunteers/someone");
  EXPECT_EQ(ViolatedFields(Create(Person("Чужое", "Согласие"), &named, &out)),
            (std::vector<std::string>{"consent.subject"}));
  Volunteer unborn = Person("Будущая", "Дата");
  *unborn.mutable_birth_date() = YearsAgo(-1);
  const Consent ok_consent = WorkConsent();
  EXPECT_EQ(ViolatedFields(Create(unborn, &ok_consent, &out)),
            (std::vector<std::string>{"volunteer.birth_date"}));
  EXPECT_EQ(CountVolunteers(), 0);
}

TEST_F(VolunteerServiceTest, NoPersonalDataWithoutAConsentCoveringTheWork) {
  Volunteer out;
  const Consent communication = WorkConsent({Consent::COMMUNICATION});
  grpc::Status refused = Create(Person("Иванова", "Мария"), &communication, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(refused), "CONSENT_PURPOSE");
  // Nothing was kept: neither the volunteer nor the consent.
  EXPECT_EQ(CountVolunteers(), 0);
  v1::ListConsentsRequest all;
  all.set_parent("libraries/-");
  v1::ListConsentsResponse page;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(consents_->ListConsents(&context, all, &page).ok());
  }
  EXPECT_EQ(page.consents_size(), 0);
}

TEST_F(VolunteerServiceTest, MinorsThroughTheirRepresentatives) {
  Volunteer out;
  // 17 (18 tomorrow): a representative gives the consent.
  Volunteer almost = Person("Соколов", "Ярослав", 18);
  *almost.mutable_birth_date() = YearsAgo(18, 1);
  const Consent own = WorkConsent();
  grpc::Status refused = Create(almost, &own, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(refused), "CONSENT_NEEDS_REPRESENTATIVE");
  EXPECT_EQ(CountVolunteers(), 0);
  const Consent parents = ByParent(WorkConsent());
  ASSERT_TRUE(Create(almost, &parents, &out).ok());
  EXPECT_EQ(out.age(), 17);
  // 18 today: their own consent.
  Volunteer adult = Person("Соколова", "Ева", 18);
  ASSERT_TRUE(Create(adult, &own, &out).ok());
  EXPECT_EQ(out.age(), 18);
  // A representative must be described completely.
  Consent half = WorkConsent();
  half.set_representative_name("Соколова Ирина");
  const grpc::Status incomplete = Create(Person("Соколов", "Лев", 12), &half, &out);
  EXPECT_EQ(ViolatedFields(incomplete),
            (std::vector<std::string>{"consent.representative_relation",
                                      "consent.representative_document"}));
  // A 12-year-old with the parent's consent (their agreements are signed by the parent too).
  ASSERT_TRUE(Create(Person("Соколов", "Лев", 12), &parents, &out).ok());
  // A consent recorded for an existing minor needs the representative too.
  Consent later = WorkConsent({Consent::PUBLICATION});
  later.set_subject(out.name());
  Consent recorded;
  EXPECT_EQ(Reason(CreateConsent(later, &recorded)), "CONSENT_NEEDS_REPRESENTATIVE");
  later = ByParent(later);
  EXPECT_TRUE(CreateConsent(later, &recorded).ok());
}

TEST_F(VolunteerServiceTest, AConsentRecordedFirstIsLinkedOnce) {
  Consent paper;
  ASSERT_TRUE(CreateConsent(WorkConsent(), &paper).ok());
  EXPECT_EQ(paper.subject(), "");
  Volunteer out;
  ASSERT_TRUE(Create(Person("Кузнецова", "Ольга"), nullptr, &out, paper.name()).ok());
  EXPECT_EQ(GetConsent(paper.name()).subject(), out.name());
  EXPECT_EQ(SystemVerbs(paper.name()), (std::vector<std::string>{"CREATE", "LINK"}));
  Volunteer second;
  EXPECT_EQ(Reason(Create(Person("Другая", "Ольга"), nullptr, &second, paper.name())),
            "CONSENT_OF_ANOTHER_PERSON");
  // Another library's consent, and a withdrawn one, are refused.
  Consent elsewhere;
  ASSERT_TRUE(CreateConsent(WorkConsent(), &elsewhere, "village").ok());
  EXPECT_EQ(ViolatedFields(Create(Person("Третья", "Ольга"), nullptr, &second, elsewhere.name())),
            (std::vector<std::string>{"consent_name"}));
  Consent withdrawn;
  ASSERT_TRUE(CreateConsent(WorkConsent(), &withdrawn).ok());
  ASSERT_TRUE(Withdraw(withdrawn.name(), &withdrawn).ok());
  EXPECT_EQ(Reason(Create(Person("Четвёртая", "Ольга"), nullptr, &second, withdrawn.name())),
            "CONSENT_NOT_ACTIVE");
  EXPECT_EQ(CountVolunteers(), 1);
  // A consent is never edited: there is no update, and its subject cannot be another person's
  // record.
  Consent stranger = WorkConsent();
  stranger.set_subject("libraries/city/partners/none");
  EXPECT_EQ(CreateConsent(stranger, &withdrawn).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(VolunteerServiceTest, LifecycleMovesAreCheckedAndLogged) {
  const std::string name = MustCreate(Person("Орлова", "Вера"));
  Volunteer out;
  EXPECT_EQ(Reason(Move(&v1::VolunteerService::Stub::PauseVolunteer, name)), "VOLUNTEER_STATE");
  ASSERT_TRUE(Move(&v1::VolunteerService::Stub::ActivateVolunteer, name, &out).ok());
  EXPECT_EQ(out.state(), Volunteer::ACTIVE);
  ASSERT_TRUE(Move(&v1::VolunteerService::Stub::PauseVolunteer, name, &out).ok());
  EXPECT_EQ(out.state(), Volunteer::PAUSED);
  EXPECT_EQ(Reason(Move(&v1::VolunteerService::Stub::ActivateVolunteer, name)), "VOLUNTEER_STATE");
  ASSERT_TRUE(Move(&v1::VolunteerService::Stub::ResumeVolunteer, name, &out).ok());
  v1::DeactivateVolunteerRequest deactivate;
  deactivate.set_name(name);
  deactivate.set_reason("Переехала в другой город");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->DeactivateVolunteer(&context, deactivate, &out).ok());
  }
  EXPECT_EQ(out.state(), Volunteer::INACTIVE);
  EXPECT_EQ(out.state_reason(), "Переехала в другой город");
  EXPECT_EQ(SystemVerbs(name),
            (std::vector<std::string>{"CREATE", "ACTIVATE", "PAUSE", "RESUME", "DEACTIVATE"}));
  const auto entries = SystemEntries(name);
  EXPECT_EQ(std::vector<std::string>(entries.back().changed_fields().begin(),
                                     entries.back().changed_fields().end()),
            (std::vector<std::string>{"state", "state_reason"}));
  // State is output only: an update cannot set it.
  v1::UpdateVolunteerRequest update;
  update.mutable_volunteer()->set_name(name);
  update.mutable_volunteer()->set_state(Volunteer::ACTIVE);
  update.mutable_update_mask()->add_paths("state");
  grpc::ClientContext context;
  EXPECT_EQ(volunteers_->UpdateVolunteer(&context, update, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(VolunteerServiceTest, WithdrawalStopsTheWorkAndTheContact) {
  const std::string name = MustCreate(Person("Белова", "Нина"));
  Consent communication = WorkConsent({Consent::COMMUNICATION});
  communication.set_subject(name);
  ASSERT_TRUE(CreateConsent(communication, &communication).ok());
  ASSERT_TRUE(Move(&v1::VolunteerService::Stub::ActivateVolunteer, name).ok());
  const auto consents = ConsentsOf(name);
  ASSERT_EQ(consents.size(), 2u);
  const std::string work = consents[0].name();

  Consent out;
  const absl::Time before = absl::Now();
  ASSERT_TRUE(Withdraw(work, &out).ok());
  EXPECT_EQ(out.state(), Consent::WITHDRAWN);
  EXPECT_EQ(out.withdrawal_channel(), Consent::IN_WRITING);
  EXPECT_EQ(api::FromTimestamp(out.destroy_due()) - api::FromTimestamp(out.withdraw_time()),
            absl::Hours(24 * 30));
  EXPECT_GE(api::FromTimestamp(out.withdraw_time()), before - absl::Seconds(1));
  Volunteer v = Get(name);
  EXPECT_EQ(v.state(), Volunteer::INACTIVE);
  EXPECT_EQ(v.state_reason(), "consent withdrawn: " + work);
  EXPECT_FALSE(v.do_not_contact());  // the communication consent is still in force
  EXPECT_EQ(SystemVerbs(name).back(), "WITHDRAW_CONSENT");
  // Once withdrawn, always: a second withdrawal is refused; work needs a consent again.
  EXPECT_EQ(Reason(Withdraw(work, &out)), "CONSENT_STATE");
  EXPECT_EQ(Reason(Move(&v1::VolunteerService::Stub::ActivateVolunteer, name)), "CONSENT_REQUIRED");
  ASSERT_TRUE(Withdraw(communication.name(), &out).ok());
  EXPECT_TRUE(Get(name).do_not_contact());
  // A withdrawal dated before the consent, or in the future, is refused.
  Consent fresh = WorkConsent();
  fresh.set_subject(name);
  ASSERT_TRUE(CreateConsent(fresh, &fresh).ok());
  EXPECT_FALSE(Get(name).do_not_contact());  // a new consent covering the work lets us call
  EXPECT_EQ(ViolatedFields(Withdraw(fresh.name(), &out, absl::Now() - absl::Hours(24 * 400))),
            (std::vector<std::string>{"withdraw_time"}));
  EXPECT_EQ(ViolatedFields(Withdraw(fresh.name(), &out, absl::Now() + absl::Hours(2))),
            (std::vector<std::string>{"withdraw_time"}));
  ASSERT_TRUE(Move(&v1::VolunteerService::Stub::ActivateVolunteer, name).ok());
}

// The server's job with its clock moved: nothing before destroy_due, the data destroyed once
// it passes (with the act), unless another consent in force keeps it; an overdue one is visible
// and flagged.
TEST_F(VolunteerServiceTest, DestroysPersonalDataWhenDue) {
  storage::ConnectionPool pool(db_);
  Volunteer in = Person("Уникальнова", "Снежана");
  in.add_emails("snezhana.unikalnova@example.ru");
  in.add_phones("+79005553311");
  in.set_notes("Любит Ёжика в тумане");
  const std::string name = MustCreate(in);
  Consent work = ConsentsOf(name)[0];
  ASSERT_TRUE(Withdraw(work.name(), &work).ok());
  EXPECT_TRUE(Due(0).empty());
  ASSERT_EQ(Due(31).size(), 1u);
  EXPECT_EQ(Due(31)[0].name(), work.name());

  const absl::Time now = absl::Now();
  auto settled = services::DestroyDuePersonalData(pool, now + absl::Hours(24 * 29));
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 0);
  EXPECT_EQ(Get(name).family_name(), "Уникальнова");

  // The job runs hourly: within the hour after destroy_due.
  settled = services::DestroyDuePersonalData(pool, now + absl::Hours(24 * 30 + 1));
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 1);
  const Volunteer erased = Get(name);
  EXPECT_TRUE(erased.has_erase_time());
  EXPECT_EQ(erased.family_name(), "");
  EXPECT_FALSE(erased.has_birth_date());
  EXPECT_EQ(erased.emails_size(), 0);
  EXPECT_EQ(erased.state(), Volunteer::INACTIVE);  // the record stays for statistics
  for (const char* value :
       {"Уникальнова", "snezhana.unikalnova", "79005553311", "Ёжика", "Субъект согласия"}) {
    EXPECT_TRUE(ColumnsHolding(value).empty()) << value;
  }
  const auto acts = Acts(name);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts[0].consent(), work.name());
  EXPECT_EQ(acts[0].reason(), v1::DestructionRecord::CONSENT_WITHDRAWN);
  EXPECT_EQ(acts[0].destroyed_by(), "system");
  EXPECT_FALSE(acts[0].overdue());
  const std::vector<std::string> categories(acts[0].categories().begin(),
                                            acts[0].categories().end());
  for (const char* f : {"family_name", "given_name", "birth_date", "emails", "phones", "notes"}) {
    EXPECT_NE(std::find(categories.begin(), categories.end(), f), categories.end()) << f;
  }
  const Consent settled_consent = GetConsent(work.name());
  EXPECT_TRUE(settled_consent.has_destroy_time());
  EXPECT_EQ(settled_consent.destruction_record(), acts[0].name());
  EXPECT_FALSE(settled_consent.destruction_overdue());
  EXPECT_TRUE(Due(31).empty());
  EXPECT_EQ(SystemVerbs(name).back(), "ERASE");
  EXPECT_EQ(SystemVerbs(acts[0].name()), (std::vector<std::string>{"CREATE"}));
  // Run again: nothing left to do.
  settled = services::DestroyDuePersonalData(pool, now + absl::Hours(24 * 32));
  ASSERT_TRUE(settled.ok());
  EXPECT_EQ(*settled, 0);
}

TEST_F(VolunteerServiceTest, AnotherConsentInForceKeepsTheData) {
  storage::ConnectionPool pool(db_);
  const std::string name = MustCreate(Person("Сохранова", "Анна"));
  Consent second = WorkConsent({Consent::VOLUNTEER_WORK, Consent::TRANSFER_TO_DOBRO});
  second.set_subject(name);
  ASSERT_TRUE(CreateConsent(second, &second).ok());
  Consent first = ConsentsOf(name)[0];
  ASSERT_TRUE(Withdraw(first.name(), &first).ok());
  EXPECT_EQ(Get(name).state(), Volunteer::APPLICANT);  // the other consent covers the work
  auto settled = services::DestroyDuePersonalData(pool, absl::Now() + absl::Hours(24 * 31));
  ASSERT_TRUE(settled.ok());
  EXPECT_EQ(*settled, 1);
  EXPECT_EQ(GetConsent(first.name()).retained_by(), second.name());
  EXPECT_EQ(Get(name).family_name(), "Сохранова");
  EXPECT_TRUE(Acts(name).empty());
  EXPECT_TRUE(Due(3650).empty());
}

TEST_F(VolunteerServiceTest, AnOverdueDestructionIsVisibleAndFlagged) {
  storage::ConnectionPool pool(db_);
  // A paper consent given 60 days ago and withdrawn 40 days ago: due 10 days ago.
  const absl::Time now = absl::Now();
  Consent old = WorkConsent();
  api::ToTimestamp(now - absl::Hours(24 * 60), old.mutable_given_time());
  Volunteer out;
  ASSERT_TRUE(Create(Person("Просроченная", "Ия"), &old, &out).ok());
  Consent consent = ConsentsOf(out.name())[0];
  ASSERT_TRUE(Withdraw(consent.name(), &consent, now - absl::Hours(24 * 40)).ok());
  EXPECT_TRUE(GetConsent(consent.name()).destruction_overdue());
  ASSERT_EQ(Due(0).size(), 1u);
  EXPECT_TRUE(Due(0)[0].destruction_overdue());
  v1::ListConsentsRequest overdue;
  overdue.set_parent("libraries/-");
  overdue.set_filter("destruction_overdue = true");
  v1::ListConsentsResponse page;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(consents_->ListConsents(&context, overdue, &page).ok());
  }
  EXPECT_EQ(page.consents_size(), 1);
  auto settled = services::DestroyDuePersonalData(pool, now);
  ASSERT_TRUE(settled.ok());
  EXPECT_EQ(*settled, 1);
  const auto acts = Acts(out.name());
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_TRUE(acts[0].overdue());
  EXPECT_FALSE(GetConsent(consent.name()).destruction_overdue());
}

TEST_F(VolunteerServiceTest, ErasureLeavesNoValueBehindAndKeepsTheRecord) {
  Volunteer in = Person("Стираемова", "Глафира");
  in.set_patronymic("Тихоновна");
  in.add_emails("glafira.s@example.ru");
  in.set_notes("Телефон мамы +7 911 000-11-22");
  const std::string name = MustCreate(in, "", ByParent(WorkConsent()));
  v1::CreateActivityRequest meeting;
  meeting.set_parent("libraries/city");
  meeting.mutable_activity()->set_kind(v1::Activity::MEETING);
  meeting.mutable_activity()->set_subject("Собеседование");
  meeting.mutable_activity()->set_description("Глафира Стираемова (glafira.s@example.ru) придёт");
  meeting.mutable_activity()->add_related(name);
  v1::Activity activity;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(activities_->CreateActivity(&context, meeting, &activity).ok());
  }
  // Renamed before erasure: the former name goes too.
  v1::UpdateVolunteerRequest rename;
  rename.mutable_volunteer()->set_name(name);
  rename.mutable_volunteer()->set_family_name("Новофамильная");
  rename.mutable_update_mask()->add_paths("family_name");
  Volunteer out;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->UpdateVolunteer(&context, rename, &out).ok());
  }
  ASSERT_TRUE(
      CallByName(*volunteers_, &v1::VolunteerService::Stub::EraseVolunteer, name, &out).ok());
  EXPECT_TRUE(out.has_erase_time());
  EXPECT_EQ(out.family_name(), "");
  for (const char* value :
       {"Стираемова", "Новофамильная", "Глафира", "glafira.s", "Соколова Ирина", "II-ОД 123456"}) {
    EXPECT_TRUE(ColumnsHolding(value).empty()) << value;
  }
  // The links stay: the activity still relates the (emptied) volunteer.
  v1::Activity kept;
  ASSERT_TRUE(
      CallByName(*activities_, &v1::ActivityLogService::Stub::GetActivity, activity.name(), &kept)
          .ok());
  EXPECT_EQ(kept.related(0), name);
  EXPECT_NE(kept.description().find("[erased]"), std::string::npos);
  const auto acts = Acts(name);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts[0].reason(), v1::DestructionRecord::ERASURE_REQUEST);
  EXPECT_EQ(acts[0].consent(), ConsentsOf(name)[0].name());
  EXPECT_NE(std::find(acts[0].rewritten().begin(), acts[0].rewritten().end(), activity.name()),
            acts[0].rewritten().end());
  // The consent in force ended with the data: withdrawn and destroyed by the act, so it is not
  // due again and the job has nothing to do.
  const Consent ended = ConsentsOf(name)[0];
  EXPECT_EQ(ended.state(), Consent::WITHDRAWN);
  EXPECT_TRUE(ended.has_destroy_time());
  EXPECT_EQ(ended.destruction_record(), acts[0].name());
  Consent again;
  EXPECT_EQ(Reason(Withdraw(ended.name(), &again)), "CONSENT_STATE");
  EXPECT_TRUE(Due(3650).empty());
  storage::ConnectionPool pool(db_);
  auto settled = services::DestroyDuePersonalData(pool, absl::Now() + absl::Hours(24 * 40));
  ASSERT_TRUE(settled.ok());
  EXPECT_EQ(*settled, 0);
  EXPECT_EQ(Acts(name).size(), 1u);
  EXPECT_EQ(Reason(CallByName(*volunteers_, &v1::VolunteerService::Stub::EraseVolunteer, name)),
            "VOLUNTEER_ERASED");
  EXPECT_EQ(Reason(Move(&v1::VolunteerService::Stub::ActivateVolunteer, name)), "VOLUNTEER_ERASED");
}

TEST_F(VolunteerServiceTest, DuplicatesMergeAndExport) {
  Volunteer a_in = Person("Петрова", "Алёна", 30);
  a_in.add_emails("alena@x.ru");
  const std::string a = MustCreate(a_in, "a");
  Volunteer b_in = Person("ПЕТРОВА", "Алена", 30);  // the same folded name and birth date
  b_in.add_skills("фотография");
  b_in.add_phones("+79001112233");
  const std::string b = MustCreate(b_in, "b");
  MustCreate(Person("Петрова", "Алёна", 45), "c");  // same name, another birth date
  Volunteer d_in = Person("Другая", "Дарья");
  d_in.add_emails("alena@x.ru");  // the e-mail of a
  const std::string d = MustCreate(d_in, "d");
  v1::FindDuplicateVolunteersRequest find;
  find.set_parent("libraries/city");
  v1::FindDuplicateVolunteersResponse groups;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->FindDuplicateVolunteers(&context, find, &groups).ok());
  }
  ASSERT_EQ(groups.groups_size(), 1);
  EXPECT_EQ(std::vector<std::string>(groups.groups(0).volunteers().begin(),
                                     groups.groups(0).volunteers().end()),
            (std::vector<std::string>{a, b, d}));
  EXPECT_EQ(std::vector<std::string>(groups.groups(0).reasons().begin(),
                                     groups.groups(0).reasons().end()),
            (std::vector<std::string>{"email", "full_name_birth_date"}));

  const std::string b_consent = ConsentsOf(b)[0].name();
  v1::MergeVolunteersRequest merge;
  merge.set_target(a);
  merge.add_sources(b);
  Volunteer merged;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->MergeVolunteers(&context, merge, &merged).ok());
  }
  EXPECT_EQ(merged.skills(0), "фотография");
  EXPECT_EQ(merged.phones(0), "+79001112233");
  // The source's consent is the target's now; the source is gone and emptied.
  EXPECT_EQ(GetConsent(b_consent).subject(), a);
  EXPECT_EQ(ConsentsOf(a).size(), 2u);
  const Volunteer source = Get(b);
  EXPECT_TRUE(source.has_delete_time());
  EXPECT_EQ(source.family_name(), "");

  v1::ExportVolunteerDataRequest request;
  request.set_name(a);
  v1::ExportVolunteerDataResponse exported;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->ExportVolunteerData(&context, request, &exported).ok());
  }
  EXPECT_EQ(exported.volunteer().family_name(), "Петрова");
  EXPECT_EQ(exported.consents_size(), 2);
  EXPECT_GE(exported.activities_size(), 2);  // its CREATE and MERGE entries
  EXPECT_NE(std::find(exported.former_values().begin(), exported.former_values().end(), "ПЕТРОВА"),
            exported.former_values().end());
}

TEST_F(VolunteerServiceTest, AgreementsFollowTheLifecycleAndTheAgeRules) {
  const std::string child =
      MustCreate(Person("Малышев", "Тимофей", 12), "child", ByParent(WorkConsent()));
  ASSERT_TRUE(Move(&v1::VolunteerService::Stub::ActivateVolunteer, child).ok());
  v1::CreateVolunteerAgreementRequest create;
  create.set_parent(child);
  create.set_agreement_id("a1");
  auto* a = create.mutable_agreement();
  a->set_number("ДВ-1/2026");
  a->set_tasks("Помощь на детском празднике «Ёлка»");
  a->set_place("Детский абонемент");
  a->add_support(v1::VolunteerAgreement::MEALS);
  a->add_support(v1::VolunteerAgreement::UNIFORM);
  a->set_signer(v1::VolunteerAgreement::VOLUNTEER);
  v1::VolunteerAgreement out;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->CreateVolunteerAgreement(&context, create, &out).ok());
  }
  EXPECT_EQ(out.name(), child + "/agreements/a1");
  EXPECT_EQ(out.volunteer(), child);
  EXPECT_EQ(out.state(), v1::VolunteerAgreement::DRAFT);
  // Refused: no tasks; a repeated support; the same number twice in the library.
  v1::CreateVolunteerAgreementRequest bad = create;
  bad.clear_agreement_id();
  bad.mutable_agreement()->clear_tasks();
  bad.mutable_agreement()->add_support(v1::VolunteerAgreement::MEALS);
  {
    grpc::ClientContext context;
    EXPECT_EQ(ViolatedFields(volunteers_->CreateVolunteerAgreement(&context, bad, &out)),
              (std::vector<std::string>{"agreement.tasks", "agreement.support[2]"}));
  }
  bad = create;
  bad.clear_agreement_id();
  {
    grpc::ClientContext context;
    EXPECT_EQ(Reason(volunteers_->CreateVolunteerAgreement(&context, bad, &out)),
              "VOLUNTEER_AGREEMENT_NUMBER_TAKEN");
  }
  const std::string name = child + "/agreements/a1";
  auto activate = [&]() {
    return CallByName(*volunteers_, &v1::VolunteerService::Stub::ActivateVolunteerAgreement, name,
                      &out);
  };
  EXPECT_EQ(Reason(activate()), "VOLUNTEER_AGREEMENT_INCOMPLETE");  // no end_date
  auto update = [&](const char* path, const v1::VolunteerAgreement& with) {
    v1::UpdateVolunteerAgreementRequest request;
    *request.mutable_agreement() = with;
    request.mutable_agreement()->set_name(name);
    request.mutable_update_mask()->add_paths(path);
    grpc::ClientContext context;
    return volunteers_->UpdateVolunteerAgreement(&context, request, &out);
  };
  v1::VolunteerAgreement change;
  *change.mutable_end_date() = YearsAgo(-1);
  ASSERT_TRUE(update("end_date", change).ok());
  // Under 14 the parent signs (ГК ст. 28).
  EXPECT_EQ(Reason(activate()), "AGREEMENT_SIGNER");
  change.set_signer(v1::VolunteerAgreement::REPRESENTATIVE);
  ASSERT_TRUE(update("signer", change).ok());
  ASSERT_TRUE(activate().ok());
  EXPECT_EQ(out.state(), v1::VolunteerAgreement::ACTIVE);
  // In force, only the briefing and the support notes change.
  change.set_place("Другой зал");
  EXPECT_EQ(Reason(update("place", change)), "VOLUNTEER_AGREEMENT_STATE");
  api::ToTimestamp(absl::Now(), change.mutable_risk_briefing_time());
  EXPECT_TRUE(update("risk_briefing_time", change).ok());
  EXPECT_EQ(Reason(activate()), "VOLUNTEER_AGREEMENT_STATE");
  // The volunteer with an agreement is deleted only with its children (force).
  EXPECT_EQ(Reason(CallByName(*volunteers_, &v1::VolunteerService::Stub::DeleteVolunteer, child)),
            "RESOURCE_HAS_CHILDREN");
  v1::TerminateVolunteerAgreementRequest terminate;
  terminate.set_name(name);
  {
    grpc::ClientContext context;
    EXPECT_EQ(ViolatedFields(volunteers_->TerminateVolunteerAgreement(&context, terminate, &out)),
              (std::vector<std::string>{"reason"}));
  }
  terminate.set_reason("Окончание праздников");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->TerminateVolunteerAgreement(&context, terminate, &out).ok());
  }
  EXPECT_EQ(out.state(), v1::VolunteerAgreement::TERMINATED);
  EXPECT_EQ(SystemVerbs(name), (std::vector<std::string>{"CREATE", "UPDATE", "UPDATE", "ACTIVATE",
                                                         "UPDATE", "TERMINATE"}));
}

TEST_F(VolunteerServiceTest, AnAgreementPastItsEndReadsExpiredAndNeedsAConsentToStart) {
  const std::string adult = MustCreate(Person("Сроков", "Иван"), "adult");
  v1::CreateVolunteerAgreementRequest create;
  create.set_parent(adult);
  create.mutable_agreement()->set_tasks("Инвентаризация фонда");
  create.mutable_agreement()->set_signer(v1::VolunteerAgreement::VOLUNTEER);
  *create.mutable_agreement()->mutable_end_date() = YearsAgo(0, -1);  // ended yesterday
  v1::VolunteerAgreement out;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->CreateVolunteerAgreement(&context, create, &out).ok());
  }
  const std::string name = out.name();
  ASSERT_TRUE(
      CallByName(*volunteers_, &v1::VolunteerService::Stub::ActivateVolunteerAgreement, name, &out)
          .ok());
  EXPECT_EQ(out.state(), v1::VolunteerAgreement::EXPIRED);
  v1::ListVolunteerAgreementsRequest list;
  list.set_parent("libraries/-/volunteers/-");
  list.set_filter("state = EXPIRED");
  v1::ListVolunteerAgreementsResponse page;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->ListVolunteerAgreements(&context, list, &page).ok());
  }
  ASSERT_EQ(page.agreements_size(), 1);
  EXPECT_EQ(page.agreements(0).name(), name);
  // Without a consent in force no agreement starts.
  Consent consent = ConsentsOf(adult)[0];
  ASSERT_TRUE(Withdraw(consent.name(), &consent).ok());
  *create.mutable_agreement()->mutable_end_date() = YearsAgo(-1);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->CreateVolunteerAgreement(&context, create, &out).ok());
  }
  EXPECT_EQ(Reason(CallByName(*volunteers_, &v1::VolunteerService::Stub::ActivateVolunteerAgreement,
                              out.name())),
            "CONSENT_REQUIRED");
}

TEST_F(VolunteerServiceTest, QualificationsExpireAndAreErasedWithTheirVolunteer) {
  const std::string name = MustCreate(Person("Справкина", "Зоя"), "zoya");
  auto create = [&](Qualification::Kind kind, int issued_years_ago, int expires_in_days,
                    Qualification* out) {
    v1::CreateQualificationRequest request;
    request.set_parent(name);
    auto* q = request.mutable_qualification();
    q->set_kind(kind);
    q->set_title("Справка об отсутствии судимости");
    q->set_issuer("МВД");
    q->set_evidence("№ 35/7-123456-СПРАВКА");
    *q->mutable_issued_date() = YearsAgo(issued_years_ago);
    *q->mutable_expiry_date() = YearsAgo(0, expires_in_days);
    grpc::ClientContext context;
    return volunteers_->CreateQualification(&context, request, out);
  };
  Qualification old, fresh;
  ASSERT_TRUE(create(Qualification::NO_CRIMINAL_RECORD, 2, -30, &old).ok());
  ASSERT_TRUE(create(Qualification::NO_CRIMINAL_RECORD, 0, 90, &fresh).ok());
  EXPECT_EQ(old.state(), Qualification::EXPIRED);
  EXPECT_EQ(fresh.state(), Qualification::VALID);
  EXPECT_EQ(fresh.volunteer(), name);
  Qualification bad;
  EXPECT_EQ(ViolatedFields(create(Qualification::KIND_UNSPECIFIED, -1, -400, &bad)),
            (std::vector<std::string>{"qualification.kind", "qualification.issued_date",
                                      "qualification.expiry_date"}));
  v1::ListQualificationsRequest list;
  list.set_parent(name);
  list.set_filter("state = VALID AND kind = NO_CRIMINAL_RECORD");
  v1::ListQualificationsResponse page;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->ListQualifications(&context, list, &page).ok());
  }
  ASSERT_EQ(page.qualifications_size(), 1);
  EXPECT_EQ(page.qualifications(0).name(), fresh.name());
  // The export names them; the erasure takes their evidence and keeps them.
  v1::ExportVolunteerDataRequest request;
  request.set_name(name);
  v1::ExportVolunteerDataResponse exported;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->ExportVolunteerData(&context, request, &exported).ok());
  }
  EXPECT_NE(
      std::find(exported.referenced_by().begin(), exported.referenced_by().end(), fresh.name()),
      exported.referenced_by().end());
  ASSERT_TRUE(CallByName(*volunteers_, &v1::VolunteerService::Stub::EraseVolunteer, name).ok());
  EXPECT_TRUE(ColumnsHolding("123456-СПРАВКА").empty());
  Qualification kept;
  ASSERT_TRUE(
      CallByName(*volunteers_, &v1::VolunteerService::Stub::GetQualification, fresh.name(), &kept)
          .ok());
  EXPECT_EQ(kept.evidence(), "");
  EXPECT_EQ(kept.title(), "Справка об отсутствии судимости");
}

v1::ImportedVolunteer Row(int line, const std::string& family, const std::string& given, int age,
                          const std::string& email = "") {
  v1::ImportedVolunteer row;
  row.set_line(line);
  *row.mutable_volunteer() = Person(family, given, age);
  if (!email.empty()) row.mutable_volunteer()->add_emails(email);
  row.mutable_consent()->set_document_number(absl::StrCat("П-", line));
  row.mutable_consent()->add_data_categories("ФИО");
  api::ToTimestamp(absl::Now() - absl::Hours(24 * 10), row.mutable_consent()->mutable_given_time());
  return row;
}

TEST_F(VolunteerServiceTest, ImportReportsEveryRowAndCreatesNothingTwice) {
  v1::ImportVolunteersRequest request;
  request.set_parent("libraries/city");
  *request.add_rows() = Row(2, "Ёжикова", "Алёна", 30, "alena@example.ru");
  *request.add_rows() = Row(3, "Петров", "Пётр", 40, "petr@example.ru");
  v1::ImportedVolunteer bad = Row(4, "", "Безфамильный", 30);
  bad.mutable_volunteer()->add_phones("12");
  *request.add_rows() = bad;
  *request.add_rows() = Row(5, "Подросткова", "Майя", 15);  // no representative
  v1::ImportedVolunteer minor = Row(6, "Подросткова", "Лиза", 15);
  *minor.mutable_consent() = ByParent(minor.consent());
  *request.add_rows() = minor;
  *request.add_rows() = Row(7, "ЁЖИКОВА", "Алена", 30);  // line 2 again (name, birth date)
  v1::ImportedVolunteer unsigned_row = Row(8, "Безсогласия", "Ян", 30);
  unsigned_row.mutable_consent()->clear_document_number();
  *request.add_rows() = unsigned_row;
  auto import = [&](v1::ImportVolunteersResponse* out) {
    grpc::ClientContext context;
    return volunteers_->ImportVolunteers(&context, request, out);
  };
  v1::ImportVolunteersResponse dry;
  request.set_dry_run(true);
  ASSERT_TRUE(import(&dry).ok());
  EXPECT_EQ(dry.created(), 3);
  EXPECT_EQ(CountVolunteers(), 0);  // a dry run writes nothing
  request.set_dry_run(false);
  v1::ImportVolunteersResponse first;
  ASSERT_TRUE(import(&first).ok());
  ASSERT_EQ(first.results_size(), 7);
  EXPECT_EQ(first.created(), 3);
  EXPECT_EQ(first.duplicates(), 1);
  EXPECT_EQ(first.failed(), 3);
  using Outcome = v1::ImportResult;
  EXPECT_EQ(first.results(0).outcome(), Outcome::CREATED);
  EXPECT_EQ(first.results(2).line(), 4);
  EXPECT_EQ(first.results(2).outcome(), Outcome::FAILED);
  std::vector<std::string> fields;
  for (const auto& e : first.results(2).errors()) fields.push_back(e.field());
  EXPECT_EQ(fields, (std::vector<std::string>{"volunteer.family_name", "volunteer.phones[0]"}));
  EXPECT_EQ(first.results(3).reason(), "CONSENT_NEEDS_REPRESENTATIVE");
  EXPECT_EQ(first.results(4).outcome(), Outcome::CREATED);
  EXPECT_EQ(first.results(5).outcome(), Outcome::DUPLICATE);
  EXPECT_EQ(first.results(5).reason(), "line 2");
  EXPECT_EQ(first.results(5).volunteer(), first.results(0).volunteer());
  EXPECT_EQ(first.results(6).errors(0).field(), "consent.document_number");
  EXPECT_EQ(CountVolunteers(), 3);
  // What was created is what CreateVolunteer would make: its consent, its entries.
  const std::string alena = first.results(0).volunteer();
  EXPECT_EQ(Get(alena).family_name(), "Ёжикова");
  EXPECT_EQ(Get(alena).emails(0), "alena@example.ru");
  const auto consents = ConsentsOf(alena);
  ASSERT_EQ(consents.size(), 1u);
  EXPECT_EQ(consents[0].document_number(), "П-2");
  EXPECT_EQ(consents[0].method(), Consent::PAPER);
  EXPECT_EQ(SystemVerbs(alena), (std::vector<std::string>{"CREATE"}));
  EXPECT_EQ(SystemVerbs(consents[0].name()), (std::vector<std::string>{"CREATE"}));
  ASSERT_TRUE(Move(&v1::VolunteerService::Stub::ActivateVolunteer, alena).ok());

  // The same file again: nothing new.
  v1::ImportVolunteersResponse second;
  ASSERT_TRUE(import(&second).ok());
  EXPECT_EQ(second.created(), 0);
  EXPECT_EQ(second.duplicates(), 4);
  EXPECT_EQ(second.results(0).reason(), "email");
  EXPECT_EQ(second.results(4).reason(), "full_name_birth_date");
  EXPECT_EQ(second.results(5).reason(), "line 2");  // matched in the file before the library
  EXPECT_EQ(CountVolunteers(), 3);
  // Updating: what the row gives is set; the same values again change nothing.
  request.set_on_match(v1::ImportVolunteersRequest::UPDATE);
  request.mutable_rows(0)->mutable_volunteer()->set_city("Вологда");
  request.mutable_rows(0)->mutable_volunteer()->add_skills("ремонт книг");
  v1::ImportVolunteersResponse third;
  ASSERT_TRUE(import(&third).ok());
  EXPECT_EQ(third.results(0).outcome(), Outcome::UPDATED);
  EXPECT_EQ(third.results(1).outcome(), Outcome::UNCHANGED);
  EXPECT_EQ(Get(alena).city(), "Вологда");
  EXPECT_EQ(Get(alena).skills(0), "ремонт книг");
  EXPECT_EQ(ConsentsOf(alena).size(), 1u);  // the same consent number is not recorded twice
  v1::ImportVolunteersResponse fourth;
  ASSERT_TRUE(import(&fourth).ok());
  EXPECT_EQ(fourth.results(0).outcome(), Outcome::UNCHANGED);
  EXPECT_EQ(SystemVerbs(alena), (std::vector<std::string>{"CREATE", "ACTIVATE", "UPDATE"}));
  // Too many rows for one request.
  for (int i = 0; i < 1001; ++i) *request.add_rows() = Row(100 + i, "Много", "Строк", 20);
  v1::ImportVolunteersResponse refused;
  EXPECT_EQ(ViolatedFields(import(&refused)), (std::vector<std::string>{"rows"}));
}

}  // namespace
}  // namespace allies
