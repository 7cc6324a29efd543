// Unit tests of alliesctl's governance commands (reader councils and boards): the commands
// below a body resolve as sub-resources, every RPC of both services has a command, and the
// requests the commands build (roll-call votes, attendance, meetings in local time, rules as
// flags or JSON, short member ids) and their tables. No server is needed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "allies/v1/reader_council.grpc.pb.h"
#include "allies/v1/supervisory_board.grpc.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/governance.h"
#include "clients/alliesctl/output.h"

namespace allies::ctl {
namespace {

using allies::v1::ActionItem;
using allies::v1::AgendaItem;
using allies::v1::GovernanceRules;
using allies::v1::Meeting;
using allies::v1::Member;
using allies::v1::SupervisoryBoard;
using allies::v1::Vote;

constexpr char kBoard[] = "libraries/obl/supervisoryBoards/nabl";
constexpr char kMeeting[] = "libraries/obl/supervisoryBoards/nabl/meetings/q1";
constexpr char kItem[] = "libraries/obl/supervisoryBoards/nabl/meetings/q1/agendaItems/deal";

ParsedArgs Args(const std::vector<std::string>& words) {
  return ParseArgs(words, DefaultRegistry().AllFlags()).value();
}

std::vector<std::string> Paths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

std::string MemberName(const std::string& id) { return absl::StrCat(kBoard, "/members/", id); }

// The table as CSV, with "\n" for its CRLF line ends.
std::string Csv(const Table& table) {
  return absl::StrReplaceAll(RenderCsv(table), {{"\r\n", "\n"}});
}

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

CliResult RunCtl(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = RunCli(DefaultRegistry(), args, std::nullopt, out, err);
  return {code, out.str(), err.str()};
}

// A file holding `text`, removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/alliesctl-governance-XXXXXX";
    const int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ---- Dispatch ----

TEST(GovernanceCliTest, CommandsBelowABodyAreSubResources) {
  const CommandRegistry registry = DefaultRegistry();
  EXPECT_NE(registry.FindCommand("boards members", "create"), nullptr);
  EXPECT_NE(registry.FindCommand("board member", "create"), nullptr);  // Aliases of each word.
  EXPECT_NE(registry.FindCommand("supervisory-boards agenda-items", "vote"), nullptr);
  EXPECT_NE(registry.FindCommand("council actions", "overdue"), nullptr);
  EXPECT_EQ(registry.FindCommand("boards members", "vote"), nullptr);
  // A word below a body is no resource of its own.
  EXPECT_EQ(registry.FindResource("members"), nullptr);
  EXPECT_EQ(registry.FindResource("member"), nullptr);
  const Resource* boards = registry.FindResource("board");
  ASSERT_NE(boards, nullptr);
  ASSERT_NE(registry.FindSubResource(*boards, "action"), nullptr);
  EXPECT_EQ(registry.FindSubResource(*boards, "action")->name, "boards actions");
  EXPECT_EQ(registry.FindSubResource(*boards, "list"), nullptr);

  const std::string help = RunCtl({"--help"}).out;
  for (const char* text :
       {"reader-councils  ", "boards  ",
        "below it (alliesctl boards <word> <verb>): members, meetings, agenda, decisions, "
        "actions"}) {
    EXPECT_NE(help.find(text), std::string::npos) << text << "\n" << help;
  }
  EXPECT_EQ(help.find("boards members  "), std::string::npos) << "listed under boards only";

  CliResult body = RunCtl({"boards", "--help"});
  EXPECT_EQ(body.code, 0);
  for (const char* text :
       {"alliesctl boards create LIBRARY", "alliesctl boards members <verb>",
        "verbs: get, list, create, update, delete, undelete, notify, hold, attend, "
        "approve-minutes, amend-minutes",
        "verbs: get, list, create, update, delete, undelete, vote",
        "verbs: get, list, create, update, delete, undelete, complete, drop, overdue"}) {
    EXPECT_NE(body.out.find(text), std::string::npos) << text << "\n" << body.out;
  }
  CliResult sub = RunCtl({"council", "meeting", "-h"});
  EXPECT_EQ(sub.code, 0);
  EXPECT_NE(sub.out.find("alliesctl reader-councils meetings hold MEETING"), std::string::npos)
      << sub.out;
  CliResult vote = RunCtl({"boards", "agenda", "vote", "--help"});
  EXPECT_EQ(vote.code, 0);
  EXPECT_NE(vote.out.find("Usage: alliesctl boards agenda vote ITEM"), std::string::npos);
  for (const char* flag : {"--motion TEXT", "--for MEMBERS", "--against MEMBERS",
                           "--abstain MEMBERS", "--recused MEMBERS", "--others CHOICE"}) {
    EXPECT_NE(vote.out.find(flag), std::string::npos) << flag;
  }
}

TEST(GovernanceCliTest, UsageErrorsExitTwo) {
  CliResult missing = RunCtl({"boards", "members"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("missing verb for boards members"), std::string::npos) << missing.err;
  CliResult unknown = RunCtl({"boards", "agenda", "frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown verb \"frobnicate\" for boards agenda"), std::string::npos)
      << unknown.err;
  EXPECT_EQ(RunCtl({"members", "list"}).code, 2);
  EXPECT_EQ(RunCtl({"boards", "agenda", "vote", kItem, "--for", "m1"}).code, 2);  // No motion.
  CliResult twice = RunCtl({"boards", "agenda", "vote", kItem, "--motion", "Одобрить", "--for",
                            "m1,m2", "--against", "m2"});
  EXPECT_EQ(twice.code, 2);
  EXPECT_NE(twice.err.find("is already named by --for"), std::string::npos) << twice.err;
  EXPECT_NE(twice.err.find("Usage: alliesctl boards agenda vote ITEM"), std::string::npos);
  EXPECT_EQ(RunCtl({"boards", "agenda", "vote", kItem, "--motion", "x", "--others", "maybe"}).code,
            2);
  EXPECT_EQ(RunCtl({"boards", "meetings", "hold", kMeeting}).code, 2);  // No --present.
  EXPECT_EQ(RunCtl({"boards", "meetings", "hold", kMeeting, "--absent", "m1"}).code, 2);
  EXPECT_EQ(RunCtl({"boards", "meetings", "create", kBoard, "--title", "Заседание", "--start",
                    "10 марта"})
                .code,
            2);
  EXPECT_EQ(RunCtl({"boards", "create", "obl", "--display-name", "Совет", "--seat-count", "7",
                    "--quorum", ">1/2"})
                .code,
            2);
  EXPECT_EQ(RunCtl({"boards", "update", kBoard}).code, 2);  // Nothing to update.
  EXPECT_EQ(RunCtl({"boards", "update", kBoard, "--min-size", "-1"}).code, 2);
  // 0 in rules given in part (a create) would mean "the preset's": refused before sending.
  EXPECT_EQ(RunCtl({"boards", "create", "obl", "--display-name", "Совет", "--seat-count", "7",
                    "--max-term-months", "0"})
                .code,
            2);
  EXPECT_EQ(RunCtl({"reader-councils", "create", "obl", "--display-name", "Совет", "--seat-count",
                    "3", "--kind", "trustee"})
                .code,
            2);  // Councils have no kind.
  EXPECT_EQ(RunCtl({"boards", "actions", "create",
                    "libraries/obl/supervisoryBoards/nabl/"
                    "decisions/d",
                    "--title", "Подписать"})
                .code,
            2);  // No owner.
}

const google::protobuf::ServiceDescriptor* FindService(const char* name) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
  EXPECT_NE(service, nullptr) << name;
  return service;
}

// Every method of both services has a command, the same below the body for both.
TEST(GovernanceCliTest, EveryRpcHasACommand) {
  const std::map<std::string, std::pair<std::string, std::string>> below = {
      {"GetMember", {"members", "get"}},
      {"ListMembers", {"members", "list"}},
      {"CreateMember", {"members", "create"}},
      {"UpdateMember", {"members", "update"}},
      {"DeleteMember", {"members", "delete"}},
      {"UndeleteMember", {"members", "undelete"}},
      {"ListExpiringTerms", {"members", "expiring"}},
      {"GetMeeting", {"meetings", "get"}},
      {"ListMeetings", {"meetings", "list"}},
      {"CreateMeeting", {"meetings", "create"}},
      {"UpdateMeeting", {"meetings", "update"}},
      {"DeleteMeeting", {"meetings", "delete"}},
      {"UndeleteMeeting", {"meetings", "undelete"}},
      {"RecordNotices", {"meetings", "notify"}},
      {"HoldMeeting", {"meetings", "hold"}},
      {"RecordAttendance", {"meetings", "attend"}},
      {"ApproveMinutes", {"meetings", "approve-minutes"}},
      {"AmendMinutes", {"meetings", "amend-minutes"}},
      {"GetAgendaItem", {"agenda", "get"}},
      {"ListAgendaItems", {"agenda", "list"}},
      {"CreateAgendaItem", {"agenda", "create"}},
      {"UpdateAgendaItem", {"agenda", "update"}},
      {"DeleteAgendaItem", {"agenda", "delete"}},
      {"UndeleteAgendaItem", {"agenda", "undelete"}},
      {"RecordVotes", {"agenda", "vote"}},
      {"GetDecision", {"decisions", "get"}},
      {"ListDecisions", {"decisions", "list"}},
      {"CreateDecision", {"decisions", "create"}},
      {"UpdateDecision", {"decisions", "update"}},
      {"DeleteDecision", {"decisions", "delete"}},
      {"UndeleteDecision", {"decisions", "undelete"}},
      {"GetActionItem", {"actions", "get"}},
      {"ListActionItems", {"actions", "list"}},
      {"CreateActionItem", {"actions", "create"}},
      {"UpdateActionItem", {"actions", "update"}},
      {"DeleteActionItem", {"actions", "delete"}},
      {"UndeleteActionItem", {"actions", "undelete"}},
      {"CompleteActionItem", {"actions", "complete"}},
      {"DropActionItem", {"actions", "drop"}},
      {"ListOverdueActionItems", {"actions", "overdue"}},
  };
  const CommandRegistry registry = DefaultRegistry();
  const std::vector<std::pair<const google::protobuf::ServiceDescriptor*, std::string>> services = {
      {FindService(allies::v1::ReaderCouncilService::service_full_name()), "reader-councils"},
      {FindService(allies::v1::SupervisoryBoardService::service_full_name()), "boards"}};
  for (const auto& [service, resource] : services) {
    std::set<std::string> own;
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = service->method(i)->name();
      auto found = below.find(method);
      if (found != below.end()) {
        EXPECT_NE(registry.FindCommand(absl::StrCat(resource, " ", found->second.first),
                                       found->second.second),
                  nullptr)
            << service->name() << "." << method;
        continue;
      }
      // The body's own: Get/List/Create/Update/Delete/Undelete<Body>.
      bool matched = false;
      for (const char* verb : {"Get", "List", "Create", "Update", "Delete", "Undelete"}) {
        if (absl::StartsWith(method, verb)) {
          EXPECT_NE(registry.FindCommand(resource, absl::AsciiStrToLower(verb)), nullptr) << method;
          EXPECT_TRUE(own.insert(verb).second) << method;
          matched = true;
          break;
        }
      }
      EXPECT_TRUE(matched) << service->name() << "." << method << " has no command";
    }
    EXPECT_EQ(own.size(), 6u) << service->name();
  }
}

// ---- Names ----

TEST(GovernanceNamesTest, MembersMayBeWrittenByIdUnderTheBody) {
  EXPECT_EQ(GovernanceBodyOf(kItem), kBoard);
  EXPECT_EQ(GovernanceBodyOf(kBoard), kBoard);
  EXPECT_EQ(GovernanceBodyOf("libraries/obl"), "libraries/obl");
  EXPECT_EQ(NameUnderBody(kItem, "members", "m1"), MemberName("m1"));
  EXPECT_EQ(NameUnderBody(kMeeting, "members", " m1 "), MemberName("m1"));
  EXPECT_EQ(NameUnderBody(kMeeting, "members", MemberName("m2")), MemberName("m2"));
  EXPECT_EQ(NameUnderBody(kMeeting, "meetings", "q0"),
            "libraries/obl/supervisoryBoards/nabl/meetings/q0");
  EXPECT_EQ(NameUnderBody(kMeeting, "members", ""), "");
  EXPECT_EQ(MeetingOfAgendaItem(kItem), kMeeting);
}

// ---- Votes ----

TEST(GovernanceVoteTest, TheRollCallFromOneCommandLine) {
  allies::v1::RecordVotesRequest request =
      BuildRecordVotesRequest(
          kItem, Args({"--motion",
                       "Одобрить сделку с ООО «Книжный дом» на 1 200 000 "
                       "₽",
                       "--for", "m1, m2", "--for", MemberName("m3"), "--against", "m4", "--abstain",
                       "m5", "--recused", "m6", "--etag", "e1", "--request-id", "vote-1"}))
          .value();
  EXPECT_EQ(request.name(), kItem);
  EXPECT_EQ(request.motion(),
            "Одобрить сделку с ООО «Книжный дом» на 1 200 000 ₽");
  EXPECT_EQ(request.etag(), "e1");
  EXPECT_EQ(request.request_id(), "vote-1");
  const std::vector<std::pair<std::string, Vote::Choice>> want = {
      {MemberName("m1"), Vote::YES},     {MemberName("m2"), Vote::YES},
      {MemberName("m3"), Vote::YES},     {MemberName("m4"), Vote::NO},
      {MemberName("m5"), Vote::ABSTAIN}, {MemberName("m6"), Vote::RECUSED}};
  ASSERT_EQ(request.votes_size(), static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(request.votes(i).member(), want[i].first) << i;
    EXPECT_EQ(request.votes(i).choice(), want[i].second) << i;
  }
}

TEST(GovernanceVoteTest, ErrorsNameTheFlag) {
  absl::StatusOr<allies::v1::RecordVotesRequest> no_motion =
      BuildRecordVotesRequest(kItem, Args({"--for", "m1"}));
  ASSERT_FALSE(no_motion.ok());
  EXPECT_NE(no_motion.status().message().find("--motion is required"), std::string::npos);
  EXPECT_FALSE(BuildRecordVotesRequest(kItem, Args({"--motion", "  ", "--for", "m1"})).ok());
  absl::StatusOr<allies::v1::RecordVotesRequest> twice =
      BuildRecordVotesRequest(kItem, Args({"--motion", "x", "--for", "m1", "--recused", "m1"}));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(),
            absl::StrCat("--recused: ", MemberName("m1"),
                         " is already named by --for (one vote per member)"));
  // An id and the full name of the same member are the same member.
  EXPECT_FALSE(
      BuildRecordVotesRequest(kItem, Args({"--motion", "x", "--for", "m1," + MemberName("m1")}))
          .ok());
  absl::StatusOr<allies::v1::RecordVotesRequest> none =
      BuildRecordVotesRequest(kItem, Args({"--motion", "x"}));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("give the roll call"), std::string::npos);
  EXPECT_FALSE(BuildRecordVotesRequest(kItem, Args({"--motion", "x", "--others", "за"})).ok());
  // --others alone is a roll call too.
  EXPECT_TRUE(BuildRecordVotesRequest(kItem, Args({"--motion", "x", "--others", "for"})).ok());
}

