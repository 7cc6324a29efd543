// End-to-end tests of AgreementService: fields and references, the unique number, every
// lifecycle transition (allowed and refused), EXPIRED and auto-renewal as read everywhere,
// what each state lets an update change, expiring lists, and the partner delete guard.
#include <gtest/gtest.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "allies/v1/activity.grpc.pb.h"
#include "allies/v1/agreement.grpc.pb.h"
#include "allies/v1/library.grpc.pb.h"
#include "allies/v1/partner.grpc.pb.h"
#include "api/proto_time.h"
#include "tests/support/fixtures.h"
#include "tests/support/rpc_errors.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::ErrorMetadata;
using allies::testing::Reason;
using allies::testing::TestDatabase;
using allies::testing::TestServer;
using allies::testing::ViolatedFields;
using v1::Agreement;

google::type::Date DaysFromToday(int days) {
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days;
  google::type::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

class AgreementServiceTest : public allies::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "city").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "village").ok());
    partner_ = allies::testing::CreatePartner(*partners_, "city", "bank");
    allies::testing::CreatePartner(*partners_, "village", "paper");
  }

  Agreement Draft(const std::string& number) {
    Agreement a;
    a.set_partner(partner_);
    a.set_number(number);
    a.set_title("Соглашение о сотрудничестве № " + number);
    a.set_kind(Agreement::SPONSORSHIP);
    *a.mutable_sign_date() = DaysFromToday(-10);
    *a.mutable_start_date() = DaysFromToday(-10);
    *a.mutable_end_date() = DaysFromToday(365);
    a.set_subject("Предмет: поддержка летнего чтения");
    a.mutable_value()->set_currency_code("RUB");
    a.mutable_value()->set_units(150000);
    auto* doc = a.add_documents();
    doc->set_title("Скан договора");
    doc->set_uri("https://docs.example.ru/12.pdf");
    return a;
  }

  grpc::Status Create(const Agreement& a, Agreement* out, const std::string& library = "city",
                      const std::string& id = "") {
    v1::CreateAgreementRequest request;
    request.set_parent("libraries/" + library);
    *request.mutable_agreement() = a;
    request.set_agreement_id(id);
    grpc::ClientContext context;
    return agreements_->CreateAgreement(&context, request, out);
  }

  Agreement Get(const std::string& name) {
    v1::GetAgreementRequest request;
    request.set_name(name);
    Agreement out;
    grpc::ClientContext context;
    EXPECT_TRUE(agreements_->GetAgreement(&context, request, &out).ok());
    return out;
  }

  grpc::Status Update(const Agreement& a, const std::vector<std::string>& paths, Agreement* out) {
    v1::UpdateAgreementRequest request;
    *request.mutable_agreement() = a;
    for (const auto& p : paths) request.mutable_update_mask()->add_paths(p);
    grpc::ClientContext context;
    return agreements_->UpdateAgreement(&context, request, out);
  }

  // Runs a lifecycle method by its verb.
  grpc::Status Transition(const std::string& verb, const std::string& name, Agreement* out,
                          const google::type::Date* new_end = nullptr) {
    using Stub = v1::AgreementService::Stub;
    if (verb == "Activate") return CallByName(*agreements_, &Stub::ActivateAgreement, name, out);
    if (verb == "Suspend") return CallByName(*agreements_, &Stub::SuspendAgreement, name, out);
    if (verb == "Resume") return CallByName(*agreements_, &Stub::ResumeAgreement, name, out);
    grpc::ClientContext context;
    if (verb == "Terminate") {
      v1::TerminateAgreementRequest r;
      r.set_name(name);
      r.set_reason("Партнёр прекратил деятельность");
      return agreements_->TerminateAgreement(&context, r, out);
    }
    v1::RenewAgreementRequest r;
    r.set_name(name);
    *r.mutable_new_end_date() = new_end ? *new_end : DaysFromToday(800);
    return agreements_->RenewAgreement(&context, r, out);
  }

  // A fresh agreement brought into `state` through the API.
  std::string InState(Agreement::State state) {
    Agreement a = Draft(absl::StrCat("N-", ++counter_));
    if (state == Agreement::EXPIRED) *a.mutable_end_date() = DaysFromToday(-1);
    Agreement out;
    EXPECT_TRUE(Create(a, &out).ok());
    const std::string name = out.name();
    if (state == Agreement::DRAFT) return name;
    EXPECT_TRUE(Transition("Activate", name, &out).ok());
    if (state == Agreement::SUSPENDED) {
      EXPECT_TRUE(Transition("Suspend", name, &out).ok());
    }
    if (state == Agreement::TERMINATED) {
      EXPECT_TRUE(Transition("Terminate", name, &out).ok());
    }
    EXPECT_EQ(Get(name).state(), state);
    return name;
  }

  std::vector<std::string> ListNames(const std::string& parent, const std::string& filter) {
    v1::ListAgreementsRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    request.set_page_size(1000);
    v1::ListAgreementsResponse response;
    grpc::ClientContext context;
    grpc::Status status = agreements_->ListAgreements(&context, request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    std::vector<std::string> names;
    for (const auto& a : response.agreements()) names.push_back(a.name());
    return names;
  }

  std::string partner_;
  int counter_ = 0;
};

