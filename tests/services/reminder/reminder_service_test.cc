// What is due (services/reminder/reminders): through ListReminders, over a real database with
// Cyrillic data: the agreement stages at their boundaries (31, 30, 8, 7, 1, 0 days), shifts
// within 24 hours to the volunteers CONFIRMED who may be contacted (opt-outs, withdrawn
// consents, no address, waitlisted, cancelled), qualifications, terms and destructions, the
// subtree, paging, and what a role may see.
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "services/reminder/delivery.h"
#include "services/reminder/reminders.h"
#include "tests/services/reminder/reminder_fixture.h"
#include "tests/support/rpc_errors.h"
#include "tests/support/test_database.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::DaysFromToday;
using v1::Reminder;

TEST(ReminderTextTest, RussianDaysAndStages) {
  EXPECT_EQ(services::reminders::RussianDays(1), "1 день");
  EXPECT_EQ(services::reminders::RussianDays(2), "2 дня");
  EXPECT_EQ(services::reminders::RussianDays(4), "4 дня");
  EXPECT_EQ(services::reminders::RussianDays(5), "5 дней");
  EXPECT_EQ(services::reminders::RussianDays(11), "11 дней");
  EXPECT_EQ(services::reminders::RussianDays(12), "12 дней");
  EXPECT_EQ(services::reminders::RussianDays(21), "21 день");
  EXPECT_EQ(services::reminders::RussianDays(22), "22 дня");
  EXPECT_EQ(services::reminders::RussianDays(30), "30 дней");
  EXPECT_EQ(services::reminders::RussianDays(111), "111 дней");
  using services::reminders::AgreementStage;
  EXPECT_EQ(AgreementStage(31), -1);
  EXPECT_EQ(AgreementStage(30), 30);
  EXPECT_EQ(AgreementStage(8), 30);
  EXPECT_EQ(AgreementStage(7), 7);
  EXPECT_EQ(AgreementStage(1), 7);
  EXPECT_EQ(AgreementStage(0), 0);
  EXPECT_EQ(AgreementStage(-1), -1);
  EXPECT_EQ(services::reminders::ReminderId("a").size(), 32u);
  EXPECT_NE(services::reminders::ReminderId("a"), services::reminders::ReminderId("b"));
}

TEST(ReminderTextTest, BackoffDoublesUpToItsLimit) {
  services::reminders::DeliveryOptions options;
  options.initial_backoff = absl::Seconds(1);
  options.max_backoff = absl::Seconds(10);
  EXPECT_EQ(services::reminders::Backoff(options, 1), absl::Seconds(1));
  EXPECT_EQ(services::reminders::Backoff(options, 2), absl::Seconds(2));
  EXPECT_EQ(services::reminders::Backoff(options, 3), absl::Seconds(4));
  EXPECT_EQ(services::reminders::Backoff(options, 4), absl::Seconds(8));
  EXPECT_EQ(services::reminders::Backoff(options, 5), absl::Seconds(10));
  EXPECT_EQ(services::reminders::Backoff(options, 1000), absl::Seconds(10));
}

class ReminderServiceTest : public allies::testing::ReminderTest {};

