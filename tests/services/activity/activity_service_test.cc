// End-to-end tests of the activity log: system entries written with every library change (and
// never without one), and interactions recorded by staff.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "allies/v1/activity.grpc.pb.h"
#include "allies/v1/library.grpc.pb.h"
#include "api/credentials.h"
#include "tests/support/rpc_errors.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::TestDatabase;
using allies::testing::TestServer;
using v1::Activity;
using v1::Library;

using allies::testing::Reason;
using allies::testing::ViolatedFields;

class ActivityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(TestDatabase::Shared().FreshSchema());
    libraries_ = v1::LibraryService::NewStub(server_->channel());
    activities_ = v1::ActivityLogService::NewStub(server_->channel());
  }

  grpc::Status CreateLibrary(const std::string& id, const std::string& parent = "",
                             const std::string& request_id = "") {
    v1::CreateLibraryRequest request;
    request.set_library_id(id);
    request.set_request_id(request_id);
    request.mutable_library()->set_display_name("Библиотека Ёлкина " + id);
    request.mutable_library()->set_kind(Library::BRANCH);
    request.mutable_library()->set_parent(parent);
    Library out;
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "trace-" + id);
    return libraries_->CreateLibrary(&context, request, &out);
  }

  std::vector<Activity> List(const std::string& parent, const std::string& filter = "",
                             const std::string& order_by = "") {
    v1::ListActivitiesRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(2);  // exercise paging
    std::vector<Activity> all;
    do {
      v1::ListActivitiesResponse page;
      grpc::ClientContext context;
      grpc::Status status = activities_->ListActivities(&context, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      all.insert(all.end(), page.activities().begin(), page.activities().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  grpc::Status Record(const std::string& parent, const Activity& activity, Activity* out,
                      const std::string& request_id = "") {
    v1::CreateActivityRequest request;
    request.set_parent(parent);
    *request.mutable_activity() = activity;
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return activities_->CreateActivity(&context, request, out);
  }

  std::string AdminName() const { return "apiKeys/" + api::ParseToken(server_->admin_key())->id; }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::LibraryService::Stub> libraries_;
  std::unique_ptr<v1::ActivityLogService::Stub> activities_;
};

TEST_F(ActivityServiceTest, EveryLibraryChangeIsLoggedWithItsFieldsNotItsValues) {
  ASSERT_TRUE(CreateLibrary("obl").ok());
  ASSERT_TRUE(CreateLibrary("fil", "libraries/obl", "create-fil").ok());
  std::vector<Activity> log = List("libraries/obl", "", "create_time");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind(), Activity::SYSTEM);
  EXPECT_EQ(log[0].verb(), "CREATE");
  EXPECT_EQ(log[0].resource(), "libraries/obl");
  EXPECT_EQ(log[0].actor(), AdminName()) << "the caller's key is the actor";
  EXPECT_EQ(log[0].request_id(), "trace-obl");  // the call's x-request-id when no request_id
  EXPECT_EQ(
      std::vector<std::string>(log[0].changed_fields().begin(), log[0].changed_fields().end()),
      // The time zone is the default one, set on create.
      (std::vector<std::string>{"display_name", "kind", "time_zone"}));
  EXPECT_EQ(log[0].SerializeAsString().find("Ёлкина"), std::string::npos)
      << "the log holds no values";
  EXPECT_EQ(List("libraries/fil")[0].request_id(), "create-fil");

  // Update: only the fields whose values changed.
  v1::UpdateLibraryRequest update;
  update.mutable_library()->set_name("libraries/fil");
  update.mutable_library()->set_display_name("Новое имя");
  update.mutable_library()->set_kind(Library::BRANCH);  // in the mask, unchanged
  update.mutable_update_mask()->add_paths("display_name");
  update.mutable_update_mask()->add_paths("kind");
  Library out;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(libraries_->UpdateLibrary(&context, update, &out).ok());
  }
  std::vector<Activity> updates = List("libraries/fil", "verb = \"UPDATE\"");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(std::vector<std::string>(updates[0].changed_fields().begin(),
                                     updates[0].changed_fields().end()),
            std::vector<std::string>{"display_name"});

  // A forced delete logs every library it deletes; undelete logs too.
  v1::DeleteLibraryRequest del;
  del.set_name("libraries/obl");
  del.set_force(true);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(libraries_->DeleteLibrary(&context, del, &out).ok());
  }
  EXPECT_EQ(List("libraries/-", "verb = \"DELETE\"").size(), 2u);
  v1::UndeleteLibraryRequest undelete;
  undelete.set_name("libraries/obl");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(libraries_->UndeleteLibrary(&context, undelete, &out).ok());
  }
  EXPECT_EQ(List("libraries/obl", "verb = \"UNDELETE\"").size(), 1u);
  // Across the network, newest first by default.
  std::vector<Activity> everything = List("libraries/-");
  ASSERT_EQ(everything.size(), 6u);
  EXPECT_EQ(everything.front().verb(), "UNDELETE");
  EXPECT_EQ(everything.back().verb(), "CREATE");
}

