// ReportService over a real database, with a small network built through the API (Cyrillic
// names): the review's figures for the whole subtree, the parent's own rows and each child's
// subtree (which add up), money summed exactly, the 6-НК line filled from the template data,
// what a scoped key may review, bad periods; the yearly report built, approved, left unchanged
// by a later build that reports the differences instead.
#include <gtest/gtest.h>

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "allies/v1/report.grpc.pb.h"
#include "tests/services/reminder/reminder_fixture.h"
#include "tests/support/rpc_errors.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::DaysFromToday;

int ThisYear() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()).year(); }

std::map<std::string, v1::Figure> ByKey(const google::protobuf::RepeatedPtrField<v1::Figure>& f) {
  std::map<std::string, v1::Figure> out;
  for (const v1::Figure& x : f) EXPECT_TRUE(out.emplace(x.key(), x).second) << x.key();
  return out;
}

int64_t Count(const std::map<std::string, v1::Figure>& f, const std::string& key) {
  auto it = f.find(key);
  EXPECT_NE(it, f.end()) << key;
  if (it == f.end()) return -1;
  EXPECT_EQ(it->second.value_case(), v1::Figure::kCount) << key;
  return it->second.count();
}

// The city (with a branch) and a village, under a region; partners, an agreement with a value,
// volunteers (one a minor) with approved and unapproved hours.
class ReportServiceTest : public allies::testing::ReminderTest {
 protected:
  void SetUp() override {
    ReminderTest::SetUp();  // libraries "city" and "branch" (under city), a partner of the city
    reports_ = v1::ReportService::NewStub(server_->channel());
    ASSERT_TRUE(testing::CreateLibrary(*libraries_, "region").ok());
    MoveUnder("city", "region");
    ASSERT_TRUE(testing::CreateLibrary(*libraries_, "village", "libraries/region").ok());
    testing::CreatePartner(*partners_, "region", "oblbank");
    testing::CreatePartner(*partners_, "city", "museum");
    testing::CreatePartner(*partners_, "branch", "gazeta");
    google::type::Money value;  // 150 000.50 roubles, signed today
    value.set_currency_code("RUB");
    value.set_units(150000);
    value.set_nanos(500000000);
    sponsorship_ = Agreement("17/2026-С", 200, 0, &value);
    const std::string project = Project("chteniya");
    const std::string branch_project = Project("podkast", "branch");
    adult_ = Volunteer("anna", "anna@example.ru");
    minor_ = MinorVolunteer("branch");
    Hours(adult_, project, 120, /*approve=*/true);
    Hours(minor_, branch_project, 90, /*approve=*/true);
    Hours(adult_, project, 60, /*approve=*/false);
  }

  void MoveUnder(const std::string& library, const std::string& parent) {
    UpdateLibrary(library, "parent", [&](v1::Library& l) { l.set_parent("libraries/" + parent); });
  }

  std::string MinorVolunteer(const std::string& library) {
    v1::CreateVolunteerRequest request;
    request.set_parent("libraries/" + library);
    request.set_volunteer_id("yozhik");
    *request.mutable_volunteer() = testing::Person("Ёжиков", "Пётр", 15);
    *request.mutable_consent() = testing::ByParent(testing::WorkConsent());
    return CreateActiveVolunteer(request);
  }

