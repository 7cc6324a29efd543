// What the reminder tests share: a server over a fresh schema, libraries with e-mail
// addresses, and the set-up calls that make reminders due (a volunteer signed up for a shift
// soon, an agreement ending, ...), all through the API with Cyrillic data.
#ifndef ALLIES_TESTS_SERVICES_REMINDER_REMINDER_FIXTURE_H_
#define ALLIES_TESTS_SERVICES_REMINDER_REMINDER_FIXTURE_H_

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "allies/v1/reader_council.grpc.pb.h"
#include "allies/v1/reminder.grpc.pb.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "services/common/local_time.h"
#include "tests/support/fixtures.h"

namespace allies::testing {

inline google::type::Date DaysFromToday(int days) {
  google::type::Date out;
  services::ToProtoDate(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days, &out);
  return out;
}

class ReminderTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    reminders_ = v1::ReminderService::NewStub(server_->channel());
    councils_ = v1::ReaderCouncilService::NewStub(server_->channel());
    ASSERT_TRUE(CreateLibrary(*libraries_, "city").ok());
    ASSERT_TRUE(CreateLibrary(*libraries_, "branch", "libraries/city").ok());
    SetEmail("city", "Gorod@Biblioteka.Example.ru");
    SetEmail("branch", "filial@biblioteka.example.ru");
    partner_ = CreatePartner(*partners_, "city", "bank");
  }

  // Updates the field `path` of `library` to what `set` writes.
  void UpdateLibrary(const std::string& library, const std::string& path,
                     const std::function<void(v1::Library&)>& set) {
    v1::UpdateLibraryRequest request;
    request.mutable_library()->set_name("libraries/" + library);
    set(*request.mutable_library());
    request.mutable_update_mask()->add_paths(path);
    v1::Library out;
    grpc::ClientContext context;
    grpc::Status status = libraries_->UpdateLibrary(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  void SetEmail(const std::string& library, const std::string& email) {
    UpdateLibrary(library, "email", [&](v1::Library& l) { l.set_email(email); });
  }

  // Creates the volunteer `request` describes and activates them; their name.
  std::string CreateActiveVolunteer(const v1::CreateVolunteerRequest& request) {
    v1::Volunteer out;
    grpc::ClientContext context;
    grpc::Status status = volunteers_->CreateVolunteer(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    status = CallByName(*volunteers_, &v1::VolunteerService::Stub::ActivateVolunteer, out.name());
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  // An ACTIVE volunteer of `library` with e-mail `email` ("" for none) and a consent covering
  // `purposes`; `opt_out_email` adds EMAIL to their opt-outs.
  std::string Volunteer(const std::string& id, const std::string& email,
                        std::vector<v1::Consent::Purpose> purposes = {v1::Consent::VOLUNTEER_WORK},
                        bool opt_out_email = false, const std::string& library = "city") {
    v1::CreateVolunteerRequest request;
    request.set_parent("libraries/" + library);
    request.set_volunteer_id(id);
    *request.mutable_volunteer() = Person("Напоминаева", "Ёлка " + id);
    if (!email.empty()) request.mutable_volunteer()->add_emails(email);
    if (opt_out_email) request.mutable_volunteer()->add_opt_outs(v1::Volunteer::EMAIL);
    *request.mutable_consent() = WorkConsent(purposes);
    return CreateActiveVolunteer(request);
  }

  // Withdraws every consent of `subject`.
  void WithdrawConsents(const std::string& subject) {
    v1::ListConsentsRequest list;
    list.set_parent(absl::StrCat("libraries/", api::LibraryIdOf(subject)));
    list.set_filter(absl::StrCat("subject = \"", subject, "\""));
    v1::ListConsentsResponse consents;
    grpc::ClientContext context;
    ASSERT_TRUE(consents_->ListConsents(&context, list, &consents).ok());
    ASSERT_GT(consents.consents_size(), 0);
    for (const v1::Consent& c : consents.consents()) {
      v1::WithdrawConsentRequest withdraw;
      withdraw.set_name(c.name());
      withdraw.set_channel(v1::Consent::IN_WRITING);
      v1::Consent out;
      grpc::ClientContext w;
      grpc::Status status = consents_->WithdrawConsent(&w, withdraw, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  // An ACTIVE project of `library`.
  std::string Project(const std::string& id, const std::string& library = "city") {
    v1::CreateProjectRequest request;
    request.set_parent("libraries/" + library);
    request.set_project_id(id);
    request.mutable_project()->set_title("Громкие чтения «Ёжик в тумане» " + id);
    v1::Project out;
    grpc::ClientContext context;
    grpc::Status status = projects_->CreateProject(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    status = CallByName(*projects_, &v1::ProjectService::Stub::ActivateProject, out.name());
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  // A shift of `project` starting at `start`, 3 hours long.
  v1::Shift Shift(const std::string& project, absl::Time start, int capacity = 10,
                  v1::WaitlistMode mode = v1::AUTO) {
    v1::CreateShiftRequest request;
    request.set_parent(project);
    api::ToTimestamp(start, request.mutable_shift()->mutable_start_time());
    api::ToTimestamp(start + absl::Hours(3), request.mutable_shift()->mutable_end_time());
    request.mutable_shift()->set_capacity(capacity);
    request.mutable_shift()->set_waitlist_mode(mode);
    request.mutable_shift()->set_place("Читальный зал, 2 этаж");
    v1::Shift out;
    grpc::ClientContext context;
    grpc::Status status = projects_->CreateShift(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::Signup SignUp(const std::string& shift, const std::string& volunteer) {
    v1::CreateSignupRequest request;
    request.set_parent(shift);
    request.mutable_signup()->set_volunteer(volunteer);
    request.mutable_signup()->set_party_size(1);
    v1::Signup out;
    grpc::ClientContext context;
    grpc::Status status = projects_->CreateSignup(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  // An ACTIVE sponsorship agreement with the city's partner signed `signed_days_ago` and ending
  // `days` from today, worth `value` when given.
  std::string Agreement(const std::string& number, int days, int signed_days_ago = 10,
                        const google::type::Money* value = nullptr) {
    v1::CreateAgreementRequest request;
    request.set_parent("libraries/city");
    v1::Agreement* a = request.mutable_agreement();
    a->set_partner(partner_);
    a->set_number(number);
    a->set_title("Соглашение о поддержке летнего чтения № " + number);
    a->set_kind(v1::Agreement::SPONSORSHIP);
    *a->mutable_sign_date() = DaysFromToday(-signed_days_ago);
    *a->mutable_start_date() = DaysFromToday(-signed_days_ago);
    *a->mutable_end_date() = DaysFromToday(days);
    if (value != nullptr) *a->mutable_value() = *value;
    v1::Agreement out;
    grpc::ClientContext context;
    grpc::Status status = agreements_->CreateAgreement(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    status = CallByName(*agreements_, &v1::AgreementService::Stub::ActivateAgreement, out.name());
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  }

  // Every reminder of `parent`, page by page (`page_size` each).
  std::vector<v1::Reminder> Reminders(const std::string& parent, int page_size = 0,
                                      v1::ReminderService::Stub* stub = nullptr) {
    std::vector<v1::Reminder> out;
    v1::ListRemindersRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    do {
      v1::ListRemindersResponse page;
      grpc::ClientContext context;
      grpc::Status status =
          (stub != nullptr ? stub : reminders_.get())->ListReminders(&context, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      if (page_size > 0) {
        EXPECT_LE(page.reminders_size(), page_size);
      }
      out.insert(out.end(), page.reminders().begin(), page.reminders().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return out;
  }

  // The reminders of one kind, by subject.
  static std::map<std::string, v1::Reminder> OfKind(const std::vector<v1::Reminder>& all,
                                                    v1::Reminder::Kind kind) {
    std::map<std::string, v1::Reminder> out;
    for (const v1::Reminder& r : all) {
      if (r.kind() == kind) {
        EXPECT_TRUE(out.emplace(r.subject(), r).second) << r.subject();
      }
    }
    return out;
  }

  std::unique_ptr<v1::ReminderService::Stub> reminders_;
  std::unique_ptr<v1::ReaderCouncilService::Stub> councils_;
  std::string partner_;
};

}  // namespace allies::testing

#endif  // ALLIES_TESTS_SERVICES_REMINDER_REMINDER_FIXTURE_H_
