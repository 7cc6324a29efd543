#include "tests/support/fixtures.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "tests/support/test_database.h"

namespace allies::testing {

grpc::Status CreateLibrary(v1::LibraryService::Stub& stub, const std::string& id,
                           const std::string& parent) {
  v1::CreateLibraryRequest request;
  request.set_library_id(id);
  request.mutable_library()->set_display_name("Библиотека " + id);
  request.mutable_library()->set_kind(v1::Library::BRANCH);
  request.mutable_library()->set_parent(parent);
  v1::Library out;
  grpc::ClientContext context;
  return stub.CreateLibrary(&context, request, &out);
}

std::string CreatePartner(v1::PartnerService::Stub& stub, const std::string& library,
                          const std::string& id) {
  v1::CreatePartnerRequest request;
  request.set_parent("libraries/" + library);
  request.set_partner_id(id);
  request.mutable_partner()->set_display_name("Партнёр " + id);
  request.mutable_partner()->set_kind(v1::Partner::BUSINESS);
  v1::Partner out;
  grpc::ClientContext context;
  grpc::Status status = stub.CreatePartner(&context, request, &out);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return out.name();
}

google::type::Date YearsAgo(int years, int days_later) {
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days_later;
  google::type::Date d;
  d.set_year(static_cast<int>(day.year()) - years);
  d.set_month(day.month());
  d.set_day(day.month() == 2 && day.day() == 29 ? 28 : day.day());
  return d;
}

v1::Volunteer Person(const std::string& family, const std::string& given, int age) {
  v1::Volunteer v;
  v.set_family_name(family);
  v.set_given_name(given);
  *v.mutable_birth_date() = YearsAgo(age);
  return v;
}

v1::Consent WorkConsent(std::vector<v1::Consent::Purpose> purposes) {
  v1::Consent c;
  c.set_subject_name("Субъект согласия");
  for (auto p : purposes) c.add_purposes(p);
  c.add_data_categories("ФИО");
  c.add_data_categories("дата рождения");
  c.set_method(v1::Consent::PAPER);
  c.set_document_number("С-1/2026");
  return c;
}

v1::Consent ByParent(v1::Consent c) {
  c.set_representative_name("Соколова Ирина Львовна");
  c.set_representative_relation(v1::Consent::PARENT);
  c.set_representative_document("Свидетельство о рождении II-ОД 123456");
  return c;
}

void ServiceTest::SetUp() {
  db_ = TestDatabase::Shared().FreshSchema();
  server_ = std::make_unique<TestServer>(db_);
  auto channel = server_->channel();
  libraries_ = v1::LibraryService::NewStub(channel);
  partners_ = v1::PartnerService::NewStub(channel);
  contacts_ = v1::ContactService::NewStub(channel);
  agreements_ = v1::AgreementService::NewStub(channel);
  activities_ = v1::ActivityLogService::NewStub(channel);
  volunteers_ = v1::VolunteerService::NewStub(channel);
  consents_ = v1::ConsentService::NewStub(channel);
  projects_ = v1::ProjectService::NewStub(channel);
}

std::vector<v1::Activity> ServiceTest::SystemEntries(const std::string& resource) {
  v1::ListActivitiesRequest request;
  request.set_parent("libraries/-");
  request.set_filter(absl::StrCat("resource = \"", resource, "\""));
  request.set_order_by("create_time");
  request.set_page_size(100);
  v1::ListActivitiesResponse response;
  grpc::ClientContext context;
  grpc::Status status = activities_->ListActivities(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.activities().begin(), response.activities().end()};
}

std::vector<std::string> ServiceTest::SystemVerbs(const std::string& resource) {
  std::vector<std::string> verbs;
  for (const auto& a : SystemEntries(resource)) verbs.push_back(a.verb());
  return verbs;
}

std::vector<std::string> ServiceTest::ColumnsHolding(const std::string& value) {
  const std::string columns = TestDatabase::Shared().Sql(
      "SELECT CONCAT(table_name, '.', column_name) FROM information_schema.columns WHERE "
      "table_schema = DATABASE() AND data_type IN ('char', 'varchar', 'tinytext', 'text', "
      "'mediumtext', 'longtext', 'json', 'binary', 'varbinary', 'tinyblob', 'blob', "
      "'mediumblob', 'longblob')",
      db_.database);
  std::vector<std::string> holding;
  int scanned = 0;
  for (absl::string_view line : absl::StrSplit(columns, '\n', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(line, '.');
    if (parts.size() != 2) continue;
    ++scanned;
    const std::string count = TestDatabase::Shared().Sql(
        absl::StrCat("SELECT COUNT(*) FROM `", parts[0], "` WHERE LOCATE(CAST('", value,
                     "' AS BINARY), CAST(`", parts[1], "` AS BINARY)) > 0"),
        db_.database);
    if (count.rfind("0", 0) != 0) holding.push_back(std::string(line));
  }
  EXPECT_GT(scanned, 20) << "the scan saw too few columns: " << columns;
  return holding;
}

}  // namespace allies::testing