TEST(GovernanceVoteTest, ChoicesAndTheOthers) {
  EXPECT_EQ(ParseVoteChoice("others", "for").value(), Vote::YES);
  EXPECT_EQ(ParseVoteChoice("others", "YES").value(), Vote::YES);
  EXPECT_EQ(ParseVoteChoice("others", "Against").value(), Vote::NO);
  EXPECT_EQ(ParseVoteChoice("others", "no").value(), Vote::NO);
  EXPECT_EQ(ParseVoteChoice("others", " abstain ").value(), Vote::ABSTAIN);
  EXPECT_EQ(ParseVoteChoice("others", "recused").value(), Vote::RECUSED);
  absl::StatusOr<Vote::Choice> bad = ParseVoteChoice("others", "воздержался");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--others: expected for, against, abstain or recused"),
            std::string::npos);

  Meeting meeting;
  for (const char* id : {"m1", "m2", "m3", "m4"}) {
    Meeting::Attendance* a = meeting.add_attendance();
    a->set_member(MemberName(id));
    a->set_presence(std::string(id) == "m3" ? Meeting::ABSENT : Meeting::PRESENT);
  }
  allies::v1::RecordVotesRequest request =
      BuildRecordVotesRequest(kItem, Args({"--motion", "x", "--against", "m2", "--others", "for"}))
          .value();
  EXPECT_EQ(AddOtherVotes(meeting, Vote::YES, &request), 2);
  ASSERT_EQ(request.votes_size(), 3);
  EXPECT_EQ(request.votes(0).member(), MemberName("m2"));
  EXPECT_EQ(request.votes(0).choice(), Vote::NO);
  EXPECT_EQ(request.votes(1).member(), MemberName("m1"));
  EXPECT_EQ(request.votes(1).choice(), Vote::YES);
  EXPECT_EQ(request.votes(2).member(), MemberName("m4")) << "m3 is absent";
}