TEST_F(AgreementServiceTest, CreatesADraftWithEveryField) {
  Agreement created;
  ASSERT_TRUE(Create(Draft("12/2026-С"), &created, "city", "sber-2026").ok());
  EXPECT_EQ(created.name(), "libraries/city/agreements/sber-2026");
  EXPECT_EQ(created.state(), Agreement::DRAFT);
  const Agreement got = Get(created.name());
  EXPECT_EQ(got.number(), "12/2026-С");
  EXPECT_EQ(got.partner(), partner_);
  EXPECT_EQ(api::FormatDate(got.end_date()), api::FormatDate(DaysFromToday(365)));
  EXPECT_EQ(got.value().currency_code(), "RUB");
  EXPECT_EQ(got.value().units(), 150000);
  ASSERT_EQ(got.documents_size(), 1);
  EXPECT_EQ(got.documents(0).title(), "Скан договора");
  EXPECT_EQ(got.documents(0).uri(), "https://docs.example.ru/12.pdf");
  EXPECT_EQ(got.etag(), created.etag());
}

TEST_F(AgreementServiceTest, RefusesBadInput) {
  Agreement bad;
  bad.set_partner("libraries/city/volunteers/x");
  bad.mutable_end_date()->set_year(2026);
  bad.mutable_end_date()->set_month(2);
  bad.mutable_end_date()->set_day(30);
  bad.mutable_value()->set_currency_code("руб");
  bad.add_signatories("libraries/city/contacts/a");
  bad.add_signatories("libraries/city/contacts/a");
  bad.add_documents()->set_uri("file:///etc/passwd");
  Agreement out;
  grpc::Status status = Create(bad, &out);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto fields = ViolatedFields(status);
  for (const char* f :
       {"agreement.partner", "agreement.number", "agreement.title", "agreement.kind",
        "agreement.end_date", "agreement.value.currency_code", "agreement.signatories[1]",
        "agreement.documents[0].title", "agreement.documents[0].uri"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }

  Agreement backwards = Draft("B-1");
  *backwards.mutable_start_date() = DaysFromToday(10);
  *backwards.mutable_end_date() = DaysFromToday(5);
  EXPECT_EQ(ViolatedFields(Create(backwards, &out)),
            (std::vector<std::string>{"agreement.end_date"}));

  Agreement renews = Draft("B-2");
  renews.set_auto_renew(true);
  EXPECT_EQ(ViolatedFields(Create(renews, &out)),
            (std::vector<std::string>{"agreement.renewal_months"}));

  // References: the partner must be of the same library, exist and be live; so must signatories.
  Agreement other = Draft("B-3");
  other.set_partner("libraries/village/partners/paper");
  EXPECT_EQ(Reason(Create(other, &out)), "CROSS_LIBRARY_REFERENCE");
  other.set_partner("libraries/city/partners/ghost");
  EXPECT_EQ(Reason(Create(other, &out)), "REFERENCE_NOT_FOUND");
  Agreement signed_by_ghost = Draft("B-4");
  signed_by_ghost.add_signatories("libraries/city/contacts/ghost");
  EXPECT_EQ(Reason(Create(signed_by_ghost, &out)), "REFERENCE_NOT_FOUND");
}

TEST_F(AgreementServiceTest, NumberIsUniquePerLibrary) {
  Agreement first, out;
  ASSERT_TRUE(Create(Draft("7"), &first).ok());
  grpc::Status dup = Create(Draft("7"), &out);
  EXPECT_EQ(dup.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Reason(dup), "AGREEMENT_NUMBER_TAKEN");
  EXPECT_EQ(ErrorMetadata(dup, "existing"), first.name());
  Agreement elsewhere = Draft("7");
  elsewhere.set_partner("libraries/village/partners/paper");
  EXPECT_TRUE(Create(elsewhere, &out, "village").ok());
}

TEST_F(AgreementServiceTest, EveryTransitionAllowedAndRefused) {
  const std::vector<Agreement::State> states = {Agreement::DRAFT, Agreement::ACTIVE,
                                                Agreement::SUSPENDED, Agreement::TERMINATED,
                                                Agreement::EXPIRED};
  // verb -> {from state -> resulting state}; absent: refused.
  const std::map<std::string, std::map<Agreement::State, Agreement::State>> allowed = {
      {"Activate", {{Agreement::DRAFT, Agreement::ACTIVE}}},
      {"Suspend", {{Agreement::ACTIVE, Agreement::SUSPENDED}}},
      {"Resume", {{Agreement::SUSPENDED, Agreement::ACTIVE}}},
      {"Terminate",
       {{Agreement::ACTIVE, Agreement::TERMINATED}, {Agreement::SUSPENDED, Agreement::TERMINATED}}},
      {"Renew", {{Agreement::ACTIVE, Agreement::ACTIVE}, {Agreement::EXPIRED, Agreement::ACTIVE}}},
  };
  for (const auto& [verb, from_to] : allowed) {
    for (Agreement::State from : states) {
      const std::string name = InState(from);
      Agreement out;
      grpc::Status status = Transition(verb, name, &out);
      auto it = from_to.find(from);
      if (it != from_to.end()) {
        ASSERT_TRUE(status.ok()) << verb << " from " << Agreement::State_Name(from) << ": "
                                 << status.error_message();
        EXPECT_EQ(out.state(), it->second) << verb << " from " << Agreement::State_Name(from);
        EXPECT_EQ(Get(name).state(), it->second);
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
            << verb << " from " << Agreement::State_Name(from);
        EXPECT_EQ(Reason(status), "AGREEMENT_STATE");
        EXPECT_EQ(ErrorMetadata(status, "state"), Agreement::State_Name(from));
        EXPECT_NE(status.error_message().find(Agreement::State_Name(from)), std::string::npos);
        EXPECT_EQ(Get(name).state(), from) << "a refused transition changed nothing";
      }
    }
  }
}

TEST_F(AgreementServiceTest, TransitionsAreLoggedAndTerminationKeepsItsReason) {
  const std::string name = InState(Agreement::ACTIVE);
  Agreement out;
  ASSERT_TRUE(Transition("Terminate", name, &out).ok());
  EXPECT_EQ(out.termination_reason(), "Партнёр прекратил деятельность");
  EXPECT_EQ(SystemVerbs(name), (std::vector<std::string>{"CREATE", "ACTIVATE", "TERMINATE"}));

  // Without a reason.
  EXPECT_EQ(ViolatedFields(CallByName(*agreements_, &v1::AgreementService::Stub::TerminateAgreement,
                                      InState(Agreement::ACTIVE), &out)),
            (std::vector<std::string>{"reason"}));
}

TEST_F(AgreementServiceTest, PastEndDateReadsAsExpiredEverywhere) {
  const std::string expired = InState(Agreement::EXPIRED);  // activated with yesterday's end
  const std::string active = InState(Agreement::ACTIVE);
  EXPECT_EQ(Get(expired).state(), Agreement::EXPIRED);
  EXPECT_EQ(ListNames("libraries/-", "state = EXPIRED"), (std::vector<std::string>{expired}));
  EXPECT_EQ(ListNames("libraries/city", "state = ACTIVE"), (std::vector<std::string>{active}));
  EXPECT_EQ(ListNames("libraries/city", absl::StrCat("state = ACTIVE AND end_date <= \"",
                                                     api::FormatDate(DaysFromToday(400)), "\"")),
            (std::vector<std::string>{active}));
  EXPECT_TRUE(ListNames("libraries/city", absl::StrCat("state = ACTIVE AND end_date <= \"",
                                                       api::FormatDate(DaysFromToday(100)), "\""))
                  .empty());

  // Renewing brings it back.
  Agreement out;
  google::type::Date past = DaysFromToday(-1);
  EXPECT_EQ(ViolatedFields(Transition("Renew", expired, &out, &past)),
            (std::vector<std::string>{"new_end_date"}));
  google::type::Date next_year = DaysFromToday(366);
  ASSERT_TRUE(Transition("Renew", expired, &out, &next_year).ok());
  EXPECT_EQ(out.state(), Agreement::ACTIVE);
  EXPECT_EQ(api::FormatDate(Get(expired).end_date()), api::FormatDate(next_year));
}

// What a change answers is what Get reads right after it, also where the state or end date is
// computed (past its end, an agreement reads EXPIRED, or with auto-renewal a later end date).
TEST_F(AgreementServiceTest, EveryResponseReadsWhatGetReads) {
  auto same_as_get = [&](const Agreement& response) {
    const Agreement got = Get(response.name());
    EXPECT_EQ(response.SerializeAsString(), got.SerializeAsString())
        << "response:\n"
        << response.DebugString() << "get:\n"
        << got.DebugString();
  };
  for (bool renews : {false, true}) {
    Agreement a = Draft(renews ? "PAST-R" : "PAST");
    *a.mutable_start_date() = DaysFromToday(-400);
    *a.mutable_end_date() = DaysFromToday(-40);
    a.set_auto_renew(renews);
    a.set_renewal_months(renews ? 1 : 0);
    Agreement out;
    ASSERT_TRUE(Create(a, &out).ok());
    same_as_get(out);
    ASSERT_TRUE(Transition("Activate", out.name(), &out).ok());
    EXPECT_EQ(out.state(), renews ? Agreement::ACTIVE : Agreement::EXPIRED);
    same_as_get(out);
    if (renews) {  // (an expired agreement takes no edits)
      out.set_title("Новое название");
      ASSERT_TRUE(Update(out, {"title"}, &out).ok());
      same_as_get(out);
      ASSERT_TRUE(Transition("Suspend", out.name(), &out).ok());
      same_as_get(out);
      ASSERT_TRUE(Transition("Resume", out.name(), &out).ok());
      same_as_get(out);
    }
  }
}

TEST_F(AgreementServiceTest, AutoRenewalMovesTheEndDateInsteadOfExpiring) {
  Agreement a = Draft("AR-1");
  *a.mutable_start_date() = DaysFromToday(-400);
  *a.mutable_end_date() = DaysFromToday(-40);
  a.set_auto_renew(true);
  a.set_renewal_months(1);
  Agreement out;
  ASSERT_TRUE(Create(a, &out).ok());
  ASSERT_TRUE(Transition("Activate", out.name(), &out).ok());
  const Agreement got = Get(out.name());
  EXPECT_EQ(got.state(), Agreement::ACTIVE);
  const std::string today = api::FormatDate(DaysFromToday(0));
  EXPECT_GE(api::FormatDate(got.end_date()), today);
  EXPECT_LE(api::FormatDate(got.end_date()),
            api::FormatDate(DaysFromToday(31)));  // the first period end not before today
  EXPECT_TRUE(ListNames("libraries/city", "state = EXPIRED").empty());

  // Writing the agreement keeps the date its renewals count from: the stored end date stays
  // the one agreed, while every read shows the current period's end.
  auto stored_end = [&] {
    return TestDatabase::Shared().Sql(
        absl::StrCat("SELECT end_date FROM agreements WHERE number = 'AR-1'"), db_.database);
  };
  EXPECT_EQ(stored_end(), api::FormatDate(DaysFromToday(-40)) + "\n");
  v1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(got.name());
  update.mutable_agreement()->set_title("Продлённое соглашение");
  update.mutable_update_mask()->add_paths("title");
  Agreement updated;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(agreements_->UpdateAgreement(&context, update, &updated).ok());
  }
  EXPECT_EQ(api::FormatDate(updated.end_date()), api::FormatDate(got.end_date()));
  Agreement suspended;
  ASSERT_TRUE(Transition("Suspend", got.name(), &suspended).ok());
  EXPECT_EQ(api::FormatDate(Get(got.name()).end_date()),
            api::FormatDate(got.end_date()));  // still in force
  ASSERT_TRUE(Transition("Resume", got.name(), &suspended).ok());
  EXPECT_EQ(stored_end(), api::FormatDate(DaysFromToday(-40)) + "\n");
  EXPECT_EQ(api::FormatDate(Get(got.name()).end_date()), api::FormatDate(got.end_date()));

  // An explicit renewal does move it.
  google::type::Date next_year = DaysFromToday(400);
  ASSERT_TRUE(Transition("Renew", got.name(), &suspended, &next_year).ok());
  EXPECT_EQ(stored_end(), api::FormatDate(next_year) + "\n");
}