TEST_F(ActivityServiceTest, FailedChangesLeaveNoEntry) {
  ASSERT_TRUE(CreateLibrary("a").ok());
  const size_t before = List("libraries/-").size();
  EXPECT_FALSE(CreateLibrary("a").ok());                       // duplicate
  EXPECT_FALSE(CreateLibrary("b", "libraries/nowhere").ok());  // missing parent
  v1::UpdateLibraryRequest update;
  update.mutable_library()->set_name("libraries/a");
  update.mutable_library()->set_display_name("x");
  update.mutable_library()->set_etag("stale");
  update.mutable_update_mask()->add_paths("display_name");
  Library out;
  grpc::ClientContext context;
  EXPECT_EQ(libraries_->UpdateLibrary(&context, update, &out).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_EQ(List("libraries/-").size(), before);
}

TEST_F(ActivityServiceTest, RecordedInteractions) {
  ASSERT_TRUE(CreateLibrary("lib").ok());
  Activity meeting;
  meeting.set_kind(Activity::MEETING);
  meeting.set_subject("Встреча с банком «Вологда» о спонсорстве");
  meeting.set_description("Обсудили ёлку для детского отдела.\nДоговорились созвониться.");
  meeting.mutable_occurred_time()->set_seconds(1795600000);
  meeting.add_related("libraries/lib/partners/bank");
  meeting.add_related("libraries/lib/contacts/ivanov");
  meeting.mutable_follow_up_date()->set_year(2026);
  meeting.mutable_follow_up_date()->set_month(12);
  meeting.mutable_follow_up_date()->set_day(15);
  Activity created;
  ASSERT_TRUE(Record("libraries/lib", meeting, &created, "meet-1").ok());
  EXPECT_EQ(created.kind(), Activity::MEETING);
  EXPECT_EQ(created.actor(), AdminName());
  EXPECT_EQ(created.related_size(), 2);
  Activity again;
  ASSERT_TRUE(Record("libraries/lib", meeting, &again, "meet-1").ok());
  EXPECT_EQ(again.name(), created.name()) << "request_id: recorded once";

  v1::GetActivityRequest get;
  get.set_name(created.name());
  Activity got;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(activities_->GetActivity(&context, get, &got).ok());
  }
  EXPECT_EQ(got.subject(), meeting.subject());
  EXPECT_EQ(got.description(), meeting.description());
  EXPECT_EQ(got.follow_up_date().day(), 15);
  EXPECT_EQ(got.occurred_time().seconds(), 1795600000);

  EXPECT_EQ(List("libraries/lib", "related: \"libraries/lib/partners/bank\"").size(), 1u);
  EXPECT_EQ(List("libraries/lib", "related: \"libraries/lib/partners/other\"").size(), 0u);
  EXPECT_EQ(List("libraries/lib", "kind = MEETING AND subject: \"спонсор\"").size(), 1u);
  EXPECT_EQ(List("libraries/lib", "follow_up_date <= \"2026-12-31\"").size(), 1u);
  EXPECT_EQ(List("libraries/-", "kind = SYSTEM").size(), 1u);

  // Edit, then delete (soft).
  v1::UpdateActivityRequest update;
  update.mutable_activity()->set_name(created.name());
  update.mutable_activity()->set_subject("Встреча перенесена");
  update.mutable_activity()->set_etag(got.etag());
  update.mutable_update_mask()->add_paths("subject");
  Activity updated;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(activities_->UpdateActivity(&context, update, &updated).ok());
  }
  EXPECT_EQ(updated.subject(), "Встреча перенесена");
  EXPECT_EQ(updated.related_size(), 2) << "untouched fields stay";
  v1::DeleteActivityRequest del;
  del.set_name(created.name());
  {
    grpc::ClientContext context;
    ASSERT_TRUE(activities_->DeleteActivity(&context, del, &updated).ok());
  }
  EXPECT_TRUE(updated.has_delete_time());
  EXPECT_EQ(List("libraries/lib", "kind = MEETING").size(), 0u);
  v1::UndeleteActivityRequest undelete;
  undelete.set_name(created.name());
  {
    grpc::ClientContext context;
    ASSERT_TRUE(activities_->UndeleteActivity(&context, undelete, &updated).ok());
  }
  EXPECT_FALSE(updated.has_delete_time());
  EXPECT_EQ(List("libraries/lib", "kind = MEETING").size(), 1u);
  {
    grpc::ClientContext context;
    EXPECT_EQ(Reason(activities_->UndeleteActivity(&context, undelete, &updated)),
              "RESOURCE_NOT_DELETED");
  }
}