// ---- Meetings ----

TEST(GovernanceMeetingTest, StartInLocalTimeOrRfc3339) {
  allies::v1::CreateMeetingRequest local =
      BuildCreateMeetingRequest(kBoard,
                                Args({"--id", "q1", "--title", "Заседание за I квартал", "--start",
                                      "2031-03-10 18:30", "--place", "Читальный зал"}))
          .value();
  EXPECT_EQ(local.parent(), kBoard);
  EXPECT_EQ(local.meeting_id(), "q1");
  EXPECT_EQ(local.meeting().local_start_time(), "2031-03-10T18:30");
  EXPECT_FALSE(local.meeting().has_start_time());
  EXPECT_EQ(local.meeting().place(), "Читальный зал");

  allies::v1::CreateMeetingRequest zoned =
      BuildCreateMeetingRequest(kBoard,
                                Args({"--title", "x", "--start", "2031-03-10T18:30:00+03:00"}))
          .value();
  EXPECT_TRUE(zoned.meeting().local_start_time().empty());
  EXPECT_EQ(zoned.meeting().start_time().seconds(), 1930923000);  // 15:30 UTC.

  EXPECT_FALSE(BuildCreateMeetingRequest(kBoard, Args({"--title", "x"})).ok());
  absl::StatusOr<allies::v1::CreateMeetingRequest> bad =
      BuildCreateMeetingRequest(kBoard, Args({"--title", "x", "--start", "2031-02-30T18:30"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--start: expected the library's local time"),
            std::string::npos);

  // An update's mask says which time was given.
  allies::v1::UpdateMeetingRequest moved =
      BuildUpdateMeetingRequest(kMeeting, Args({"--start", "2031-03-11T10:00", "--title", "Иное"}))
          .value();
  EXPECT_EQ(Paths(moved.update_mask()), (std::vector<std::string>{"title", "local_start_time"}));
  EXPECT_EQ(moved.meeting().name(), kMeeting);
  moved = BuildUpdateMeetingRequest(kMeeting, Args({"--start", "2031-03-11T07:00:00Z"})).value();
  EXPECT_EQ(Paths(moved.update_mask()), std::vector<std::string>{"start_time"});
}

TEST(GovernanceMeetingTest, MinutesFromAFile) {
  const std::string minutes = "Протокол № 1.\nПрисутствовали: 5 из 5.\nРешили: одобрить.\n";
  TempFile file(minutes);
  allies::v1::UpdateMeetingRequest request =
      BuildUpdateMeetingRequest(kMeeting, Args({"--minutes-file", file.path()})).value();
  EXPECT_EQ(request.meeting().minutes(), minutes);
  EXPECT_EQ(Paths(request.update_mask()), std::vector<std::string>{"minutes"});
  EXPECT_EQ(BuildUpdateMeetingRequest(kMeeting, Args({"--minutes", "Протокол"}))
                .value()
                .meeting()
                .minutes(),
            "Протокол");
  EXPECT_FALSE(
      BuildUpdateMeetingRequest(kMeeting, Args({"--minutes", "x", "--minutes-file", file.path()}))
          .ok());
  absl::StatusOr<allies::v1::UpdateMeetingRequest> missing =
      BuildUpdateMeetingRequest(kMeeting, Args({"--minutes-file", "/nonexistent/protocol.txt"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--minutes-file: cannot read"), std::string::npos);
}

TEST(GovernanceMeetingTest, NoticesAttendanceAndMinutes) {
  allies::v1::RecordNoticesRequest notices =
      BuildRecordNoticesRequest(kMeeting,
                                Args({"--members", "m1,m2", "--time", "2031-03-01T12:00:00+03:00"}))
          .value();
  EXPECT_EQ(notices.name(), kMeeting);
  EXPECT_EQ(std::vector<std::string>(notices.members().begin(), notices.members().end()),
            (std::vector<std::string>{MemberName("m1"), MemberName("m2")}));
  EXPECT_EQ(notices.notice_time().seconds(), 1930122000);
  allies::v1::RecordNoticesRequest everyone = BuildRecordNoticesRequest(kMeeting, Args({})).value();
  EXPECT_TRUE(everyone.members().empty()) << "every member in office";
  EXPECT_FALSE(everyone.has_notice_time()) << "now";
  EXPECT_FALSE(BuildRecordNoticesRequest(kMeeting, Args({"--time", "2031-03-01 12:00"})).ok());

  allies::v1::HoldMeetingRequest hold =
      BuildHoldMeetingRequest(kMeeting, Args({"--present", "m1,m2", "--present", "m3"})).value();
  EXPECT_EQ(std::vector<std::string>(hold.present().begin(), hold.present().end()),
            (std::vector<std::string>{MemberName("m1"), MemberName("m2"), MemberName("m3")}));
  absl::StatusOr<allies::v1::HoldMeetingRequest> nobody =
      BuildHoldMeetingRequest(kMeeting, Args({}));
  ASSERT_FALSE(nobody.ok());
  EXPECT_NE(nobody.status().message().find("--present is required"), std::string::npos);

  allies::v1::RecordAttendanceRequest attend =
      BuildRecordAttendanceRequest(kMeeting, Args({"--absent", "m3", "--present", "m5"})).value();
  EXPECT_EQ(attend.present(0), MemberName("m5"));
  EXPECT_EQ(attend.absent(0), MemberName("m3"));
  EXPECT_FALSE(BuildRecordAttendanceRequest(kMeeting, Args({})).ok());
  EXPECT_FALSE(
      BuildRecordAttendanceRequest(kMeeting, Args({"--present", "m1", "--absent", "m1"})).ok());

  EXPECT_EQ(
      BuildApproveMinutesRequest(kMeeting, Args({"--approved-at", "q2"})).value().approved_at(),
      "libraries/obl/supervisoryBoards/nabl/meetings/q2");
  EXPECT_TRUE(BuildApproveMinutesRequest(kMeeting, Args({})).value().approved_at().empty());

  const std::string amendment = "libraries/obl/supervisoryBoards/nabl/meetings/q2/agendaItems/fix";
  allies::v1::AmendMinutesRequest amend =
      BuildAmendMinutesRequest(kMeeting,
                               Args({"--text", "Читать «4 из 5».", "--agenda-item", amendment}))
          .value();
  EXPECT_EQ(amend.text(), "Читать «4 из 5».");
  EXPECT_EQ(amend.agenda_item(), amendment);
  EXPECT_FALSE(BuildAmendMinutesRequest(kMeeting, Args({"--text", "x"})).ok());
  EXPECT_FALSE(BuildAmendMinutesRequest(kMeeting, Args({"--agenda-item", amendment})).ok());
}

// ---- Members, agenda items, decisions, action items ----

TEST(GovernanceRequestsTest, MembersAgendaDecisionsActions) {
  allies::v1::CreateMemberRequest member =
      BuildCreateMemberRequest(
          "obl/supervisoryBoards/nabl",
          Args({"--id", "m1", "--person", "libraries/obl/contacts/ivanova", "--seat-kind",
                " public", "--role", "deputy-chair", "--staff-position", "not-staff",
                "--term-start-date", "2031-01-01", "--term-end-date", "2035-12-31",
                "--appointment-act", "Приказ учредителя № 17-ё"}))
          .value();
  EXPECT_EQ(member.parent(), kBoard);
  EXPECT_EQ(member.member_id(), "m1");
  EXPECT_EQ(member.member().seat_kind(), "PUBLIC") << "identifiers in any case";
  EXPECT_EQ(member.member().role(), Member::DEPUTY_CHAIR);
  EXPECT_EQ(member.member().staff_position(), allies::v1::NOT_STAFF);
  EXPECT_EQ(FormatDate(member.member().term_end_date()), "2035-12-31");
  EXPECT_EQ(member.member().appointment_act(), "Приказ учредителя № 17-ё");
  EXPECT_FALSE(BuildCreateMemberRequest(kBoard, Args({"--person", "p", "--seat-kind", "PUBLIC"}))
                   .ok());  // No term start.
  allies::v1::UpdateMemberRequest ended =
      BuildUpdateMemberRequest(MemberName("m1"),
                               Args({"--end-date", "2032-05-01", "--end-reason", "resigned"}))
          .value();
  EXPECT_EQ(Paths(ended.update_mask()), (std::vector<std::string>{"end_date", "end_reason"}));
  EXPECT_EQ(ended.member().end_reason(), Member::RESIGNED);

  allies::v1::CreateAgendaItemRequest item =
      BuildCreateAgendaItemRequest(
          kMeeting, Args({"--title", "О сделке с «Книжным домом»", "--question-kind", "major_deal",
                          "--partner", "libraries/obl/partners/knigi,libraries/obl/partners/dom",
                          "--amends-meeting", "q0", "--position", "2"}))
          .value();
  EXPECT_EQ(item.parent(), kMeeting);
  EXPECT_EQ(item.agenda_item().question_kind(), "MAJOR_DEAL");
  EXPECT_EQ(item.agenda_item().partners_size(), 2);
  EXPECT_EQ(item.agenda_item().position(), 2);
  EXPECT_EQ(item.agenda_item().amends_meeting(),
            "libraries/obl/supervisoryBoards/nabl/meetings/q0");
  EXPECT_TRUE(BuildCreateAgendaItemRequest(kMeeting, Args({"--title", "x"}))
                  .value()
                  .agenda_item()
                  .amends_meeting()
                  .empty());
  allies::v1::UpdateAgendaItemRequest relink =
      BuildUpdateAgendaItemRequest(kItem, Args({"--partner", ""})).value();
  EXPECT_EQ(Paths(relink.update_mask()), std::vector<std::string>{"partners"});
  EXPECT_EQ(relink.agenda_item().partners_size(), 0) << "\"\" clears the links";

  allies::v1::CreateDecisionRequest decision =
      BuildCreateDecisionRequest(kBoard, Args({"--agenda-item", kItem, "--title", "Решение"}))
          .value();
  EXPECT_EQ(decision.parent(), kBoard);
  EXPECT_EQ(decision.decision().agenda_item(), kItem);
  EXPECT_FALSE(BuildCreateDecisionRequest(kBoard, Args({"--title", "Решение"})).ok());

  const std::string parent = absl::StrCat(kBoard, "/decisions/d1");
  allies::v1::CreateActionItemRequest action =
      BuildCreateActionItemRequest(parent, Args({"--title", "Подписать договор", "--owner-member",
                                                 "m1", "--due-date", "2031-04-01"}))
          .value();
  EXPECT_EQ(action.action_item().owner_member(), MemberName("m1"));
  EXPECT_EQ(FormatDate(action.action_item().due_date()), "2031-04-01");
  action = BuildCreateActionItemRequest(parent, Args({"--title", "x", "--owner", "Бухгалтерия"}))
               .value();
  EXPECT_TRUE(action.action_item().owner_member().empty());
  EXPECT_EQ(action.action_item().owner(), "Бухгалтерия");
  absl::StatusOr<allies::v1::CreateActionItemRequest> no_owner =
      BuildCreateActionItemRequest(parent, Args({"--title", "x"}));
  ASSERT_FALSE(no_owner.ok());
  EXPECT_NE(no_owner.status().message().find("--owner-member"), std::string::npos);
  allies::v1::UpdateActionItemRequest reassigned =
      BuildUpdateActionItemRequest(absl::StrCat(parent, "/actionItems/a1"),
                                   Args({"--owner-member", "m2"}))
          .value();
  EXPECT_EQ(reassigned.action_item().owner_member(), MemberName("m2"));
  EXPECT_EQ(Paths(reassigned.update_mask()), std::vector<std::string>{"owner_member"});
}

// ---- Rules ----

TEST(GovernanceRulesTest, Quorum) {
  auto [share, more_than] = ParseQuorumFlag("quorum", ">1/2").value();
  EXPECT_EQ(share.numerator(), 1);
  EXPECT_EQ(share.denominator(), 2);
  EXPECT_TRUE(more_than);
  std::tie(share, more_than) = ParseQuorumFlag("quorum", " 2/3 ").value();
  EXPECT_EQ(share.numerator(), 2);
  EXPECT_FALSE(more_than);
  EXPECT_FALSE(ParseQuorumFlag("quorum", ">=1/2").value().second);
  for (const char* bad : {"половина", "1/0", "3/2", "0/2", "1/101", "50%", ""}) {
    EXPECT_FALSE(ParseQuorumFlag("quorum", bad).ok()) << bad;
  }
  GovernanceRules rules;
  EXPECT_EQ(FormatQuorum(rules), "");
  *rules.mutable_quorum_share() = share;
  EXPECT_EQ(FormatQuorum(rules), "2/3");
  rules.set_quorum_more_than(true);
  rules.set_quorum_requires_all_notified(true);
  EXPECT_EQ(FormatQuorum(rules), ">2/3 + all notified");
}

TEST(GovernanceRulesTest, CreateWithPresetNumbersAndQuorum) {
  allies::v1::CreateSupervisoryBoardRequest request =
      BuildCreateSupervisoryBoardRequest(
          "obl",
          Args({"--id", "nabl", "--display-name", "Наблюдательный совет ЦБС «Ёлочка»", "--kind",
                "trustee", "--seat-count", "9", "--preset", "supervisory-174fz", "--min-size", "7",
                "--max-size", "15", "--quorum", ">1/2", "--quorum-all-notified"}))
          .value();
  EXPECT_EQ(request.parent(), "libraries/obl");
  EXPECT_EQ(request.supervisory_board_id(), "nabl");
  const SupervisoryBoard& board = request.supervisory_board();
  EXPECT_EQ(board.display_name(), "Наблюдательный совет ЦБС «Ёлочка»");
  EXPECT_EQ(board.kind(), SupervisoryBoard::TRUSTEE);
  EXPECT_EQ(board.seat_count(), 9);
  EXPECT_EQ(board.rules().preset(), GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(board.rules().min_size(), 7);
  EXPECT_EQ(board.rules().max_size(), 15);
  EXPECT_EQ(board.rules().max_term_months(), 0) << "left to the preset";
  EXPECT_EQ(FormatQuorum(board.rules()), ">1/2 + all notified");

  // Without rules flags the rules are left to the server (the body's own preset).
  allies::v1::CreateReaderCouncilRequest council =
      BuildCreateReaderCouncilRequest(
          "obl", Args({"--display-name", "Читательский совет", "--seat-count", "3"}))
          .value();
  EXPECT_FALSE(council.reader_council().has_rules());
  EXPECT_FALSE(BuildCreateReaderCouncilRequest("obl", Args({"--display-name", "x"})).ok());

  // The quorum's fields go together when there are no current rules to keep.
  for (const std::vector<std::string>& alone :
       {std::vector<std::string>{"--quorum", "2/3"},
        std::vector<std::string>{"--quorum-all-notified=false"}}) {
    std::vector<std::string> words = {"--display-name", "x", "--seat-count", "5"};
    words.insert(words.end(), alone.begin(), alone.end());
    absl::StatusOr<allies::v1::CreateSupervisoryBoardRequest> refused =
        BuildCreateSupervisoryBoardRequest("obl", Args(words));
    ASSERT_FALSE(refused.ok()) << alone[0];
    EXPECT_NE(refused.status().message().find("give --quorum and --quorum-all-notified"),
              std::string::npos);
  }
  absl::StatusOr<allies::v1::CreateSupervisoryBoardRequest> zero =
      BuildCreateSupervisoryBoardRequest(
          "obl", Args({"--display-name", "x", "--seat-count", "5", "--max-term-months", "0"}));
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("--max-term-months: must be 1 or more"),
            std::string::npos);
  EXPECT_FALSE(BuildCreateSupervisoryBoardRequest(
                   "obl", Args({"--display-name", "x", "--seat-count", "5", "--preset", "x"}))
                   .ok());
}

TEST(GovernanceRulesTest, RulesFileAsRulesOrAsABody) {
  TempFile rules(R"({"preset": "TRUSTEE", "minSize": 6,
    "seatKinds": [{"seatKind": "PUBLIC"}, {"seatKind": "SPONSOR", "maxShare": {"numerator": 1, "denominator": 4}}],
    "quorumShare": {"numerator": 2, "denominator": 3}})");
  allies::v1::CreateSupervisoryBoardRequest request =
      BuildCreateSupervisoryBoardRequest(
          "obl", Args({"--display-name", "x", "--seat-count", "7", "--rules-file", rules.path(),
                       "--max-size", "9", "--quorum-all-notified"}))
          .value();
  const GovernanceRules& got = request.supervisory_board().rules();
  EXPECT_EQ(got.preset(), GovernanceRules::TRUSTEE);
  EXPECT_EQ(got.min_size(), 6);
  EXPECT_EQ(got.max_size(), 9) << "a flag replaces the file's number";
  ASSERT_EQ(got.seat_kinds_size(), 2);
  EXPECT_EQ(got.seat_kinds(1).max_share().denominator(), 4);
  EXPECT_EQ(FormatQuorum(got), "2/3 + all notified") << "the file has the quorum";

  // What `boards get -o json` prints: the body's rules are taken.
  TempFile body(R"({"name": "libraries/obl/supervisoryBoards/nabl", "displayName": "Совет",
    "memberCount": 5, "rules": {"preset": "SUPERVISORY_174FZ", "minSize": 7, "maxSize": 15}})");
  allies::v1::UpdateSupervisoryBoardRequest update =
      BuildUpdateSupervisoryBoardRequest(kBoard, Args({"--rules-file", body.path()})).value();
  EXPECT_EQ(update.supervisory_board().rules().max_size(), 15);
  EXPECT_EQ(Paths(update.update_mask()), std::vector<std::string>{"rules"});
  EXPECT_EQ(update.supervisory_board().name(), kBoard);

  TempFile broken(R"({"minSize": "many"})");
  absl::StatusOr<allies::v1::CreateSupervisoryBoardRequest> refused =
      BuildCreateSupervisoryBoardRequest(
          "obl", Args({"--display-name", "x", "--seat-count", "7", "--rules-file", broken.path()}));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--rules-file: expected the rules as JSON"),
            std::string::npos)
      << refused.status().message();
  EXPECT_FALSE(
      BuildCreateSupervisoryBoardRequest("obl", Args({"--display-name", "x", "--seat-count", "7",
                                                      "--rules-file", "/nonexistent/rules.json"}))
          .ok());
}

TEST(GovernanceRulesTest, UpdateChangesTheCurrentRules) {
  // Number flags change the current rules (read first by the command).
  EXPECT_TRUE(RulesFlagsNeedCurrentRules(Args({"--min-size", "7"})));
  EXPECT_TRUE(RulesFlagsNeedCurrentRules(Args({"--quorum", "2/3"})));
  EXPECT_FALSE(RulesFlagsNeedCurrentRules(Args({"--min-size", "7", "--preset", "trustee"})));
  EXPECT_FALSE(RulesFlagsNeedCurrentRules(Args({"--seat-count", "7"})));
  EXPECT_FALSE(HasRulesFlags(Args({"--seat-count", "7"})));

  GovernanceRules current;
  current.set_preset(GovernanceRules::SUPERVISORY_174FZ);
  current.set_min_size(5);
  current.set_max_size(11);
  current.set_max_term_months(60);
  current.add_seat_kinds()->set_seat_kind("STATE");
  current.mutable_quorum_share()->set_numerator(1);
  current.mutable_quorum_share()->set_denominator(2);
  current.set_quorum_more_than(true);
  current.set_quorum_requires_all_notified(true);
  allies::v1::UpdateSupervisoryBoardRequest request =
      BuildUpdateSupervisoryBoardRequest(
          kBoard, Args({"--seat-count", "8", "--max-size", "15", "--quorum", "2/3"}), &current)
          .value();
  EXPECT_EQ(Paths(request.update_mask()), (std::vector<std::string>{"seat_count", "rules"}));
  const GovernanceRules& rules = request.supervisory_board().rules();
  EXPECT_EQ(rules.min_size(), 5) << "kept";
  EXPECT_EQ(rules.max_size(), 15);
  EXPECT_EQ(rules.seat_kinds_size(), 1) << "kept";
  EXPECT_EQ(FormatQuorum(rules), "2/3 + all notified") << "all notified kept";
  EXPECT_EQ(request.supervisory_board().seat_count(), 8);

  // Only the rules: the mask is "rules" alone, the etag of --etag kept.
  allies::v1::UpdateReaderCouncilRequest council =
      BuildUpdateReaderCouncilRequest("libraries/obl/readerCouncils/c",
                                      Args({"--quorum-all-notified=false", "--etag", "e7"}),
                                      &current)
          .value();
  EXPECT_EQ(Paths(council.update_mask()), std::vector<std::string>{"rules"});
  EXPECT_EQ(council.reader_council().name(), "libraries/obl/readerCouncils/c");
  EXPECT_EQ(council.reader_council().etag(), "e7");
  EXPECT_EQ(FormatQuorum(council.reader_council().rules()), ">1/2");

  // --preset starts over from the preset.
  request =
      BuildUpdateSupervisoryBoardRequest(kBoard, Args({"--preset", "trustee"}), &current).value();
  EXPECT_EQ(request.supervisory_board().rules().preset(), GovernanceRules::TRUSTEE);
  EXPECT_EQ(request.supervisory_board().rules().min_size(), 0) << "from the preset";

  absl::StatusOr<allies::v1::UpdateSupervisoryBoardRequest> nothing =
      BuildUpdateSupervisoryBoardRequest(kBoard, Args({}));
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.status().message().find("--kind"), std::string::npos);
  EXPECT_NE(nothing.status().message().find("--quorum"), std::string::npos);
}

// ---- Tables ----

TEST(GovernanceTablesTest, Columns) {
  google::protobuf::RepeatedPtrField<SupervisoryBoard> boards;
  SupervisoryBoard* board = boards.Add();
  board->set_name(kBoard);
  board->set_display_name("Наблюдательный совет");
  board->set_kind(SupervisoryBoard::SUPERVISORY);
  board->set_seat_count(7);
  board->set_member_count(5);
  board->set_vacancies(2);
  board->set_meetings_held_this_year(1);
  board->set_meetings_required_to_date(3);
  board->set_behind_schedule(true);
  EXPECT_EQ(Csv(SupervisoryBoardsTable(boards)),
            "NAME,DISPLAY NAME,KIND,SEATS,MEMBERS,VACANCIES,HELD,REQUIRED,BEHIND\n"
            "libraries/obl/supervisoryBoards/nabl,Наблюдательный совет,SUPERVISORY,7,5,2,1,3,"
            "yes\n");
  google::protobuf::RepeatedPtrField<allies::v1::ReaderCouncil> councils;
  councils.Add()->set_name("libraries/obl/readerCouncils/c");
  EXPECT_EQ(ReaderCouncilsTable(councils).headers,
            (std::vector<std::string>{"NAME", "DISPLAY NAME", "SEATS", "MEMBERS", "VACANCIES",
                                      "HELD", "REQUIRED", "BEHIND"}));

  google::protobuf::RepeatedPtrField<Member> members;
  Member* member = members.Add();
  member->set_name(MemberName("m1"));
  member->set_display_name("Попечителёва Наталья");
  member->set_seat_kind("PUBLIC");
  member->set_role(Member::CHAIR);
  member->mutable_term_start_date()->set_year(2031);
  member->mutable_term_start_date()->set_month(1);
  member->mutable_term_start_date()->set_day(1);
  member->set_in_office(true);
  EXPECT_EQ(Csv(MembersTable(members)),
            "NAME,DISPLAY NAME,SEAT KIND,ROLE,TERM START,TERM END,IN OFFICE\n" + MemberName("m1") +
                ",Попечителёва Наталья,PUBLIC,CHAIR,2031-01-01,,yes\n");

  google::protobuf::RepeatedPtrField<Meeting> meetings;
  Meeting* meeting = meetings.Add();
  meeting->set_name(kMeeting);
  meeting->set_title("Заседание");
  meeting->set_local_start_time("2031-03-10T18:30");
  meeting->set_state(Meeting::HELD);
  meeting->set_members_in_office(5);
  meeting->set_present_count(4);
  meeting->set_notified_count(5);
  meeting->set_quorum(true);
  EXPECT_EQ(Csv(MeetingsTable(meetings)),
            absl::StrCat("NAME,TITLE,START,STATE,PRESENT,NOTIFIED,QUORUM\n", kMeeting,
                         ",Заседание,2031-03-10T18:30,HELD,4/5,5/5,yes\n"));

  google::protobuf::RepeatedPtrField<AgendaItem> items;
  AgendaItem* item = items.Add();
  item->set_name(kItem);
  item->set_position(1);
  item->set_title("О сделке");
  item->set_question_kind("PROCEDURAL");
  item->set_outcome(AgendaItem::ADOPTED);
  item->set_yes_count(2);
  item->set_no_count(2);
  item->set_base(4);
  item->set_required_yes(3);
  item->set_casting_vote(true);
  AgendaItem* pending = items.Add();
  pending->set_name(absl::StrCat(kMeeting, "/agendaItems/next"));
  pending->set_position(2);
  pending->set_title("Разное");
  pending->set_question_kind("GENERAL");
  pending->set_outcome(AgendaItem::PENDING);
  EXPECT_EQ(Csv(AgendaItemsTable(items)),
            absl::StrCat("NAME,#,TITLE,KIND,OUTCOME,YES,NO,ABSTAIN,RECUSED,NEEDED\n", kItem,
                         ",1,О сделке,PROCEDURAL,ADOPTED,2,2,0,0,\"3 of 4, chair's casting "
                         "vote\"\n",
                         kMeeting, "/agendaItems/next,2,Разное,GENERAL,PENDING,0,0,0,0,\n"));

  google::protobuf::RepeatedPtrField<allies::v1::Decision> decisions;
  allies::v1::Decision* decision = decisions.Add();
  decision->set_name(absl::StrCat(kBoard, "/decisions/d1"));
  decision->set_title("Об одобрении сделки");
  decision->mutable_decision_date()->set_year(2031);
  decision->mutable_decision_date()->set_month(3);
  decision->mutable_decision_date()->set_day(10);
  decision->set_open_action_items(2);
  decision->set_overdue_action_items(1);
  EXPECT_EQ(Csv(DecisionsTable(decisions)),
            absl::StrCat("NAME,DATE,TITLE,MINUTES APPROVED,OPEN,OVERDUE\n", kBoard,
                         "/decisions/d1,2031-03-10,Об одобрении сделки,no,2,1\n"));

  google::protobuf::RepeatedPtrField<ActionItem> actions;
  ActionItem* action = actions.Add();
  action->set_name(absl::StrCat(kBoard, "/decisions/d1/actionItems/a1"));
  action->set_title("Подписать договор");
  action->set_owner_member(MemberName("m1"));
  action->mutable_due_date()->set_year(2031);
  action->mutable_due_date()->set_month(4);
  action->mutable_due_date()->set_day(1);
  action->set_state(ActionItem::OPEN);
  action->set_overdue(true);
  ActionItem* other = actions.Add();
  other->set_name(absl::StrCat(kBoard, "/decisions/d1/actionItems/a2"));
  other->set_title("Отчитаться");
  other->set_owner("Бухгалтерия");
  other->set_state(ActionItem::DONE);
  other->mutable_delete_time()->set_seconds(1);
  EXPECT_EQ(Csv(ActionItemsTable(actions)),
            absl::StrCat("NAME,TITLE,OWNER,DUE,STATE,OVERDUE,DELETED\n", kBoard,
                         "/decisions/d1/actionItems/a1,Подписать договор,", MemberName("m1"),
                         ",2031-04-01,OPEN,yes,\n", kBoard,
                         "/decisions/d1/actionItems/a2,Отчитаться,Бухгалтерия,,DONE,no,"
                         "1970-01-01T00:00:01Z\n"));
}

}  // namespace
}  // namespace allies::ctl
