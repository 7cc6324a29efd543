// The authorization matrix: every role x every RPC x {own library, descendant, ancestor,
// sibling}, through real gRPC channels with real keys. An RPC without a policy, or without a
// row here, fails the test.
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "allies/v1/activity.grpc.pb.h"
#include "allies/v1/agreement.grpc.pb.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "allies/v1/change_stream.grpc.pb.h"
#include "allies/v1/consent.grpc.pb.h"
#include "allies/v1/contact.grpc.pb.h"
#include "allies/v1/library.grpc.pb.h"
#include "allies/v1/partner.grpc.pb.h"
#include "allies/v1/project.grpc.pb.h"
#include "allies/v1/reader_council.grpc.pb.h"
#include "allies/v1/reminder.grpc.pb.h"
#include "allies/v1/report.grpc.pb.h"
#include "allies/v1/supervisory_board.grpc.pb.h"
#include "allies/v1/volunteer.grpc.pb.h"
#include "api/policy.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/all_services.h"
#include "tests/support/fixtures.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::TestDatabase;
using allies::testing::TestServer;

class AuthorizationTest : public ::testing::Test {
 protected:
  // The network:  r -> a -> a1,  r -> b.  Keys are scoped to a.
  static void SetUpTestSuite() {
    server_ = new TestServer(TestDatabase::Shared().FreshSchema());
    admin_ = std::make_unique<Stubs>(server_->channel());
    for (auto [id, parent] : std::vector<std::pair<std::string, std::string>>{
             {"r", ""}, {"a", "r"}, {"a1", "a"}, {"b", "r"}}) {
      CreateLibrary(*admin_, id, parent);
    }
  }
  static void TearDownTestSuite() {
    admin_.reset();
    delete server_;
  }

  struct Stubs {
    explicit Stubs(std::shared_ptr<grpc::Channel> channel)
        : libraries(v1::LibraryService::NewStub(channel)),
          activities(v1::ActivityLogService::NewStub(channel)),
          changes(v1::ChangeStreamService::NewStub(channel)),
          keys(v1::ApiKeyService::NewStub(channel)),
          partners(v1::PartnerService::NewStub(channel)),
          agreements(v1::AgreementService::NewStub(channel)),
          contacts(v1::ContactService::NewStub(channel)),
          volunteers(v1::VolunteerService::NewStub(channel)),
          consents(v1::ConsentService::NewStub(channel)),
          projects(v1::ProjectService::NewStub(channel)),
          councils(v1::ReaderCouncilService::NewStub(channel)),
          boards(v1::SupervisoryBoardService::NewStub(channel)),
          reminders(v1::ReminderService::NewStub(channel)),
          reports(v1::ReportService::NewStub(channel)) {}
    std::unique_ptr<v1::LibraryService::Stub> libraries;
    std::unique_ptr<v1::ActivityLogService::Stub> activities;
    std::unique_ptr<v1::ChangeStreamService::Stub> changes;
    std::unique_ptr<v1::ApiKeyService::Stub> keys;
    std::unique_ptr<v1::PartnerService::Stub> partners;
    std::unique_ptr<v1::AgreementService::Stub> agreements;
    std::unique_ptr<v1::ContactService::Stub> contacts;
    std::unique_ptr<v1::VolunteerService::Stub> volunteers;
    std::unique_ptr<v1::ConsentService::Stub> consents;
    std::unique_ptr<v1::ProjectService::Stub> projects;
    std::unique_ptr<v1::ReaderCouncilService::Stub> councils;
    std::unique_ptr<v1::SupervisoryBoardService::Stub> boards;
    std::unique_ptr<v1::ReminderService::Stub> reminders;
    std::unique_ptr<v1::ReportService::Stub> reports;
  };

  static grpc::Status CreateLibrary(Stubs& stubs, const std::string& id,
                                    const std::string& parent) {
    return allies::testing::CreateLibrary(*stubs.libraries, id,
                                          parent.empty() ? "" : "libraries/" + parent);
  }

