// ProjectService through gRPC: projects and their lifecycle, shifts in the library's local
// time, and sign-ups whose invariants hold on every write path: capacity and the waitlist
// (also under 64 concurrent callers), overlap, eligibility on the shift's date.
#include "services/project/project_service.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "api/proto_time.h"
#include "services/common/local_time.h"
#include "storage/pool.h"
#include "tests/support/fixtures.h"
#include "tests/support/rpc_errors.h"

namespace allies {
namespace {

using allies::testing::ByParent;
using allies::testing::CallByName;
using allies::testing::Person;
using allies::testing::Reason;
using allies::testing::ViolatedFields;
using allies::testing::WorkConsent;
using allies::testing::YearsAgo;
using v1::Project;
using v1::Shift;
using v1::Signup;

class ProjectServiceTest : public allies::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "city").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "branch", "libraries/city").ok());
  }

  // An ACTIVE volunteer of `age` in `library`.
  std::string ActiveVolunteer(const std::string& id, int age = 30,
                              const v1::Consent& consent = WorkConsent(),
                              const std::string& library = "city") {
    v1::CreateVolunteerRequest request;
    request.set_parent("libraries/" + library);
    request.set_volunteer_id(id);
    *request.mutable_volunteer() = Person("Волонтёрова", "Алёна " + id, age);
    *request.mutable_consent() = consent;
    v1::Volunteer out;
    grpc::ClientContext context;
    grpc::Status status = volunteers_->CreateVolunteer(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    status = CallByName(*volunteers_, &v1::VolunteerService::Stub::ActivateVolunteer, out.name());
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  grpc::Status CreateProject(const Project& p, const std::string& id, Project* out,
                             const std::string& library = "city") {
    v1::CreateProjectRequest request;
    request.set_parent("libraries/" + library);
    request.set_project_id(id);
    *request.mutable_project() = p;
    grpc::ClientContext context;
    return projects_->CreateProject(&context, request, out);
  }

  // An ACTIVE project.
  std::string ActiveProject(const std::string& id, int minimum_age = 0,
                            std::vector<v1::Qualification::Kind> required = {},
                            const std::string& library = "city") {
    Project p;
    p.set_title("Летние чтения «Ёлка» " + id);
    p.set_minimum_age(minimum_age);
    for (auto kind : required) p.add_required_qualifications(kind);
    Project out;
    grpc::Status status = CreateProject(p, id, &out, library);
    EXPECT_TRUE(status.ok()) << status.error_message();
    status = CallByName(*projects_, &v1::ProjectService::Stub::ActivateProject, out.name());
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  grpc::Status CreateShift(const std::string& project, absl::Time start, absl::Duration length,
                           int capacity, v1::WaitlistMode mode, Shift* out,
                           const std::string& id = "") {
    v1::CreateShiftRequest request;
    request.set_parent(project);
    request.set_shift_id(id);
    api::ToTimestamp(start, request.mutable_shift()->mutable_start_time());
    api::ToTimestamp(start + length, request.mutable_shift()->mutable_end_time());
    request.mutable_shift()->set_capacity(capacity);
    request.mutable_shift()->set_waitlist_mode(mode);
    request.mutable_shift()->set_place("Абонемент, 2 этаж");
    grpc::ClientContext context;
    return projects_->CreateShift(&context, request, out);
  }

  // A shift starting `days` from now (whole hours), `hours` long.
  std::string MakeShift(const std::string& project, int capacity, v1::WaitlistMode mode = v1::AUTO,
                        int days = 3, int hours = 3) {
    Shift out;
    const absl::Time start = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 3600 * 3600) +
                             absl::Hours(24 * days);
    grpc::Status status = CreateShift(project, start, absl::Hours(hours), capacity, mode, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  grpc::Status SignUp(const std::string& shift, const std::string& volunteer, Signup* out,
                      int party = 1, const std::string& overlap_reason = "",
                      bool request_only = false, const std::string& request_id = "") {
    v1::CreateSignupRequest request;
    request.set_parent(shift);
    request.mutable_signup()->set_volunteer(volunteer);
    request.mutable_signup()->set_party_size(party);
    request.mutable_signup()->set_overlap_reason(overlap_reason);
    request.set_request_only(request_only);
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return projects_->CreateSignup(&context, request, out);
  }

  Signup MustSignUp(const std::string& shift, const std::string& volunteer, int party = 1) {
    Signup out;
    grpc::Status status = SignUp(shift, volunteer, &out, party);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  Shift GetShift(const std::string& name) {
    Shift out;
    grpc::Status status = CallByName(*projects_, &v1::ProjectService::Stub::GetShift, name, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  Signup GetSignup(const std::string& name) {
    Signup out;
    EXPECT_TRUE(CallByName(*projects_, &v1::ProjectService::Stub::GetSignup, name, &out).ok());
    return out;
  }

  std::vector<Signup> SignupsOf(const std::string& shift) {
    v1::ListSignupsRequest request;
    request.set_parent(shift);
    request.set_page_size(1000);
    v1::ListSignupsResponse out;
    grpc::ClientContext context;
    grpc::Status status = projects_->ListSignups(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {out.signups().begin(), out.signups().end()};
  }

  // The places of a shift as its sign-ups say and as the shift says, and the invariants
  // between them: confirmed parties within capacity; in AUTO mode no free place while a party
  // that fits waits.
  void ExpectPlacesHold(const std::string& shift_name) {
    const Shift shift = GetShift(shift_name);
    int confirmed = 0, waiting = 0, smallest_waiting = 1 << 30;
    for (const Signup& s : SignupsOf(shift_name)) {
      if (s.state() == Signup::CONFIRMED || s.state() == Signup::COMPLETED ||
          s.state() == Signup::NO_SHOW) {
        confirmed += s.party_size();
      } else if (s.state() == Signup::WAITLISTED) {
        ++waiting;
        smallest_waiting = std::min(smallest_waiting, s.party_size());
      }
    }
    EXPECT_EQ(shift.confirmed_count(), confirmed) << shift_name;
    EXPECT_LE(confirmed, shift.capacity()) << shift_name;
    EXPECT_EQ(shift.places_left(), shift.capacity() - confirmed);
    EXPECT_EQ(shift.waitlist_length(), waiting);
    if (shift.waitlist_mode() == v1::AUTO && waiting > 0) {
      EXPECT_LT(shift.places_left(), smallest_waiting)
          << shift_name << ": a place is free while a party that fits waits";
    }
  }

  template <typename Method>
  grpc::Status Move(Method method, const std::string& name, Signup* out = nullptr) {
    return CallByName(*projects_, method, name, out);
  }
};

TEST_F(ProjectServiceTest, ProjectLifecycle) {
  Project p;
  p.set_title("  Клуб «Ёжик»: чтения для детей  ");
  p.set_description("Читаем вслух по субботам.\nДля детей 6–10 лет.");
  p.add_skills("чтение вслух");
  p.set_minimum_age(16);
  p.add_required_qualifications(v1::Qualification::NO_CRIMINAL_RECORD);
  p.set_branch("libraries/branch");
  Project out;
  ASSERT_TRUE(CreateProject(p, "ezhik", &out).ok());
  EXPECT_EQ(out.name(), "libraries/city/projects/ezhik");
  EXPECT_EQ(out.title(), "Клуб «Ёжик»: чтения для детей");
  EXPECT_EQ(out.state(), Project::PLANNED);
  // Bad input, every field at once.
  Project bad;
  bad.set_minimum_age(101);
  bad.add_required_qualifications(v1::Qualification::TRAINING);
  bad.add_required_qualifications(v1::Qualification::TRAINING);
  bad.add_skills("");
  *bad.mutable_start_date() = YearsAgo(0, 10);
  *bad.mutable_end_date() = YearsAgo(0, 1);
  EXPECT_EQ(ViolatedFields(CreateProject(bad, "", &out)),
            (std::vector<std::string>{"project.title", "project.skills[0]", "project.minimum_age",
                                      "project.required_qualifications[1]", "project.end_date"}));
  bad = p;
  bad.set_partner("libraries/city/partners/nobody");
  EXPECT_EQ(Reason(CreateProject(bad, "", &out)), "PARTNER_NOT_FOUND");
  // PLANNED -> ACTIVE -> COMPLETED; a completed project takes no change and no shift.
  const std::string name = "libraries/city/projects/ezhik";
  EXPECT_EQ(Reason(CallByName(*projects_, &v1::ProjectService::Stub::CompleteProject, name)),
            "PROJECT_STATE");
  ASSERT_TRUE(CallByName(*projects_, &v1::ProjectService::Stub::ActivateProject, name).ok());
  ASSERT_TRUE(CallByName(*projects_, &v1::ProjectService::Stub::CompleteProject, name, &out).ok());
  EXPECT_EQ(out.state(), Project::COMPLETED);
  Shift shift;
  EXPECT_EQ(
      Reason(CreateShift(name, absl::Now() + absl::Hours(24), absl::Hours(2), 5, v1::AUTO, &shift)),
      "PROJECT_STATE");
  v1::UpdateProjectRequest update;
  *update.mutable_project() = out;
  update.mutable_project()->set_title("Другое");
  update.mutable_update_mask()->add_paths("title");
  grpc::ClientContext context;
  EXPECT_EQ(Reason(projects_->UpdateProject(&context, update, &out)), "PROJECT_STATE");
  // Cancelling needs a reason.
  const std::string other = ActiveProject("other");
  EXPECT_EQ(ViolatedFields(CallByName(*projects_, &v1::ProjectService::Stub::CancelProject, other)),
            std::vector<std::string>{"reason"});
  EXPECT_EQ(SystemVerbs(name), (std::vector<std::string>{"CREATE", "ACTIVATE", "COMPLETE"}));
}

TEST_F(ProjectServiceTest, ShiftsReadInTheLibrarysTimeZone) {
  v1::UpdateLibraryRequest zone;
  zone.mutable_library()->set_name("libraries/city");
  zone.mutable_library()->set_time_zone("Asia/Vladivostok");
  zone.mutable_update_mask()->add_paths("time_zone");
  v1::Library library;
  grpc::ClientContext context;
  ASSERT_TRUE(libraries_->UpdateLibrary(&context, zone, &library).ok());
  EXPECT_EQ(library.time_zone(), "Asia/Vladivostok");
  zone.mutable_library()->set_time_zone("Asia/Владивосток");
  grpc::ClientContext refused;
  EXPECT_EQ(ViolatedFields(libraries_->UpdateLibrary(&refused, zone, &library)),
            std::vector<std::string>{"library.time_zone"});

  const std::string project = ActiveProject("reading");
  // 10:00 in Владивосток (UTC+10, no DST) is 00:00 UTC.
  v1::CreateShiftRequest request;
  request.set_parent(project);
  request.mutable_shift()->set_local_start_time("2031-01-15T10:00");
  request.mutable_shift()->set_local_end_time("2031-01-15 13:30");
  request.mutable_shift()->set_capacity(5);
  Shift shift;
  grpc::ClientContext create;
  grpc::Status status = projects_->CreateShift(&create, request, &shift);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(api::FromTimestamp(shift.start_time()),
            absl::FromCivil(absl::CivilSecond(2031, 1, 15, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(shift.local_start_time(), "2031-01-15T10:00");
  EXPECT_EQ(shift.local_end_time(), "2031-01-15T13:30");
  EXPECT_EQ(shift.time_zone(), "Asia/Vladivostok");
  EXPECT_EQ(shift.waitlist_mode(), v1::AUTO);  // the default
  EXPECT_EQ(shift.project(), project);
  EXPECT_EQ(shift.places_left(), 5);
  EXPECT_EQ(GetShift(shift.name()).local_start_time(), "2031-01-15T10:00");
  // Moved by local time: 18:00-20:00 there.
  v1::UpdateShiftRequest move;
  move.mutable_shift()->set_name(shift.name());
  move.mutable_shift()->set_local_start_time("2031-01-15T18:00");
  move.mutable_shift()->set_local_end_time("2031-01-15T20:00");
  move.mutable_update_mask()->add_paths("local_start_time");
  move.mutable_update_mask()->add_paths("local_end_time");
  grpc::ClientContext update;
  status = projects_->UpdateShift(&update, move, &shift);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(api::FromTimestamp(shift.start_time()),
            absl::FromCivil(absl::CivilSecond(2031, 1, 15, 8, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(shift.local_end_time(), "2031-01-15T20:00");
  EXPECT_EQ(SystemEntries(shift.name()).back().changed_fields_size(), 2);
  // One side local, the other exact.
  move.mutable_shift()->set_local_start_time("2031-01-15T17:00");
  move.mutable_shift()->clear_local_end_time();
  api::ToTimestamp(absl::FromCivil(absl::CivilSecond(2031, 1, 15, 9, 30, 0), absl::UTCTimeZone()),
                   move.mutable_shift()->mutable_end_time());
  move.mutable_update_mask()->Clear();
  move.mutable_update_mask()->add_paths("local_start_time");
  move.mutable_update_mask()->add_paths("end_time");
  grpc::ClientContext mixed;
  status = projects_->UpdateShift(&mixed, move, &shift);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(shift.local_start_time(), "2031-01-15T17:00");
  EXPECT_EQ(shift.local_end_time(), "2031-01-15T19:30");
  // Bad times and capacities.
  request.mutable_shift()->set_local_start_time("2031-02-30T10:00");
  request.mutable_shift()->set_local_end_time("2031-01-15T25:00");
  grpc::ClientContext bad_local;
  EXPECT_EQ(ViolatedFields(projects_->CreateShift(&bad_local, request, &shift)),
            (std::vector<std::string>{"shift.local_start_time", "shift.local_end_time"}));
  EXPECT_EQ(ViolatedFields(CreateShift(project, absl::Now() + absl::Hours(5), -absl::Hours(1), 0,
                                       v1::AUTO, &shift)),
            (std::vector<std::string>{"shift.capacity", "shift.end_time"}));
  EXPECT_EQ(
      ViolatedFields(CreateShift(project, absl::Now(), absl::Hours(24 * 8), 3, v1::AUTO, &shift)),
      std::vector<std::string>{"shift.end_time"});
}

TEST_F(ProjectServiceTest, CapacityAndTheWaitlist) {
  const std::string project = ActiveProject("fair");
  std::vector<std::string> v;
  for (int i = 0; i < 6; ++i) v.push_back(ActiveVolunteer(absl::StrCat("v", i)));
  // AUTO: beyond capacity, waitlisted; a cancellation promotes the head that fits.
  const std::string shift = MakeShift(project, 3, v1::AUTO);
  EXPECT_EQ(MustSignUp(shift, v[0], 2).state(), Signup::CONFIRMED);
  const Signup big = MustSignUp(shift, v[1], 2);  // does not fit: waits
  EXPECT_EQ(big.state(), Signup::WAITLISTED);
  EXPECT_TRUE(big.has_waitlist_time());
  const Signup one = MustSignUp(shift, v[2], 1);
  EXPECT_EQ(one.state(), Signup::CONFIRMED);  // fits in the last place
  const Signup later = MustSignUp(shift, v[3], 1);
  EXPECT_EQ(later.state(), Signup::WAITLISTED);
  Shift got = GetShift(shift);
  EXPECT_EQ(got.confirmed_count(), 3);
  EXPECT_EQ(got.places_left(), 0);
  EXPECT_EQ(got.waitlist_length(), 2);
  // The same volunteer twice: refused, naming the sign-up.
  Signup out;
  EXPECT_EQ(Reason(SignUp(shift, v[0], &out)), "SIGNUP_EXISTS");
  // One place freed: the head (a party of 2) does not fit; the next one does.
  ASSERT_TRUE(Move(&v1::ProjectService::Stub::CancelSignup, one.name(), &out).ok());
  EXPECT_EQ(out.state(), Signup::CANCELED);
  EXPECT_EQ(GetSignup(later.name()).state(), Signup::CONFIRMED);
  EXPECT_EQ(GetSignup(big.name()).state(), Signup::WAITLISTED);
  EXPECT_EQ(SystemVerbs(later.name()), (std::vector<std::string>{"CREATE", "PROMOTE"}));
  ExpectPlacesHold(shift);
  // Capacity raised: the head moves up. Lowered below what is confirmed: refused.
  v1::UpdateShiftRequest update;
  update.mutable_shift()->set_name(shift);
  update.mutable_shift()->set_capacity(5);
  update.mutable_update_mask()->add_paths("capacity");
  grpc::ClientContext raise;
  ASSERT_TRUE(projects_->UpdateShift(&raise, update, &got).ok());
  EXPECT_EQ(GetSignup(big.name()).state(), Signup::CONFIRMED);
  EXPECT_EQ(got.confirmed_count(), 5);
  update.mutable_shift()->set_capacity(4);
  grpc::ClientContext lower;
  EXPECT_EQ(Reason(projects_->UpdateShift(&lower, update, &got)), "CAPACITY_BELOW_CONFIRMED");
  ExpectPlacesHold(shift);
  // A canceled volunteer may sign up again.
  EXPECT_EQ(MustSignUp(shift, v[2], 1).state(), Signup::WAITLISTED);

  // NONE: refused when full. MANUAL: waitlisted, and places freed wait for a coordinator.
  const std::string none = MakeShift(project, 1, v1::NONE, 4);
  MustSignUp(none, v[0]);
  grpc::Status full = SignUp(none, v[1], &out);
  EXPECT_EQ(full.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(full), "SHIFT_FULL");
  const std::string manual = MakeShift(project, 1, v1::MANUAL, 5);
  const Signup first = MustSignUp(manual, v[0]);
  const Signup waiting = MustSignUp(manual, v[1]);
  EXPECT_EQ(waiting.state(), Signup::WAITLISTED);
  EXPECT_EQ(Reason(Move(&v1::ProjectService::Stub::ConfirmSignup, waiting.name())), "SHIFT_FULL");
  ASSERT_TRUE(Move(&v1::ProjectService::Stub::CancelSignup, first.name()).ok());
  EXPECT_EQ(GetSignup(waiting.name()).state(), Signup::WAITLISTED);
  ASSERT_TRUE(Move(&v1::ProjectService::Stub::ConfirmSignup, waiting.name(), &out).ok());
  EXPECT_EQ(out.state(), Signup::CONFIRMED);
  ExpectPlacesHold(manual);
  // A request takes no place until confirmed; it may be waitlisted by hand.
  ASSERT_TRUE(SignUp(manual, v[4], &out, 1, "", /*request_only=*/true).ok());
  EXPECT_EQ(out.state(), Signup::REQUESTED);
  EXPECT_EQ(GetShift(manual).confirmed_count(), 1);
  ASSERT_TRUE(Move(&v1::ProjectService::Stub::WaitlistSignup, out.name(), &out).ok());
  EXPECT_EQ(out.state(), Signup::WAITLISTED);
  EXPECT_EQ(Reason(Move(&v1::ProjectService::Stub::WaitlistSignup, out.name())), "SIGNUP_STATE");
  // A shift with sign-ups is deleted only with force.
  v1::DeleteShiftRequest del;
  del.set_name(manual);
  grpc::ClientContext no_force;
  EXPECT_EQ(Reason(projects_->DeleteShift(&no_force, del, &got)), "RESOURCE_HAS_CHILDREN");
}

TEST_F(ProjectServiceTest, OverlapsAreRefusedUnlessAReasonIsGiven) {
  const std::string project = ActiveProject("overlap");
  const std::string v = ActiveVolunteer("busy");
  const std::string morning = MakeShift(project, 5, v1::AUTO, 2, 4);  // 4 hours
  Shift later;
  const Shift m = GetShift(morning);
  ASSERT_TRUE(CreateShift(project, api::FromTimestamp(m.start_time()) + absl::Hours(3),
                          absl::Hours(2), 5, v1::AUTO, &later)
                  .ok());
  MustSignUp(morning, v);
  Signup out;
  grpc::Status overlap = SignUp(later.name(), v, &out);
  EXPECT_EQ(Reason(overlap), "SHIFT_OVERLAP");
  EXPECT_NE(overlap.error_message().find(morning), std::string::npos) << overlap.error_message();
  ASSERT_TRUE(SignUp(later.name(), v, &out, 1, "Подменяет коллегу на выдаче").ok());
  EXPECT_EQ(out.state(), Signup::CONFIRMED);
  EXPECT_EQ(out.overlap_reason(), "Подменяет коллегу на выдаче");
  const auto entries = SystemEntries(out.name());
  ASSERT_FALSE(entries.empty());
  const auto& fields = entries[0].changed_fields();
  EXPECT_NE(std::find(fields.begin(), fields.end(), "overlap_reason"), fields.end());
  // Back to back is no overlap; moving a shift onto another of its volunteers' is refused.
  const std::string other = ActiveVolunteer("other");
  Shift next;
  ASSERT_TRUE(
      CreateShift(project, api::FromTimestamp(m.end_time()), absl::Hours(1), 5, v1::AUTO, &next)
          .ok());
  MustSignUp(next.name(), other);
  MustSignUp(morning, other);
  v1::UpdateShiftRequest move;
  move.mutable_shift()->set_name(next.name());
  api::ToTimestamp(api::FromTimestamp(m.end_time()) - absl::Hours(1),
                   move.mutable_shift()->mutable_start_time());
  move.mutable_update_mask()->add_paths("start_time");
  grpc::ClientContext context;
  EXPECT_EQ(Reason(projects_->UpdateShift(&context, move, &next)), "SHIFT_OVERLAP");
}

TEST_F(ProjectServiceTest, EligibilityOnTheShiftsDate) {
  const std::string adults = ActiveProject("adults", 18);
  // 17 today, 18 in three days (UTC): not on a shift tomorrow, yes on one in four days (a
  // shift's local day may be a day past its UTC one: the library reads Moscow time).
  v1::CreateVolunteerRequest request;
  request.set_parent("libraries/city");
  *request.mutable_volunteer() = Person("Юнцова", "Дарья", 0);
  *request.mutable_volunteer()->mutable_birth_date() = YearsAgo(18, 3);
  *request.mutable_consent() = ByParent(WorkConsent());
  v1::Volunteer young;
  grpc::ClientContext context;
  ASSERT_TRUE(volunteers_->CreateVolunteer(&context, request, &young).ok());
  ASSERT_TRUE(
      CallByName(*volunteers_, &v1::VolunteerService::Stub::ActivateVolunteer, young.name()).ok());
  Signup out;
  grpc::Status refused = SignUp(MakeShift(adults, 5, v1::AUTO, 1), young.name(), &out);
  EXPECT_EQ(Reason(refused), "BELOW_MINIMUM_AGE") << refused.error_message();
  EXPECT_TRUE(SignUp(MakeShift(adults, 5, v1::AUTO, 4), young.name(), &out).ok());

  // Not ACTIVE: refused.
  const std::string open = ActiveProject("open");
  const std::string paused = ActiveVolunteer("paused");
  ASSERT_TRUE(CallByName(*volunteers_, &v1::VolunteerService::Stub::PauseVolunteer, paused).ok());
  EXPECT_EQ(Reason(SignUp(MakeShift(open, 5), paused, &out)), "VOLUNTEER_NOT_ACTIVE");

  // Under 14: only with an ACTIVE agreement signed by the representative.
  const std::string child = ActiveVolunteer("child", 12, ByParent(WorkConsent()));
  const std::string shift = MakeShift(open, 5, v1::AUTO, 6);
  EXPECT_EQ(Reason(SignUp(shift, child, &out)), "AGREEMENT_REQUIRED");
  v1::CreateVolunteerAgreementRequest agreement;
  agreement.set_parent(child);
  agreement.mutable_agreement()->set_tasks("Помощь в детском зале");
  agreement.mutable_agreement()->set_signer(v1::VolunteerAgreement::REPRESENTATIVE);
  *agreement.mutable_agreement()->mutable_end_date() = YearsAgo(-1);
  v1::VolunteerAgreement signed_agreement;
  grpc::ClientContext create_agreement;
  ASSERT_TRUE(
      volunteers_->CreateVolunteerAgreement(&create_agreement, agreement, &signed_agreement).ok());
  ASSERT_TRUE(CallByName(*volunteers_, &v1::VolunteerService::Stub::ActivateVolunteerAgreement,
                         signed_agreement.name())
                  .ok());
  EXPECT_TRUE(SignUp(shift, child, &out).ok());

  // A required qualification must be valid until the shift ends.
  const std::string checked = ActiveProject("checked", 0, {v1::Qualification::MEDICAL_CERTIFICATE});
  const std::string adult = ActiveVolunteer("adult");
  const std::string far = MakeShift(checked, 5, v1::AUTO, 20);
  grpc::Status missing = SignUp(far, adult, &out);
  EXPECT_EQ(Reason(missing), "QUALIFICATION_REQUIRED");
  EXPECT_NE(missing.error_message().find("MEDICAL_CERTIFICATE"), std::string::npos);
  v1::CreateQualificationRequest qualification;
  qualification.set_parent(adult);
  qualification.mutable_qualification()->set_kind(v1::Qualification::MEDICAL_CERTIFICATE);
  qualification.mutable_qualification()->set_title("Медицинская книжка");
  *qualification.mutable_qualification()->mutable_issued_date() = YearsAgo(1);
  *qualification.mutable_qualification()->mutable_expiry_date() = YearsAgo(0, 10);
  v1::Qualification q;
  grpc::ClientContext create_qualification;
  ASSERT_TRUE(volunteers_->CreateQualification(&create_qualification, qualification, &q).ok());
  EXPECT_EQ(Reason(SignUp(far, adult, &out)), "QUALIFICATION_REQUIRED") << "expires before";
  EXPECT_TRUE(SignUp(MakeShift(checked, 5, v1::AUTO, 5), adult, &out).ok());

  // A consent that ends before the shift does not cover it.
  v1::Consent short_consent = WorkConsent();
  *short_consent.mutable_valid_until() = YearsAgo(0, 7);
  const std::string brief = ActiveVolunteer("brief", 30, short_consent);
  EXPECT_EQ(Reason(SignUp(MakeShift(open, 5, v1::AUTO, 9), brief, &out)), "CONSENT_REQUIRED");
  EXPECT_TRUE(SignUp(MakeShift(open, 5, v1::AUTO, 4), brief, &out).ok());
}

TEST_F(ProjectServiceTest, CompletionAndNoShowsOnceTheShiftStarted) {
  const std::string project = ActiveProject("done");
  const std::string a = ActiveVolunteer("a");
  const std::string b = ActiveVolunteer("b");
  const Signup future = MustSignUp(MakeShift(project, 5), a);
  EXPECT_EQ(Reason(Move(&v1::ProjectService::Stub::CompleteSignup, future.name())),
            "SHIFT_NOT_STARTED");
  Shift now;
  ASSERT_TRUE(
      CreateShift(project, absl::Now() - absl::Minutes(30), absl::Hours(2), 5, v1::AUTO, &now)
          .ok());
  const Signup came = MustSignUp(now.name(), a);
  const Signup missed = MustSignUp(now.name(), b);
  Signup out;
  ASSERT_TRUE(Move(&v1::ProjectService::Stub::CompleteSignup, came.name(), &out).ok());
  EXPECT_EQ(out.state(), Signup::COMPLETED);
  ASSERT_TRUE(Move(&v1::ProjectService::Stub::MarkSignupNoShow, missed.name(), &out).ok());
  EXPECT_EQ(out.state(), Signup::NO_SHOW);
  EXPECT_EQ(Reason(Move(&v1::ProjectService::Stub::CancelSignup, missed.name())), "SIGNUP_STATE");
  ExpectPlacesHold(now.name());
  // A past shift takes only imported sign-ups.
  Shift past;
  ASSERT_TRUE(
      CreateShift(project, absl::Now() - absl::Hours(30), absl::Hours(2), 5, v1::AUTO, &past).ok());
  EXPECT_EQ(Reason(SignUp(past.name(), a, &out)), "SHIFT_ENDED");
  v1::CreateSignupRequest imported;
  imported.set_parent(past.name());
  imported.mutable_signup()->set_volunteer(a);
  imported.mutable_signup()->set_source(Signup::IMPORT);
  grpc::ClientContext context;
  ASSERT_TRUE(projects_->CreateSignup(&context, imported, &out).ok());
  EXPECT_EQ(out.source(), Signup::IMPORT);

  // The record book counts no-shows by the shift's local day: 19:00 UTC is 05:00 of the next
  // day in Владивосток.
  v1::UpdateLibraryRequest zone;
  zone.mutable_library()->set_name("libraries/city");
  zone.mutable_library()->set_time_zone("Asia/Vladivostok");
  zone.mutable_update_mask()->add_paths("time_zone");
  v1::Library library;
  grpc::ClientContext zone_context;
  ASSERT_TRUE(libraries_->UpdateLibrary(&zone_context, zone, &library).ok());
  absl::Time evening =
      absl::FromCivil(absl::CivilHour(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())) + 19,
                      absl::UTCTimeZone());
  if (evening > absl::Now() - absl::Minutes(1)) evening -= absl::Hours(24);
  Shift early;
  ASSERT_TRUE(CreateShift(project, evening, absl::Hours(2), 5, v1::AUTO, &early).ok());
  EXPECT_EQ(early.local_start_time().substr(11), "05:00");
  const std::string c = ActiveVolunteer("c");
  imported.set_parent(early.name());
  imported.mutable_signup()->set_volunteer(c);
  grpc::ClientContext early_context;
  ASSERT_TRUE(projects_->CreateSignup(&early_context, imported, &out).ok());
  ASSERT_TRUE(Move(&v1::ProjectService::Stub::MarkSignupNoShow, out.name()).ok());
  auto no_shows_on = [&](absl::CivilDay day) {
    v1::GetRecordBookRequest request;
    request.set_volunteer(c);
    services::ToProtoDate(day, request.mutable_start_date());
    services::ToProtoDate(day, request.mutable_end_date());
    v1::RecordBook book;
    grpc::ClientContext c;
    EXPECT_TRUE(projects_->GetRecordBook(&c, request, &book).ok());
    return book.no_shows();
  };
  const absl::CivilDay utc_day = absl::ToCivilDay(evening, absl::UTCTimeZone());
  EXPECT_EQ(no_shows_on(utc_day + 1), 1) << "the local day";
  EXPECT_EQ(no_shows_on(utc_day), 0) << "not the UTC day";
  v1::Volunteer volunteer;
  ASSERT_TRUE(
      CallByName(*volunteers_, &v1::VolunteerService::Stub::GetVolunteer, b, &volunteer).ok());
  EXPECT_EQ(volunteer.no_show_count(), 1);
}

TEST_F(ProjectServiceTest, UpcomingShifts) {
  const std::string project = ActiveProject("soon");
  const std::string branch_project = ActiveProject("there", 0, {}, "branch");
  const std::string v = ActiveVolunteer("planner");
  const std::string tomorrow = MakeShift(project, 5, v1::AUTO, 1);
  const std::string in_a_week = MakeShift(project, 5, v1::AUTO, 7);
  const std::string at_branch = MakeShift(branch_project, 5, v1::AUTO, 1);
  MustSignUp(in_a_week, v);
  auto list = [&](const std::string& parent, const std::string& volunteer, int hours) {
    v1::ListUpcomingShiftsRequest request;
    request.set_parent(parent);
    request.set_volunteer(volunteer);
    request.set_within_hours(hours);
    v1::ListShiftsResponse out;
    grpc::ClientContext context;
    grpc::Status status = projects_->ListUpcomingShifts(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const auto& s : out.shifts()) names.push_back(s.name());
    return names;
  };
  // The library's subtree, soonest first.
  const auto subtree = list("libraries/city", "", 48);
  EXPECT_EQ(subtree.size(), 2u);
  EXPECT_NE(std::find(subtree.begin(), subtree.end(), at_branch), subtree.end());
  EXPECT_EQ(list("libraries/branch", "", 48), std::vector<std::string>{at_branch});
  EXPECT_EQ(list(project, "", 24 * 8), (std::vector<std::string>{tomorrow, in_a_week}));
  EXPECT_EQ(list("", v, 24 * 8), std::vector<std::string>{in_a_week});
  EXPECT_TRUE(list("", v, 24).empty());
}

TEST_F(ProjectServiceTest, RecurringSchedules) {
  v1::UpdateLibraryRequest zone;
  zone.mutable_library()->set_name("libraries/city");
  zone.mutable_library()->set_time_zone("Asia/Vladivostok");
  zone.mutable_update_mask()->add_paths("time_zone");
  v1::Library library;
  grpc::ClientContext zone_context;
  ASSERT_TRUE(libraries_->UpdateLibrary(&zone_context, zone, &library).ok());
  const absl::TimeZone vladivostok = absl::FixedTimeZone(10 * 3600);
  const absl::Time now = absl::Now();
  const absl::CivilDay today = absl::ToCivilDay(now, vladivostok);
  const std::string project = ActiveProject("weekly");

  v1::CreateScheduleRequest request;
  request.set_parent(project);
  request.set_schedule_id("reading");
  v1::Schedule* schedule = request.mutable_schedule();
  schedule->set_rule("rrule:byday=th,mo;freq=weekly");
  services::ToProtoDate(today, schedule->mutable_start_date());
  schedule->set_start_time("10:00");
  schedule->set_duration_minutes(120);
  schedule->set_capacity(4);
  schedule->set_horizon_days(14);
  schedule->set_place("Читальный зал");
  v1::Schedule created;
  grpc::ClientContext create;
  grpc::Status status = projects_->CreateSchedule(&create, request, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.rule(), "FREQ=WEEKLY;BYDAY=MO,TH");
  EXPECT_FALSE(created.rule_description().empty());
  EXPECT_EQ(created.waitlist_mode(), v1::AUTO);
  EXPECT_EQ(services::ToCivilDay(created.generated_through()), today + 14);

  // The shifts: every Monday and Thursday from today to the horizon, 10:00-12:00 there.
  auto shifts_of = [&]() {
    v1::ListShiftsRequest list;
    list.set_parent(project);
    list.set_filter(absl::StrCat("schedule = \"", created.name(), "\""));
    list.set_page_size(1000);
    v1::ListShiftsResponse out;
    grpc::ClientContext context;
    EXPECT_TRUE(projects_->ListShifts(&context, list, &out).ok());
    return std::vector<Shift>(out.shifts().begin(), out.shifts().end());
  };
  auto expected_days = [&](absl::CivilDay through) {
    std::vector<absl::CivilDay> days;
    for (absl::CivilDay d = today; d <= through; ++d) {
      const absl::Weekday w = absl::GetWeekday(d);
      if (w == absl::Weekday::monday || w == absl::Weekday::thursday) days.push_back(d);
    }
    return days;
  };
  auto days_of = [&](const std::vector<Shift>& shifts) {
    std::vector<absl::CivilDay> days;
    for (const Shift& s : shifts) days.push_back(services::ToCivilDay(s.occurrence_date()));
    return days;
  };
  std::vector<Shift> shifts = shifts_of();
  EXPECT_EQ(days_of(shifts), expected_days(today + 14));
  for (const Shift& s : shifts) {
    EXPECT_EQ(s.local_start_time().substr(10), "T10:00") << s.name();
    EXPECT_EQ(s.local_end_time().substr(10), "T12:00");
    EXPECT_EQ(s.capacity(), 4);
    EXPECT_EQ(s.place(), "Читальный зал");
  }

  // Time passes: the hourly job extends without a gap and without duplicates, and running it
  // again changes nothing.
  storage::ConnectionPool pool(db_);
  auto extended = services::ExtendSchedules(pool, now + absl::Hours(24 * 10));
  ASSERT_TRUE(extended.ok()) << extended.status();
  ASSERT_TRUE(services::ExtendSchedules(pool, now + absl::Hours(24 * 10)).ok());
  ASSERT_TRUE(services::ExtendSchedules(pool, now).ok());
  shifts = shifts_of();
  EXPECT_EQ(days_of(shifts), expected_days(today + 24));

  // A change carried to the future occurrences: those with sign-ups are kept and reported.
  ASSERT_GE(shifts.size(), 4u);
  const std::string v = ActiveVolunteer("regular");
  const Shift booked = shifts[1];
  MustSignUp(booked.name(), v);
  v1::UpdateScheduleRequest update;
  update.mutable_schedule()->set_name(created.name());
  update.mutable_schedule()->set_start_time("11:00");
  update.mutable_schedule()->set_rule("FREQ=WEEKLY;BYDAY=MO");
  update.mutable_update_mask()->add_paths("start_time");
  update.mutable_update_mask()->add_paths("rule");
  v1::Schedule updated;
  grpc::ClientContext update_context;
  status = projects_->UpdateSchedule(&update_context, update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(std::vector<std::string>(updated.kept_shifts().begin(), updated.kept_shifts().end()),
            std::vector<std::string>{booked.name()});
  EXPECT_EQ(GetShift(booked.name()).local_start_time(), booked.local_start_time());
  for (const Shift& s : shifts_of()) {
    if (s.name() == booked.name()) continue;
    EXPECT_EQ(absl::GetWeekday(services::ToCivilDay(s.occurrence_date())), absl::Weekday::monday)
        << s.name();
    EXPECT_EQ(s.local_start_time().substr(10), "T11:00") << s.name();
  }
  // Ending the series: refused while a future shift has sign-ups; with force, done.
  v1::DeleteScheduleRequest del;
  del.set_name(created.name());
  v1::Schedule deleted;
  grpc::ClientContext refused;
  EXPECT_EQ(Reason(projects_->DeleteSchedule(&refused, del, &deleted)), "SCHEDULE_HAS_SIGNUPS");
  del.set_force(true);
  grpc::ClientContext forced;
  ASSERT_TRUE(projects_->DeleteSchedule(&forced, del, &deleted).ok());
  EXPECT_TRUE(shifts_of().empty());
  EXPECT_TRUE(GetShift(booked.name()).has_delete_time());

  // Rules outside the subset are refused, naming the part.
  request.set_schedule_id("bad");
  schedule->set_rule("FREQ=DAILY");
  schedule->set_start_time("25:00");
  grpc::ClientContext bad;
  status = projects_->CreateSchedule(&bad, request, &created);
  EXPECT_EQ(ViolatedFields(status),
            (std::vector<std::string>{"schedule.rule", "schedule.start_time"}));
  EXPECT_NE(status.error_message().find("FREQ"), std::string::npos) << status.error_message();
}

TEST_F(ProjectServiceTest, HoursAndTheRecordBook) {
  const std::string project = ActiveProject("hours");
  const std::string v = ActiveVolunteer("worker");
  // Completing a sign-up proposes the shift's hours (its length, on its local date).
  Shift started;
  ASSERT_TRUE(CreateShift(project, absl::Now() - absl::Minutes(30), absl::Minutes(150), 5, v1::AUTO,
                          &started)
                  .ok());
  const Signup signup = MustSignUp(started.name(), v);
  ASSERT_TRUE(Move(&v1::ProjectService::Stub::CompleteSignup, signup.name()).ok());
  auto hours_of = [&](const std::string& volunteer, const std::string& filter = "") {
    v1::ListHoursRequest list;
    list.set_parent(volunteer);
    list.set_filter(filter);
    v1::ListHoursResponse out;
    grpc::ClientContext context;
    grpc::Status status = projects_->ListHours(&context, list, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return std::vector<v1::HoursEntry>(out.hours().begin(), out.hours().end());
  };
  auto proposed = hours_of(v);
  ASSERT_EQ(proposed.size(), 1u);
  EXPECT_EQ(proposed[0].state(), v1::HoursEntry::SUBMITTED);
  EXPECT_EQ(proposed[0].source(), v1::HoursEntry::SIGNUP);
  EXPECT_EQ(proposed[0].signup(), signup.name());
  EXPECT_EQ(proposed[0].shift(), started.name());
  EXPECT_EQ(proposed[0].minutes(), 150);
  EXPECT_EQ(proposed[0].volunteer(), v);

  // Entered by staff; bad input named field by field.
  auto create = [&](v1::HoursEntry h, v1::HoursEntry* out) {
    v1::CreateHoursRequest request;
    request.set_parent(v);
    *request.mutable_hours() = h;
    grpc::ClientContext context;
    return projects_->CreateHours(&context, request, out);
  };
  v1::HoursEntry entry;
  entry.set_project(project);
  *entry.mutable_work_date() = YearsAgo(0, -3);
  entry.set_minutes(90);
  entry.set_description("Расставляла книги в читальном зале «Ёлочка»");
  v1::HoursEntry staff;
  ASSERT_TRUE(create(entry, &staff).ok());
  EXPECT_EQ(staff.source(), v1::HoursEntry::STAFF);
  v1::HoursEntry bad;
  bad.set_minutes(0);
  *bad.mutable_work_date() = YearsAgo(0, 5);
  bad.set_shift(started.name());
  v1::HoursEntry out;
  EXPECT_EQ(ViolatedFields(create(bad, &out)),
            (std::vector<std::string>{"hours.project", "hours.work_date", "hours.minutes"}));
  bad = entry;
  bad.set_shift(MakeShift(ActiveProject("elsewhere"), 3));
  EXPECT_EQ(ViolatedFields(create(bad, &out)), std::vector<std::string>{"hours.shift"});

  // Approved hours are final: no edit, no delete; a correction names them.
  auto review = [&](const std::string& name, bool approve, const std::string& reason = "") {
    grpc::ClientContext context;
    v1::HoursEntry reviewed;
    grpc::Status status;
    if (approve) {
      v1::ApproveHoursRequest r;
      r.set_name(name);
      r.set_reason(reason);
      status = projects_->ApproveHours(&context, r, &reviewed);
    } else {
      v1::RejectHoursRequest r;
      r.set_name(name);
      r.set_reason(reason);
      status = projects_->RejectHours(&context, r, &reviewed);
    }
    return std::make_pair(status, reviewed);
  };
  auto [approved_status, approved] = review(proposed[0].name(), true);
  ASSERT_TRUE(approved_status.ok()) << approved_status.error_message();
  EXPECT_EQ(approved.state(), v1::HoursEntry::APPROVED);
  EXPECT_FALSE(approved.reviewed_by().empty());
  EXPECT_TRUE(approved.has_review_time());
  EXPECT_EQ(Reason(review(proposed[0].name(), true).first), "HOURS_STATE");
  v1::UpdateHoursRequest edit;
  *edit.mutable_hours() = approved;
  edit.mutable_hours()->set_minutes(10);
  edit.mutable_update_mask()->add_paths("minutes");
  grpc::ClientContext edit_context;
  EXPECT_EQ(Reason(projects_->UpdateHours(&edit_context, edit, &out)), "HOURS_STATE");
  EXPECT_EQ(Reason(CallByName(*projects_, &v1::ProjectService::Stub::DeleteHours, approved.name())),
            "HOURS_APPROVED");
  EXPECT_EQ(ViolatedFields(review(staff.name(), false).first), std::vector<std::string>{"reason"});
  EXPECT_EQ(review(staff.name(), false, "Не было смены в этот день").second.state(),
            v1::HoursEntry::REJECTED);
  v1::HoursEntry correction;
  correction.set_project(project);
  *correction.mutable_work_date() = approved.work_date();
  correction.set_minutes(-30);
  correction.set_corrects(approved.name());
  correction.set_description("Ушла на полчаса раньше");
  v1::HoursEntry corrected;
  ASSERT_TRUE(create(correction, &corrected).ok());
  correction.set_corrects(staff.name());  // rejected: nothing to correct
  EXPECT_EQ(Reason(create(correction, &out)), "CORRECTS_UNAPPROVED");
  ASSERT_TRUE(review(corrected.name(), true).first.ok());
  // Taking away 200 of what stands at 120 would leave less than none.
  correction.set_corrects(approved.name());
  correction.set_minutes(-200);
  ASSERT_TRUE(create(correction, &out).ok());
  EXPECT_EQ(Reason(review(out.name(), true).first), "CORRECTION_BELOW_ZERO");

  // The volunteer shows the approved minutes: 150 - 30 (the -200 is not approved).
  v1::Volunteer volunteer;
  ASSERT_TRUE(
      CallByName(*volunteers_, &v1::VolunteerService::Stub::GetVolunteer, v, &volunteer).ok());
  EXPECT_EQ(volunteer.approved_minutes(), 120);

  // The record book: approved entries (with their confirmation), totals by project and year.
  v1::GetRecordBookRequest book_request;
  book_request.set_volunteer(v);
  v1::RecordBook book;
  grpc::ClientContext book_context;
  grpc::Status status = projects_->GetRecordBook(&book_context, book_request, &book);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(book.full_name(), "Волонтёрова Алёна worker");
  EXPECT_EQ(book.organizer(), "Библиотека city");
  EXPECT_EQ(book.total_minutes(), 120);
  ASSERT_EQ(book.entries_size(), 2);
  EXPECT_EQ(book.entries(0).project_title(), "Летние чтения «Ёлка» hours");
  EXPECT_FALSE(book.entries(0).confirmed_by().empty());
  EXPECT_FALSE(book.entries(0).confirmed_by_name().empty());
  ASSERT_EQ(book.totals_size(), 1);
  EXPECT_EQ(book.totals(0).minutes(), 120);
  EXPECT_EQ(book.totals(0).entries(), 2);

  // The approved rows of the subtree for Dobro.rf, with the volunteer's name.
  v1::ListApprovedHoursRequest rows;
  rows.set_parent("libraries/city");
  *rows.mutable_start_date() = YearsAgo(0, -10);
  *rows.mutable_end_date() = YearsAgo(0, 1);
  v1::ListApprovedHoursResponse listed;
  grpc::ClientContext rows_context;
  status = projects_->ListApprovedHours(&rows_context, rows, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The original with its approved correction counted in (150 - 30); the correction is no row
  // of its own.
  ASSERT_EQ(listed.rows_size(), 1);
  EXPECT_EQ(listed.rows(0).minutes(), 120);
  EXPECT_EQ(listed.rows(0).hours(), approved.name());
  EXPECT_EQ(listed.rows(0).family_name(), "Волонтёрова");
  EXPECT_EQ(listed.rows(0).organizer(), "Библиотека city");
  *rows.mutable_end_date() = YearsAgo(-2);
  grpc::ClientContext too_long;
  EXPECT_EQ(ViolatedFields(projects_->ListApprovedHours(&too_long, rows, &listed)),
            std::vector<std::string>{"end_date"});

  // Erasure keeps the statistics and scrubs the names from the descriptions.
  v1::EraseVolunteerRequest erase;
  erase.set_name(v);
  grpc::ClientContext erase_context;
  ASSERT_TRUE(volunteers_->EraseVolunteer(&erase_context, erase, &volunteer).ok());
  ASSERT_TRUE(
      CallByName(*volunteers_, &v1::VolunteerService::Stub::GetVolunteer, v, &volunteer).ok());
  EXPECT_EQ(volunteer.approved_minutes(), 120);
  EXPECT_TRUE(ColumnsHolding("Волонтёрова").empty());
}

TEST_F(ProjectServiceTest, SelfServiceIsNeverApprovedByItsReporter) {
  const std::string project = ActiveProject("portal");
  const std::string v = ActiveVolunteer("self");
  const std::string shift = MakeShift(project, 5);
  // Keys of a volunteer portal (INTEGRATION) and of a coordinator, both of the library.
  auto key_of = [&](v1::ApiKey::Role role) {
    auto keys = v1::ApiKeyService::NewStub(server_->channel());
    v1::CreateApiKeyRequest request;
    request.mutable_api_key()->set_display_name("Портал волонтёров");
    request.mutable_api_key()->set_role(role);
    request.mutable_api_key()->set_library("libraries/city");
    v1::CreateApiKeyResponse out;
    grpc::ClientContext context;
    grpc::Status status = keys->CreateApiKey(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return v1::ProjectService::NewStub(server_->ChannelWithKey(out.key()));
  };
  auto portal = key_of(v1::ApiKey::INTEGRATION);
  // The portal signs the volunteer up (SELF_SERVICE, whatever it says) and reports hours.
  v1::CreateSignupRequest signup;
  signup.set_parent(shift);
  signup.mutable_signup()->set_volunteer(v);
  signup.mutable_signup()->set_source(Signup::STAFF);
  Signup signed_up;
  grpc::ClientContext c1;
  grpc::Status status = portal->CreateSignup(&c1, signup, &signed_up);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(signed_up.source(), Signup::SELF_SERVICE);
  v1::CreateHoursRequest report;
  report.set_parent(v);
  report.mutable_hours()->set_project(project);
  *report.mutable_hours()->mutable_work_date() = YearsAgo(0, -1);
  report.mutable_hours()->set_minutes(60);
  v1::HoursEntry reported;
  grpc::ClientContext c2;
  status = portal->CreateHours(&c2, report, &reported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reported.source(), v1::HoursEntry::SELF_SERVICE);
  // It may not approve them (no MANAGE_VOLUNTEERS), nor confirm its own sign-ups.
  v1::ApproveHoursRequest approve;
  approve.set_name(reported.name());
  v1::HoursEntry out;
  grpc::ClientContext c3;
  EXPECT_EQ(portal->ApproveHours(&c3, approve, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A staff key that claims SELF_SERVICE is recorded as STAFF.
  report.mutable_hours()->set_source(v1::HoursEntry::SELF_SERVICE);
  grpc::ClientContext c4;
  ASSERT_TRUE(projects_->CreateHours(&c4, report, &out).ok());
  EXPECT_EQ(out.source(), v1::HoursEntry::STAFF);
  // Staff approve the portal's report.
  auto coordinator = key_of(v1::ApiKey::COORDINATOR);
  grpc::ClientContext c5;
  status = coordinator->ApproveHours(&c5, approve, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.state(), v1::HoursEntry::APPROVED);
  EXPECT_NE(out.reviewed_by(), out.submitted_by());
}

TEST_F(ProjectServiceTest, ExpiringQualificationsAndAgreements) {
  const std::string v = ActiveVolunteer("expiring");
  v1::CreateQualificationRequest q;
  q.set_parent(v);
  q.mutable_qualification()->set_kind(v1::Qualification::TRAINING);
  q.mutable_qualification()->set_title("Охрана труда");
  *q.mutable_qualification()->mutable_issued_date() = YearsAgo(1);
  *q.mutable_qualification()->mutable_expiry_date() = YearsAgo(0, 20);
  v1::Qualification soon;
  grpc::ClientContext c1;
  ASSERT_TRUE(volunteers_->CreateQualification(&c1, q, &soon).ok());
  *q.mutable_qualification()->mutable_expiry_date() = YearsAgo(-1);
  v1::Qualification later;
  grpc::ClientContext c2;
  ASSERT_TRUE(volunteers_->CreateQualification(&c2, q, &later).ok());
  v1::ListExpiringQualificationsRequest list;
  list.set_parent("libraries/-/volunteers/-");
  list.set_within_days(30);
  v1::ListQualificationsResponse got;
  grpc::ClientContext c3;
  ASSERT_TRUE(volunteers_->ListExpiringQualifications(&c3, list, &got).ok());
  ASSERT_EQ(got.qualifications_size(), 1);
  EXPECT_EQ(got.qualifications(0).name(), soon.name());
  list.set_within_days(-1);
  grpc::ClientContext c4;
  EXPECT_EQ(ViolatedFields(volunteers_->ListExpiringQualifications(&c4, list, &got)),
            std::vector<std::string>{"within_days"});

  v1::CreateVolunteerAgreementRequest a;
  a.set_parent(v);
  a.mutable_agreement()->set_tasks("Выдача книг");
  a.mutable_agreement()->set_signer(v1::VolunteerAgreement::VOLUNTEER);
  *a.mutable_agreement()->mutable_end_date() = YearsAgo(0, 5);
  v1::VolunteerAgreement agreement;
  grpc::ClientContext c5;
  ASSERT_TRUE(volunteers_->CreateVolunteerAgreement(&c5, a, &agreement).ok());
  v1::ListExpiringVolunteerAgreementsRequest expiring;
  expiring.set_parent("libraries/city/volunteers/-");
  expiring.set_within_days(7);
  v1::ListVolunteerAgreementsResponse agreements;
  grpc::ClientContext c6;
  ASSERT_TRUE(volunteers_->ListExpiringVolunteerAgreements(&c6, expiring, &agreements).ok());
  EXPECT_EQ(agreements.agreements_size(), 0) << "a DRAFT does not expire";
  ASSERT_TRUE(CallByName(*volunteers_, &v1::VolunteerService::Stub::ActivateVolunteerAgreement,
                         agreement.name())
                  .ok());
  grpc::ClientContext c7;
  ASSERT_TRUE(volunteers_->ListExpiringVolunteerAgreements(&c7, expiring, &agreements).ok());
  ASSERT_EQ(agreements.agreements_size(), 1);
  EXPECT_EQ(agreements.agreements(0).name(), agreement.name());
}

// Every move of a sign-up, of a project and of hours, from every state: allowed where the
// lifecycle says, else FAILED_PRECONDITION with the lifecycle's reason.
TEST_F(ProjectServiceTest, EveryTransitionAllowedAndRefused) {
  const std::string project = ActiveProject("moves");
  Shift started;
  ASSERT_TRUE(
      CreateShift(project, absl::Now() - absl::Minutes(10), absl::Hours(3), 100, v1::AUTO, &started)
          .ok());
  int fresh = 0;
  // A sign-up of a fresh volunteer in `state`.
  auto in_state = [&](Signup::State state) {
    const std::string v = ActiveVolunteer(absl::StrCat("m", fresh++));
    Signup out;
    const bool requested = state == Signup::REQUESTED || state == Signup::WAITLISTED;
    EXPECT_TRUE(SignUp(started.name(), v, &out, 1, "", requested).ok());
    if (state == Signup::WAITLISTED) Move(&v1::ProjectService::Stub::WaitlistSignup, out.name());
    if (state == Signup::COMPLETED) Move(&v1::ProjectService::Stub::CompleteSignup, out.name());
    if (state == Signup::NO_SHOW) Move(&v1::ProjectService::Stub::MarkSignupNoShow, out.name());
    if (state == Signup::CANCELED) Move(&v1::ProjectService::Stub::CancelSignup, out.name());
    EXPECT_EQ(GetSignup(out.name()).state(), state);
    return out.name();
  };
  struct Verb {
    const char* name;
    std::function<grpc::Status(const std::string&, Signup*)> call;
    Signup::State to;
    std::set<Signup::State> from;
  };
  const std::vector<Verb> verbs = {
      {"confirm",
       [&](const std::string& n, Signup* o) {
         return Move(&v1::ProjectService::Stub::ConfirmSignup, n, o);
       },
       Signup::CONFIRMED,
       {Signup::REQUESTED, Signup::WAITLISTED}},
      {"waitlist",
       [&](const std::string& n, Signup* o) {
         return Move(&v1::ProjectService::Stub::WaitlistSignup, n, o);
       },
       Signup::WAITLISTED,
       {Signup::REQUESTED}},
      {"cancel",
       [&](const std::string& n, Signup* o) {
         return Move(&v1::ProjectService::Stub::CancelSignup, n, o);
       },
       Signup::CANCELED,
       {Signup::REQUESTED, Signup::WAITLISTED, Signup::CONFIRMED}},
      {"complete",
       [&](const std::string& n, Signup* o) {
         return Move(&v1::ProjectService::Stub::CompleteSignup, n, o);
       },
       Signup::COMPLETED,
       {Signup::CONFIRMED}},
      {"no-show",
       [&](const std::string& n, Signup* o) {
         return Move(&v1::ProjectService::Stub::MarkSignupNoShow, n, o);
       },
       Signup::NO_SHOW,
       {Signup::CONFIRMED}},
  };
  for (const Verb& verb : verbs) {
    for (Signup::State state : {Signup::REQUESTED, Signup::CONFIRMED, Signup::WAITLISTED,
                                Signup::COMPLETED, Signup::NO_SHOW, Signup::CANCELED}) {
      const std::string name = in_state(state);
      Signup out;
      grpc::Status status = verb.call(name, &out);
      if (verb.from.count(state)) {
        EXPECT_TRUE(status.ok()) << verb.name << " from " << Signup::State_Name(state) << ": "
                                 << status.error_message();
        EXPECT_EQ(out.state(), verb.to) << verb.name << " from " << Signup::State_Name(state);
      } else {
        EXPECT_EQ(Reason(status), "SIGNUP_STATE")
            << verb.name << " from " << Signup::State_Name(state);
        EXPECT_EQ(GetSignup(name).state(), state) << "a refused move changes nothing";
      }
    }
  }
  ExpectPlacesHold(started.name());

  // Projects: ACTIVATE from PLANNED, COMPLETE from ACTIVE, CANCEL from PLANNED or ACTIVE.
  auto project_in = [&](Project::State state) {
    Project p;
    p.set_title("Проект");
    Project out;
    EXPECT_TRUE(CreateProject(p, "", &out).ok());
    if (state != Project::PLANNED) {
      CallByName(*projects_, &v1::ProjectService::Stub::ActivateProject, out.name());
    }
    if (state == Project::COMPLETED) {
      CallByName(*projects_, &v1::ProjectService::Stub::CompleteProject, out.name());
    }
    if (state == Project::CANCELLED) {
      v1::CancelProjectRequest r;
      r.set_name(out.name());
      r.set_reason("Отменён");
      grpc::ClientContext c;
      Project ignored;
      projects_->CancelProject(&c, r, &ignored);
    }
    return out.name();
  };
  for (Project::State state :
       {Project::PLANNED, Project::ACTIVE, Project::COMPLETED, Project::CANCELLED}) {
    Project out;
    grpc::Status activate =
        CallByName(*projects_, &v1::ProjectService::Stub::ActivateProject, project_in(state), &out);
    EXPECT_EQ(activate.ok(), state == Project::PLANNED) << Project::State_Name(state);
    grpc::Status complete =
        CallByName(*projects_, &v1::ProjectService::Stub::CompleteProject, project_in(state), &out);
    EXPECT_EQ(complete.ok(), state == Project::ACTIVE) << Project::State_Name(state);
    v1::CancelProjectRequest cancel;
    cancel.set_name(project_in(state));
    cancel.set_reason("Нет помещения");
    grpc::ClientContext c;
    grpc::Status cancelled = projects_->CancelProject(&c, cancel, &out);
    EXPECT_EQ(cancelled.ok(), state == Project::PLANNED || state == Project::ACTIVE)
        << Project::State_Name(state);
    for (const grpc::Status* s : {&activate, &complete, &cancelled}) {
      if (!s->ok()) {
        EXPECT_EQ(Reason(*s), "PROJECT_STATE");
      }
    }
  }

  // Hours: APPROVE and REJECT from SUBMITTED only.
  const std::string v = ActiveVolunteer("hours-moves");
  auto hours_in = [&](v1::HoursEntry::State state) {
    v1::CreateHoursRequest r;
    r.set_parent(v);
    r.mutable_hours()->set_project(project);
    *r.mutable_hours()->mutable_work_date() = YearsAgo(0, -1);
    r.mutable_hours()->set_minutes(45);
    v1::HoursEntry out;
    grpc::ClientContext c;
    EXPECT_TRUE(projects_->CreateHours(&c, r, &out).ok());
    if (state == v1::HoursEntry::APPROVED) {
      CallByName(*projects_, &v1::ProjectService::Stub::ApproveHours, out.name());
    } else if (state == v1::HoursEntry::REJECTED) {
      v1::RejectHoursRequest reject;
      reject.set_name(out.name());
      reject.set_reason("Нет в журнале");
      grpc::ClientContext rc;
      v1::HoursEntry ignored;
      projects_->RejectHours(&rc, reject, &ignored);
    }
    return out.name();
  };
  for (auto state :
       {v1::HoursEntry::SUBMITTED, v1::HoursEntry::APPROVED, v1::HoursEntry::REJECTED}) {
    v1::HoursEntry out;
    grpc::Status approve =
        CallByName(*projects_, &v1::ProjectService::Stub::ApproveHours, hours_in(state), &out);
    EXPECT_EQ(approve.ok(), state == v1::HoursEntry::SUBMITTED);
    if (!approve.ok()) {
      EXPECT_EQ(Reason(approve), "HOURS_STATE");
    }
    v1::RejectHoursRequest reject;
    reject.set_name(hours_in(state));
    reject.set_reason("Повтор");
    grpc::ClientContext c;
    grpc::Status rejected = projects_->RejectHours(&c, reject, &out);
    EXPECT_EQ(rejected.ok(), state == v1::HoursEntry::SUBMITTED);
    if (!rejected.ok()) {
      EXPECT_EQ(Reason(rejected), "HOURS_STATE");
    }
  }
}

// 64 callers sign up at once for a shift of 10 places (AUTO): exactly 10 confirmed, 54
// waitlisted, every round.
TEST_F(ProjectServiceTest, ConcurrentSignupsNeverOverbook) {
  constexpr int kCallers = 64;
  constexpr int kRounds = 3;
  const std::string project = ActiveProject("rush");
  std::vector<std::string> volunteers;
  for (int i = 0; i < kCallers; ++i) volunteers.push_back(ActiveVolunteer(absl::StrCat("r", i)));
  for (int round = 0; round < kRounds; ++round) {
    // Rounds a day apart: no overlaps between them.
    const std::string shift = MakeShift(project, 10, v1::AUTO, 2 + round, 2);
    std::vector<grpc::Status> statuses(kCallers);
    std::vector<Signup> results(kCallers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kCallers; ++i) {
      threads.emplace_back([&, i] { statuses[i] = SignUp(shift, volunteers[i], &results[i]); });
    }
    for (auto& t : threads) t.join();
    std::map<Signup::State, int> states;
    for (int i = 0; i < kCallers; ++i) {
      ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
      ++states[results[i].state()];
    }
    EXPECT_EQ(states[Signup::CONFIRMED], 10) << "round " << round;
    EXPECT_EQ(states[Signup::WAITLISTED], 54) << "round " << round;
    const Shift got = GetShift(shift);
    EXPECT_EQ(got.confirmed_count(), 10);
    EXPECT_EQ(got.waitlist_length(), 54);
    ExpectPlacesHold(shift);
  }
}

// Cancellations (of confirmed and waitlisted sign-ups) and new sign-ups at once keep the
// places exact, and no place stays free while someone waits.
TEST_F(ProjectServiceTest, ConcurrentCancellationsAndSignupsKeepTheInvariant) {
  constexpr int kFirst = 40;
  constexpr int kLate = 32;
  const std::string project = ActiveProject("churn");
  std::vector<std::string> volunteers;
  for (int i = 0; i < kFirst + kLate; ++i) {
    volunteers.push_back(ActiveVolunteer(absl::StrCat("c", i)));
  }
  const std::string shift = MakeShift(project, 10, v1::AUTO);
  std::vector<Signup> first;
  for (int i = 0; i < kFirst; ++i) first.push_back(MustSignUp(shift, volunteers[i]));
  // 32 cancellations (every other of the first 40 and the rest of the first 10) and 32 new
  // sign-ups, all at once.
  std::vector<std::string> cancel;
  for (int i = 0; i < kFirst && cancel.size() < 32; i += (i < 10 ? 1 : 2)) {
    cancel.push_back(first[i].name());
  }
  std::vector<std::thread> threads;
  std::vector<grpc::Status> statuses(cancel.size() + kLate);
  for (size_t i = 0; i < cancel.size(); ++i) {
    threads.emplace_back([&, i] {
      Signup out;
      statuses[i] = Move(&v1::ProjectService::Stub::CancelSignup, cancel[i], &out);
    });
  }
  for (int i = 0; i < kLate; ++i) {
    threads.emplace_back([&, i] {
      Signup out;
      statuses[cancel.size() + i] = SignUp(shift, volunteers[kFirst + i], &out);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : statuses) EXPECT_TRUE(s.ok()) << s.error_message();
  ExpectPlacesHold(shift);
  EXPECT_EQ(GetShift(shift).confirmed_count(), 10);
  for (const auto& name : cancel) EXPECT_EQ(GetSignup(name).state(), Signup::CANCELED);
}

}  // namespace
}  // namespace allies