TEST_F(AgreementServiceTest, EndingAutoRenewalKeepsTheCurrentPeriod) {
  auto renewing = [&](const std::string& number) {
    Agreement a = Draft(number);
    *a.mutable_start_date() = DaysFromToday(-400);
    *a.mutable_end_date() = DaysFromToday(-40);
    a.set_auto_renew(true);
    a.set_renewal_months(1);
    Agreement out;
    EXPECT_TRUE(Create(a, &out).ok());
    EXPECT_TRUE(Transition("Activate", out.name(), &out).ok());
    return Get(out.name());
  };
  auto stored_end = [&](const std::string& number) {
    return TestDatabase::Shared().Sql(
        absl::StrCat("SELECT end_date FROM agreements WHERE number = '", number, "'"),
        db_.database);
  };

  // Renewal turned off: in force to the end of the period it is in, not expired at once.
  const Agreement before = renewing("AR-2");
  v1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(before.name());
  update.mutable_agreement()->set_auto_renew(false);
  update.mutable_update_mask()->add_paths("auto_renew");
  Agreement updated;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(agreements_->UpdateAgreement(&context, update, &updated).ok());
  }
  const Agreement after = Get(before.name());
  EXPECT_EQ(after.state(), Agreement::ACTIVE);
  EXPECT_EQ(api::FormatDate(after.end_date()), api::FormatDate(before.end_date()));
  EXPECT_EQ(stored_end("AR-2"), api::FormatDate(before.end_date()) + "\n");
  EXPECT_EQ(after.etag(), updated.etag());

  // Terminated: the response and every later read agree on the end date.
  const Agreement running = renewing("AR-3");
  Agreement terminated;
  ASSERT_TRUE(Transition("Terminate", running.name(), &terminated).ok());
  const Agreement read = Get(running.name());
  EXPECT_EQ(read.state(), Agreement::TERMINATED);
  EXPECT_EQ(api::FormatDate(read.end_date()), api::FormatDate(terminated.end_date()));
  EXPECT_EQ(api::FormatDate(read.end_date()), api::FormatDate(running.end_date()));
  EXPECT_EQ(read.etag(), terminated.etag());
}