  // A fresh library under `parent`, made by the admin, for calls that change it.
  static std::string FreshChild(const std::string& parent) {
    const std::string id = absl::StrCat("x", ++counter_);
    EXPECT_TRUE(CreateLibrary(*admin_, id, parent).ok());
    return id;
  }
  static std::string FreshActivity(const std::string& library) {
    v1::CreateActivityRequest request;
    request.set_parent("libraries/" + library);
    request.mutable_activity()->set_kind(v1::Activity::CALL);
    request.mutable_activity()->set_subject("Звонок");
    v1::Activity out;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_->activities->CreateActivity(&context, request, &out).ok());
    return out.name();
  }
  static std::string FreshPartner(const std::string& library, bool deleted = false) {
    v1::CreatePartnerRequest request;
    request.set_parent("libraries/" + library);
    request.mutable_partner()->set_display_name("Партнёр");
    request.mutable_partner()->set_kind(v1::Partner::NONPROFIT);
    v1::Partner out;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_->partners->CreatePartner(&context, request, &out).ok());
    if (deleted) {
      EXPECT_TRUE(
          CallByName(*admin_->partners, &v1::PartnerService::Stub::DeletePartner, out.name(), &out)
              .ok());
    }
    return out.name();
  }
  // An agreement of a fresh partner, in the given state (DRAFT, ACTIVE, SUSPENDED or deleted).
  static std::string FreshAgreement(const std::string& library, v1::Agreement::State state,
                                    bool deleted = false) {
    v1::CreateAgreementRequest request;
    request.set_parent("libraries/" + library);
    auto* a = request.mutable_agreement();
    a->set_partner(FreshPartner(library));
    a->set_number(absl::StrCat("A-", ++counter_));
    a->set_title("Соглашение");
    a->set_kind(v1::Agreement::COOPERATION);
    a->mutable_end_date()->set_year(2099);
    a->mutable_end_date()->set_month(12);
    a->mutable_end_date()->set_day(31);
    v1::Agreement out;
    {
      grpc::ClientContext context;
      EXPECT_TRUE(admin_->agreements->CreateAgreement(&context, request, &out).ok());
    }
    if (state != v1::Agreement::DRAFT) {
      EXPECT_TRUE(CallByName(*admin_->agreements, &v1::AgreementService::Stub::ActivateAgreement,
                             out.name(), &out)
                      .ok());
    }
    if (state == v1::Agreement::SUSPENDED) {
      EXPECT_TRUE(CallByName(*admin_->agreements, &v1::AgreementService::Stub::SuspendAgreement,
                             out.name(), &out)
                      .ok());
    }
    if (deleted) {
      EXPECT_TRUE(CallByName(*admin_->agreements, &v1::AgreementService::Stub::DeleteAgreement,
                             out.name(), &out)
                      .ok());
    }
    return out.name();
  }
  static std::string FreshContact(const std::string& library, bool deleted = false) {
    v1::CreateContactRequest request;
    request.set_parent("libraries/" + library);
    request.mutable_contact()->set_family_name("Контактова");
    request.mutable_contact()->set_given_name("Вера");
    v1::Contact out;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_->contacts->CreateContact(&context, request, &out).ok());
    if (deleted) {
      EXPECT_TRUE(
          CallByName(*admin_->contacts, &v1::ContactService::Stub::DeleteContact, out.name(), &out)
              .ok());
    }
    return out.name();
  }
  // A consent covering volunteer work (no subject unless given).
  static v1::Consent WorkConsent(const std::string& subject = "") {
    v1::Consent c;
    c.set_subject(subject);
    c.set_subject_name("Волонтёрова Ольга");
    c.add_purposes(v1::Consent::VOLUNTEER_WORK);
    c.add_data_categories("ФИО");
    c.set_method(v1::Consent::ELECTRONIC);
    return c;
  }
  // A volunteer (an adult, with its consent) in the given state; deleted when asked.
  static std::string FreshVolunteer(const std::string& library,
                                    v1::Volunteer::State state = v1::Volunteer::APPLICANT,
                                    bool deleted = false) {
    v1::CreateVolunteerRequest request;
    request.set_parent("libraries/" + library);
    request.mutable_volunteer()->set_family_name("Волонтёрова");
    request.mutable_volunteer()->set_given_name("Ольга");
    request.mutable_volunteer()->mutable_birth_date()->set_year(1990);
    request.mutable_volunteer()->mutable_birth_date()->set_month(5);
    request.mutable_volunteer()->mutable_birth_date()->set_day(17);
    *request.mutable_consent() = WorkConsent();
    v1::Volunteer out;
    {
      grpc::ClientContext context;
      grpc::Status created = admin_->volunteers->CreateVolunteer(&context, request, &out);
      EXPECT_TRUE(created.ok()) << created.error_message();
    }
    if (state == v1::Volunteer::ACTIVE || state == v1::Volunteer::PAUSED) {
      EXPECT_TRUE(CallByName(*admin_->volunteers, &v1::VolunteerService::Stub::ActivateVolunteer,
                             out.name(), &out)
                      .ok());
    }
    if (state == v1::Volunteer::PAUSED) {
      EXPECT_TRUE(CallByName(*admin_->volunteers, &v1::VolunteerService::Stub::PauseVolunteer,
                             out.name(), &out)
                      .ok());
    }
    if (deleted) {
      EXPECT_TRUE(CallByName(*admin_->volunteers, &v1::VolunteerService::Stub::DeleteVolunteer,
                             out.name(), &out)
                      .ok());
    }
    return out.name();
  }
  // An agreement under a fresh adult volunteer, DRAFT or ACTIVE; deleted when asked.
  static std::string FreshVolunteerAgreement(const std::string& library, bool active = false,
                                             bool deleted = false) {
    v1::CreateVolunteerAgreementRequest request;
    request.set_parent(FreshVolunteer(library, v1::Volunteer::ACTIVE));
    auto* a = request.mutable_agreement();
    a->set_tasks("Помощь в проведении мероприятий");
    a->set_signer(v1::VolunteerAgreement::VOLUNTEER);
    a->mutable_end_date()->set_year(2099);
    a->mutable_end_date()->set_month(12);
    a->mutable_end_date()->set_day(31);
    v1::VolunteerAgreement out;
    {
      grpc::ClientContext context;
      grpc::Status created = admin_->volunteers->CreateVolunteerAgreement(&context, request, &out);
      EXPECT_TRUE(created.ok()) << created.error_message();
    }
    if (active) {
      EXPECT_TRUE(CallByName(*admin_->volunteers,
                             &v1::VolunteerService::Stub::ActivateVolunteerAgreement, out.name(),
                             &out)
                      .ok());
    }
    if (deleted) {
      EXPECT_TRUE(CallByName(*admin_->volunteers,
                             &v1::VolunteerService::Stub::DeleteVolunteerAgreement, out.name(),
                             &out)
                      .ok());
    }
    return out.name();
  }
  static v1::Qualification Training() {
    v1::Qualification q;
    q.set_kind(v1::Qualification::TRAINING);
    q.set_title("Курс первой помощи");
    q.mutable_issued_date()->set_year(2025);
    q.mutable_issued_date()->set_month(3);
    q.mutable_issued_date()->set_day(1);
    return q;
  }
  static std::string FreshQualification(const std::string& library, bool deleted = false) {
    v1::CreateQualificationRequest request;
    request.set_parent(FreshVolunteer(library));
    *request.mutable_qualification() = Training();
    v1::Qualification out;
    {
      grpc::ClientContext context;
      EXPECT_TRUE(admin_->volunteers->CreateQualification(&context, request, &out).ok());
    }
    if (deleted) {
      EXPECT_TRUE(CallByName(*admin_->volunteers, &v1::VolunteerService::Stub::DeleteQualification,
                             out.name(), &out)
                      .ok());
    }
    return out.name();
  }
  static std::string FreshConsent(const std::string& library) {
    v1::CreateConsentRequest request;
    request.set_parent("libraries/" + library);
    *request.mutable_consent() = WorkConsent();
    v1::Consent out;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_->consents->CreateConsent(&context, request, &out).ok());
    return out.name();
  }
  // A project in the given state (PLANNED or ACTIVE); deleted when asked.
  static std::string FreshProject(const std::string& library,
                                  v1::Project::State state = v1::Project::ACTIVE,
                                  bool deleted = false) {
    v1::CreateProjectRequest request;
    request.set_parent("libraries/" + library);
    request.mutable_project()->set_title("Громкие чтения");
    v1::Project out;
    {
      grpc::ClientContext context;
      grpc::Status created = admin_->projects->CreateProject(&context, request, &out);
      EXPECT_TRUE(created.ok()) << created.error_message();
    }
    if (state == v1::Project::ACTIVE) {
      EXPECT_TRUE(CallByName(*admin_->projects, &v1::ProjectService::Stub::ActivateProject,
                             out.name(), &out)
                      .ok());
    }
    if (deleted) {
      EXPECT_TRUE(
          CallByName(*admin_->projects, &v1::ProjectService::Stub::DeleteProject, out.name(), &out)
              .ok());
    }
    return out.name();
  }
  // A weekly schedule of a fresh ACTIVE project (its shifts made a week ahead).
  static std::string FreshSchedule(const std::string& library) {
    v1::CreateScheduleRequest request;
    request.set_parent(FreshProject(library));
    *request.mutable_schedule() = ScheduleOf("FREQ=WEEKLY;BYDAY=MO,SA");
    v1::Schedule out;
    grpc::ClientContext context;
    grpc::Status created = admin_->projects->CreateSchedule(&context, request, &out);
    EXPECT_TRUE(created.ok()) << created.error_message();
    return out.name();
  }
  static v1::Schedule ScheduleOf(const std::string& rule) {
    v1::Schedule schedule;
    schedule.set_rule(rule);
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    schedule.mutable_start_date()->set_year(static_cast<int>(today.year()));
    schedule.mutable_start_date()->set_month(today.month());
    schedule.mutable_start_date()->set_day(today.day());
    schedule.set_start_time("10:00");
    schedule.set_duration_minutes(90);
    schedule.set_capacity(5);
    schedule.set_horizon_days(7);
    return schedule;
  }
  // When a shift is: in two days, or started a minute ago (and ending in two hours).
  enum class When { kFuture, kStarted };
  static v1::Shift ShiftAt(When when, int capacity = 10) {
    const absl::Time start =
        when == When::kFuture ? absl::Now() + absl::Hours(48) : absl::Now() - absl::Minutes(1);
    v1::Shift shift;
    shift.mutable_start_time()->set_seconds(absl::ToUnixSeconds(start));
    shift.mutable_end_time()->set_seconds(absl::ToUnixSeconds(
        when == When::kFuture ? start + absl::Hours(3) : absl::Now() + absl::Hours(2)));
    shift.set_capacity(capacity);
    shift.set_place("Читальный зал");
    return shift;
  }
  // A shift of a fresh ACTIVE project; deleted when asked.
  static std::string FreshShift(const std::string& library, When when = When::kFuture,
                                bool deleted = false) {
    v1::CreateShiftRequest request;
    request.set_parent(FreshProject(library));
    *request.mutable_shift() = ShiftAt(when);
    v1::Shift out;
    {
      grpc::ClientContext context;
      grpc::Status created = admin_->projects->CreateShift(&context, request, &out);
      EXPECT_TRUE(created.ok()) << created.error_message();
    }
    if (deleted) {
      EXPECT_TRUE(
          CallByName(*admin_->projects, &v1::ProjectService::Stub::DeleteShift, out.name(), &out)
              .ok());
    }
    return out.name();
  }
  // A sign-up of a fresh ACTIVE volunteer (with its consent to volunteer work) for a fresh
  // shift: CONFIRMED, or REQUESTED (request_only).
  static std::string FreshSignup(const std::string& library, v1::Signup::State state,
                                 When when = When::kFuture) {
    v1::CreateSignupRequest request;
    request.set_parent(FreshShift(library, when));
    request.mutable_signup()->set_volunteer(FreshVolunteer(library, v1::Volunteer::ACTIVE));
    request.set_request_only(state == v1::Signup::REQUESTED);
    v1::Signup out;
    {
      grpc::ClientContext context;
      grpc::Status created = admin_->projects->CreateSignup(&context, request, &out);
      EXPECT_TRUE(created.ok()) << created.error_message();
    }
    EXPECT_EQ(out.state(), state) << out.DebugString();
    return out.name();
  }
  static google::type::Date DaysFromToday(int days) {
    const absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days;
    google::type::Date date;
    date.set_year(static_cast<int>(day.year()));
    date.set_month(day.month());
    date.set_day(day.day());
    return date;
  }
  // Hours worked yesterday for a project (90 minutes).
  static v1::HoursEntry HoursFor(const std::string& project) {
    v1::HoursEntry hours;
    hours.set_project(project);
    *hours.mutable_work_date() = DaysFromToday(-1);
    hours.set_minutes(90);
    hours.set_description("Расставляла книги в читальном зале");
    return hours;
  }
  // A SUBMITTED hours entry of a fresh volunteer for a fresh ACTIVE project; deleted when asked.
  static std::string FreshHours(const std::string& library, bool deleted = false) {
    v1::CreateHoursRequest request;
    request.set_parent(FreshVolunteer(library));
    *request.mutable_hours() = HoursFor(FreshProject(library));
    v1::HoursEntry out;
    {
      grpc::ClientContext context;
      grpc::Status created = admin_->projects->CreateHours(&context, request, &out);
      EXPECT_TRUE(created.ok()) << created.error_message();
    }
    EXPECT_EQ(out.state(), v1::HoursEntry::SUBMITTED) << out.DebugString();
    if (deleted) {
      EXPECT_TRUE(
          CallByName(*admin_->projects, &v1::ProjectService::Stub::DeleteHours, out.name(), &out)
              .ok());
    }
    return out.name();
  }
  static std::string FreshKey(const std::string& library, v1::ApiKey::Role role,
                              std::string* token = nullptr) {
    v1::CreateApiKeyRequest request;
    request.mutable_api_key()->set_display_name("ключ");
    request.mutable_api_key()->set_role(role);
    request.mutable_api_key()->set_library(library.empty() ? "" : "libraries/" + library);
    v1::CreateApiKeyResponse out;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_->keys->CreateApiKey(&context, request, &out).ok());
    if (token) *token = out.key();
    return out.api_key().name();
  }

  static int ThisYear() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()).year(); }

  // A DRAFT yearly report of a new child of `library`, built by the administrator.
  static std::string FreshReport(const std::string& library) {
    v1::BuildReportRequest r;
    r.set_name(absl::StrCat("libraries/", FreshChild(library), "/reports/", ThisYear()));
    v1::BuildReportResponse out;
    grpc::ClientContext c;
    grpc::Status status = admin_->reports->BuildReport(&c, r, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return r.name();
  }

  using Call = std::function<grpc::Status(Stubs&, const std::string& target)>;

  // One representative, well-formed request per RPC, aimed at the target library.
  static const std::map<std::string, Call>& Calls() {
    static auto* calls = new std::map<std::string, Call>{
        {"allies.v1.LibraryService/GetLibrary",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.libraries, &v1::LibraryService::Stub::GetLibrary, "libraries/" + t);
         }},
        {"allies.v1.LibraryService/ListLibraries",
         [](Stubs& s, const std::string& t) {
           v1::ListLibrariesRequest r;
           r.set_parent("libraries/" + t);
           v1::ListLibrariesResponse out;
           grpc::ClientContext c;
           return s.libraries->ListLibraries(&c, r, &out);
         }},
        {"allies.v1.LibraryService/CreateLibrary",
         [](Stubs& s, const std::string& t) {
           return CreateLibrary(s, absl::StrCat("n", ++counter_), t);
         }},
        {"allies.v1.LibraryService/UpdateLibrary",
         [](Stubs& s, const std::string& t) {
           v1::UpdateLibraryRequest r;
           r.mutable_library()->set_name("libraries/" + FreshChild(t));
           r.mutable_library()->set_region("Вологодская область");
           r.mutable_update_mask()->add_paths("region");
           v1::Library out;
           grpc::ClientContext c;
           return s.libraries->UpdateLibrary(&c, r, &out);
         }},
        {"allies.v1.LibraryService/DeleteLibrary",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.libraries, &v1::LibraryService::Stub::DeleteLibrary, "libraries/" + FreshChild(t));
         }},
        {"allies.v1.LibraryService/UndeleteLibrary",
         [](Stubs& s, const std::string& t) {
           const std::string name = "libraries/" + FreshChild(t);
           EXPECT_TRUE(
               CallByName(*admin_->libraries, &v1::LibraryService::Stub::DeleteLibrary, name).ok());
           return CallByName(*s.libraries, &v1::LibraryService::Stub::UndeleteLibrary, name);
         }},
        {"allies.v1.ActivityLogService/GetActivity",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.activities, &v1::ActivityLogService::Stub::GetActivity, FreshActivity(t));
         }},
        {"allies.v1.ChangeStreamService/WatchChanges",
         [](Stubs& s, const std::string& t) {
           // Allowed: the stream opens (its first response comes at once); then it is closed.
           v1::WatchChangesRequest r;
           r.set_parent("libraries/" + t);
           r.set_start_at_now(true);
           grpc::ClientContext c;
           c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
           auto reader = s.changes->WatchChanges(&c, r);
           v1::WatchChangesResponse first;
           if (reader->Read(&first)) {
             c.TryCancel();
             while (reader->Read(&first)) {
             }
             reader->Finish();
             return grpc::Status::OK;
           }
           return reader->Finish();
         }},
        {"allies.v1.ActivityLogService/ListActivities",
         [](Stubs& s, const std::string& t) {
           v1::ListActivitiesRequest r;
           r.set_parent("libraries/" + t);
           v1::ListActivitiesResponse out;
           grpc::ClientContext c;
           return s.activities->ListActivities(&c, r, &out);
         }},
        {"allies.v1.ActivityLogService/CreateActivity",
         [](Stubs& s, const std::string& t) {
           v1::CreateActivityRequest r;
           r.set_parent("libraries/" + t);
           r.mutable_activity()->set_kind(v1::Activity::MEETING);
           r.mutable_activity()->set_subject("Встреча");
           v1::Activity out;
           grpc::ClientContext c;
           return s.activities->CreateActivity(&c, r, &out);
         }},
        {"allies.v1.ActivityLogService/UpdateActivity",
         [](Stubs& s, const std::string& t) {
           v1::UpdateActivityRequest r;
           r.mutable_activity()->set_name(FreshActivity(t));
           r.mutable_activity()->set_subject("Перенесли");
           r.mutable_update_mask()->add_paths("subject");
           v1::Activity out;
           grpc::ClientContext c;
           return s.activities->UpdateActivity(&c, r, &out);
         }},
        {"allies.v1.ActivityLogService/DeleteActivity",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.activities, &v1::ActivityLogService::Stub::DeleteActivity, FreshActivity(t));
         }},
        {"allies.v1.ActivityLogService/UndeleteActivity",
         [](Stubs& s, const std::string& t) {
           const std::string name = FreshActivity(t);
           EXPECT_TRUE(
               CallByName(*admin_->activities, &v1::ActivityLogService::Stub::DeleteActivity, name)
                   .ok());
           return CallByName(*s.activities, &v1::ActivityLogService::Stub::UndeleteActivity, name);
         }},
        {"allies.v1.PartnerService/GetPartner",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.partners, &v1::PartnerService::Stub::GetPartner, FreshPartner(t));
         }},
        {"allies.v1.PartnerService/ListPartners",
         [](Stubs& s, const std::string& t) {
           v1::ListPartnersRequest r;
           r.set_parent("libraries/" + t);
           v1::ListPartnersResponse out;
           grpc::ClientContext c;
           return s.partners->ListPartners(&c, r, &out);
         }},
        {"allies.v1.PartnerService/CreatePartner",
         [](Stubs& s, const std::string& t) {
           v1::CreatePartnerRequest r;
           r.set_parent("libraries/" + t);
           r.mutable_partner()->set_display_name("Новый партнёр");
           r.mutable_partner()->set_kind(v1::Partner::MEDIA);
           v1::Partner out;
           grpc::ClientContext c;
           return s.partners->CreatePartner(&c, r, &out);
         }},
        {"allies.v1.PartnerService/UpdatePartner",
         [](Stubs& s, const std::string& t) {
           v1::UpdatePartnerRequest r;
           r.mutable_partner()->set_name(FreshPartner(t));
           r.mutable_partner()->set_state(v1::Partner::ACTIVE);
           r.mutable_update_mask()->add_paths("state");
           v1::Partner out;
           grpc::ClientContext c;
           return s.partners->UpdatePartner(&c, r, &out);
         }},
        {"allies.v1.PartnerService/DeletePartner",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.partners, &v1::PartnerService::Stub::DeletePartner, FreshPartner(t));
         }},
        {"allies.v1.PartnerService/UndeletePartner",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.partners, &v1::PartnerService::Stub::UndeletePartner, FreshPartner(t, /*deleted=*/true));
         }},
        {"allies.v1.AgreementService/GetAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.agreements, &v1::AgreementService::Stub::GetAgreement, FreshAgreement(t, v1::Agreement::DRAFT));
         }},
        {"allies.v1.AgreementService/ListAgreements",
         [](Stubs& s, const std::string& t) {
           v1::ListAgreementsRequest r;
           r.set_parent("libraries/" + t);
           v1::ListAgreementsResponse out;
           grpc::ClientContext c;
           return s.agreements->ListAgreements(&c, r, &out);
         }},
        {"allies.v1.AgreementService/ListExpiringAgreements",
         [](Stubs& s, const std::string& t) {
           v1::ListExpiringAgreementsRequest r;
           r.set_parent("libraries/" + t);
           r.set_within_days(30);
           v1::ListExpiringAgreementsResponse out;
           grpc::ClientContext c;
           return s.agreements->ListExpiringAgreements(&c, r, &out);
         }},
        {"allies.v1.AgreementService/CreateAgreement",
         [](Stubs& s, const std::string& t) {
           v1::CreateAgreementRequest r;
           r.set_parent("libraries/" + t);
           r.mutable_agreement()->set_partner(FreshPartner(t));
           r.mutable_agreement()->set_number(absl::StrCat("C-", ++counter_));
           r.mutable_agreement()->set_title("Соглашение");
           r.mutable_agreement()->set_kind(v1::Agreement::DONATION);
           v1::Agreement out;
           grpc::ClientContext c;
           return s.agreements->CreateAgreement(&c, r, &out);
         }},
        {"allies.v1.AgreementService/UpdateAgreement",
         [](Stubs& s, const std::string& t) {
           v1::UpdateAgreementRequest r;
           r.mutable_agreement()->set_name(FreshAgreement(t, v1::Agreement::DRAFT));
           r.mutable_agreement()->set_title("Новое название");
           r.mutable_update_mask()->add_paths("title");
           v1::Agreement out;
           grpc::ClientContext c;
           return s.agreements->UpdateAgreement(&c, r, &out);
         }},
        {"allies.v1.AgreementService/DeleteAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.agreements, &v1::AgreementService::Stub::DeleteAgreement, FreshAgreement(t, v1::Agreement::DRAFT));
         }},
        {"allies.v1.AgreementService/UndeleteAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.agreements, &v1::AgreementService::Stub::UndeleteAgreement, FreshAgreement(t, v1::Agreement::DRAFT, /*deleted=*/true));
         }},
        {"allies.v1.AgreementService/ActivateAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.agreements, &v1::AgreementService::Stub::ActivateAgreement, FreshAgreement(t, v1::Agreement::DRAFT));
         }},
        {"allies.v1.AgreementService/SuspendAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.agreements, &v1::AgreementService::Stub::SuspendAgreement, FreshAgreement(t, v1::Agreement::ACTIVE));
         }},
        {"allies.v1.AgreementService/ResumeAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.agreements, &v1::AgreementService::Stub::ResumeAgreement, FreshAgreement(t, v1::Agreement::SUSPENDED));
         }},
        {"allies.v1.AgreementService/TerminateAgreement",
         [](Stubs& s, const std::string& t) {
           v1::TerminateAgreementRequest r;
           r.set_name(FreshAgreement(t, v1::Agreement::ACTIVE));
           r.set_reason("Истёк интерес");
           v1::Agreement out;
           grpc::ClientContext c;
           return s.agreements->TerminateAgreement(&c, r, &out);
         }},
        {"allies.v1.AgreementService/RenewAgreement",
         [](Stubs& s, const std::string& t) {
           v1::RenewAgreementRequest r;
           r.set_name(FreshAgreement(t, v1::Agreement::ACTIVE));
           r.mutable_new_end_date()->set_year(2100);
           r.mutable_new_end_date()->set_month(6);
           r.mutable_new_end_date()->set_day(30);
           v1::Agreement out;
           grpc::ClientContext c;
           return s.agreements->RenewAgreement(&c, r, &out);
         }},
        {"allies.v1.ContactService/GetContact",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.contacts, &v1::ContactService::Stub::GetContact, FreshContact(t));
         }},
        {"allies.v1.ContactService/ListContacts",
         [](Stubs& s, const std::string& t) {
           v1::ListContactsRequest r;
           r.set_parent("libraries/" + t);
           v1::ListContactsResponse out;
           grpc::ClientContext c;
           return s.contacts->ListContacts(&c, r, &out);
         }},
        {"allies.v1.ContactService/CreateContact",
         [](Stubs& s, const std::string& t) {
           v1::CreateContactRequest r;
           r.set_parent("libraries/" + t);
           r.mutable_contact()->set_given_name("Новый");
           v1::Contact out;
           grpc::ClientContext c;
           return s.contacts->CreateContact(&c, r, &out);
         }},
        {"allies.v1.ContactService/UpdateContact",
         [](Stubs& s, const std::string& t) {
           v1::UpdateContactRequest r;
           r.mutable_contact()->set_name(FreshContact(t));
           r.mutable_contact()->set_given_name("Надежда");
           r.mutable_update_mask()->add_paths("given_name");
           v1::Contact out;
           grpc::ClientContext c;
           return s.contacts->UpdateContact(&c, r, &out);
         }},
        {"allies.v1.ContactService/DeleteContact",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.contacts, &v1::ContactService::Stub::DeleteContact, FreshContact(t));
         }},
        {"allies.v1.ContactService/UndeleteContact",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.contacts, &v1::ContactService::Stub::UndeleteContact, FreshContact(t, /*deleted=*/true));
         }},
        {"allies.v1.ContactService/FindDuplicateContacts",
         [](Stubs& s, const std::string& t) {
           v1::FindDuplicateContactsRequest r;
           r.set_parent("libraries/" + t);
           v1::FindDuplicateContactsResponse out;
           grpc::ClientContext c;
           return s.contacts->FindDuplicateContacts(&c, r, &out);
         }},
        {"allies.v1.ContactService/MergeContacts",
         [](Stubs& s, const std::string& t) {
           v1::MergeContactsRequest r;
           r.set_target(FreshContact(t));
           r.add_sources(FreshContact(t));
           v1::Contact out;
           grpc::ClientContext c;
           return s.contacts->MergeContacts(&c, r, &out);
         }},
        {"allies.v1.ContactService/ExportContactData",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.contacts, &v1::ContactService::Stub::ExportContactData, FreshContact(t));
         }},
        {"allies.v1.ContactService/EraseContact",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.contacts, &v1::ContactService::Stub::EraseContact, FreshContact(t));
         }},
        {"allies.v1.VolunteerService/GetVolunteer",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::GetVolunteer, FreshVolunteer(t));
         }},
        {"allies.v1.VolunteerService/ListVolunteers",
         [](Stubs& s, const std::string& t) {
           v1::ListVolunteersRequest r;
           r.set_parent("libraries/" + t);
           v1::ListVolunteersResponse out;
           grpc::ClientContext c;
           return s.volunteers->ListVolunteers(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/CreateVolunteer",
         [](Stubs& s, const std::string& t) {
           v1::CreateVolunteerRequest r;
           r.set_parent("libraries/" + t);
           r.mutable_volunteer()->set_family_name("Новикова");
           r.mutable_volunteer()->set_given_name("Дарья");
           r.mutable_volunteer()->mutable_birth_date()->set_year(2000);
           r.mutable_volunteer()->mutable_birth_date()->set_month(1);
           r.mutable_volunteer()->mutable_birth_date()->set_day(31);
           *r.mutable_consent() = WorkConsent();
           v1::Volunteer out;
           grpc::ClientContext c;
           return s.volunteers->CreateVolunteer(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/UpdateVolunteer",
         [](Stubs& s, const std::string& t) {
           v1::UpdateVolunteerRequest r;
           r.mutable_volunteer()->set_name(FreshVolunteer(t));
           r.mutable_volunteer()->set_city("Вологда");
           r.mutable_update_mask()->add_paths("city");
           v1::Volunteer out;
           grpc::ClientContext c;
           return s.volunteers->UpdateVolunteer(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/DeleteVolunteer",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::DeleteVolunteer, FreshVolunteer(t));
         }},
        {"allies.v1.VolunteerService/UndeleteVolunteer",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::UndeleteVolunteer, FreshVolunteer(t, v1::Volunteer::APPLICANT, /*deleted=*/true));
         }},
        {"allies.v1.VolunteerService/ActivateVolunteer",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::ActivateVolunteer, FreshVolunteer(t));
         }},
        {"allies.v1.VolunteerService/PauseVolunteer",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::PauseVolunteer, FreshVolunteer(t, v1::Volunteer::ACTIVE));
         }},
        {"allies.v1.VolunteerService/ResumeVolunteer",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::ResumeVolunteer, FreshVolunteer(t, v1::Volunteer::PAUSED));
         }},
        {"allies.v1.VolunteerService/DeactivateVolunteer",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::DeactivateVolunteer, FreshVolunteer(t, v1::Volunteer::ACTIVE));
         }},
        {"allies.v1.VolunteerService/FindDuplicateVolunteers",
         [](Stubs& s, const std::string& t) {
           v1::FindDuplicateVolunteersRequest r;
           r.set_parent("libraries/" + t);
           v1::FindDuplicateVolunteersResponse out;
           grpc::ClientContext c;
           return s.volunteers->FindDuplicateVolunteers(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/MergeVolunteers",
         [](Stubs& s, const std::string& t) {
           v1::MergeVolunteersRequest r;
           r.set_target(FreshVolunteer(t));
           r.add_sources(FreshVolunteer(t));
           v1::Volunteer out;
           grpc::ClientContext c;
           return s.volunteers->MergeVolunteers(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/ExportVolunteerData",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::ExportVolunteerData, FreshVolunteer(t));
         }},
        {"allies.v1.VolunteerService/EraseVolunteer",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::EraseVolunteer, FreshVolunteer(t));
         }},
        {"allies.v1.VolunteerService/ImportVolunteers",
         [](Stubs& s, const std::string& t) {
           v1::ImportVolunteersRequest r;
           r.set_parent("libraries/" + t);
           auto* row = r.add_rows();
           row->set_line(2);
           row->mutable_volunteer()->set_family_name("Импортова");
           row->mutable_volunteer()->set_given_name(absl::StrCat("Ия", ++counter_));
           row->mutable_volunteer()->mutable_birth_date()->set_year(1995);
           row->mutable_volunteer()->mutable_birth_date()->set_month(2);
           row->mutable_volunteer()->mutable_birth_date()->set_day(3);
           row->mutable_consent()->set_document_number("И-1");
           row->mutable_consent()->add_data_categories("ФИО");
           row->mutable_consent()->mutable_given_time()->set_seconds(1700000000);
           v1::ImportVolunteersResponse out;
           grpc::ClientContext c;
           grpc::Status status = s.volunteers->ImportVolunteers(&c, r, &out);
           if (status.ok()) {
             EXPECT_EQ(out.created(), 1) << out.DebugString();
           }
           return status;
         }},
        {"allies.v1.VolunteerService/GetVolunteerAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::GetVolunteerAgreement, FreshVolunteerAgreement(t));
         }},
        {"allies.v1.VolunteerService/ListVolunteerAgreements",
         [](Stubs& s, const std::string& t) {
           v1::ListVolunteerAgreementsRequest r;
           r.set_parent("libraries/" + t + "/volunteers/-");
           v1::ListVolunteerAgreementsResponse out;
           grpc::ClientContext c;
           return s.volunteers->ListVolunteerAgreements(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/CreateVolunteerAgreement",
         [](Stubs& s, const std::string& t) {
           v1::CreateVolunteerAgreementRequest r;
           r.set_parent(FreshVolunteer(t));
           r.mutable_agreement()->set_tasks("Библиотечные смены");
           v1::VolunteerAgreement out;
           grpc::ClientContext c;
           return s.volunteers->CreateVolunteerAgreement(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/UpdateVolunteerAgreement",
         [](Stubs& s, const std::string& t) {
           v1::UpdateVolunteerAgreementRequest r;
           r.mutable_agreement()->set_name(FreshVolunteerAgreement(t));
           r.mutable_agreement()->set_place("Читальный зал");
           r.mutable_update_mask()->add_paths("place");
           v1::VolunteerAgreement out;
           grpc::ClientContext c;
           return s.volunteers->UpdateVolunteerAgreement(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/DeleteVolunteerAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::DeleteVolunteerAgreement, FreshVolunteerAgreement(t));
         }},
        {"allies.v1.VolunteerService/UndeleteVolunteerAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::UndeleteVolunteerAgreement, FreshVolunteerAgreement(t, false, /*deleted=*/true));
         }},
        {"allies.v1.VolunteerService/ActivateVolunteerAgreement",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::ActivateVolunteerAgreement, FreshVolunteerAgreement(t));
         }},
        {"allies.v1.VolunteerService/TerminateVolunteerAgreement",
         [](Stubs& s, const std::string& t) {
           v1::TerminateVolunteerAgreementRequest r;
           r.set_name(FreshVolunteerAgreement(t, /*active=*/true));
           r.set_reason("По соглашению сторон");
           v1::VolunteerAgreement out;
           grpc::ClientContext c;
           return s.volunteers->TerminateVolunteerAgreement(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/GetQualification",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::GetQualification, FreshQualification(t));
         }},
        {"allies.v1.VolunteerService/ListQualifications",
         [](Stubs& s, const std::string& t) {
           v1::ListQualificationsRequest r;
           r.set_parent("libraries/" + t + "/volunteers/-");
           v1::ListQualificationsResponse out;
           grpc::ClientContext c;
           return s.volunteers->ListQualifications(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/CreateQualification",
         [](Stubs& s, const std::string& t) {
           v1::CreateQualificationRequest r;
           r.set_parent(FreshVolunteer(t));
           *r.mutable_qualification() = Training();
           v1::Qualification out;
           grpc::ClientContext c;
           return s.volunteers->CreateQualification(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/UpdateQualification",
         [](Stubs& s, const std::string& t) {
           v1::UpdateQualificationRequest r;
           r.mutable_qualification()->set_name(FreshQualification(t));
           r.mutable_qualification()->set_issuer("Красный Крест");
           r.mutable_update_mask()->add_paths("issuer");
           v1::Qualification out;
           grpc::ClientContext c;
           return s.volunteers->UpdateQualification(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/DeleteQualification",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::DeleteQualification, FreshQualification(t));
         }},
        {"allies.v1.VolunteerService/UndeleteQualification",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.volunteers, &v1::VolunteerService::Stub::UndeleteQualification, FreshQualification(t, /*deleted=*/true));
         }},
        {"allies.v1.VolunteerService/ListExpiringQualifications",
         [](Stubs& s, const std::string& t) {
           v1::ListExpiringQualificationsRequest r;
           r.set_parent("libraries/" + t + "/volunteers/-");
           r.set_within_days(30);
           v1::ListQualificationsResponse out;
           grpc::ClientContext c;
           return s.volunteers->ListExpiringQualifications(&c, r, &out);
         }},
        {"allies.v1.VolunteerService/ListExpiringVolunteerAgreements",
         [](Stubs& s, const std::string& t) {
           v1::ListExpiringVolunteerAgreementsRequest r;
           r.set_parent("libraries/" + t + "/volunteers/-");
           r.set_within_days(30);
           v1::ListVolunteerAgreementsResponse out;
           grpc::ClientContext c;
           return s.volunteers->ListExpiringVolunteerAgreements(&c, r, &out);
         }},
        {"allies.v1.ConsentService/GetConsent",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.consents, &v1::ConsentService::Stub::GetConsent, FreshConsent(t));
         }},
        {"allies.v1.ConsentService/ListConsents",
         [](Stubs& s, const std::string& t) {
           v1::ListConsentsRequest r;
           r.set_parent("libraries/" + t);
           v1::ListConsentsResponse out;
           grpc::ClientContext c;
           return s.consents->ListConsents(&c, r, &out);
         }},
        {"allies.v1.ConsentService/CreateConsent",
         [](Stubs& s, const std::string& t) {
           v1::CreateConsentRequest r;
           r.set_parent("libraries/" + t);
           *r.mutable_consent() = WorkConsent();
           v1::Consent out;
           grpc::ClientContext c;
           return s.consents->CreateConsent(&c, r, &out);
         }},
        {"allies.v1.ConsentService/WithdrawConsent",
         [](Stubs& s, const std::string& t) {
           v1::WithdrawConsentRequest r;
           r.set_name(FreshConsent(t));
           r.set_channel(v1::Consent::IN_WRITING);
           v1::Consent out;
           grpc::ClientContext c;
           return s.consents->WithdrawConsent(&c, r, &out);
         }},
        {"allies.v1.ConsentService/ListDueDestructions",
         [](Stubs& s, const std::string& t) {
           v1::ListDueDestructionsRequest r;
           r.set_parent("libraries/" + t);
           r.set_within_days(30);
           v1::ListConsentsResponse out;
           grpc::ClientContext c;
           return s.consents->ListDueDestructions(&c, r, &out);
         }},
        {"allies.v1.ReminderService/ListReminders",
         [](Stubs& s, const std::string& t) {
           v1::ListRemindersRequest r;
           r.set_parent("libraries/" + t);
           v1::ListRemindersResponse out;
           grpc::ClientContext c;
           return s.reminders->ListReminders(&c, r, &out);
         }},
        {"allies.v1.ReportService/BuildNetworkReview",
         [](Stubs& s, const std::string& t) {
           v1::BuildNetworkReviewRequest r;
           r.set_parent("libraries/" + t);
           r.set_year(ThisYear());
           v1::NetworkReview out;
           grpc::ClientContext c;
           return s.reports->BuildNetworkReview(&c, r, &out);
         }},
        {"allies.v1.ReportService/BuildReport",
         [](Stubs& s, const std::string& t) {
           v1::BuildReportRequest r;
           r.set_name(absl::StrCat("libraries/", t, "/reports/", ThisYear()));
           v1::BuildReportResponse out;
           grpc::ClientContext c;
           return s.reports->BuildReport(&c, r, &out);
         }},
        {"allies.v1.ReportService/GetReport",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.reports, &v1::ReportService::Stub::GetReport, FreshReport(t));
         }},
        {"allies.v1.ReportService/ListReports",
         [](Stubs& s, const std::string& t) {
           v1::ListReportsRequest r;
           r.set_parent("libraries/" + t);
           v1::ListReportsResponse out;
           grpc::ClientContext c;
           return s.reports->ListReports(&c, r, &out);
         }},
        {"allies.v1.ReportService/ApproveReport",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.reports, &v1::ReportService::Stub::ApproveReport, FreshReport(t));
         }},
        {"allies.v1.ConsentService/GetDestructionRecord",
         [](Stubs& s, const std::string& t) {
           v1::EraseVolunteerRequest erase;
           erase.set_name(FreshVolunteer(t));
           v1::Volunteer erased;
           {
             grpc::ClientContext c;
             EXPECT_TRUE(admin_->volunteers->EraseVolunteer(&c, erase, &erased).ok());
           }
           v1::ListDestructionRecordsRequest list;
           list.set_parent("libraries/" + t);
           list.set_filter(absl::StrCat("subject = \"", erased.name(), "\""));
           v1::ListDestructionRecordsResponse records;
           {
             grpc::ClientContext c;
             EXPECT_TRUE(admin_->consents->ListDestructionRecords(&c, list, &records).ok());
           }
           EXPECT_EQ(records.destruction_records_size(), 1);
           return CallByName(*s.consents, &v1::ConsentService::Stub::GetDestructionRecord,
                             records.destruction_records_size() > 0
                                 ? records.destruction_records(0).name()
                                 : std::string("libraries/") + t + "/destructions/none");
         }},
        {"allies.v1.ConsentService/ListDestructionRecords",
         [](Stubs& s, const std::string& t) {
           v1::ListDestructionRecordsRequest r;
           r.set_parent("libraries/" + t);
           v1::ListDestructionRecordsResponse out;
           grpc::ClientContext c;
           return s.consents->ListDestructionRecords(&c, r, &out);
         }},
        {"allies.v1.ProjectService/GetProject",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::GetProject, FreshProject(t));
         }},
        {"allies.v1.ProjectService/ListProjects",
         [](Stubs& s, const std::string& t) {
           v1::ListProjectsRequest r;
           r.set_parent("libraries/" + t);
           v1::ListProjectsResponse out;
           grpc::ClientContext c;
           return s.projects->ListProjects(&c, r, &out);
         }},
        {"allies.v1.ProjectService/CreateProject",
         [](Stubs& s, const std::string& t) {
           v1::CreateProjectRequest r;
           r.set_parent("libraries/" + t);
           r.mutable_project()->set_title("Книжный клуб");
           v1::Project out;
           grpc::ClientContext c;
           return s.projects->CreateProject(&c, r, &out);
         }},
        {"allies.v1.ProjectService/UpdateProject",
         [](Stubs& s, const std::string& t) {
           v1::UpdateProjectRequest r;
           r.mutable_project()->set_name(FreshProject(t));
           r.mutable_project()->set_minimum_age(16);
           r.mutable_update_mask()->add_paths("minimum_age");
           v1::Project out;
           grpc::ClientContext c;
           return s.projects->UpdateProject(&c, r, &out);
         }},
        {"allies.v1.ProjectService/DeleteProject",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::DeleteProject, FreshProject(t));
         }},
        {"allies.v1.ProjectService/UndeleteProject",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::UndeleteProject, FreshProject(t, v1::Project::ACTIVE, /*deleted=*/true));
         }},
        {"allies.v1.ProjectService/ActivateProject",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::ActivateProject, FreshProject(t, v1::Project::PLANNED));
         }},
        {"allies.v1.ProjectService/CompleteProject",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::CompleteProject, FreshProject(t, v1::Project::ACTIVE));
         }},
        {"allies.v1.ProjectService/CancelProject",
         [](Stubs& s, const std::string& t) {
           v1::CancelProjectRequest r;
           r.set_name(FreshProject(t, v1::Project::PLANNED));
           r.set_reason("Нет помещения");
           v1::Project out;
           grpc::ClientContext c;
           return s.projects->CancelProject(&c, r, &out);
         }},
        {"allies.v1.ProjectService/GetSchedule",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::GetSchedule, FreshSchedule(t));
         }},
        {"allies.v1.ProjectService/ListSchedules",
         [](Stubs& s, const std::string& t) {
           v1::ListSchedulesRequest r;
           r.set_parent(FreshProject(t));
           v1::ListSchedulesResponse out;
           grpc::ClientContext c;
           return s.projects->ListSchedules(&c, r, &out);
         }},
        {"allies.v1.ProjectService/CreateSchedule",
         [](Stubs& s, const std::string& t) {
           v1::CreateScheduleRequest r;
           r.set_parent(FreshProject(t));
           *r.mutable_schedule() = ScheduleOf("FREQ=MONTHLY;BYDAY=-1FR");
           v1::Schedule out;
           grpc::ClientContext c;
           return s.projects->CreateSchedule(&c, r, &out);
         }},
        {"allies.v1.ProjectService/UpdateSchedule",
         [](Stubs& s, const std::string& t) {
           v1::UpdateScheduleRequest r;
           r.mutable_schedule()->set_name(FreshSchedule(t));
           r.mutable_schedule()->set_capacity(8);
           r.mutable_update_mask()->add_paths("capacity");
           v1::Schedule out;
           grpc::ClientContext c;
           return s.projects->UpdateSchedule(&c, r, &out);
         }},
        {"allies.v1.ProjectService/DeleteSchedule",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::DeleteSchedule, FreshSchedule(t));
         }},
        {"allies.v1.ProjectService/GetShift",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::GetShift, FreshShift(t));
         }},
        {"allies.v1.ProjectService/ListShifts",
         [](Stubs& s, const std::string& t) {
           v1::ListShiftsRequest r;
           r.set_parent("libraries/" + t + "/projects/-");
           v1::ListShiftsResponse out;
           grpc::ClientContext c;
           return s.projects->ListShifts(&c, r, &out);
         }},
        {"allies.v1.ProjectService/CreateShift",
         [](Stubs& s, const std::string& t) {
           v1::CreateShiftRequest r;
           r.set_parent(FreshProject(t));
           *r.mutable_shift() = ShiftAt(When::kFuture);
           v1::Shift out;
           grpc::ClientContext c;
           return s.projects->CreateShift(&c, r, &out);
         }},
        {"allies.v1.ProjectService/UpdateShift",
         [](Stubs& s, const std::string& t) {
           v1::UpdateShiftRequest r;
           r.mutable_shift()->set_name(FreshShift(t));
           r.mutable_shift()->set_capacity(12);
           r.mutable_update_mask()->add_paths("capacity");
           v1::Shift out;
           grpc::ClientContext c;
           return s.projects->UpdateShift(&c, r, &out);
         }},
        {"allies.v1.ProjectService/DeleteShift",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::DeleteShift, FreshShift(t));
         }},
        {"allies.v1.ProjectService/UndeleteShift",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::UndeleteShift, FreshShift(t, When::kFuture, /*deleted=*/true));
         }},
        {"allies.v1.ProjectService/ListUpcomingShifts",
         [](Stubs& s, const std::string& t) {
           v1::ListUpcomingShiftsRequest r;
           r.set_parent("libraries/" + t);
           r.set_within_hours(72);
           v1::ListShiftsResponse out;
           grpc::ClientContext c;
           return s.projects->ListUpcomingShifts(&c, r, &out);
         }},
        {"allies.v1.ProjectService/GetSignup",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::GetSignup, FreshSignup(t, v1::Signup::CONFIRMED));
         }},
        {"allies.v1.ProjectService/ListSignups",
         [](Stubs& s, const std::string& t) {
           v1::ListSignupsRequest r;
           r.set_parent("libraries/" + t + "/projects/-/shifts/-");
           v1::ListSignupsResponse out;
           grpc::ClientContext c;
           return s.projects->ListSignups(&c, r, &out);
         }},
        {"allies.v1.ProjectService/CreateSignup",
         [](Stubs& s, const std::string& t) {
           v1::CreateSignupRequest r;
           r.set_parent(FreshShift(t));
           r.mutable_signup()->set_volunteer(FreshVolunteer(t, v1::Volunteer::ACTIVE));
           v1::Signup out;
           grpc::ClientContext c;
           grpc::Status status = s.projects->CreateSignup(&c, r, &out);
           if (status.ok()) {
             EXPECT_EQ(out.state(), v1::Signup::CONFIRMED) << out.DebugString();
           }
           return status;
         }},
        {"allies.v1.ProjectService/ConfirmSignup",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::ConfirmSignup, FreshSignup(t, v1::Signup::REQUESTED));
         }},
        {"allies.v1.ProjectService/WaitlistSignup",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::WaitlistSignup, FreshSignup(t, v1::Signup::REQUESTED));
         }},
        {"allies.v1.ProjectService/CancelSignup",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::CancelSignup, FreshSignup(t, v1::Signup::CONFIRMED));
         }},
        {"allies.v1.ProjectService/CompleteSignup",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::CompleteSignup, FreshSignup(t, v1::Signup::CONFIRMED, When::kStarted));
         }},
        {"allies.v1.ProjectService/MarkSignupNoShow",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::MarkSignupNoShow, FreshSignup(t, v1::Signup::CONFIRMED, When::kStarted));
         }},
        {"allies.v1.ProjectService/GetHours",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::GetHours, FreshHours(t));
         }},
        {"allies.v1.ProjectService/ListHours",
         [](Stubs& s, const std::string& t) {
           v1::ListHoursRequest r;
           r.set_parent("libraries/" + t + "/volunteers/-");
           r.set_filter("state = SUBMITTED");
           v1::ListHoursResponse out;
           grpc::ClientContext c;
           return s.projects->ListHours(&c, r, &out);
         }},
        {"allies.v1.ProjectService/CreateHours",
         [](Stubs& s, const std::string& t) {
           v1::CreateHoursRequest r;
           r.set_parent(FreshVolunteer(t));
           *r.mutable_hours() = HoursFor(FreshProject(t));
           v1::HoursEntry out;
           grpc::ClientContext c;
           grpc::Status status = s.projects->CreateHours(&c, r, &out);
           if (status.ok()) {
             EXPECT_EQ(out.state(), v1::HoursEntry::SUBMITTED) << out.DebugString();
           }
           return status;
         }},
        {"allies.v1.ProjectService/UpdateHours",
         [](Stubs& s, const std::string& t) {
           v1::UpdateHoursRequest r;
           r.mutable_hours()->set_name(FreshHours(t));
           r.mutable_hours()->set_minutes(120);
           r.mutable_update_mask()->add_paths("minutes");
           v1::HoursEntry out;
           grpc::ClientContext c;
           return s.projects->UpdateHours(&c, r, &out);
         }},
        {"allies.v1.ProjectService/DeleteHours",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::DeleteHours, FreshHours(t));
         }},
        {"allies.v1.ProjectService/UndeleteHours",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::UndeleteHours, FreshHours(t, /*deleted=*/true));
         }},
        {"allies.v1.ProjectService/ApproveHours",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.projects, &v1::ProjectService::Stub::ApproveHours, FreshHours(t));
         }},
        {"allies.v1.ProjectService/RejectHours",
         [](Stubs& s, const std::string& t) {
           v1::RejectHoursRequest r;
           r.set_name(FreshHours(t));
           r.set_reason("Не было смены в этот день");
           v1::HoursEntry out;
           grpc::ClientContext c;
           return s.projects->RejectHours(&c, r, &out);
         }},
        {"allies.v1.ProjectService/GetRecordBook",
         [](Stubs& s, const std::string& t) {
           v1::GetRecordBookRequest r;
           r.set_volunteer(FreshVolunteer(t));
           v1::RecordBook out;
           grpc::ClientContext c;
           return s.projects->GetRecordBook(&c, r, &out);
         }},
        {"allies.v1.ProjectService/ListApprovedHours",
         [](Stubs& s, const std::string& t) {
           v1::ListApprovedHoursRequest r;
           r.set_parent("libraries/" + t);
           *r.mutable_start_date() = DaysFromToday(-365);
           *r.mutable_end_date() = DaysFromToday(0);
           v1::ListApprovedHoursResponse out;
           grpc::ClientContext c;
           return s.projects->ListApprovedHours(&c, r, &out);
         }},
        {"allies.v1.ApiKeyService/CreateApiKey",
         [](Stubs& s, const std::string& t) {
           v1::CreateApiKeyRequest r;
           r.mutable_api_key()->set_display_name("новый");
           r.mutable_api_key()->set_role(v1::ApiKey::INTEGRATION);
           r.mutable_api_key()->set_library("libraries/" + t);
           v1::CreateApiKeyResponse out;
           grpc::ClientContext c;
           return s.keys->CreateApiKey(&c, r, &out);
         }},
        {"allies.v1.ApiKeyService/GetApiKey",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.keys, &v1::ApiKeyService::Stub::GetApiKey, FreshKey(t, v1::ApiKey::INTEGRATION));
         }},
        {"allies.v1.ApiKeyService/ListApiKeys",
         [](Stubs& s, const std::string& t) {
           v1::ListApiKeysRequest r;
           r.set_filter(absl::StrCat("library = \"libraries/", t, "\""));
           v1::ListApiKeysResponse out;
           grpc::ClientContext c;
           return s.keys->ListApiKeys(&c, r, &out);
         }},
        {"allies.v1.ApiKeyService/RevokeApiKey",
         [](Stubs& s, const std::string& t) {
           return CallByName(*s.keys, &v1::ApiKeyService::Stub::RevokeApiKey, FreshKey(t, v1::ApiKey::INTEGRATION));
         }},
    };
    // The governance services' rows, added once.
    static const bool governance = AddGovernanceRows(*calls);
    (void)governance;
    return *calls;
  }

  // The governance services. ReaderCouncilService and SupervisoryBoardService share every
  // message and method below the body (members, meetings, agenda items, decisions, action
  // items), so those rows are written once (AddSharedGovernanceRows) over a family: its
  // service and stub, the collection its bodies live in, the seat kind its members take, its
  // fresh bodies and its own six body rows.
  static bool AddGovernanceRows(std::map<std::string, Call>& calls) {
    ReaderCouncils::AddBodyRows(calls);
    SupervisoryBoards::AddBodyRows(calls);
    AddSharedGovernanceRows<ReaderCouncils>(calls);
    AddSharedGovernanceRows<SupervisoryBoards>(calls);
    return true;
  }

  // Sends `request` to `method` of `stub`.
  template <typename Stub, typename Request, typename Response>
  static grpc::Status Send(Stub& stub,
                           grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                        Response*),
                           const Request& request, Response* out = nullptr) {
    Response ignored;
    grpc::ClientContext context;
    return (stub.*method)(&context, request, out != nullptr ? out : &ignored);
  }
  // The same, for set-up: the call must succeed; returns the response.
  template <typename Stub, typename Request, typename Response>
  static Response Made(Stub& stub,
                       grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
                       const Request& request) {
    Response out;
    const grpc::Status status = Send(stub, method, request, &out);
    EXPECT_TRUE(status.ok()) << Request::descriptor()->name() << ": " << status.error_message();
    return out;
  }

  static google::type::Date DateOf(int year, int month, int day) {
    google::type::Date date;
    date.set_year(year);
    date.set_month(month);
    date.set_day(day);
    return date;
  }

  struct ReaderCouncils {
    using Service = v1::ReaderCouncilService;
    static constexpr char kCollection[] = "readerCouncils";
    static constexpr char kSeat[] = "READER";
    static Service::Stub& Of(Stubs& s) { return *s.councils; }
    static v1::CreateReaderCouncilRequest BodyRequest(const std::string& library) {
      v1::CreateReaderCouncilRequest r;
      r.set_parent("libraries/" + library);
      r.mutable_reader_council()->set_display_name("Читательский совет");
      r.mutable_reader_council()->set_seat_count(3);
      return r;
    }
    // A reader council of 3 seats (the preset READER_COUNCIL); deleted when asked.
    static std::string FreshBody(const std::string& library, bool deleted = false) {
      const std::string name =
          Made(*admin_->councils, &Service::Stub::CreateReaderCouncil, BodyRequest(library)).name();
      if (deleted) {
        EXPECT_TRUE(CallByName(*admin_->councils, &Service::Stub::DeleteReaderCouncil, name).ok());
      }
      return name;
    }
    static void AddBodyRows(std::map<std::string, Call>& calls) {
      calls.insert({
          {"allies.v1.ReaderCouncilService/GetReaderCouncil",
           [](Stubs& s, const std::string& t) {
             return CallByName(*s.councils, &Service::Stub::GetReaderCouncil, FreshBody(t));
           }},
          {"allies.v1.ReaderCouncilService/ListReaderCouncils",
           [](Stubs& s, const std::string& t) {
             v1::ListReaderCouncilsRequest r;
             r.set_parent("libraries/" + t);
             return Send(*s.councils, &Service::Stub::ListReaderCouncils, r);
           }},
          {"allies.v1.ReaderCouncilService/CreateReaderCouncil",
           [](Stubs& s, const std::string& t) {
             return Send(*s.councils, &Service::Stub::CreateReaderCouncil, BodyRequest(t));
           }},
          {"allies.v1.ReaderCouncilService/UpdateReaderCouncil",
           [](Stubs& s, const std::string& t) {
             v1::UpdateReaderCouncilRequest r;
             r.mutable_reader_council()->set_name(FreshBody(t));
             r.mutable_reader_council()->set_regulation("Приказ директора № 5");
             r.mutable_update_mask()->add_paths("regulation");
             return Send(*s.councils, &Service::Stub::UpdateReaderCouncil, r);
           }},
          {"allies.v1.ReaderCouncilService/DeleteReaderCouncil",
           [](Stubs& s, const std::string& t) {
             return CallByName(*s.councils, &Service::Stub::DeleteReaderCouncil, FreshBody(t));
           }},
          {"allies.v1.ReaderCouncilService/UndeleteReaderCouncil",
           [](Stubs& s, const std::string& t) {
             return CallByName(*s.councils, &Service::Stub::UndeleteReaderCouncil,
                               FreshBody(t, /*deleted=*/true));
           }},
      });
    }
  };

  struct SupervisoryBoards {
    using Service = v1::SupervisoryBoardService;
    static constexpr char kCollection[] = "supervisoryBoards";
    static constexpr char kSeat[] = "PUBLIC";
    static Service::Stub& Of(Stubs& s) { return *s.boards; }
    static v1::CreateSupervisoryBoardRequest BodyRequest(const std::string& library) {
      v1::CreateSupervisoryBoardRequest r;
      r.set_parent("libraries/" + library);
      r.mutable_supervisory_board()->set_display_name("Наблюдательный совет");
      r.mutable_supervisory_board()->set_seat_count(5);
      return r;
    }
    // A 174-FZ supervisory board of 5 seats; deleted when asked.
    static std::string FreshBody(const std::string& library, bool deleted = false) {
      const std::string name =
          Made(*admin_->boards, &Service::Stub::CreateSupervisoryBoard, BodyRequest(library))
              .name();
      if (deleted) {
        EXPECT_TRUE(CallByName(*admin_->boards, &Service::Stub::DeleteSupervisoryBoard, name).ok());
      }
      return name;
    }
    static void AddBodyRows(std::map<std::string, Call>& calls) {
      calls.insert({
          {"allies.v1.SupervisoryBoardService/GetSupervisoryBoard",
           [](Stubs& s, const std::string& t) {
             return CallByName(*s.boards, &Service::Stub::GetSupervisoryBoard, FreshBody(t));
           }},
          {"allies.v1.SupervisoryBoardService/ListSupervisoryBoards",
           [](Stubs& s, const std::string& t) {
             v1::ListSupervisoryBoardsRequest r;
             r.set_parent("libraries/" + t);
             return Send(*s.boards, &Service::Stub::ListSupervisoryBoards, r);
           }},
          {"allies.v1.SupervisoryBoardService/CreateSupervisoryBoard",
           [](Stubs& s, const std::string& t) {
             return Send(*s.boards, &Service::Stub::CreateSupervisoryBoard, BodyRequest(t));
           }},
          {"allies.v1.SupervisoryBoardService/UpdateSupervisoryBoard",
           [](Stubs& s, const std::string& t) {
             v1::UpdateSupervisoryBoardRequest r;
             r.mutable_supervisory_board()->set_name(FreshBody(t));
             r.mutable_supervisory_board()->set_kind(v1::SupervisoryBoard::TRUSTEE);
             r.mutable_update_mask()->add_paths("kind");
             return Send(*s.boards, &Service::Stub::UpdateSupervisoryBoard, r);
           }},
          {"allies.v1.SupervisoryBoardService/DeleteSupervisoryBoard",
           [](Stubs& s, const std::string& t) {
             return CallByName(*s.boards, &Service::Stub::DeleteSupervisoryBoard, FreshBody(t));
           }},
          {"allies.v1.SupervisoryBoardService/UndeleteSupervisoryBoard",
           [](Stubs& s, const std::string& t) {
             return CallByName(*s.boards, &Service::Stub::UndeleteSupervisoryBoard,
                               FreshBody(t, /*deleted=*/true));
           }},
      });
    }
  };

  // Below a body: a member is a fresh contact of the library on the family's seat kind, in
  // office through 2031, so at every meeting below.
  template <typename F>
  static v1::CreateMemberRequest MemberRequest(const std::string& body,
                                               const std::string& library) {
    v1::CreateMemberRequest r;
    r.set_parent(body);
    r.mutable_member()->set_person(FreshContact(library));
    r.mutable_member()->set_seat_kind(F::kSeat);
    *r.mutable_member()->mutable_term_start_date() = DateOf(2031, 1, 1);
    *r.mutable_member()->mutable_term_end_date() = DateOf(2031, 12, 31);
    return r;
  }
  // A member of a fresh body.
  template <typename F>
  static std::string FreshMember(const std::string& library) {
    return Made(F::Of(*admin_), &F::Service::Stub::CreateMember,
                MemberRequest<F>(F::FreshBody(library), library))
        .name();
  }
  static v1::CreateMeetingRequest MeetingRequest(const std::string& body,
                                                 const std::string& local_start) {
    v1::CreateMeetingRequest r;
    r.set_parent(body);
    r.mutable_meeting()->set_title("Заседание совета");
    r.mutable_meeting()->set_local_start_time(local_start);
    r.mutable_meeting()->set_place("Читальный зал");
    return r;
  }
  // How far a meeting has gone: PLANNED; HELD (every member notified, the member present: a
  // quorum under either family's rules); HELD with its minutes written; MINUTES_APPROVED.
  enum class Stage { kPlanned, kHeld, kMinutesWritten, kMinutesApproved };
  // A fresh body with one member, and a meeting of it on 2031-03-10.
  struct Sitting {
    std::string body;
    std::string member;
    std::string meeting;
  };
  template <typename F>
  static Sitting FreshSitting(const std::string& library, Stage stage = Stage::kPlanned) {
    Sitting out;
    out.body = F::FreshBody(library);
    out.member =
        Made(F::Of(*admin_), &F::Service::Stub::CreateMember, MemberRequest<F>(out.body, library))
            .name();
    out.meeting = MeetingOf<F>(out, "2031-03-10T18:30", stage);
    return out;
  }
  // Another meeting of the sitting's body, at `local_start`, taken to `stage`.
  template <typename F>
  static std::string MeetingOf(const Sitting& sitting, const std::string& local_start,
                               Stage stage) {
    using Stub = typename F::Service::Stub;
    Stub& admin = F::Of(*admin_);
    const std::string meeting =
        Made(admin, &Stub::CreateMeeting, MeetingRequest(sitting.body, local_start)).name();
    if (stage == Stage::kPlanned) return meeting;
    EXPECT_TRUE(CallByName(admin, &Stub::RecordNotices, meeting).ok());
    v1::HoldMeetingRequest hold;
    hold.set_name(meeting);
    hold.add_present(sitting.member);
    EXPECT_TRUE(Made(admin, &Stub::HoldMeeting, hold).quorum()) << meeting;
    if (stage == Stage::kHeld) return meeting;
    v1::UpdateMeetingRequest minutes;
    minutes.mutable_meeting()->set_name(meeting);
    minutes.mutable_meeting()->set_minutes("Протокол № 1. Присутствовали: 1 из 1.");
    minutes.mutable_update_mask()->add_paths("minutes");
    Made(admin, &Stub::UpdateMeeting, minutes);
    if (stage == Stage::kMinutesWritten) return meeting;
    EXPECT_TRUE(CallByName(admin, &Stub::ApproveMinutes, meeting).ok());
    return meeting;
  }
  static v1::CreateAgendaItemRequest AgendaItemRequest(const std::string& meeting,
                                                       const std::string& amends = "") {
    v1::CreateAgendaItemRequest r;
    r.set_parent(meeting);
    r.mutable_agenda_item()->set_title("О плане работы на год");
    r.mutable_agenda_item()->set_amends_meeting(amends);
    return r;
  }
  // The member's YES on the item: adopted under either family's first question kind.
  static v1::RecordVotesRequest YesVote(const std::string& item, const std::string& member) {
    v1::RecordVotesRequest r;
    r.set_name(item);
    r.set_motion("Утвердить план работы");
    v1::Vote* vote = r.add_votes();
    vote->set_member(member);
    vote->set_choice(v1::Vote::YES);
    return r;
  }
  // An agenda item of a fresh PLANNED meeting.
  template <typename F>
  static std::string FreshAgendaItem(const std::string& library) {
    return Made(F::Of(*admin_), &F::Service::Stub::CreateAgendaItem,
                AgendaItemRequest(FreshSitting<F>(library).meeting))
        .name();
  }
  // An agenda item of a HELD meeting of the sitting's body, adopted by the member's vote.
  template <typename F>
  static std::string AdoptedItem(const Sitting& sitting, const std::string& meeting,
                                 const std::string& amends = "") {
    using Stub = typename F::Service::Stub;
    Stub& admin = F::Of(*admin_);
    const std::string item =
        Made(admin, &Stub::CreateAgendaItem, AgendaItemRequest(meeting, amends)).name();
    EXPECT_EQ(Made(admin, &Stub::RecordVotes, YesVote(item, sitting.member)).outcome(),
              v1::AgendaItem::ADOPTED)
        << item;
    return item;
  }
  static v1::CreateDecisionRequest DecisionRequest(const std::string& body,
                                                   const std::string& item) {
    v1::CreateDecisionRequest r;
    r.set_parent(body);
    r.mutable_decision()->set_agenda_item(item);
    r.mutable_decision()->set_title("Об утверждении плана работы");
    return r;
  }
  // A decision on an adopted item of a fresh HELD meeting.
  template <typename F>
  static std::string FreshDecision(const std::string& library) {
    const Sitting sitting = FreshSitting<F>(library, Stage::kHeld);
    return Made(F::Of(*admin_), &F::Service::Stub::CreateDecision,
                DecisionRequest(sitting.body, AdoptedItem<F>(sitting, sitting.meeting)))
        .name();
  }
  static v1::CreateActionItemRequest ActionItemRequest(const std::string& decision) {
    v1::CreateActionItemRequest r;
    r.set_parent(decision);
    r.mutable_action_item()->set_title("Разместить план на сайте");
    r.mutable_action_item()->set_owner("Секретарь совета");
    *r.mutable_action_item()->mutable_due_date() = DaysFromToday(30);
    return r;
  }
  // An OPEN action item of a fresh decision.
  template <typename F>
  static std::string FreshActionItem(const std::string& library) {
    return Made(F::Of(*admin_), &F::Service::Stub::CreateActionItem,
                ActionItemRequest(FreshDecision<F>(library)))
        .name();
  }

  // "libraries/{t}/{bodies}/-": every body of library t, the parent of the lists below them.
  template <typename F>
  static std::string BodiesOf(const std::string& t) {
    return absl::StrCat("libraries/", t, "/", F::kCollection, "/-");
  }

  // The rows both governance services share, for family F.
  template <typename F>
  static void AddSharedGovernanceRows(std::map<std::string, Call>& calls) {
    using Stub = typename F::Service::Stub;
    const std::string service = absl::StrCat(F::Service::service_full_name(), "/");
    auto row = [&](const char* method, Call call) {
      EXPECT_TRUE(calls.emplace(service + method, std::move(call)).second) << service << method;
    };

    // Members.
    row("GetMember", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::GetMember, FreshMember<F>(t));
    });
    row("ListMembers", [](Stubs& s, const std::string& t) {
      v1::ListMembersRequest r;
      r.set_parent(BodiesOf<F>(t));
      return Send(F::Of(s), &Stub::ListMembers, r);
    });
    row("CreateMember", [](Stubs& s, const std::string& t) {
      return Send(F::Of(s), &Stub::CreateMember, MemberRequest<F>(F::FreshBody(t), t));
    });
    row("UpdateMember", [](Stubs& s, const std::string& t) {
      v1::UpdateMemberRequest r;
      r.mutable_member()->set_name(FreshMember<F>(t));
      r.mutable_member()->set_appointment_act("Приказ учредителя № 17");
      r.mutable_update_mask()->add_paths("appointment_act");
      return Send(F::Of(s), &Stub::UpdateMember, r);
    });
    row("DeleteMember", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::DeleteMember, FreshMember<F>(t));
    });
    row("UndeleteMember", [](Stubs& s, const std::string& t) {
      const std::string member = FreshMember<F>(t);
      EXPECT_TRUE(CallByName(F::Of(*admin_), &Stub::DeleteMember, member).ok());
      return CallByName(F::Of(s), &Stub::UndeleteMember, member);
    });
    row("ListExpiringTerms", [](Stubs& s, const std::string& t) {
      v1::ListExpiringTermsRequest r;
      r.set_parent("libraries/" + t);
      r.set_within_days(30);
      return Send(F::Of(s), &Stub::ListExpiringTerms, r);
    });

    // Meetings.
    row("GetMeeting", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::GetMeeting, FreshSitting<F>(t).meeting);
    });
    row("ListMeetings", [](Stubs& s, const std::string& t) {
      v1::ListMeetingsRequest r;
      r.set_parent(BodiesOf<F>(t));
      return Send(F::Of(s), &Stub::ListMeetings, r);
    });
    row("CreateMeeting", [](Stubs& s, const std::string& t) {
      return Send(F::Of(s), &Stub::CreateMeeting,
                  MeetingRequest(F::FreshBody(t), "2031-03-10T18:30"));
    });
    row("UpdateMeeting", [](Stubs& s, const std::string& t) {
      v1::UpdateMeetingRequest r;
      r.mutable_meeting()->set_name(FreshSitting<F>(t).meeting);
      r.mutable_meeting()->set_place("Конференц-зал");
      r.mutable_update_mask()->add_paths("place");
      return Send(F::Of(s), &Stub::UpdateMeeting, r);
    });
    row("DeleteMeeting", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::DeleteMeeting, FreshSitting<F>(t).meeting);
    });
    row("UndeleteMeeting", [](Stubs& s, const std::string& t) {
      const std::string meeting = FreshSitting<F>(t).meeting;
      EXPECT_TRUE(CallByName(F::Of(*admin_), &Stub::DeleteMeeting, meeting).ok());
      return CallByName(F::Of(s), &Stub::UndeleteMeeting, meeting);
    });
    row("RecordNotices", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::RecordNotices, FreshSitting<F>(t).meeting);
    });
    row("HoldMeeting", [](Stubs& s, const std::string& t) {
      const Sitting sitting = FreshSitting<F>(t);
      v1::HoldMeetingRequest r;
      r.set_name(sitting.meeting);
      r.add_present(sitting.member);
      return Send(F::Of(s), &Stub::HoldMeeting, r);
    });
    row("RecordAttendance", [](Stubs& s, const std::string& t) {
      const Sitting sitting = FreshSitting<F>(t, Stage::kHeld);
      v1::RecordAttendanceRequest r;
      r.set_name(sitting.meeting);
      r.add_absent(sitting.member);
      return Send(F::Of(s), &Stub::RecordAttendance, r);
    });
    row("ApproveMinutes", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::ApproveMinutes,
                        FreshSitting<F>(t, Stage::kMinutesWritten).meeting);
    });
    row("AmendMinutes", [](Stubs& s, const std::string& t) {
      // A later meeting adopts an item amending the approved minutes.
      const Sitting sitting = FreshSitting<F>(t, Stage::kMinutesApproved);
      const std::string later = MeetingOf<F>(sitting, "2031-06-10T18:30", Stage::kHeld);
      v1::AmendMinutesRequest r;
      r.set_name(sitting.meeting);
      r.set_text("Читать «1 из 1», а не «1 из 2».");
      r.set_agenda_item(AdoptedItem<F>(sitting, later, /*amends=*/sitting.meeting));
      return Send(F::Of(s), &Stub::AmendMinutes, r);
    });

    // Agenda items.
    row("GetAgendaItem", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::GetAgendaItem, FreshAgendaItem<F>(t));
    });
    row("ListAgendaItems", [](Stubs& s, const std::string& t) {
      v1::ListAgendaItemsRequest r;
      r.set_parent(BodiesOf<F>(t) + "/meetings/-");
      return Send(F::Of(s), &Stub::ListAgendaItems, r);
    });
    row("CreateAgendaItem", [](Stubs& s, const std::string& t) {
      return Send(F::Of(s), &Stub::CreateAgendaItem, AgendaItemRequest(FreshSitting<F>(t).meeting));
    });
    row("UpdateAgendaItem", [](Stubs& s, const std::string& t) {
      v1::UpdateAgendaItemRequest r;
      r.mutable_agenda_item()->set_name(FreshAgendaItem<F>(t));
      r.mutable_agenda_item()->set_title("О плане работы на полугодие");
      r.mutable_update_mask()->add_paths("title");
      return Send(F::Of(s), &Stub::UpdateAgendaItem, r);
    });
    row("DeleteAgendaItem", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::DeleteAgendaItem, FreshAgendaItem<F>(t));
    });
    row("UndeleteAgendaItem", [](Stubs& s, const std::string& t) {
      const std::string item = FreshAgendaItem<F>(t);
      EXPECT_TRUE(CallByName(F::Of(*admin_), &Stub::DeleteAgendaItem, item).ok());
      return CallByName(F::Of(s), &Stub::UndeleteAgendaItem, item);
    });
    row("RecordVotes", [](Stubs& s, const std::string& t) {
      const Sitting sitting = FreshSitting<F>(t, Stage::kHeld);
      const std::string item =
          Made(F::Of(*admin_), &Stub::CreateAgendaItem, AgendaItemRequest(sitting.meeting)).name();
      return Send(F::Of(s), &Stub::RecordVotes, YesVote(item, sitting.member));
    });

    // Decisions.
    row("GetDecision", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::GetDecision, FreshDecision<F>(t));
    });
    row("ListDecisions", [](Stubs& s, const std::string& t) {
      v1::ListDecisionsRequest r;
      r.set_parent(BodiesOf<F>(t));
      return Send(F::Of(s), &Stub::ListDecisions, r);
    });
    row("CreateDecision", [](Stubs& s, const std::string& t) {
      const Sitting sitting = FreshSitting<F>(t, Stage::kHeld);
      return Send(F::Of(s), &Stub::CreateDecision,
                  DecisionRequest(sitting.body, AdoptedItem<F>(sitting, sitting.meeting)));
    });
    row("UpdateDecision", [](Stubs& s, const std::string& t) {
      v1::UpdateDecisionRequest r;
      r.mutable_decision()->set_name(FreshDecision<F>(t));
      r.mutable_decision()->set_title("Об утверждении плана работы на год");
      r.mutable_update_mask()->add_paths("title");
      return Send(F::Of(s), &Stub::UpdateDecision, r);
    });
    row("DeleteDecision", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::DeleteDecision, FreshDecision<F>(t));
    });
    row("UndeleteDecision", [](Stubs& s, const std::string& t) {
      const std::string decision = FreshDecision<F>(t);
      EXPECT_TRUE(CallByName(F::Of(*admin_), &Stub::DeleteDecision, decision).ok());
      return CallByName(F::Of(s), &Stub::UndeleteDecision, decision);
    });

    // Action items.
    row("GetActionItem", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::GetActionItem, FreshActionItem<F>(t));
    });
    row("ListActionItems", [](Stubs& s, const std::string& t) {
      v1::ListActionItemsRequest r;
      r.set_parent(BodiesOf<F>(t) + "/decisions/-");
      return Send(F::Of(s), &Stub::ListActionItems, r);
    });
    row("CreateActionItem", [](Stubs& s, const std::string& t) {
      return Send(F::Of(s), &Stub::CreateActionItem, ActionItemRequest(FreshDecision<F>(t)));
    });
    row("UpdateActionItem", [](Stubs& s, const std::string& t) {
      v1::UpdateActionItemRequest r;
      r.mutable_action_item()->set_name(FreshActionItem<F>(t));
      r.mutable_action_item()->set_owner("Председатель совета");
      r.mutable_update_mask()->add_paths("owner");
      return Send(F::Of(s), &Stub::UpdateActionItem, r);
    });
    row("DeleteActionItem", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::DeleteActionItem, FreshActionItem<F>(t));
    });
    row("UndeleteActionItem", [](Stubs& s, const std::string& t) {
      const std::string item = FreshActionItem<F>(t);
      EXPECT_TRUE(CallByName(F::Of(*admin_), &Stub::DeleteActionItem, item).ok());
      return CallByName(F::Of(s), &Stub::UndeleteActionItem, item);
    });
    row("CompleteActionItem", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::CompleteActionItem, FreshActionItem<F>(t));
    });
    row("DropActionItem", [](Stubs& s, const std::string& t) {
      return CallByName(F::Of(s), &Stub::DropActionItem, FreshActionItem<F>(t));
    });
    row("ListOverdueActionItems", [](Stubs& s, const std::string& t) {
      v1::ListOverdueActionItemsRequest r;
      r.set_parent("libraries/" + t);
      return Send(F::Of(s), &Stub::ListOverdueActionItems, r);
    });
  }

  // Lists whose results are restricted to the caller's scope rather than refused.
  static bool RestrictsRatherThanRefuses(const std::string& method) {
    return method == "allies.v1.ApiKeyService/ListApiKeys";
  }

  static TestServer* server_;
  static std::unique_ptr<Stubs> admin_;
  static int counter_;
};