  void Hours(const std::string& volunteer, const std::string& project, int minutes, bool approve) {
    v1::CreateHoursRequest request;
    request.set_parent(volunteer);
    request.mutable_hours()->set_project(project);
    *request.mutable_hours()->mutable_work_date() = DaysFromToday(0);
    request.mutable_hours()->set_minutes(minutes);
    request.mutable_hours()->set_description("Читали вслух «Ёжика в тумане»");
    v1::HoursEntry out;
    grpc::ClientContext context;
    grpc::Status status = projects_->CreateHours(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    if (!approve) return;
    status = CallByName(*projects_, &v1::ProjectService::Stub::ApproveHours, out.name());
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Review(const std::string& parent, v1::NetworkReview* out,
                      v1::ReportService::Stub* stub = nullptr) {
    v1::BuildNetworkReviewRequest request;
    request.set_parent(parent);
    request.set_year(ThisYear());
    grpc::ClientContext context;
    return (stub != nullptr ? stub : reports_.get())->BuildNetworkReview(&context, request, out);
  }

  grpc::Status BuildReport(const std::string& name, v1::BuildReportResponse* out) {
    v1::BuildReportRequest request;
    request.set_name(name);
    grpc::ClientContext context;
    return reports_->BuildReport(&context, request, out);
  }

  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::string sponsorship_;
  std::string adult_;
  std::string minor_;
};

TEST_F(ReportServiceTest, FiguresOfTheWholeSubtreeItsOwnRowsAndEachChild) {
  v1::NetworkReview review;
  grpc::Status status = Review("libraries/region", &review);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(review.parent(), "libraries/region");
  EXPECT_EQ(review.library_count(), 4);
  EXPECT_EQ(review.start_date().year(), ThisYear());
  EXPECT_EQ(review.start_date().month(), 1);
  EXPECT_EQ(review.end_date().day(), 31);
  const auto whole = ByKey(review.figures());
  // The fixture's partner "bank" of the city, and one per library made here.
  EXPECT_EQ(Count(whole, "partners.total"), 4);
  EXPECT_EQ(Count(whole, "partners.new"), 4);
  EXPECT_EQ(Count(whole, "partners.by_kind.BUSINESS"), 4);
  EXPECT_EQ(Count(whole, "partners.by_kind.MEDIA"), 0) << "every kind is shown, zeros too";
  EXPECT_EQ(Count(whole, "agreements.signed"), 1);
  EXPECT_EQ(Count(whole, "agreements.in_force"), 1);
  EXPECT_EQ(Count(whole, "agreements.in_force.by_kind.SPONSORSHIP"), 1);
  EXPECT_EQ(Count(whole, "agreements.terminated"), 0);
  ASSERT_TRUE(whole.count("agreements.value_signed.RUB"));
  const google::type::Money& money = whole.at("agreements.value_signed.RUB").money();
  EXPECT_EQ(money.currency_code(), "RUB");
  EXPECT_EQ(money.units(), 150000);
  EXPECT_EQ(money.nanos(), 500000000);
  EXPECT_EQ(Count(whole, "volunteers.registered"), 2);
  EXPECT_EQ(Count(whole, "volunteers.active"), 2);
  EXPECT_EQ(Count(whole, "volunteers.active_minors"), 1);
  EXPECT_EQ(Count(whole, "volunteers.active_under_14"), 0);
  EXPECT_EQ(Count(whole, "hours.approved_minutes"), 210) << "the unapproved hour is left out";
  EXPECT_EQ(Count(whole, "hours.entries"), 2);
  const std::string month = absl::FormatTime("%Y-%m", absl::Now(), absl::UTCTimeZone());
  EXPECT_EQ(Count(whole, "hours.by_month." + month), 210);
  int months = 0;
  for (const auto& [key, figure] : whole) months += absl::StartsWith(key, "hours.by_month.");
  EXPECT_EQ(months, 12) << "every month of the year, for the chart";
  EXPECT_EQ(Count(whole, "hours.by_project.libraries/city/projects/chteniya"), 120);
  EXPECT_TRUE(absl::StrContains(
      whole.at("hours.by_project.libraries/city/projects/chteniya").label(), "Ёжик в тумане"))
      << "projects are labelled by their titles";
  EXPECT_EQ(Count(whole, "consents.given"), 2);
  EXPECT_EQ(Count(whole, "consents.given_by_representative"), 1);
  // Every figure has a label and names a query the review lists.
  std::map<std::string, v1::ReviewQuery> queries;
  for (const v1::ReviewQuery& q : review.queries()) {
    queries[q.id()] = q;
    EXPECT_EQ(q.sql_sha256().size(), 64u);
    EXPECT_FALSE(q.filters().empty());
  }
  for (const auto& [key, figure] : whole) {
    EXPECT_FALSE(figure.label().empty()) << key;
    EXPECT_TRUE(queries.count(figure.query())) << key << " names " << figure.query();
  }
  EXPECT_TRUE(absl::StrContains(queries.at("hours@1").filters(0), "region"));

  // The drill-down: the region's own rows, then the city's subtree (city and branch) and the
  // village's.
  ASSERT_EQ(review.libraries_size(), 3);
  const v1::LibraryFigures& own = review.libraries(0);
  EXPECT_EQ(own.library(), "libraries/region");
  EXPECT_EQ(own.extent(), v1::LibraryFigures::OWN);
  std::map<std::string, const v1::LibraryFigures*> child;
  for (int i = 1; i < review.libraries_size(); ++i) {
    EXPECT_EQ(review.libraries(i).extent(), v1::LibraryFigures::SUBTREE);
    child[review.libraries(i).library()] = &review.libraries(i);
  }
  ASSERT_TRUE(child.count("libraries/city") && child.count("libraries/village"));
  EXPECT_EQ(child["libraries/city"]->library_count(), 2);
  const auto own_f = ByKey(own.figures());
  const auto city = ByKey(child["libraries/city"]->figures());
  const auto village = ByKey(child["libraries/village"]->figures());
  EXPECT_EQ(Count(own_f, "partners.total"), 1);
  EXPECT_EQ(Count(city, "partners.total"), 3);
  EXPECT_EQ(Count(village, "partners.total"), 0);
  EXPECT_EQ(Count(city, "hours.approved_minutes"), 210);
  EXPECT_EQ(Count(city, "volunteers.active_minors"), 1);
  EXPECT_TRUE(own.figures(0).label().empty()) << "labels once, in the whole subtree's figures";
  // Every count adds up: the whole subtree is its own rows plus its children's subtrees.
  for (const auto& [key, figure] : whole) {
    if (figure.value_case() != v1::Figure::kCount) continue;
    if (absl::StartsWith(key, "hours.by_project")) continue;  // the review's only
    EXPECT_EQ(figure.count(), Count(own_f, key) + Count(city, key) + Count(village, key)) << key;
  }
  // The 6-НК line of sponsorship and donations, in thousands of roubles, marked approximate.
  bool line_19 = false;
  for (const v1::TemplateLine& line : review.template_lines()) {
    if (line.template_() == "6-NK" && line.section() == "7" && line.line() == "19") {
      line_19 = true;
      ASSERT_TRUE(line.has_amount());
      EXPECT_NEAR(line.amount(), 150.0005, 1e-9);
      EXPECT_TRUE(line.approximate());
      EXPECT_EQ(line.unit(), "тыс. руб.");
    } else if (line.expression().empty()) {
      EXPECT_FALSE(line.has_amount()) << line.indicator();
      EXPECT_FALSE(line.note().empty()) << line.indicator();
    }
  }
  EXPECT_TRUE(line_19);

  // The city alone: the branch is its child.
  v1::NetworkReview of_city;
  ASSERT_TRUE(Review("libraries/city", &of_city).ok());
  EXPECT_EQ(of_city.library_count(), 2);
  EXPECT_EQ(Count(ByKey(of_city.figures()), "partners.total"), 3);
}

TEST_F(ReportServiceTest, ReviewFollowsTheDataItCounts) {
  v1::NetworkReview before;
  ASSERT_TRUE(Review("libraries/region", &before).ok());
  ASSERT_TRUE(
      CallByName(*agreements_, &v1::AgreementService::Stub::SuspendAgreement, sponsorship_).ok());
  v1::TerminateAgreementRequest terminate;
  terminate.set_name(sponsorship_);
  terminate.set_reason("Партнёр ликвидирован");
  v1::Agreement terminated;
  grpc::ClientContext context;
  grpc::Status status = agreements_->TerminateAgreement(&context, terminate, &terminated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(CallByName(*partners_, &v1::PartnerService::Stub::DeletePartner,
                         std::string("libraries/region/partners/oblbank"))
                  .ok());
  v1::NetworkReview after;
  grpc::Status second = Review("libraries/region", &after);
  ASSERT_TRUE(second.ok()) << second.error_message();
  const auto b = ByKey(before.figures());
  const auto a = ByKey(after.figures());
  EXPECT_EQ(Count(a, "partners.total"), Count(b, "partners.total") - 1) << "deleted: left out";
  EXPECT_EQ(Count(a, "agreements.terminated"), 1);
  EXPECT_EQ(Count(a, "agreements.in_force"), 0);
  EXPECT_EQ(Count(a, "agreements.signed"), 1) << "signed this year all the same";
}

TEST_F(ReportServiceTest, BadRequestsAndScope) {
  v1::NetworkReview out;
  auto review = [&](v1::BuildNetworkReviewRequest request) {
    grpc::ClientContext context;
    return reports_->BuildNetworkReview(&context, request, &out);
  };
  v1::BuildNetworkReviewRequest request;
  request.set_parent("libraries/region");
  EXPECT_EQ(review(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "no period";
  request.set_year(ThisYear() + 1);
  EXPECT_EQ(review(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "future year";
  request.set_year(ThisYear());
  *request.mutable_start_date() = DaysFromToday(-10);
  EXPECT_EQ(review(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "both";
  request.set_year(0);
  *request.mutable_end_date() = DaysFromToday(-11);
  EXPECT_EQ(review(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "end < start";
  *request.mutable_start_date() = DaysFromToday(-400);
  *request.mutable_end_date() = DaysFromToday(-1);
  EXPECT_EQ(review(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "over a year";
  request.mutable_end_date()->set_day(32);
  EXPECT_EQ(review(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "no such day";
  *request.mutable_start_date() = DaysFromToday(-30);
  *request.mutable_end_date() = DaysFromToday(0);
  grpc::Status ok = review(request);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  request.set_parent("libraries/nowhere");
  EXPECT_EQ(review(request).error_code(), grpc::StatusCode::NOT_FOUND);
  request.set_parent("partners/x");
  EXPECT_EQ(review(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A methodist of the city reviews the city, not the region.
  auto keys = v1::ApiKeyService::NewStub(server_->channel());
  v1::CreateApiKeyRequest create;
  create.mutable_api_key()->set_display_name("Методист ЦБС");
  create.mutable_api_key()->set_role(v1::ApiKey::METHODIST);
  create.mutable_api_key()->set_library("libraries/city");
  v1::CreateApiKeyResponse key;
  grpc::ClientContext kc;
  ASSERT_TRUE(keys->CreateApiKey(&kc, create, &key).ok());
  auto methodist = v1::ReportService::NewStub(server_->ChannelWithKey(key.key()));
  EXPECT_TRUE(Review("libraries/city", &out, methodist.get()).ok());
  EXPECT_EQ(Review("libraries/region", &out, methodist.get()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReportServiceTest, ApprovedReportIsFrozenAndARebuildShowsTheDifference) {
  const std::string name = absl::StrCat("libraries/region/reports/", ThisYear());
  v1::BuildReportResponse built;
  grpc::Status status = BuildReport(name, &built);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(built.stored());
  EXPECT_EQ(built.report().name(), name);
  EXPECT_EQ(built.report().year(), ThisYear());
  EXPECT_EQ(built.report().state(), v1::Report::DRAFT);
  EXPECT_EQ(Count(ByKey(built.report().review().figures()), "partners.total"), 4);

  // A draft is rebuilt in place.
  testing::CreatePartner(*partners_, "village", "shkola");
  v1::BuildReportResponse rebuilt;
  ASSERT_TRUE(BuildReport(name, &rebuilt).ok());
  EXPECT_TRUE(rebuilt.stored());
  EXPECT_EQ(Count(ByKey(rebuilt.report().review().figures()), "partners.total"), 5);

  v1::ApproveReportRequest approve;
  approve.set_name(name);
  approve.set_etag(rebuilt.report().etag());
  v1::Report approved;
  grpc::ClientContext ac;
  status = reports_->ApproveReport(&ac, approve, &approved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(approved.state(), v1::Report::APPROVED);
  EXPECT_FALSE(approved.approver().empty());
  EXPECT_TRUE(approved.has_approve_time());
  grpc::ClientContext stale;
  EXPECT_EQ(reports_->ApproveReport(&stale, approve, &approved).error_code(),
            grpc::StatusCode::ABORTED)
      << "the etag read before the approval";
  approve.clear_etag();
  grpc::ClientContext again;
  EXPECT_EQ(reports_->ApproveReport(&again, approve, &approved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Approved: a new build changes nothing and lists what differs.
  testing::CreatePartner(*partners_, "branch", "teatr");
  v1::BuildReportResponse after;
  ASSERT_TRUE(BuildReport(name, &after).ok());
  EXPECT_FALSE(after.stored());
  EXPECT_EQ(after.report().state(), v1::Report::APPROVED);
  EXPECT_EQ(Count(ByKey(after.report().review().figures()), "partners.total"), 5);
  EXPECT_EQ(Count(ByKey(after.current().figures()), "partners.total"), 6);
  std::map<std::string, v1::FigureChange> changes;
  for (const v1::FigureChange& c : after.changes()) {
    changes[absl::StrCat(c.library(), "|", c.key())] = c;
  }
  ASSERT_TRUE(changes.count("|partners.total"));
  EXPECT_EQ(changes["|partners.total"].approved().count(), 5);
  EXPECT_EQ(changes["|partners.total"].current().count(), 6);
  ASSERT_TRUE(changes.count("libraries/city|partners.total")) << "the branch is in the city";
  EXPECT_FALSE(changes.count("libraries/village|partners.total"));
  EXPECT_FALSE(changes.count("|hours.approved_minutes")) << "only what changed";
  v1::Report got;
  ASSERT_TRUE(CallByName(*reports_, &v1::ReportService::Stub::GetReport, name, &got).ok());
  EXPECT_EQ(Count(ByKey(got.review().figures()), "partners.total"), 5);

  // The activity log has the report's builds and approval.
  EXPECT_EQ(SystemVerbs(name), (std::vector<std::string>{"CREATE", "BUILD", "APPROVE"}));

  v1::ListReportsRequest list;
  list.set_parent("libraries/region");
  v1::ListReportsResponse listed;
  grpc::ClientContext lc;
  ASSERT_TRUE(reports_->ListReports(&lc, list, &listed).ok());
  ASSERT_EQ(listed.reports_size(), 1);
  EXPECT_EQ(listed.reports(0).name(), name);

  v1::BuildReportResponse bad;
  EXPECT_EQ(
      BuildReport(absl::StrCat("libraries/region/reports/", ThisYear() + 1), &bad).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BuildReport("libraries/region/reports/god", &bad).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BuildReport("libraries/region/reports/02026", &bad).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace allies
