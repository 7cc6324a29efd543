// The governance services through gRPC: rules as data on the body (presets, the 2025 draft as
// a change of data), composition checked on every member change, quorum computed from the
// members in office on the meeting's date, roll-call votes decided by the question kind's
// rule, locked minutes and their amendment, decisions linked both ways, follow-up lists
// across a subtree. Both services run the same core: the tests use each where it fits and
// one test runs the same flow on both.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "allies/v1/options.pb.h"
#include "allies/v1/reader_council.grpc.pb.h"
#include "allies/v1/supervisory_board.grpc.pb.h"
#include "api/proto_time.h"
#include "services/common/local_time.h"
#include "tests/support/fixtures.h"
#include "tests/support/rpc_errors.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::Person;
using allies::testing::Reason;
using allies::testing::ViolatedFields;
using allies::testing::WorkConsent;
using v1::AgendaItem;
using v1::GovernanceRules;
using v1::Meeting;
using v1::Member;
using v1::SupervisoryBoard;
using v1::Vote;
using Boards = v1::SupervisoryBoardService::Stub;
using Councils = v1::ReaderCouncilService::Stub;

google::type::Date D(int y, int m, int d) {
  google::type::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

google::type::Date TodayPlus(int days) {
  google::type::Date out;
  services::ToProtoDate(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days, &out);
  return out;
}

class GovernanceTest : public allies::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "city").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "branch", "libraries/city").ok());
    boards_ = v1::SupervisoryBoardService::NewStub(server_->channel());
    councils_ = v1::ReaderCouncilService::NewStub(server_->channel());
  }

  // A contact of `library` with a Cyrillic name.
  std::string Contact(const std::string& id, const std::string& library = "city") {
    v1::CreateContactRequest request;
    request.set_parent("libraries/" + library);
    request.set_contact_id(id);
    request.mutable_contact()->set_family_name("Попечителёва");
    request.mutable_contact()->set_given_name("Наталья " + id);
    v1::Contact out;
    grpc::ClientContext context;
    grpc::Status status = contacts_->CreateContact(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  grpc::Status CreateBoard(const SupervisoryBoard& board, const std::string& id,
                           SupervisoryBoard* out, const std::string& library = "city") {
    v1::CreateSupervisoryBoardRequest request;
    request.set_parent("libraries/" + library);
    request.set_supervisory_board_id(id);
    *request.mutable_supervisory_board() = board;
    grpc::ClientContext context;
    return boards_->CreateSupervisoryBoard(&context, request, out);
  }

  // A 174-FZ board of `seats`.
  std::string Board(const std::string& id, int seats) {
    SupervisoryBoard b;
    b.set_display_name("Наблюдательный совет ЦБС «Ёлочка»");
    b.set_seat_count(seats);
    SupervisoryBoard out;
    grpc::Status status = CreateBoard(b, id, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  template <typename Stub>
  grpc::Status AddMember(Stub& stub, const std::string& body, const std::string& person,
                         const std::string& seat, Member* out, Member::Role role = Member::MEMBER,
                         v1::StaffPosition position = v1::NOT_STAFF,
                         google::type::Date start = D(2030, 1, 1),
                         google::type::Date end = D(2034, 12, 31)) {
    v1::CreateMemberRequest request;
    request.set_parent(body);
    Member* m = request.mutable_member();
    m->set_person(person);
    m->set_seat_kind(seat);
    m->set_role(role);
    m->set_staff_position(position);
    *m->mutable_term_start_date() = start;
    *m->mutable_term_end_date() = end;
    m->set_appointment_act("Приказ учредителя № 17-ё");
    grpc::ClientContext context;
    return stub.CreateMember(&context, request, out);
  }

  // Members of the board: `n` public ones (the first is the chair), named m1..mn.
  std::vector<std::string> Seat(const std::string& body, int n, int first = 1) {
    std::vector<std::string> names;
    for (int i = first; i < first + n; ++i) {
      Member out;
      grpc::Status status = AddMember(*boards_, body, Contact(absl::StrCat("p", i)), "PUBLIC", &out,
                                      i == 1 ? Member::CHAIR : Member::MEMBER);
      EXPECT_TRUE(status.ok()) << status.error_message();
      names.push_back(out.name());
    }
    return names;
  }

  template <typename Stub>
  grpc::Status CreateMeeting(Stub& stub, const std::string& body, const std::string& local_start,
                             Meeting* out) {
    v1::CreateMeetingRequest request;
    request.set_parent(body);
    request.mutable_meeting()->set_title("Заседание совета: отчёт за квартал");
    request.mutable_meeting()->set_local_start_time(local_start);
    request.mutable_meeting()->set_place("Читальный зал, ул. Ленина, 1");
    grpc::ClientContext context;
    return stub.CreateMeeting(&context, request, out);
  }

  template <typename Stub>
  Meeting Notify(Stub& stub, const std::string& meeting, std::vector<std::string> members = {}) {
    v1::RecordNoticesRequest request;
    request.set_name(meeting);
    for (const auto& m : members) request.add_members(m);
    Meeting out;
    grpc::ClientContext context;
    grpc::Status status = stub.RecordNotices(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  template <typename Stub>
  grpc::Status Hold(Stub& stub, const std::string& meeting, const std::vector<std::string>& present,
                    Meeting* out) {
    v1::HoldMeetingRequest request;
    request.set_name(meeting);
    for (const auto& m : present) request.add_present(m);
    grpc::ClientContext context;
    return stub.HoldMeeting(&context, request, out);
  }

  template <typename Stub>
  grpc::Status Item(Stub& stub, const std::string& meeting, const std::string& kind,
                    AgendaItem* out, const std::vector<std::string>& partners = {},
                    const std::string& amends = "") {
    v1::CreateAgendaItemRequest request;
    request.set_parent(meeting);
    request.mutable_agenda_item()->set_title("О сделке с партнёром «Книжный дом»");
    request.mutable_agenda_item()->set_question_kind(kind);
    for (const auto& p : partners) request.mutable_agenda_item()->add_partners(p);
    request.mutable_agenda_item()->set_amends_meeting(amends);
    grpc::ClientContext context;
    return stub.CreateAgendaItem(&context, request, out);
  }

  // Records a roll call: member name -> choice.
  template <typename Stub>
  grpc::Status VoteOn(Stub& stub, const std::string& item,
                      const std::vector<std::pair<std::string, Vote::Choice>>& votes,
                      AgendaItem* out) {
    v1::RecordVotesRequest request;
    request.set_name(item);
    request.set_motion(
        "Одобрить сделку с ООО «Книжный дом» на сумму 1 200 000 "
        "₽");
    for (const auto& [member, choice] : votes) {
      Vote* v = request.add_votes();
      v->set_member(member);
      v->set_choice(choice);
    }
    grpc::ClientContext context;
    return stub.RecordVotes(&context, request, out);
  }

  template <typename Stub>
  grpc::Status Decide(Stub& stub, const std::string& body, const std::string& item,
                      v1::Decision* out) {
    v1::CreateDecisionRequest request;
    request.set_parent(body);
    request.mutable_decision()->set_agenda_item(item);
    request.mutable_decision()->set_title("Решение об одобрении сделки");
    grpc::ClientContext context;
    return stub.CreateDecision(&context, request, out);
  }

  std::unique_ptr<Boards> boards_;
  std::unique_ptr<Councils> councils_;
};

// The two protos list the shared rpcs each (proto has no service inheritance): the same
// methods, over the same messages, with the same permissions.
TEST(GovernanceServicesTest, BothServicesDeclareTheSharedCoreAlike) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const auto* councils = pool->FindServiceByName("allies.v1.ReaderCouncilService");
  const auto* boards = pool->FindServiceByName("allies.v1.SupervisoryBoardService");
  ASSERT_NE(councils, nullptr);
  ASSERT_NE(boards, nullptr);
  auto shared = [](const google::protobuf::ServiceDescriptor* service) {
    std::map<std::string, const google::protobuf::MethodDescriptor*> out;
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* m = service->method(i);
      if (m->input_type()->file()->name() == "allies/v1/governance.proto") out[m->name()] = m;
    }
    return out;
  };
  const auto of_councils = shared(councils), of_boards = shared(boards);
  EXPECT_EQ(of_councils.size(), 40u);
  ASSERT_EQ(of_councils.size(), of_boards.size());
  for (const auto& [name, m] : of_councils) {
    auto other = of_boards.find(name);
    ASSERT_NE(other, of_boards.end()) << name;
    EXPECT_EQ(other->second->input_type(), m->input_type()) << name;
    EXPECT_EQ(other->second->output_type(), m->output_type()) << name;
    EXPECT_EQ(other->second->options().GetExtension(v1::permission),
              m->options().GetExtension(v1::permission))
        << name;
  }
}

TEST_F(GovernanceTest, PresetsFillTheRulesAndEveryNumberIsData) {
  SupervisoryBoard out;
  SupervisoryBoard b;
  b.set_display_name("Наблюдательный совет");
  b.set_seat_count(7);
  ASSERT_TRUE(CreateBoard(b, "nabl", &out).ok());
  EXPECT_EQ(out.kind(), SupervisoryBoard::SUPERVISORY);
  EXPECT_EQ(out.rules().preset(), GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(out.rules().min_size(), 5);
  EXPECT_EQ(out.rules().max_size(), 11);
  EXPECT_EQ(out.rules().max_term_months(), 60);
  EXPECT_EQ(out.rules().meetings_per_year(), 4);
  EXPECT_TRUE(out.rules().quorum_requires_all_notified());
  EXPECT_EQ(out.vacancies(), 7);
  EXPECT_EQ(out.meetings_required_to_date(), 0) << "created today: nothing required yet";
  EXPECT_FALSE(out.behind_schedule());

  // A trustee board starts from its own preset.
  b.set_kind(SupervisoryBoard::TRUSTEE);
  ASSERT_TRUE(CreateBoard(b, "popech", &out).ok());
  EXPECT_EQ(out.rules().preset(), GovernanceRules::TRUSTEE);
  EXPECT_FALSE(out.rules().quorum_requires_all_notified());

  // Seats outside the rules' sizes are refused.
  b.set_kind(SupervisoryBoard::SUPERVISORY);
  b.set_seat_count(12);
  grpc::Status status = CreateBoard(b, "big", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"supervisory_board.seat_count"});

  // The 2025 draft (7-15 members) is a change of data: 12 seats fit once the numbers change.
  b.mutable_rules()->set_preset(GovernanceRules::SUPERVISORY_174FZ);
  b.mutable_rules()->set_min_size(7);
  b.mutable_rules()->set_max_size(15);
  ASSERT_TRUE(CreateBoard(b, "draft", &out).ok()) << "12 seats under the draft";
  EXPECT_EQ(out.rules().max_size(), 15);
  EXPECT_EQ(out.rules().max_term_months(), 60) << "the rest from the preset";

  // Broken rules name their fields.
  b.mutable_rules()->set_min_size(20);
  status = CreateBoard(b, "broken", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GovernanceTest, CompositionIsCheckedOnEveryMemberChange) {
  const std::string board = Board("nabl", 5);  // 1/3 of 5 seats: at most 1 STATE, 1 EMPLOYEE
  Member m;
  ASSERT_TRUE(AddMember(*boards_, board, Contact("s1"), "STATE", &m).ok());
  grpc::Status status = AddMember(*boards_, board, Contact("s2"), "STATE", &m);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(status), "SEAT_CAP");

  // The head may not be a member; an employees' representative may not chair.
  status = AddMember(*boards_, board, Contact("h"), "PUBLIC", &m, Member::MEMBER, v1::HEAD);
  EXPECT_EQ(Reason(status), "MEMBER_INELIGIBLE") << status.error_message();
  status = AddMember(*boards_, board, Contact("e"), "EMPLOYEE", &m, Member::CHAIR, v1::EMPLOYEE);
  EXPECT_EQ(Reason(status), "CHAIR_INELIGIBLE") << status.error_message();

  // One chair at a time; a term beyond five years is refused.
  ASSERT_TRUE(AddMember(*boards_, board, Contact("c1"), "PUBLIC", &m, Member::CHAIR).ok());
  status = AddMember(*boards_, board, Contact("c2"), "PUBLIC", &m, Member::CHAIR);
  EXPECT_EQ(Reason(status), "ROLE_TAKEN") << status.error_message();
  status = AddMember(*boards_, board, Contact("long"), "PUBLIC", &m, Member::MEMBER, v1::NOT_STAFF,
                     D(2030, 1, 1), D(2035, 1, 1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  // A seat kind the rules do not have.
  status = AddMember(*boards_, board, Contact("x"), "MAYOR", &m);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The same person twice at once; then the body full.
  const std::string twice = Contact("twice");
  ASSERT_TRUE(AddMember(*boards_, board, twice, "PUBLIC", &m).ok());
  status = AddMember(*boards_, board, twice, "PUBLIC", &m);
  EXPECT_EQ(Reason(status), "PERSON_ALREADY_MEMBER") << status.error_message();
  Member p4;
  ASSERT_TRUE(AddMember(*boards_, board, Contact("p4"), "PUBLIC", &p4).ok());
  ASSERT_TRUE(
      AddMember(*boards_, board, Contact("p5"), "EMPLOYEE", &m, Member::MEMBER, v1::EMPLOYEE).ok());
  status = AddMember(*boards_, board, Contact("p6"), "PUBLIC", &m);
  EXPECT_EQ(Reason(status), "BODY_FULL") << status.error_message();
  // A member deleted and replaced does not come back over the limit.
  ASSERT_TRUE(CallByName(*boards_, &Boards::DeleteMember, p4.name()).ok());
  ASSERT_TRUE(AddMember(*boards_, board, Contact("p8"), "PUBLIC", &m).ok());
  status = CallByName(*boards_, &Boards::UndeleteMember, p4.name());
  EXPECT_EQ(Reason(status), "BODY_FULL") << status.error_message();
  // A member whose term ends first makes room from the day after.
  ASSERT_TRUE(AddMember(*boards_, board, Contact("p7"), "PUBLIC", &m, Member::MEMBER, v1::NOT_STAFF,
                        D(2035, 1, 1), D(2039, 12, 31))
                  .ok());

  // The rules change as data; the members serving are checked against the new numbers: 2
  // STATE seats of 8 would pass under the 2025 draft's 1/2, not under 1/3 of 5.
  SupervisoryBoard b;
  ASSERT_TRUE(CallByName(*boards_, &Boards::GetSupervisoryBoard, board, &b).ok());
  b.set_seat_count(4);
  v1::UpdateSupervisoryBoardRequest update;
  *update.mutable_supervisory_board() = b;
  update.mutable_update_mask()->add_paths("seat_count");
  SupervisoryBoard updated;
  {
    grpc::ClientContext context;
    status = boards_->UpdateSupervisoryBoard(&context, update, &updated);
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "below min_size 5";
  b.mutable_rules()->set_min_size(7);
  b.mutable_rules()->set_max_size(15);
  b.mutable_rules()->mutable_seat_kinds(0)->mutable_max_share()->set_numerator(1);
  b.mutable_rules()->mutable_seat_kinds(0)->mutable_max_share()->set_denominator(2);
  b.set_seat_count(8);
  *update.mutable_supervisory_board() = b;
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("rules");
  update.mutable_update_mask()->add_paths("seat_count");
  {
    grpc::ClientContext context;
    status = boards_->UpdateSupervisoryBoard(&context, update, &updated);
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.rules().seat_kinds(0).max_share().denominator(), 2);
  ASSERT_TRUE(AddMember(*boards_, board, Contact("s3"), "STATE", &m).ok())
      << "a second STATE seat under the draft";
}

// Composition holds under concurrent writers: 16 callers adding members to a body of 5 seats
// (at most 1 STATE seat) at once; exactly 5 get in, one of them on the STATE seat.
TEST_F(GovernanceTest, CompositionHoldsUnderConcurrentWriters) {
  const std::string board = Board("nabl", 5);
  std::vector<std::string> people;
  for (int i = 0; i < 16; ++i) people.push_back(Contact(absl::StrCat("c", i)));
  std::vector<grpc::Status> results(people.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < people.size(); ++i) {
    threads.emplace_back([&, i] {
      Member out;
      results[i] = AddMember(*boards_, board, people[i], i % 2 == 0 ? "STATE" : "PUBLIC", &out);
    });
  }
  for (auto& t : threads) t.join();
  int created = 0, state = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      ++created;
      if (i % 2 == 0) ++state;
    } else {
      EXPECT_EQ(results[i].error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << results[i].error_message();
      const std::string reason = Reason(results[i]);
      EXPECT_TRUE(reason == "BODY_FULL" || reason == "SEAT_CAP") << reason;
    }
  }
  EXPECT_EQ(created, 5);
  EXPECT_EQ(state, 1);
  SupervisoryBoard b;
  ASSERT_TRUE(CallByName(*boards_, &Boards::GetSupervisoryBoard, board, &b).ok());
  EXPECT_EQ(b.vacancies(), 5) << "their terms start in 2030: nobody is in office today";
  v1::ListMembersRequest list;
  list.set_parent(board);
  v1::ListMembersResponse members;
  grpc::ClientContext context;
  ASSERT_TRUE(boards_->ListMembers(&context, list, &members).ok());
  EXPECT_EQ(members.members_size(), 5);
}

TEST_F(GovernanceTest, QuorumCountsTheMembersInOfficeOnTheMeetingDate) {
  const std::string board = Board("nabl", 6);
  const std::vector<std::string> members = Seat(board, 5);
  // A sixth member whose term ended the day before the meeting does not count.
  Member ended;
  ASSERT_TRUE(AddMember(*boards_, board, Contact("old"), "PUBLIC", &ended, Member::MEMBER,
                        v1::NOT_STAFF, D(2029, 1, 1), D(2031, 3, 9))
                  .ok());
  Meeting meeting;
  ASSERT_TRUE(CreateMeeting(*boards_, board, "2031-03-10T18:30", &meeting).ok());
  EXPECT_EQ(meeting.members_in_office(), 5);
  EXPECT_EQ(meeting.attendance_size(), 5);
  EXPECT_EQ(api::FormatDate(meeting.meeting_date()), "2031-03-10");
  EXPECT_FALSE(meeting.quorum());
  for (const auto& a : meeting.attendance()) EXPECT_NE(a.member(), ended.name());

  // 174-FZ: every member notified and more than half present. One not notified: no quorum.
  Notify(*boards_, meeting.name(), {members[0], members[1], members[2], members[3]});
  Meeting held;
  ASSERT_TRUE(Hold(*boards_, meeting.name(), members, &held).ok());
  EXPECT_EQ(held.present_count(), 5);
  EXPECT_EQ(held.notified_count(), 4);
  EXPECT_FALSE(held.quorum());
  AgendaItem item;
  ASSERT_TRUE(Item(*boards_, meeting.name(), "GENERAL", &item).ok());
  grpc::Status status = VoteOn(*boards_, item.name(), {}, &item);
  EXPECT_EQ(Reason(status), "NO_QUORUM") << status.error_message();

  // All notified, three of five present: a quorum (3 > 5/2); two present: none.
  Meeting second;
  ASSERT_TRUE(CreateMeeting(*boards_, board, "2031-06-10T18:30", &second).ok());
  Notify(*boards_, second.name());
  ASSERT_TRUE(Hold(*boards_, second.name(), {members[0], members[1], members[2]}, &held).ok());
  EXPECT_EQ(held.notified_count(), 5);
  EXPECT_TRUE(held.quorum());
  v1::RecordAttendanceRequest leave;
  leave.set_name(second.name());
  leave.add_absent(members[2]);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(boards_->RecordAttendance(&context, leave, &held).ok());
  }
  EXPECT_EQ(held.present_count(), 2);
  EXPECT_FALSE(held.quorum());
  // A non-member is refused by name.
  leave.clear_absent();
  leave.add_present(ended.name());
  {
    grpc::ClientContext context;
    status = boards_->RecordAttendance(&context, leave, &held);
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"present[0]"});

  // A member added later for that date joins the attendance of the meetings not yet locked.
  Member late;
  ASSERT_TRUE(AddMember(*boards_, board, Contact("late"), "PUBLIC", &late, Member::MEMBER,
                        v1::NOT_STAFF, D(2031, 4, 1), D(2034, 12, 31))
                  .ok());
  ASSERT_TRUE(CallByName(*boards_, &Boards::GetMeeting, second.name(), &held).ok());
  EXPECT_EQ(held.members_in_office(), 6);
  ASSERT_TRUE(CallByName(*boards_, &Boards::GetMeeting, meeting.name(), &held).ok());
  EXPECT_EQ(held.members_in_office(), 5) << "not yet in office on 2031-03-10";
}

TEST_F(GovernanceTest, VotesAreDecidedByTheQuestionKindsRule) {
  const std::string board = Board("nabl", 5);
  const std::vector<std::string> m = Seat(board, 5);  // m[0] chairs
  Meeting meeting;
  ASSERT_TRUE(CreateMeeting(*boards_, board, "2031-03-10T18:30", &meeting).ok());
  Notify(*boards_, meeting.name());
  Meeting held;
  ASSERT_TRUE(Hold(*boards_, meeting.name(), {m[0], m[1], m[2], m[3]}, &held).ok());
  ASSERT_TRUE(held.quorum());

  // GENERAL: a majority of all members (5): 2 YES of 4 present is not one.
  AgendaItem item;
  ASSERT_TRUE(Item(*boards_, meeting.name(), "GENERAL", &item).ok());
  EXPECT_EQ(item.position(), 1);
  EXPECT_EQ(item.outcome(), AgendaItem::PENDING);
  ASSERT_TRUE(
      VoteOn(*boards_, item.name(),
             {{m[0], Vote::YES}, {m[1], Vote::YES}, {m[2], Vote::NO}, {m[3], Vote::ABSTAIN}}, &item)
          .ok());
  EXPECT_EQ(item.outcome(), AgendaItem::REJECTED);
  EXPECT_EQ(item.base(), 5);
  EXPECT_EQ(item.required_yes(), 3);
  EXPECT_EQ(item.decision_rule(), v1::MAJORITY_OF_ALL_MEMBERS);

  // PROCEDURAL: a majority of those present, the chair breaking a tie.
  ASSERT_TRUE(Item(*boards_, meeting.name(), "PROCEDURAL", &item).ok());
  EXPECT_EQ(item.position(), 2);
  ASSERT_TRUE(VoteOn(*boards_, item.name(),
                     {{m[0], Vote::YES}, {m[1], Vote::YES}, {m[2], Vote::NO}, {m[3], Vote::NO}},
                     &item)
                  .ok());
  EXPECT_EQ(item.outcome(), AgendaItem::ADOPTED);
  EXPECT_TRUE(item.casting_vote());
  // The chair voting NO in the tie: rejected.
  ASSERT_TRUE(Item(*boards_, meeting.name(), "PROCEDURAL", &item).ok());
  ASSERT_TRUE(VoteOn(*boards_, item.name(),
                     {{m[0], Vote::NO}, {m[1], Vote::YES}, {m[2], Vote::YES}, {m[3], Vote::NO}},
                     &item)
                  .ok());
  EXPECT_EQ(item.outcome(), AgendaItem::REJECTED);

  // MAJOR_DEAL: two thirds of all members (4 of 5 needed... 3 * 4 >= 2 * 5).
  ASSERT_TRUE(Item(*boards_, meeting.name(), "MAJOR_DEAL", &item).ok());
  ASSERT_TRUE(VoteOn(*boards_, item.name(),
                     {{m[0], Vote::YES}, {m[1], Vote::YES}, {m[2], Vote::YES}, {m[3], Vote::NO}},
                     &item)
                  .ok());
  EXPECT_EQ(item.outcome(), AgendaItem::REJECTED) << "3 of 5 is less than two thirds";
  EXPECT_EQ(item.required_yes(), 4);

  // INTERESTED_PARTY_DEAL: the recused leave the base: 5 - 1 = 4, 3 YES adopt, no tie-break.
  ASSERT_TRUE(Item(*boards_, meeting.name(), "INTERESTED_PARTY_DEAL", &item).ok());
  ASSERT_TRUE(
      VoteOn(*boards_, item.name(),
             {{m[0], Vote::YES}, {m[1], Vote::YES}, {m[2], Vote::YES}, {m[3], Vote::RECUSED}},
             &item)
          .ok());
  EXPECT_EQ(item.outcome(), AgendaItem::ADOPTED);
  EXPECT_EQ(item.base(), 4);
  EXPECT_EQ(item.recused_count(), 1);

  // Roll calls are checked: an absent member, a member twice, a present member missing.
  ASSERT_TRUE(Item(*boards_, meeting.name(), "GENERAL", &item).ok());
  grpc::Status status =
      VoteOn(*boards_, item.name(),
             {{m[0], Vote::YES}, {m[1], Vote::YES}, {m[2], Vote::YES}, {m[4], Vote::YES}}, &item);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "m[4] is absent";
  status = VoteOn(*boards_, item.name(), {{m[0], Vote::YES}, {m[1], Vote::YES}, {m[2], Vote::YES}},
                  &item);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "m[3] did not vote";
  // Votes at a meeting not yet held are refused.
  Meeting planned;
  ASSERT_TRUE(CreateMeeting(*boards_, board, "2031-06-10T18:30", &planned).ok());
  ASSERT_TRUE(Item(*boards_, planned.name(), "GENERAL", &item).ok());
  status = VoteOn(*boards_, item.name(), {{m[0], Vote::YES}}, &item);
  EXPECT_EQ(Reason(status), "MEETING_STATE") << status.error_message();
  // A question kind the rules do not have.
  status = Item(*boards_, planned.name(), "ELECTION_OF_POPE", &item);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GovernanceTest, ApprovedMinutesAreLockedAndAmendedByALaterMeeting) {
  const std::string board = Board("nabl", 5);
  const std::vector<std::string> m = Seat(board, 5);
  const std::string partner = allies::testing::CreatePartner(*partners_, "city", "knigi");
  Meeting first;
  ASSERT_TRUE(CreateMeeting(*boards_, board, "2031-03-10T18:30", &first).ok());
  Notify(*boards_, first.name());
  Meeting held;
  ASSERT_TRUE(Hold(*boards_, first.name(), m, &held).ok());
  AgendaItem item;
  ASSERT_TRUE(Item(*boards_, first.name(), "GENERAL", &item, {partner}).ok());
  ASSERT_TRUE(VoteOn(*boards_, item.name(),
                     {{m[0], Vote::YES},
                      {m[1], Vote::YES},
                      {m[2], Vote::YES},
                      {m[3], Vote::NO},
                      {m[4], Vote::ABSTAIN}},
                     &item)
                  .ok());
  ASSERT_EQ(item.outcome(), AgendaItem::ADOPTED);
  v1::Decision decision;
  grpc::Status status = Decide(*boards_, board, item.name(), &decision);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(decision.meeting(), first.name());
  EXPECT_EQ(api::FormatDate(decision.decision_date()), "2031-03-10");
  EXPECT_FALSE(decision.minutes_approved());
  EXPECT_EQ(decision.text(),
            "Одобрить сделку с ООО «Книжный дом» на сумму 1 200 000 "
            "₽");
  ASSERT_EQ(decision.partners_size(), 1) << "linked like its agenda item";

  // An item withdrawn from the agenda before the minutes are approved stays withdrawn.
  AgendaItem withdrawn;
  ASSERT_TRUE(Item(*boards_, first.name(), "GENERAL", &withdrawn).ok());
  ASSERT_TRUE(CallByName(*boards_, &Boards::DeleteAgendaItem, withdrawn.name()).ok());

  // The minutes need text; then they are approved and locked.
  status = CallByName(*boards_, &Boards::ApproveMinutes, first.name(), &held);
  EXPECT_EQ(Reason(status), "MINUTES_EMPTY");
  v1::UpdateMeetingRequest minutes;
  minutes.mutable_meeting()->set_name(first.name());
  minutes.mutable_meeting()->set_minutes("Протокол № 1. Присутствовали: 5 из 5. Решили: одобрить.");
  minutes.mutable_update_mask()->add_paths("minutes");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(boards_->UpdateMeeting(&context, minutes, &held).ok());
  }
  ASSERT_TRUE(CallByName(*boards_, &Boards::ApproveMinutes, first.name(), &held).ok());
  EXPECT_EQ(held.state(), Meeting::MINUTES_APPROVED);
  ASSERT_TRUE(CallByName(*boards_, &Boards::GetDecision, decision.name(), &decision).ok());
  EXPECT_TRUE(decision.minutes_approved());

  // Every later change is refused.
  std::map<std::string, std::function<grpc::Status()>> changes = {
      {"UpdateMeeting",
       [&] {
         grpc::ClientContext context;
         return boards_->UpdateMeeting(&context, minutes, &held);
       }},
      {"RecordAttendance",
       [&] {
         v1::RecordAttendanceRequest r;
         r.set_name(first.name());
         r.add_absent(m[4]);
         grpc::ClientContext context;
         return boards_->RecordAttendance(&context, r, &held);
       }},
      {"RecordNotices", [&] { return CallByName(*boards_, &Boards::RecordNotices, first.name()); }},
      {"ApproveMinutes",
       [&] { return CallByName(*boards_, &Boards::ApproveMinutes, first.name()); }},
      {"DeleteMeeting", [&] { return CallByName(*boards_, &Boards::DeleteMeeting, first.name()); }},
      {"CreateAgendaItem", [&] { return Item(*boards_, first.name(), "GENERAL", &item); }},
      {"UpdateAgendaItem",
       [&] {
         v1::UpdateAgendaItemRequest r;
         r.mutable_agenda_item()->set_name(item.name());
         r.mutable_agenda_item()->set_title("Иное");
         r.mutable_update_mask()->add_paths("title");
         grpc::ClientContext context;
         return boards_->UpdateAgendaItem(&context, r, &item);
       }},
      {"DeleteAgendaItem",
       [&] { return CallByName(*boards_, &Boards::DeleteAgendaItem, item.name()); }},
      {"RecordVotes",
       [&] {
         return VoteOn(*boards_, item.name(), {{m[0], Vote::NO}}, &item);
       }},
      {"UndeleteAgendaItem",
       [&] { return CallByName(*boards_, &Boards::UndeleteAgendaItem, withdrawn.name()); }},
      {"UpdateDecision",
       [&] {
         v1::UpdateDecisionRequest r;
         r.mutable_decision()->set_name(decision.name());
         r.mutable_decision()->set_text("Переписанный текст");
         r.mutable_update_mask()->add_paths("text");
         grpc::ClientContext context;
         return boards_->UpdateDecision(&context, r, &decision);
       }},
      {"DeleteDecision",
       [&] { return CallByName(*boards_, &Boards::DeleteDecision, decision.name()); }},
  };
  for (const auto& [method, call] : changes) {
    status = call();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << method;
    EXPECT_EQ(Reason(status), "MINUTES_APPROVED") << method << ": " << status.error_message();
  }

  // A correction: an item of a later meeting amending the first, adopted, then recorded.
  Meeting second;
  ASSERT_TRUE(CreateMeeting(*boards_, board, "2031-06-10T18:30", &second).ok());
  Notify(*boards_, second.name());
  ASSERT_TRUE(Hold(*boards_, second.name(), m, &held).ok());
  AgendaItem amendment;
  ASSERT_TRUE(Item(*boards_, second.name(), "PROCEDURAL", &amendment, {}, first.name()).ok());
  v1::AmendMinutesRequest amend;
  amend.set_name(first.name());
  amend.set_text("В протоколе № 1 читать «4 из 5», а не «5 из 5».");
  amend.set_agenda_item(amendment.name());
  {
    grpc::ClientContext context;
    status = boards_->AmendMinutes(&context, amend, &held);
  }
  EXPECT_EQ(Reason(status), "AMENDMENT_NOT_APPROVED") << "not voted yet";
  ASSERT_TRUE(VoteOn(*boards_, amendment.name(),
                     {{m[0], Vote::YES},
                      {m[1], Vote::YES},
                      {m[2], Vote::YES},
                      {m[3], Vote::YES},
                      {m[4], Vote::YES}},
                     &amendment)
                  .ok());
  {
    grpc::ClientContext context;
    status = boards_->AmendMinutes(&context, amend, &held);
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(held.amendments_size(), 1);
  EXPECT_EQ(held.amendments(0).agenda_item(), amendment.name());
  EXPECT_EQ(held.minutes(), "Протокол № 1. Присутствовали: 5 из 5. Решили: одобрить.")
      << "the approved minutes stay as they were";
  {
    grpc::ClientContext context;
    status = boards_->AmendMinutes(&context, amend, &held);
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(GovernanceTest, DecisionsLinkBothWaysAndActionItemsAreFollowedUp) {
  const std::string board = Board("nabl", 5);
  const std::vector<std::string> m = Seat(board, 5);
  const std::string partner = allies::testing::CreatePartner(*partners_, "city", "knigi");
  const std::string other = allies::testing::CreatePartner(*partners_, "city", "drugoi");
  Meeting meeting;
  ASSERT_TRUE(CreateMeeting(*boards_, board, "2031-03-10T18:30", &meeting).ok());
  Notify(*boards_, meeting.name());
  Meeting held;
  ASSERT_TRUE(Hold(*boards_, meeting.name(), m, &held).ok());
  AgendaItem adopted, rejected;
  ASSERT_TRUE(Item(*boards_, meeting.name(), "GENERAL", &adopted, {partner}).ok());
  ASSERT_TRUE(Item(*boards_, meeting.name(), "GENERAL", &rejected, {other}).ok());
  std::vector<std::pair<std::string, Vote::Choice>> yes, no;
  for (const auto& name : m) {
    yes.push_back({name, Vote::YES});
    no.push_back({name, Vote::NO});
  }
  ASSERT_TRUE(VoteOn(*boards_, adopted.name(), yes, &adopted).ok());
  ASSERT_TRUE(VoteOn(*boards_, rejected.name(), no, &rejected).ok());

  v1::Decision decision;
  grpc::Status status = Decide(*boards_, board, rejected.name(), &decision);
  EXPECT_EQ(Reason(status), "MOTION_NOT_ADOPTED") << status.error_message();
  ASSERT_TRUE(Decide(*boards_, board, adopted.name(), &decision).ok());
  status = Decide(*boards_, board, adopted.name(), &decision);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // The vote no longer changes while its decision stands.
  status = VoteOn(*boards_, adopted.name(), no, &adopted);
  EXPECT_EQ(Reason(status), "DECISION_EXISTS");

  // The partner's decisions, from any board of the network.
  v1::ListDecisionsRequest about;
  about.set_parent("libraries/-/supervisoryBoards/-");
  about.set_filter(absl::StrCat("partners:\"", partner, "\""));
  v1::ListDecisionsResponse found;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(boards_->ListDecisions(&context, about, &found).ok());
  }
  ASSERT_EQ(found.decisions_size(), 1);
  EXPECT_EQ(found.decisions(0).name(), decision.name());
  about.set_filter(absl::StrCat("partners:\"", other, "\""));
  {
    grpc::ClientContext context;
    ASSERT_TRUE(boards_->ListDecisions(&context, about, &found).ok());
  }
  EXPECT_EQ(found.decisions_size(), 0);
  // The partner is held by the decision as a reference: deleting the partner does not orphan
  // it silently (the decision names it), and the reference is checked on write.
  v1::UpdateDecisionRequest relink;
  relink.mutable_decision()->set_name(decision.name());
  relink.mutable_decision()->add_partners("libraries/city/partners/nobody");
  relink.mutable_update_mask()->add_paths("partners");
  {
    grpc::ClientContext context;
    status = boards_->UpdateDecision(&context, relink, &decision);
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();

  // Action items: one overdue, one not; overdue ones listed across the subtree.
  auto action = [&](const std::string& title, google::type::Date due, v1::ActionItem* out) {
    v1::CreateActionItemRequest r;
    r.set_parent(decision.name());
    r.mutable_action_item()->set_title(title);
    r.mutable_action_item()->set_owner_member(m[0]);
    *r.mutable_action_item()->mutable_due_date() = due;
    grpc::ClientContext context;
    return boards_->CreateActionItem(&context, r, out);
  };
  // The owner is a member of this body, not of another one.
  const std::string other_board = Board("drugoi", 5);
  const std::string stranger = Seat(other_board, 1, 7)[0];
  {
    v1::CreateActionItemRequest r;
    r.set_parent(decision.name());
    r.mutable_action_item()->set_title("Чужая задача");
    r.mutable_action_item()->set_owner_member(stranger);
    v1::ActionItem out;
    grpc::ClientContext context;
    status = boards_->CreateActionItem(&context, r, &out);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"action_item.owner_member"});
  }
  v1::ActionItem late, later;
  ASSERT_TRUE(action("Подписать договор с «Книжным домом»", TodayPlus(-3), &late).ok());
  ASSERT_TRUE(action("Отчитаться учредителю", TodayPlus(30), &later).ok());
  EXPECT_TRUE(late.overdue());
  EXPECT_FALSE(later.overdue());
  ASSERT_TRUE(CallByName(*boards_, &Boards::GetDecision, decision.name(), &decision).ok());
  EXPECT_EQ(decision.open_action_items(), 2);
  EXPECT_EQ(decision.overdue_action_items(), 1);
  v1::ListOverdueActionItemsRequest overdue;
  overdue.set_parent("libraries/city");
  v1::ListActionItemsResponse items;
  {
    grpc::ClientContext context;
    status = boards_->ListOverdueActionItems(&context, overdue, &items);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(items.action_items_size(), 1);
  EXPECT_EQ(items.action_items(0).name(), late.name());
  overdue.set_parent("libraries/branch");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(boards_->ListOverdueActionItems(&context, overdue, &items).ok());
  }
  EXPECT_EQ(items.action_items_size(), 0) << "not in the branch's subtree";

  ASSERT_TRUE(CallByName(*boards_, &Boards::CompleteActionItem, late.name(), &late).ok());
  EXPECT_EQ(late.state(), v1::ActionItem::DONE);
  EXPECT_FALSE(late.overdue());
  status = CallByName(*boards_, &Boards::DropActionItem, late.name(), &late);
  EXPECT_EQ(Reason(status), "ACTION_ITEM_STATE");
  overdue.set_parent("libraries/city");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(boards_->ListOverdueActionItems(&context, overdue, &items).ok());
  }
  EXPECT_EQ(items.action_items_size(), 0);

  // Activity entries name the fields, never the values.
  const std::vector<v1::Activity> entries = SystemEntries(adopted.name());
  ASSERT_FALSE(entries.empty());
  for (const auto& e : entries) {
    for (const auto& f : e.changed_fields()) EXPECT_EQ(f.find("Одобрить"), std::string::npos);
    EXPECT_EQ(e.description().find("Одобрить"), std::string::npos);
  }
}

TEST_F(GovernanceTest, APersonGivenHereBecomesAContactWithTheirConsent) {
  const std::string board = Board("nabl", 5);
  auto create = [&](bool with_consent, std::vector<v1::Consent::Purpose> purposes,
                    v1::StaffPosition position, Member* out) {
    v1::CreateMemberRequest r;
    r.set_parent(board);
    r.mutable_member()->set_seat_kind("PUBLIC");
    r.mutable_member()->set_staff_position(position);
    *r.mutable_member()->mutable_term_start_date() = D(2030, 1, 1);
    *r.mutable_member()->mutable_term_end_date() = D(2034, 12, 31);
    r.mutable_person_contact()->set_family_name("Новикова");
    r.mutable_person_contact()->set_given_name("Ольга");
    r.mutable_person_contact()->set_patronymic("Пётровна");
    r.mutable_person_contact()->add_emails("novikova@example.ru");
    if (with_consent) *r.mutable_consent() = WorkConsent(purposes);
    grpc::ClientContext context;
    return boards_->CreateMember(&context, r, out);
  };
  auto contacts = [&] {
    v1::ListContactsRequest r;
    r.set_parent("libraries/city");
    v1::ListContactsResponse out;
    grpc::ClientContext context;
    EXPECT_TRUE(contacts_->ListContacts(&context, r, &out).ok());
    return out.contacts_size();
  };
  Member member;
  grpc::Status status = create(false, {}, v1::NOT_STAFF, &member);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"consent"});
  status = create(true, {v1::Consent::COMMUNICATION}, v1::NOT_STAFF, &member);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"consent.purposes"});
  // Refused by the composition (the head may not sit): nothing of it stays.
  status = create(true, {v1::Consent::GOVERNANCE}, v1::HEAD, &member);
  EXPECT_EQ(Reason(status), "MEMBER_INELIGIBLE") << status.error_message();
  EXPECT_EQ(contacts(), 0);

  status =
      create(true, {v1::Consent::GOVERNANCE, v1::Consent::COMMUNICATION}, v1::NOT_STAFF, &member);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(member.person().rfind("libraries/city/contacts/", 0), 0u) << member.person();
  EXPECT_EQ(member.display_name(), "Новикова Ольга Пётровна");
  EXPECT_EQ(contacts(), 1);
  v1::ListConsentsRequest consents;
  consents.set_parent("libraries/city");
  consents.set_filter(absl::StrCat("subject = \"", member.person(), "\""));
  v1::ListConsentsResponse given;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(consents_->ListConsents(&context, consents, &given).ok());
  }
  ASSERT_EQ(given.consents_size(), 1);
  EXPECT_EQ(given.consents(0).purposes(0), v1::Consent::GOVERNANCE);

  // The person's export names the membership; the erasure reaches it, the seat stays.
  v1::ExportContactDataRequest exported;
  exported.set_name(member.person());
  v1::ExportContactDataResponse data;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(contacts_->ExportContactData(&context, exported, &data).ok());
  }
  EXPECT_NE(std::find(data.referenced_by().begin(), data.referenced_by().end(), member.name()),
            data.referenced_by().end());
  v1::EraseContactRequest erase;
  erase.set_name(member.person());
  v1::Contact erased;
  {
    grpc::ClientContext context;
    status = contacts_->EraseContact(&context, erase, &erased);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_TRUE(CallByName(*boards_, &Boards::GetMember, member.name(), &member).ok());
  EXPECT_EQ(member.display_name().find("Новикова"), std::string::npos) << member.display_name();
  EXPECT_EQ(member.seat_kind(), "PUBLIC");
}