TestServer* AuthorizationTest::server_ = nullptr;
std::unique_ptr<AuthorizationTest::Stubs> AuthorizationTest::admin_;
int AuthorizationTest::counter_ = 0;

// Every rpc of every hosted service declares its permission in the .proto and has a row here.
TEST_F(AuthorizationTest, EveryHostedMethodHasAPolicyAndAMatrixRow) {
  std::set<std::string> hosted;
  for (const auto& registration : server::AllServices()) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(registration.name);
    ASSERT_NE(service, nullptr) << registration.name;
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = api::MethodPath(*service->method(i));
      hosted.insert(method);
      EXPECT_TRUE(api::RequiredPermission(*service->method(i)).ok())
          << method << " declares no (allies.v1.permission)";
      EXPECT_TRUE(Calls().count(method)) << method << " has no row in the authorization matrix";
    }
  }
  for (const auto& [method, call] : Calls()) EXPECT_TRUE(hosted.count(method)) << method;
}

TEST_F(AuthorizationTest, RoleByMethodByPlaceInTheNetwork) {
  const std::vector<std::pair<api::Role, v1::ApiKey::Role>> roles = {
      {api::Role::kAdmin, v1::ApiKey::ADMIN},
      {api::Role::kMethodist, v1::ApiKey::METHODIST},
      {api::Role::kLibrarian, v1::ApiKey::LIBRARIAN},
      {api::Role::kCoordinator, v1::ApiKey::COORDINATOR},
      {api::Role::kIntegration, v1::ApiKey::INTEGRATION},
  };
  const std::vector<std::pair<std::string, bool>> places = {
      {"a", true}, {"a1", true}, {"r", false}, {"b", false}};  // own, descendant, ancestor, sibling
  int checked = 0;
  for (const auto& [role, proto_role] : roles) {
    std::string token;
    FreshKey("a", proto_role, &token);
    Stubs stubs(server_->ChannelWithKey(token));
    for (const auto& [method, call] : Calls()) {
      const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrReplaceAll(method, {{"/", "."}}));
      ASSERT_NE(descriptor, nullptr) << method;
      const bool permitted = api::RoleGrants(role, *api::RequiredPermission(*descriptor));
      for (const auto& [target, in_scope] : places) {
        const grpc::Status status = call(stubs, target);
        const bool allowed = permitted && (in_scope || RestrictsRatherThanRefuses(method));
        if (allowed) {
          EXPECT_TRUE(status.ok())
              << proto_role << " " << method << " on " << target << ": " << status.error_message();
        } else {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << proto_role << " " << method << " on " << target << ": " << status.error_message();
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 5 * static_cast<int>(Calls().size()) * 4);
}

TEST_F(AuthorizationTest, OutOfScopeLooksTheSameWhetherOrNotItExists) {
  std::string token;
  FreshKey("a", v1::ApiKey::ADMIN, &token);
  Stubs stubs(server_->ChannelWithKey(token));
  for (const char* name : {"libraries/b", "libraries/does-not-exist"}) {
    grpc::Status status = CallByName(*stubs.libraries, &v1::LibraryService::Stub::GetLibrary, name);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << name;
  }
  // Lists across the network show only the caller's subtree.
  v1::ListLibrariesRequest all;
  v1::ListLibrariesResponse page;
  grpc::ClientContext c;
  ASSERT_TRUE(stubs.libraries->ListLibraries(&c, all, &page).ok());
  for (const auto& library : page.libraries()) {
    EXPECT_TRUE(library.name() == "libraries/a" || library.name() == "libraries/a1" ||
                library.parent() == "libraries/a" || library.parent() == "libraries/a1" ||
                library.name().rfind("libraries/x", 0) == 0 ||
                library.name().rfind("libraries/n", 0) == 0)
        << library.name() << " is outside libraries/a";
    EXPECT_NE(library.name(), "libraries/r");
    EXPECT_NE(library.name(), "libraries/b");
  }
}

// A related resource outside the caller's reach is refused like any out-of-scope name, whether
// or not it exists, on create and on update; nothing about it changes.
TEST_F(AuthorizationTest, RelatedResourcesMustBeWithinReach) {
  std::string token;
  FreshKey("a", v1::ApiKey::LIBRARIAN, &token);
  Stubs stubs(server_->ChannelWithKey(token));
  const std::string sibling = FreshPartner("b");
  const std::string below = FreshPartner("a1");
  auto create = [&](const std::string& related, v1::Activity* out) {
    v1::CreateActivityRequest r;
    r.set_parent("libraries/a");
    r.mutable_activity()->set_kind(v1::Activity::MEETING);
    r.mutable_activity()->set_subject("Встреча");
    r.mutable_activity()->add_related(related);
    grpc::ClientContext c;
    return stubs.activities->CreateActivity(&c, r, out);
  };
  v1::Activity out;
  for (const std::string& name : {sibling, std::string("libraries/b/partners/nobody")}) {
    EXPECT_EQ(create(name, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED) << name;
  }
  v1::Partner partner;
  ASSERT_TRUE(
      CallByName(*admin_->partners, &v1::PartnerService::Stub::GetPartner, sibling, &partner).ok());
  EXPECT_FALSE(partner.has_last_interaction_time()) << "the sibling's partner was touched";

  ASSERT_TRUE(create(below, &out).ok());
  v1::UpdateActivityRequest update;
  *update.mutable_activity() = out;
  update.mutable_activity()->add_related(sibling);
  update.mutable_update_mask()->add_paths("related");
  grpc::ClientContext c;
  v1::Activity updated;
  EXPECT_EQ(stubs.activities->UpdateActivity(&c, update, &updated).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuthorizationTest, BadCredentialsAreUnauthenticated) {
  auto code = [](std::shared_ptr<grpc::Channel> channel) {
    auto stub = v1::LibraryService::NewStub(channel);
    return CallByName(*stub, &v1::LibraryService::Stub::GetLibrary, "libraries/a").error_code();
  };
  EXPECT_EQ(code(server_->ChannelWithKey("")), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(server_->ChannelWithKey("allies_nokey_secret")),
            grpc::StatusCode::UNAUTHENTICATED);
  std::string token;
  FreshKey("a", v1::ApiKey::METHODIST, &token);
  std::string forged = token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(code(server_->ChannelWithKey(forged)), grpc::StatusCode::UNAUTHENTICATED);
  // Once the real secret has been seen (and remembered by the key cache), a wrong one, a
  // shorter one and a longer one are still refused, and the real one still works.
  EXPECT_EQ(code(server_->ChannelWithKey(token)), grpc::StatusCode::OK);
  EXPECT_EQ(code(server_->ChannelWithKey(forged)), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(server_->ChannelWithKey(token.substr(0, token.size() - 1))),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(server_->ChannelWithKey(token + "A")), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(server_->ChannelWithKey(token)), grpc::StatusCode::OK);

  // Revoked (before the key was ever used, so no cache holds it) and expired keys.
  std::string revoked_token;
  const std::string revoked = FreshKey("a", v1::ApiKey::METHODIST, &revoked_token);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(revoked);
  v1::ApiKey out;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(admin_->keys->RevokeApiKey(&c, revoke, &out).ok());
  }
  EXPECT_EQ(code(server_->ChannelWithKey(revoked_token)), grpc::StatusCode::UNAUTHENTICATED);

  v1::CreateApiKeyRequest request;
  request.mutable_api_key()->set_display_name("на минутку");
  request.mutable_api_key()->set_role(v1::ApiKey::METHODIST);
  request.mutable_api_key()->set_library("libraries/a");
  request.mutable_api_key()->mutable_expire_time()->set_seconds(
      absl::ToUnixSeconds(absl::Now() + absl::Seconds(2)));
  v1::CreateApiKeyResponse expiring;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(admin_->keys->CreateApiKey(&c, request, &expiring).ok());
  }
  absl::SleepFor(absl::Seconds(2.2));
  EXPECT_EQ(code(server_->ChannelWithKey(expiring.key())), grpc::StatusCode::UNAUTHENTICATED);

  // A key in use (so cached) stops working within the cache's 5 seconds of its revocation.
  std::string used_token;
  const std::string used = FreshKey("a", v1::ApiKey::METHODIST, &used_token);
  ASSERT_EQ(code(server_->ChannelWithKey(used_token)), grpc::StatusCode::OK);
  revoke.set_name(used);
  {
    grpc::ClientContext c;
    ASSERT_TRUE(admin_->keys->RevokeApiKey(&c, revoke, &out).ok());
  }
  absl::SleepFor(absl::Seconds(5.5));
  EXPECT_EQ(code(server_->ChannelWithKey(used_token)), grpc::StatusCode::UNAUTHENTICATED);
}

// Need to know: a volunteer's personal fields reach only keys that manage volunteers (ADMIN,
// COORDINATOR); the others read the resource with them cleared and a flag, and may not filter
// on them. Consents' personal fields reach keys that manage consents.
TEST_F(AuthorizationTest, PersonalFieldsOnlyForThoseWhoManageThem) {
  const std::string volunteer = FreshVolunteer("a");
  const std::string consent = FreshConsent("a");
  std::string volunteer_consent;
  {
    v1::ListConsentsRequest r;
    r.set_parent("libraries/a");
    r.set_filter(absl::StrCat("subject = \"", volunteer, "\""));
    v1::ListConsentsResponse out;
    grpc::ClientContext c;
    ASSERT_TRUE(admin_->consents->ListConsents(&c, r, &out).ok());
    ASSERT_EQ(out.consents_size(), 1);
    volunteer_consent = out.consents(0).name();
  }
  for (const auto& [role, sees_volunteers, sees_consents] :
       std::vector<std::tuple<v1::ApiKey::Role, bool, bool>>{
           {v1::ApiKey::ADMIN, true, true},
           {v1::ApiKey::COORDINATOR, true, true},
           {v1::ApiKey::LIBRARIAN, false, true},
           {v1::ApiKey::METHODIST, false, false},
           {v1::ApiKey::INTEGRATION, false, false}}) {
    std::string token;
    FreshKey("a", role, &token);
    Stubs stubs(server_->ChannelWithKey(token));
    v1::Volunteer got;
    ASSERT_TRUE(
        CallByName(*stubs.volunteers, &v1::VolunteerService::Stub::GetVolunteer, volunteer, &got)
            .ok());
    EXPECT_EQ(got.family_name().empty(), !sees_volunteers) << role;
    EXPECT_EQ(got.has_birth_date(), sees_volunteers) << role;
    EXPECT_EQ(got.age() != 0, sees_volunteers) << role;
    EXPECT_EQ(got.personal_data_withheld(), !sees_volunteers) << role;
    EXPECT_EQ(got.state(), v1::Volunteer::APPLICANT) << role;  // the rest is there

    v1::ListVolunteersRequest list;
    list.set_parent("libraries/a");
    v1::ListVolunteersResponse page;
    {
      grpc::ClientContext c;
      ASSERT_TRUE(stubs.volunteers->ListVolunteers(&c, list, &page).ok());
    }
    ASSERT_GT(page.volunteers_size(), 0);
    for (const auto& v : page.volunteers()) {
      if (!v.has_erase_time()) {
        EXPECT_EQ(v.given_name().empty(), !sees_volunteers) << role;
      }
      EXPECT_EQ(v.personal_data_withheld(), !sees_volunteers) << role;
    }
    list.set_filter("family_name = \"Волонтёрова\"");
    {
      grpc::ClientContext c;
      const grpc::Status filtered = stubs.volunteers->ListVolunteers(&c, list, &page);
      EXPECT_EQ(filtered.error_code(),
                sees_volunteers ? grpc::StatusCode::OK : grpc::StatusCode::PERMISSION_DENIED)
          << role;
    }
    v1::Consent c;
    ASSERT_TRUE(
        CallByName(*stubs.consents, &v1::ConsentService::Stub::GetConsent, consent, &c).ok());
    EXPECT_EQ(c.subject_name().empty(), !sees_consents) << role;
    EXPECT_EQ(c.personal_data_withheld(), !sees_consents) << role;
    EXPECT_EQ(c.purposes_size(), 1) << role;
    // A volunteer's consent holds the volunteer's data: seen only by those who see volunteers
    // (a librarian manages consents, and sees contacts' but not volunteers').
    ASSERT_TRUE(
        CallByName(*stubs.consents, &v1::ConsentService::Stub::GetConsent, volunteer_consent, &c)
            .ok());
    EXPECT_EQ(c.subject_name().empty(), !sees_volunteers) << role;
    EXPECT_EQ(c.personal_data_withheld(), !sees_volunteers) << role;
    EXPECT_EQ(c.subject(), volunteer) << role;
    v1::ListConsentsRequest consents;
    consents.set_parent("libraries/a");
    consents.set_filter("subject_name = \"Волонтёрова Ольга\"");
    v1::ListConsentsResponse consent_page;
    grpc::ClientContext lc;
    EXPECT_EQ(stubs.consents->ListConsents(&lc, consents, &consent_page).error_code(),
              sees_volunteers ? grpc::StatusCode::OK : grpc::StatusCode::PERMISSION_DENIED)
        << role;
    // What a change answers is withheld as a Get is: a council member who is a volunteer,
    // created by a role that manages councils but not volunteers, comes back without the name.
    if (api::RoleGrants(static_cast<api::Role>(role), v1::MANAGE_GOVERNANCE)) {
      v1::CreateMemberRequest r;
      r.set_parent(ReaderCouncils::FreshBody("a"));
      r.mutable_member()->set_person(volunteer);
      r.mutable_member()->set_seat_kind("READER");
      *r.mutable_member()->mutable_term_start_date() = DateOf(2031, 1, 1);
      *r.mutable_member()->mutable_term_end_date() = DateOf(2032, 12, 31);
      v1::Member member;
      grpc::ClientContext mc;
      const grpc::Status created = stubs.councils->CreateMember(&mc, r, &member);
      ASSERT_TRUE(created.ok()) << role << ": " << created.error_message();
      EXPECT_EQ(member.display_name().empty(), !sees_volunteers) << role;
    }
  }
}

TEST_F(AuthorizationTest, HealthNeedsNoKey) {
  auto health = grpc::health::v1::Health::NewStub(server_->ChannelWithKey(""));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext c;
  ASSERT_TRUE(health->Check(&c, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(AuthorizationTest, ScopedListsShowExactlyTheSubtree) {
  // A tree of its own: q -> qa -> qa1, q -> qb; the key reaches qa.
  for (auto [id, parent] : std::vector<std::pair<std::string, std::string>>{
           {"q", ""}, {"qa", "q"}, {"qa1", "qa"}, {"qb", "q"}}) {
    ASSERT_TRUE(CreateLibrary(*admin_, id, parent).ok());
  }
  FreshActivity("qa1");
  FreshActivity("qb");
  FreshKey("qa1", v1::ApiKey::INTEGRATION);
  FreshKey("qb", v1::ApiKey::INTEGRATION);
  std::string token;
  FreshKey("qa", v1::ApiKey::ADMIN, &token);
  Stubs stubs(server_->ChannelWithKey(token));

  v1::ListLibrariesRequest libraries;
  libraries.set_filter(
      "name = \"libraries/q\" OR name = \"libraries/qa\" OR "
      "name = \"libraries/qa1\" OR name = \"libraries/qb\"");
  v1::ListLibrariesResponse library_page;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(stubs.libraries->ListLibraries(&c, libraries, &library_page).ok());
  }
  std::vector<std::string> names;
  for (const auto& l : library_page.libraries()) names.push_back(l.name());
  EXPECT_EQ(names, (std::vector<std::string>{"libraries/qa", "libraries/qa1"}));

  v1::ListActivitiesRequest activities;
  activities.set_parent("libraries/-");
  activities.set_filter("kind = CALL");
  v1::ListActivitiesResponse activity_page;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(stubs.activities->ListActivities(&c, activities, &activity_page).ok());
  }
  ASSERT_EQ(activity_page.activities_size(), 1);
  EXPECT_EQ(activity_page.activities(0).name().rfind("libraries/qa1/", 0), 0u);

  v1::ListApiKeysRequest keys;
  v1::ListApiKeysResponse key_page;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(stubs.keys->ListApiKeys(&c, keys, &key_page).ok());
  }
  std::set<std::string> key_libraries;
  for (const auto& k : key_page.api_keys()) key_libraries.insert(k.library());
  EXPECT_EQ(key_libraries, (std::set<std::string>{"libraries/qa", "libraries/qa1"}));
}

TEST_F(AuthorizationTest, ScopedAdminsCannotReachOutwards) {
  std::string token;
  FreshKey("a", v1::ApiKey::ADMIN, &token);
  Stubs stubs(server_->ChannelWithKey(token));
  // No network-wide keys.
  v1::CreateApiKeyRequest key;
  key.mutable_api_key()->set_display_name("шире");
  key.mutable_api_key()->set_role(v1::ApiKey::ADMIN);
  v1::CreateApiKeyResponse key_out;
  {
    grpc::ClientContext c;
    EXPECT_EQ(stubs.keys->CreateApiKey(&c, key, &key_out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // No moving a library of its own out of its subtree.
  v1::UpdateLibraryRequest move;
  move.mutable_library()->set_name("libraries/" + FreshChild("a"));
  move.mutable_library()->set_parent("libraries/b");
  move.mutable_update_mask()->add_paths("parent");
  v1::Library out;
  {
    grpc::ClientContext c;
    EXPECT_EQ(stubs.libraries->UpdateLibrary(&c, move, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // Creating an id taken outside its subtree says nothing about it.
  EXPECT_EQ(CreateLibrary(stubs, "b", "a").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateLibrary(stubs, "a1", "a").error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

}  // namespace
}  // namespace allies