TEST_F(ReminderServiceTest, AgreementsEndingIn30_7_0Days) {
  const std::map<int, std::string> by_days = {
      {31, Agreement("31/2026-С", 31)}, {30, Agreement("30/2026-С", 30)},
      {8, Agreement("8/2026-С", 8)},    {7, Agreement("7/2026-С", 7)},
      {1, Agreement("1/2026-С", 1)},    {0, Agreement("0/2026-С", 0)}};
  const auto agreements = OfKind(Reminders("libraries/city"), Reminder::AGREEMENT_ENDING);
  EXPECT_EQ(agreements.count(by_days.at(31)), 0u) << "31 days: not yet";
  const std::map<int, int> stage = {{30, 30}, {8, 30}, {7, 7}, {1, 7}, {0, 0}};
  for (const auto& [days, expected] : stage) {
    SCOPED_TRACE(days);
    auto it = agreements.find(by_days.at(days));
    ASSERT_NE(it, agreements.end());
    const Reminder& r = it->second;
    EXPECT_EQ(r.stage_days(), expected);
    EXPECT_EQ(r.days_left(), days);
    EXPECT_EQ(r.audience(), Reminder::STAFF);
    EXPECT_EQ(r.recipient(), "libraries/city");
    EXPECT_EQ(r.delivery_state(), Reminder::PENDING);
    EXPECT_TRUE(absl::StartsWith(r.name(), "libraries/city/reminders/")) << r.name();
    EXPECT_TRUE(absl::StrContains(r.text(), "Соглашение о поддержке летнего чтения")) << r.text();
    EXPECT_TRUE(absl::StrContains(r.text(), "«ООО") || absl::StrContains(r.text(), "партнёром"))
        << r.text();
  }
  EXPECT_EQ(agreements.size(), 5u);
  EXPECT_EQ(agreements.at(by_days.at(0)).title(), "Соглашение № 0/2026-С заканчивается сегодня");
  EXPECT_EQ(agreements.at(by_days.at(1)).title(),
            "Соглашение № 1/2026-С заканчивается через 1 день");
  EXPECT_EQ(agreements.at(by_days.at(30)).title(),
            "Соглашение № 30/2026-С заканчивается через 30 дней");
  // A stage is its own reminder: the 8-day and 7-day agreements differ in stage, so in name.
  EXPECT_NE(agreements.at(by_days.at(8)).name(), agreements.at(by_days.at(7)).name());
  // Terminated: nothing more.
  v1::TerminateAgreementRequest terminate;
  terminate.set_name(by_days.at(7));
  terminate.set_reason("Партнёр закрылся");
  v1::Agreement out;
  grpc::ClientContext context;
  ASSERT_TRUE(agreements_->TerminateAgreement(&context, terminate, &out).ok());
  EXPECT_EQ(OfKind(Reminders("libraries/city"), Reminder::AGREEMENT_ENDING).count(by_days.at(7)),
            0u);
}

TEST_F(ReminderServiceTest, ShiftsRemindOnlyConfirmedVolunteersWhoMayBeContacted) {
  const std::string ok = Volunteer("ok", "elka.ok@example.ru");
  const std::string talk = Volunteer("talk", "talk@example.ru",
                                     {v1::Consent::VOLUNTEER_WORK, v1::Consent::COMMUNICATION});
  const std::string opted_out = Volunteer("optout", "optout@example.ru",
                                          {v1::Consent::VOLUNTEER_WORK}, /*opt_out_email=*/true);
  const std::string no_address = Volunteer("noaddr", "");
  const std::string withdrawn = Volunteer("withdrawn", "withdrawn@example.ru");
  const std::string waiting = Volunteer("waiting", "waiting@example.ru");
  const std::string cancelled = Volunteer("cancelled", "cancelled@example.ru");
  const std::string project = Project("ezhik");
  const absl::Time start =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60) + absl::Hours(2);
  // MANUAL: the cancellation below does not move the waiting volunteer up.
  const v1::Shift soon = Shift(project, start, /*capacity=*/6, v1::MANUAL);
  const v1::Shift later = Shift(project, start + absl::Hours(23));  // 25 hours from now
  std::map<std::string, v1::Signup> signups;
  for (const std::string& v : {ok, talk, opted_out, no_address, withdrawn, cancelled}) {
    signups[v] = SignUp(soon.name(), v);
    EXPECT_EQ(signups[v].state(), v1::Signup::CONFIRMED);
  }
  signups[waiting] = SignUp(soon.name(), waiting);
  EXPECT_EQ(signups[waiting].state(), v1::Signup::WAITLISTED);
  SignUp(later.name(), ok);
  ASSERT_TRUE(
      CallByName(*projects_, &v1::ProjectService::Stub::CancelSignup, signups[cancelled].name())
          .ok());
  WithdrawConsents(withdrawn);

  const auto shifts = OfKind(Reminders("libraries/city"), Reminder::SHIFT_STARTING);
  std::set<std::string> recipients;
  for (const auto& [subject, r] : shifts) recipients.insert(r.recipient());
  EXPECT_EQ(recipients, (std::set<std::string>{ok, talk}));
  ASSERT_EQ(shifts.size(), 2u) << "one per sign-up, and none for the shift 25 hours away";
  const Reminder& r = shifts.at(signups[ok].name());
  EXPECT_EQ(r.audience(), Reminder::VOLUNTEER);
  EXPECT_EQ(api::FromTimestamp(r.event_time()), start);
  EXPECT_TRUE(absl::StrContains(r.title(), "Громкие чтения «Ёжик в тумане» ezhik")) << r.title();
  EXPECT_TRUE(absl::StrContains(r.text(), "Напоминаем, что вы записаны")) << r.text();
  EXPECT_TRUE(absl::StrContains(r.text(), "Читальный зал, 2 этаж")) << r.text();
  EXPECT_TRUE(absl::StrContains(r.text(), "Europe/Moscow")) << r.text();
  // The local time in the text: Moscow is UTC+3.
  const absl::CivilMinute local = absl::ToCivilMinute(start, absl::FixedTimeZone(3 * 3600));
  EXPECT_TRUE(
      absl::StrContains(r.text(), absl::StrFormat("%02d:%02d", local.hour(), local.minute())))
      << r.text();
  // A volunteer who withdraws later is no longer reminded.
  WithdrawConsents(talk);
  EXPECT_EQ(OfKind(Reminders("libraries/city"), Reminder::SHIFT_STARTING).size(), 1u);
}