TEST_F(GovernanceTest, ReaderCouncilsRunTheSameCoreWithTheirOwnRules) {
  // A reader council of the branch, with volunteers and contacts as members.
  v1::CreateReaderCouncilRequest create;
  create.set_parent("libraries/branch");
  create.set_reader_council_id("chitateli");
  create.mutable_reader_council()->set_display_name("Читательский совет филиала «Ёжик»");
  create.mutable_reader_council()->set_seat_count(3);
  // Established on January 1st: the meetings required so far count from then.
  *create.mutable_reader_council()->mutable_established_date() =
      D(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()).year(), 1, 1);
  v1::ReaderCouncil council;
  {
    grpc::ClientContext context;
    grpc::Status status = councils_->CreateReaderCouncil(&context, create, &council);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(council.rules().preset(), GovernanceRules::READER_COUNCIL);
  EXPECT_EQ(council.rules().meetings_per_year(), 2);

  v1::CreateVolunteerRequest volunteer;
  volunteer.set_parent("libraries/branch");
  *volunteer.mutable_volunteer() = Person("Читателева", "Ёлка");
  *volunteer.mutable_consent() = WorkConsent();
  v1::Volunteer reader;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(volunteers_->CreateVolunteer(&context, volunteer, &reader).ok());
  }
  Member m1, m2, m3;
  ASSERT_TRUE(AddMember(*councils_, council.name(), reader.name(), "READER", &m1, Member::CHAIR,
                        v1::NOT_STAFF, TodayPlus(-100), TodayPlus(10))
                  .ok());
  EXPECT_EQ(m1.display_name(), "Читателева Ёлка");
  EXPECT_TRUE(m1.in_office());
  ASSERT_TRUE(AddMember(*councils_, council.name(), Contact("r2", "branch"), "READER", &m2,
                        Member::SECRETARY, v1::NOT_STAFF, TodayPlus(-100), TodayPlus(300))
                  .ok());
  ASSERT_TRUE(AddMember(*councils_, council.name(), Contact("r3", "branch"), "EMPLOYEE", &m3,
                        Member::MEMBER, v1::EMPLOYEE, TodayPlus(-100), TodayPlus(300))
                  .ok());
  // A person of another library, one that does not exist, or a deleted one is not a member.
  const google::type::Date start = TodayPlus(-100), end = TodayPlus(300);
  grpc::Status status = AddMember(*councils_, council.name(), Contact("far"), "READER", &m3,
                                  Member::MEMBER, v1::NOT_STAFF, start, end);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  status = AddMember(*councils_, council.name(), "libraries/branch/contacts/nobody", "READER", &m3,
                     Member::MEMBER, v1::NOT_STAFF, start, end);
  EXPECT_EQ(Reason(status), "PERSON_NOT_FOUND") << status.error_message();
  const std::string gone = Contact("gone", "branch");
  ASSERT_TRUE(CallByName(*contacts_, &v1::ContactService::Stub::DeleteContact, gone).ok());
  status = AddMember(*councils_, council.name(), gone, "READER", &m3, Member::MEMBER, v1::NOT_STAFF,
                     start, end);
  EXPECT_EQ(Reason(status), "PERSON_DELETED") << status.error_message();

  // Terms ending within 30 days, across the city's subtree.
  v1::ListExpiringTermsRequest expiring;
  expiring.set_parent("libraries/city");
  v1::ListMembersResponse soon;
  {
    grpc::ClientContext context;
    status = councils_->ListExpiringTerms(&context, expiring, &soon);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(soon.members_size(), 1);
  EXPECT_EQ(soon.members(0).name(), m1.name());
  expiring.set_parent("libraries/-");
  {
    grpc::ClientContext context;
    status = councils_->ListExpiringTerms(&context, expiring, &soon);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(soon.members_size(), 1) << "every library the key reaches";

  // Two meetings a year are required; none held by late in the year is behind schedule.
  ASSERT_TRUE(CallByName(*councils_, &Councils::GetReaderCouncil, council.name(), &council).ok());
  EXPECT_EQ(council.member_count(), 3);
  EXPECT_EQ(council.vacancies(), 0);
  EXPECT_EQ(council.meetings_held_this_year(), 0);
  const int day_of_year = absl::GetYearDay(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
  EXPECT_EQ(council.behind_schedule(), day_of_year >= 183) << "day " << day_of_year;
  v1::ListReaderCouncilsRequest lagging;
  lagging.set_parent("libraries/city");
  lagging.set_subtree(true);
  lagging.set_filter("meetings_held_this_year = 0");
  v1::ListReaderCouncilsResponse bodies;
  {
    grpc::ClientContext context;
    status = councils_->ListReaderCouncils(&context, lagging, &bodies);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(bodies.reader_councils_size(), 1);
  lagging.set_subtree(false);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(councils_->ListReaderCouncils(&context, lagging, &bodies).ok());
  }
  EXPECT_EQ(bodies.reader_councils_size(), 0) << "the city itself has none";

  // A meeting under the council's rules: more than half present (2 of 3), majority of those
  // present; an employee on the council is a member but may not chair.
  Meeting meeting;
  ASSERT_TRUE(CreateMeeting(*councils_, council.name(), "2030-01-01T12:00", &meeting).ok());
  EXPECT_EQ(meeting.members_in_office(), 0) << "nobody's term covers 2030-01-01";
  google::type::Date today = TodayPlus(0);
  ASSERT_TRUE(CreateMeeting(
                  *councils_, council.name(),
                  absl::StrFormat("%04d-%02d-%02dT12:00", today.year(), today.month(), today.day()),
                  &meeting)
                  .ok());
  EXPECT_EQ(meeting.members_in_office(), 3);
  Meeting held;
  ASSERT_TRUE(Hold(*councils_, meeting.name(), {m1.name(), m2.name()}, &held).ok());
  EXPECT_TRUE(held.quorum()) << "no notices required for a reader council";
  AgendaItem item;
  ASSERT_TRUE(Item(*councils_, meeting.name(), "", &item).ok());
  EXPECT_EQ(item.question_kind(), "GENERAL") << "the rules' first kind";
  ASSERT_TRUE(
      VoteOn(*councils_, item.name(), {{m1.name(), Vote::YES}, {m2.name(), Vote::NO}}, &item).ok());
  EXPECT_EQ(item.outcome(), AgendaItem::ADOPTED) << "a tie broken by the chair";
  EXPECT_TRUE(item.casting_vote());

  // Erasing the volunteer reaches the membership: the name shown is gone, the seat stays.
  v1::EraseVolunteerRequest erase;
  erase.set_name(reader.name());
  {
    grpc::ClientContext context;
    status = volunteers_->EraseVolunteer(&context, erase, &reader);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_TRUE(CallByName(*councils_, &Councils::GetMember, m1.name(), &m1).ok());
  EXPECT_EQ(m1.display_name().find("Читателева"), std::string::npos) << m1.display_name();
  EXPECT_EQ(m1.person(), reader.name());
}

}  // namespace
}  // namespace allies