TEST_F(ActivityServiceTest, OddRequestIdsAndFilterValuesAreHandled) {
  // An x-request-id that does not fit is replaced, not a failed change.
  v1::CreateLibraryRequest request;
  request.set_library_id("long");
  request.mutable_library()->set_display_name("Библиотека");
  request.mutable_library()->set_kind(Library::BRANCH);
  Library out;
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", std::string(100, 'r'));
    ASSERT_TRUE(libraries_->CreateLibrary(&context, request, &out).ok());
  }
  std::vector<Activity> log = List("libraries/long");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_LE(log[0].request_id().size(), 64u);
  EXPECT_FALSE(log[0].request_id().empty());
  // A name field given something that is not a name is a bad filter, not a server error.
  v1::ListActivitiesRequest list;
  list.set_parent("libraries/-");
  list.set_filter("resource = \"libraries/ёлка\"");
  v1::ListActivitiesResponse page;
  grpc::ClientContext context;
  EXPECT_EQ(Reason(activities_->ListActivities(&context, list, &page)), "INVALID_FILTER");
}

TEST_F(ActivityServiceTest, SystemEntriesAreImmutable) {
  ASSERT_TRUE(CreateLibrary("lib").ok());
  Activity entry = List("libraries/lib")[0];
  v1::UpdateActivityRequest update;
  update.mutable_activity()->set_name(entry.name());
  update.mutable_activity()->set_subject("подделка");
  update.mutable_update_mask()->add_paths("subject");
  Activity out;
  {
    grpc::ClientContext context;
    grpc::Status status = activities_->UpdateActivity(&context, update, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(Reason(status), "ACTIVITY_IMMUTABLE");
  }
  v1::DeleteActivityRequest del;
  del.set_name(entry.name());
  grpc::ClientContext context;
  EXPECT_EQ(Reason(activities_->DeleteActivity(&context, del, &out)), "ACTIVITY_IMMUTABLE");
}

TEST_F(ActivityServiceTest, BadInput) {
  ASSERT_TRUE(CreateLibrary("lib").ok());
  Activity bad;
  bad.set_kind(Activity::SYSTEM);
  bad.add_related("not a name");
  bad.mutable_follow_up_date()->set_year(2026);
  bad.mutable_follow_up_date()->set_month(2);
  bad.mutable_follow_up_date()->set_day(30);
  Activity out;
  grpc::Status status = Record("libraries/lib", bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<std::string> fields = ViolatedFields(status);
  // The resource's own checks, then its references (checked by the shared machinery).
  EXPECT_EQ(fields, (std::vector<std::string>{"activity.kind", "activity.subject",
                                              "activity.follow_up_date", "activity.related[0]"}));
  Activity ok;
  ok.set_kind(Activity::CALL);
  ok.set_subject("Звонок");
  EXPECT_EQ(Record("libraries/missing", ok, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Record("libraries/-", ok, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListActivitiesRequest list;
  list.set_parent("libraries/lib");
  list.set_filter("verb = CREATE AND colour = red");
  v1::ListActivitiesResponse page;
  grpc::ClientContext context;
  EXPECT_EQ(Reason(activities_->ListActivities(&context, list, &page)), "INVALID_FILTER");
}

}  // namespace
}  // namespace allies