TEST_F(ReminderServiceTest, QualificationsTermsAndDestructions) {
  const std::string v = Volunteer("q", "q@example.ru");
  auto qualification = [&](const std::string& title, int days) {
    v1::CreateQualificationRequest q;
    q.set_parent(v);
    q.mutable_qualification()->set_kind(v1::Qualification::MEDICAL_CERTIFICATE);
    q.mutable_qualification()->set_title(title);
    *q.mutable_qualification()->mutable_issued_date() = DaysFromToday(-300);
    *q.mutable_qualification()->mutable_expiry_date() = DaysFromToday(days);
    v1::Qualification out;
    grpc::ClientContext context;
    grpc::Status status = volunteers_->CreateQualification(&context, q, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  };
  const std::string in30 = qualification("Медицинская книжка", 30);
  const std::string in31 = qualification("Санитарный минимум", 31);

  v1::CreateReaderCouncilRequest create;
  create.set_parent("libraries/branch");
  create.set_reader_council_id("chitateli");
  create.mutable_reader_council()->set_display_name("Читательский совет филиала «Ёжик»");
  create.mutable_reader_council()->set_seat_count(3);
  v1::ReaderCouncil council;
  {
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateReaderCouncil(&context, create, &council);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  auto member = [&](const std::string& person, int days) {
    v1::CreateMemberRequest request;
    request.set_parent(council.name());
    v1::Member* m = request.mutable_member();
    m->set_person(person);
    m->set_seat_kind("READER");
    m->set_role(v1::Member::MEMBER);
    *m->mutable_term_start_date() = DaysFromToday(-100);
    *m->mutable_term_end_date() = DaysFromToday(days);
    v1::Member out;
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateMember(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  };
  const std::string m10 = member(
      Volunteer("reader1", "r1@example.ru", {v1::Consent::VOLUNTEER_WORK}, false, "branch"), 10);
  const std::string m300 = member(
      Volunteer("reader2", "r2@example.ru", {v1::Consent::VOLUNTEER_WORK}, false, "branch"), 300);

  const std::string gone = Volunteer("gone", "gone@example.ru");
  WithdrawConsents(gone);

  std::vector<Reminder> all = Reminders("libraries/city");
  const auto qualifications = OfKind(all, Reminder::QUALIFICATION_EXPIRING);
  ASSERT_EQ(qualifications.size(), 1u);
  const Reminder& q = qualifications.at(in30);
  EXPECT_EQ(q.days_left(), 30);
  EXPECT_EQ(q.recipient(), "libraries/city");
  EXPECT_TRUE(absl::StrContains(q.title(), "Медицинская книжка")) << q.title();
  EXPECT_TRUE(absl::StrContains(q.text(), "Напоминаева Ёлка q")) << q.text();
  EXPECT_EQ(qualifications.count(in31), 0u);

  const auto terms = OfKind(all, Reminder::TERM_EXPIRING);
  ASSERT_EQ(terms.size(), 1u) << "the branch is in the city's subtree";
  EXPECT_EQ(terms.at(m10).recipient(), "libraries/branch") << "its own library's staff";
  EXPECT_EQ(terms.at(m10).days_left(), 10);
  EXPECT_TRUE(absl::StrContains(terms.at(m10).text(), "Читательский совет филиала «Ёжик»"));
  EXPECT_EQ(terms.count(m300), 0u);
  EXPECT_EQ(OfKind(Reminders("libraries/branch"), Reminder::TERM_EXPIRING).size(), 1u);
  EXPECT_EQ(OfKind(Reminders("libraries/branch"), Reminder::QUALIFICATION_EXPIRING).size(), 0u)
      << "the city is not in the branch's subtree";

  // A withdrawal's destroy_due is 30 days on: not due yet; 2 days before it, it is.
  EXPECT_EQ(OfKind(all, Reminder::DESTRUCTION_DUE).size(), 0u);
  testing::TestDatabase::Shared().Sql(
      "UPDATE consents SET destroy_due = DATE_ADD(UTC_TIMESTAMP(6), INTERVAL 2 DAY) "
      "WHERE state = 2",
      db_.database);
  const auto destructions = OfKind(Reminders("libraries/-"), Reminder::DESTRUCTION_DUE);
  ASSERT_EQ(destructions.size(), 1u);
  const Reminder& d = destructions.begin()->second;
  EXPECT_GE(d.days_left(), 1);
  EXPECT_LE(d.days_left(), 3);
  EXPECT_TRUE(absl::StrContains(d.text(), gone)) << d.text();
  EXPECT_TRUE(absl::StrContains(d.title(), "Срок уничтожения персональных данных")) << d.title();
}

TEST_F(ReminderServiceTest, OverdueActionItems) {
  v1::CreateReaderCouncilRequest create;
  create.set_parent("libraries/city");
  create.set_reader_council_id("sovet");
  create.mutable_reader_council()->set_display_name("Читательский совет «Ёлка»");
  create.mutable_reader_council()->set_seat_count(3);
  v1::ReaderCouncil council;
  {
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateReaderCouncil(&context, create, &council);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::vector<std::string> members;
  for (int i = 1; i <= 3; ++i) {
    v1::CreateMemberRequest request;
    request.set_parent(council.name());
    v1::Member* m = request.mutable_member();
    m->set_person(Volunteer(absl::StrCat("chlen", i), ""));
    m->set_seat_kind("READER");
    m->set_role(i == 1 ? v1::Member::CHAIR : v1::Member::MEMBER);
    *m->mutable_term_start_date() = DaysFromToday(-100);
    *m->mutable_term_end_date() = DaysFromToday(300);
    v1::Member out;
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateMember(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    members.push_back(out.name());
  }
  const google::type::Date yesterday = DaysFromToday(-1);
  v1::CreateMeetingRequest meeting;
  meeting.set_parent(council.name());
  meeting.mutable_meeting()->set_title("Заседание совета");
  meeting.mutable_meeting()->set_local_start_time(absl::StrFormat(
      "%04d-%02d-%02dT18:30", yesterday.year(), yesterday.month(), yesterday.day()));
  v1::Meeting held;
  {
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateMeeting(&context, meeting, &held);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    v1::RecordNoticesRequest notices;
    notices.set_name(held.name());
    grpc::ClientContext context;
    ASSERT_TRUE(councils_->RecordNotices(&context, notices, &held).ok());
  }
  {
    v1::HoldMeetingRequest hold;
    hold.set_name(held.name());
    for (const auto& m : members) hold.add_present(m);
    grpc::ClientContext context;
    grpc::Status status = councils_->HoldMeeting(&context, hold, &held);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::AgendaItem item;
  {
    v1::CreateAgendaItemRequest request;
    request.set_parent(held.name());
    request.mutable_agenda_item()->set_title("О летней программе чтения");
    request.mutable_agenda_item()->set_question_kind("GENERAL");
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateAgendaItem(&context, request, &item);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    v1::RecordVotesRequest votes;
    votes.set_name(item.name());
    votes.set_motion("Утвердить программу");
    for (const auto& m : members) {
      v1::Vote* v = votes.add_votes();
      v->set_member(m);
      v->set_choice(v1::Vote::YES);
    }
    grpc::ClientContext context;
    grpc::Status status = councils_->RecordVotes(&context, votes, &item);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::Decision decision;
  {
    v1::CreateDecisionRequest request;
    request.set_parent(council.name());
    request.mutable_decision()->set_agenda_item(item.name());
    request.mutable_decision()->set_title("Об утверждении программы");
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateDecision(&context, request, &decision);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  auto action = [&](const std::string& title, int days) {
    v1::CreateActionItemRequest r;
    r.set_parent(decision.name());
    r.mutable_action_item()->set_title(title);
    r.mutable_action_item()->set_owner_member(members[0]);
    *r.mutable_action_item()->mutable_due_date() = DaysFromToday(days);
    v1::ActionItem out;
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateActionItem(&context, r, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  };
  const std::string late = action("Закупить книги для летнего чтения", -3);
  const std::string today = action("Отчитаться учредителю", 0);
  const auto overdue = OfKind(Reminders("libraries/city"), Reminder::ACTION_ITEM_OVERDUE);
  ASSERT_EQ(overdue.size(), 1u) << "due today is not overdue yet";
  const Reminder& r = overdue.at(late);
  EXPECT_EQ(r.days_left(), -3);
  EXPECT_EQ(r.recipient(), "libraries/city");
  EXPECT_EQ(r.title(), "Просрочено поручение «Закупить книги для летнего чтения»");
  EXPECT_TRUE(absl::StrContains(r.text(), "Просрочено на 3 дня")) << r.text();
  EXPECT_TRUE(absl::StrContains(r.text(), "Читательский совет «Ёлка»")) << r.text();
  EXPECT_EQ(overdue.count(today), 0u);
  ASSERT_TRUE(
      CallByName(*councils_, &v1::ReaderCouncilService::Stub::CompleteActionItem, late).ok());
  EXPECT_EQ(OfKind(Reminders("libraries/city"), Reminder::ACTION_ITEM_OVERDUE).size(), 0u);
}

TEST_F(ReminderServiceTest, PagesScopeAndParent) {
  for (int i = 0; i < 5; ++i) Agreement(absl::StrCat(i, "/П"), i);
  const std::vector<Reminder> all = Reminders("libraries/city");
  ASSERT_EQ(all.size(), 5u);
  const std::vector<Reminder> paged = Reminders("libraries/city", 2);
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i].name(), all[i].name());
  EXPECT_EQ(Reminders("libraries/-").size(), 5u);
  EXPECT_EQ(Reminders("libraries/branch").size(), 0u);

  v1::ListRemindersRequest bad;
  bad.set_parent("libraries/city/partners/bank");
  v1::ListRemindersResponse out;
  {
    grpc::ClientContext context;
    EXPECT_EQ(allies::testing::ViolatedFields(reminders_->ListReminders(&context, bad, &out)),
              std::vector<std::string>{"parent"});
  }
  // A token of another parent is refused.
  v1::ListRemindersRequest first;
  first.set_parent("libraries/city");
  first.set_page_size(1);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(reminders_->ListReminders(&context, first, &out).ok());
  }
  bad.set_parent("libraries/-");
  bad.set_page_token(out.next_page_token());
  {
    grpc::ClientContext context;
    EXPECT_EQ(reminders_->ListReminders(&context, bad, &out).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
}

}  // namespace
}  // namespace allies