TEST_F(AgreementServiceTest, EachStateTakesItsOwnSetOfEdits) {
  Agreement out;
  // DRAFT: anything.
  Agreement draft = Get(InState(Agreement::DRAFT));
  draft.set_number("D-renumbered");
  draft.set_subject("Новый предмет");
  ASSERT_TRUE(Update(draft, {"number", "subject"}, &out).ok());
  // ACTIVE: title, auto_renew, renewal_months, signatories, documents only.
  Agreement active = Get(InState(Agreement::ACTIVE));
  active.set_title("Новое название");
  EXPECT_TRUE(Update(active, {"title"}, &out).ok());
  active = out;
  active.set_number("X");
  grpc::Status refused = Update(active, {"number"}, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorMetadata(refused, "field"), "number");
  // TERMINATED: nothing.
  Agreement terminated = Get(InState(Agreement::TERMINATED));
  terminated.set_title("Поздно");
  EXPECT_EQ(Reason(Update(terminated, {"title"}, &out)), "AGREEMENT_STATE");
  // state is output only.
  draft = Get(draft.name());
  draft.set_state(Agreement::ACTIVE);
  EXPECT_EQ(Update(draft, {"state"}, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AgreementServiceTest, ListsWhatExpiresSoonAcrossTheNetwork) {
  auto make = [&](const std::string& library, const std::string& partner, int end_in_days,
                  bool activate) {
    Agreement a = Draft(absl::StrCat("E-", ++counter_));
    a.set_partner(partner);
    *a.mutable_start_date() = DaysFromToday(-30);
    *a.mutable_end_date() = DaysFromToday(end_in_days);
    Agreement out;
    EXPECT_TRUE(Create(a, &out, library).ok());
    if (activate) {
      EXPECT_TRUE(Transition("Activate", out.name(), &out).ok());
    }
    return out.name();
  };
  const std::string today = make("city", partner_, 0, true);
  const std::string week = make("village", "libraries/village/partners/paper", 6, true);
  const std::string month = make("city", partner_, 25, true);
  make("city", partner_, 90, true);  // later
  make("city", partner_, 5, false);  // a draft
  make("city", partner_, -3, true);  // already expired
  auto expiring = [&](int within) {
    v1::ListExpiringAgreementsRequest request;
    request.set_parent("libraries/-");
    request.set_within_days(within);
    request.set_page_size(2);
    std::vector<std::string> names;
    do {
      v1::ListExpiringAgreementsResponse page;
      grpc::ClientContext context;
      grpc::Status status = agreements_->ListExpiringAgreements(&context, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& a : page.agreements()) names.push_back(a.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  };
  EXPECT_EQ(expiring(30), (std::vector<std::string>{today, week, month}));
  EXPECT_EQ(expiring(7), (std::vector<std::string>{today, week}));
  EXPECT_EQ(expiring(0), (std::vector<std::string>{today}));

  v1::ListExpiringAgreementsRequest bad;
  bad.set_parent("libraries/-");
  bad.set_within_days(-1);
  v1::ListExpiringAgreementsResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(ViolatedFields(agreements_->ListExpiringAgreements(&context, bad, &response)),
            (std::vector<std::string>{"within_days"}));
}

TEST_F(AgreementServiceTest, PartnerWithLiveAgreementsIsDeletedOnlyWithForce) {
  const std::string name = InState(Agreement::SUSPENDED);
  v1::DeletePartnerRequest del;
  del.set_name(partner_);
  v1::Partner out;
  grpc::ClientContext c1;
  grpc::Status refused = partners_->DeletePartner(&c1, del, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(refused), "PARTNER_HAS_AGREEMENTS");
  EXPECT_EQ(ErrorMetadata(refused, "referrer"), name);  // what keeps it
  del.set_force(true);
  grpc::ClientContext c2;
  EXPECT_TRUE(partners_->DeletePartner(&c2, del, &out).ok());
  // A deleted partner takes no new agreements.
  Agreement a;
  EXPECT_EQ(Reason(Create(Draft("after"), &a)), "REFERENCE_DELETED");
}

}  // namespace
}  // namespace allies
