// End-to-end tests of LibraryService through a real gRPC channel and a real MariaDB.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "allies/v1/library.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/support/fixtures.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::TestDatabase;
using allies::testing::TestServer;
using v1::Library;

struct RpcError {
  grpc::StatusCode code;
  std::string reason;
  std::vector<std::string> fields;
  std::map<std::string, std::string> metadata;
};

RpcError Inspect(const grpc::Status& status) {
  RpcError e{status.error_code(), "", {}, {}};
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details())) << status.error_message();
  EXPECT_EQ(details.code(), status.error_code());
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&info)) {
      e.reason = info.reason();
      e.metadata = {info.metadata().begin(), info.metadata().end()};
    }
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) e.fields.push_back(v.field());
    }
  }
  EXPECT_FALSE(e.reason.empty()) << "every error carries an ErrorInfo reason";
  return e;
}

class LibraryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(TestDatabase::Shared().FreshSchema());
    stub_ = v1::LibraryService::NewStub(server_->channel());
  }

  grpc::Status Create(const std::string& id, const std::string& display_name, Library::Kind kind,
                      const std::string& parent = "", Library* out = nullptr) {
    v1::CreateLibraryRequest request;
    request.set_library_id(id);
    request.mutable_library()->set_display_name(display_name);
    request.mutable_library()->set_kind(kind);
    request.mutable_library()->set_parent(parent);
    Library response;
    grpc::ClientContext context;
    grpc::Status status = stub_->CreateLibrary(&context, request, &response);
    if (out) *out = response;
    return status;
  }
  grpc::Status Get(const std::string& name, Library* out) {
    return CallByName(*stub_, &v1::LibraryService::Stub::GetLibrary, name, out);
  }
  grpc::Status List(const v1::ListLibrariesRequest& request, v1::ListLibrariesResponse* out) {
    grpc::ClientContext context;
    return stub_->ListLibraries(&context, request, out);
  }
  grpc::Status Update(const Library& library, std::vector<std::string> paths, Library* out) {
    v1::UpdateLibraryRequest request;
    *request.mutable_library() = library;
    for (auto& p : paths) request.mutable_update_mask()->add_paths(p);
    grpc::ClientContext context;
    return stub_->UpdateLibrary(&context, request, out);
  }
  grpc::Status Delete(const std::string& name, bool force = false, const std::string& etag = "",
                      Library* out = nullptr) {
    v1::DeleteLibraryRequest request;
    request.set_name(name);
    request.set_force(force);
    request.set_etag(etag);
    Library response;
    grpc::ClientContext context;
    grpc::Status status = stub_->DeleteLibrary(&context, request, &response);
    if (out) *out = response;
    return status;
  }
  std::vector<std::string> ListAllNames(v1::ListLibrariesRequest request) {
    std::vector<std::string> names;
    do {
      v1::ListLibrariesResponse page;
      grpc::Status status = List(request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& l : page.libraries()) names.push_back(l.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::LibraryService::Stub> stub_;
};

TEST_F(LibraryServiceTest, CreateGetRoundTripsCyrillic) {
  const std::string display =
      "Вологодская областная универсальная научная библиотека им. И.В. Бабушкина (ё)";
  v1::CreateLibraryRequest request;
  request.set_library_id("vologda");
  auto* lib = request.mutable_library();
  lib->set_display_name(display);
  lib->set_kind(Library::REGIONAL);
  lib->set_region("Вологодская область");
  lib->set_address("г. Вологда, ул. Милютина, д. 1\nвход со двора");
  lib->set_website("https://www.booksite.ru");
  Library created;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->CreateLibrary(&context, request, &created).ok());
  EXPECT_EQ(created.name(), "libraries/vologda");
  EXPECT_FALSE(created.etag().empty());
  EXPECT_GT(created.create_time().seconds(), 0);
  EXPECT_FALSE(created.has_delete_time());

  Library got;
  ASSERT_TRUE(Get("libraries/vologda", &got).ok());
  EXPECT_EQ(got.display_name(), display);
  EXPECT_EQ(got.region(), "Вологодская область");
  EXPECT_EQ(got.address(), lib->address());
  EXPECT_EQ(got.website(), "https://www.booksite.ru");
  EXPECT_EQ(got.kind(), Library::REGIONAL);
  EXPECT_EQ(got.etag(), created.etag());
  EXPECT_EQ(got.create_time().SerializeAsString(), created.create_time().SerializeAsString());
}

TEST_F(LibraryServiceTest, GeneratesIdWhenNoneGiven) {
  Library created;
  ASSERT_TRUE(Create("", "ЦБС", Library::CENTRAL_SYSTEM, "", &created).ok());
  EXPECT_EQ(created.name().rfind("libraries/", 0), 0u);
  EXPECT_EQ(created.name().size(), std::string("libraries/").size() + 16);
  Library got;
  EXPECT_TRUE(Get(created.name(), &got).ok());
}

TEST_F(LibraryServiceTest, InvalidInputNamesEveryField) {
  v1::CreateLibraryRequest request;
  request.set_library_id("Плохой");
  request.mutable_library()->set_website("not a url");
  Library response;
  grpc::ClientContext context;
  RpcError e = Inspect(stub_->CreateLibrary(&context, request, &response));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(e.fields, (std::vector<std::string>{"library_id", "library.display_name",
                                                "library.kind", "library.website"}));
}

TEST_F(LibraryServiceTest, DuplicateIdIsAlreadyExists) {
  ASSERT_TRUE(Create("dup", "Первая", Library::BRANCH).ok());
  RpcError e = Inspect(Create("dup", "Вторая", Library::BRANCH));
  EXPECT_EQ(e.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(e.reason, "RESOURCE_ALREADY_EXISTS");
  EXPECT_EQ(e.metadata["resource"], "libraries/dup");
}

TEST_F(LibraryServiceTest, ParentMustExistAndBeLive) {
  RpcError missing = Inspect(Create("child", "Филиал", Library::BRANCH, "libraries/nowhere"));
  EXPECT_EQ(missing.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(missing.reason, "PARENT_NOT_FOUND");
  EXPECT_EQ(missing.fields, std::vector<std::string>{"library.parent"});

  ASSERT_TRUE(Create("gone", "Закрытая", Library::CENTRAL_SYSTEM).ok());
  ASSERT_TRUE(Delete("libraries/gone").ok());
  RpcError deleted = Inspect(Create("child", "Филиал", Library::BRANCH, "libraries/gone"));
  EXPECT_EQ(deleted.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(deleted.reason, "PARENT_DELETED");
}

TEST_F(LibraryServiceTest, GetErrors) {
  Library got;
  RpcError missing = Inspect(Get("libraries/absent", &got));
  EXPECT_EQ(missing.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.metadata["resource"], "libraries/absent");
  RpcError malformed = Inspect(Get("partners/x", &got));
  EXPECT_EQ(malformed.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(malformed.fields, std::vector<std::string>{"name"});
}

TEST_F(LibraryServiceTest, ListsChildrenOfAParent) {
  ASSERT_TRUE(Create("region", "Область", Library::REGIONAL).ok());
  ASSERT_TRUE(Create("cbs-a", "ЦБС А", Library::CENTRAL_SYSTEM, "libraries/region").ok());
  ASSERT_TRUE(Create("cbs-b", "ЦБС Б", Library::CENTRAL_SYSTEM, "libraries/region").ok());
  ASSERT_TRUE(Create("branch-1", "Филиал 1", Library::BRANCH, "libraries/cbs-a").ok());
  v1::ListLibrariesRequest request;
  request.set_parent("libraries/region");
  EXPECT_EQ(ListAllNames(request),
            (std::vector<std::string>{"libraries/cbs-a", "libraries/cbs-b"}));
  request.set_parent("libraries/cbs-a");
  EXPECT_EQ(ListAllNames(request), std::vector<std::string>{"libraries/branch-1"});
  request.clear_parent();
  EXPECT_EQ(ListAllNames(request).size(), 4u);
}

TEST_F(LibraryServiceTest, PageSizeRules) {
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(Create(absl::StrCat("lib-", 100 + i), "Б", Library::BRANCH).ok());
  }
  v1::ListLibrariesRequest request;
  v1::ListLibrariesResponse page;
  ASSERT_TRUE(List(request, &page).ok());
  EXPECT_EQ(page.libraries_size(), 50);  // default
  EXPECT_FALSE(page.next_page_token().empty());
  request.set_page_size(5000);
  page.Clear();
  ASSERT_TRUE(List(request, &page).ok());
  EXPECT_EQ(page.libraries_size(), 60);  // capped at 1000, all fit
  EXPECT_TRUE(page.next_page_token().empty());
  request.set_page_size(60);
  page.Clear();
  ASSERT_TRUE(List(request, &page).ok());
  EXPECT_TRUE(page.next_page_token().empty()) << "an exact last page has no next token";
  request.set_page_size(-1);
  RpcError e = Inspect(List(request, &page));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(e.fields, std::vector<std::string>{"page_size"});
}

TEST_F(LibraryServiceTest, PageTokensAreBoundToTheQuery) {
  ASSERT_TRUE(Create("root", "Корень", Library::REGIONAL).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Create(absl::StrCat("c", i), "Дочь", Library::BRANCH, "libraries/root").ok());
  }
  v1::ListLibrariesRequest request;
  request.set_page_size(1);
  v1::ListLibrariesResponse page;
  ASSERT_TRUE(List(request, &page).ok());
  std::string token = page.next_page_token();
  ASSERT_FALSE(token.empty());

  v1::ListLibrariesRequest other = request;
  other.set_page_token(token);
  other.set_parent("libraries/root");
  RpcError e = Inspect(List(other, &page));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(e.reason, "INVALID_PAGE_TOKEN");

  other = request;
  other.set_show_deleted(true);
  other.set_page_token(token);
  EXPECT_EQ(Inspect(List(other, &page)).reason, "INVALID_PAGE_TOKEN");

  other = request;
  std::string tampered = token;
  tampered[2] = tampered[2] == 'x' ? 'y' : 'x';
  other.set_page_token(tampered);
  EXPECT_EQ(Inspect(List(other, &page)).code, grpc::StatusCode::INVALID_ARGUMENT);

  // The page size may change between pages; the token stays valid.
  other = request;
  other.set_page_token(token);
  other.set_page_size(10);
  page.Clear();
  EXPECT_TRUE(List(other, &page).ok());
  EXPECT_EQ(page.libraries_size(), 3);
}

TEST_F(LibraryServiceTest, PagingWhileInsertingNeverRepeatsOrSkips) {
  std::set<std::string> original;
  for (int i = 0; i < 30; ++i) {
    std::string id = absl::StrCat("m", 100 + i * 10);
    ASSERT_TRUE(Create(id, "Библиотека", Library::BRANCH).ok());
    original.insert("libraries/" + id);
  }
  v1::ListLibrariesRequest request;
  request.set_page_size(7);
  std::vector<std::string> seen;
  int inserted = 0;
  do {
    v1::ListLibrariesResponse page;
    ASSERT_TRUE(List(request, &page).ok());
    for (const auto& l : page.libraries()) seen.push_back(l.name());
    // Insert rows both before and after the cursor between pages.
    ASSERT_TRUE(Create(absl::StrCat("a", inserted), "Новая", Library::BRANCH).ok());
    ASSERT_TRUE(Create(absl::StrCat("m", 100 + inserted * 10 + 5), "Новая", Library::BRANCH).ok());
    ASSERT_TRUE(Create(absl::StrCat("z", inserted), "Новая", Library::BRANCH).ok());
    ++inserted;
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a row was repeated";
  for (const auto& name : original) EXPECT_TRUE(unique.count(name)) << name << " was skipped";
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST_F(LibraryServiceTest, UpdateAppliesOnlyMaskedFields) {
  Library created;
  ASSERT_TRUE(Create("u1", "Старое имя", Library::BRANCH, "", &created).ok());
  Library change;
  change.set_name("libraries/u1");
  change.set_display_name("Новое имя ёлки");
  change.set_region("Не меняется");  // not in the mask
  change.set_etag(created.etag());
  Library updated;
  ASSERT_TRUE(Update(change, {"display_name"}, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Новое имя ёлки");
  EXPECT_EQ(updated.region(), "");
  EXPECT_EQ(updated.kind(), Library::BRANCH);
  EXPECT_NE(updated.etag(), created.etag());
  EXPECT_EQ(updated.create_time().seconds(), created.create_time().seconds());

  // The old etag is stale now.
  change.set_display_name("Ещё раз");
  RpcError stale = Inspect(Update(change, {"display_name"}, &updated));
  EXPECT_EQ(stale.code, grpc::StatusCode::ABORTED);
  EXPECT_EQ(stale.reason, "ETAG_MISMATCH");
  // Without an etag the update is unconditional.
  change.clear_etag();
  ASSERT_TRUE(Update(change, {"display_name", "region"}, &updated).ok());
  EXPECT_EQ(updated.region(), "Не меняется");
}

TEST_F(LibraryServiceTest, UpdateRejectsBadMasksAndValues) {
  ASSERT_TRUE(Create("u2", "Имя", Library::BRANCH).ok());
  Library change;
  change.set_name("libraries/u2");
  Library out;
  EXPECT_EQ(Inspect(Update(change, {}, &out)).fields, std::vector<std::string>{"update_mask"});
  EXPECT_EQ(Inspect(Update(change, {"create_time"}, &out)).code,
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Inspect(Update(change, {"name"}, &out)).code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Inspect(Update(change, {"shelf"}, &out)).code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Inspect(Update(change, {"display_name"}, &out)).fields,
            std::vector<std::string>{"library.display_name"});
  change.set_name("libraries/missing");
  change.set_display_name("x");
  EXPECT_EQ(Inspect(Update(change, {"display_name"}, &out)).code, grpc::StatusCode::NOT_FOUND);
}

TEST_F(LibraryServiceTest, MovingUnderOwnSubtreeIsRefused) {
  ASSERT_TRUE(Create("top", "Верх", Library::REGIONAL).ok());
  ASSERT_TRUE(Create("mid", "Середина", Library::CENTRAL_SYSTEM, "libraries/top").ok());
  ASSERT_TRUE(Create("leaf", "Лист", Library::BRANCH, "libraries/mid").ok());
  ASSERT_TRUE(Create("other", "Другая", Library::REGIONAL).ok());
  Library change, out;
  change.set_name("libraries/top");
  for (const char* target : {"libraries/top", "libraries/mid", "libraries/leaf"}) {
    change.set_parent(target);
    RpcError e = Inspect(Update(change, {"parent"}, &out));
    EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION) << target;
    EXPECT_EQ(e.reason, "LIBRARY_CYCLE") << target;
  }
  // A legal move, then making it a root again.
  change.set_name("libraries/mid");
  change.set_parent("libraries/other");
  ASSERT_TRUE(Update(change, {"parent"}, &out).ok());
  EXPECT_EQ(out.parent(), "libraries/other");
  change.set_parent("");
  ASSERT_TRUE(Update(change, {"parent"}, &out).ok());
  EXPECT_EQ(out.parent(), "");
}

TEST_F(LibraryServiceTest, DeleteIsSoftAndGuardsChildren) {
  ASSERT_TRUE(Create("p", "Родитель", Library::CENTRAL_SYSTEM).ok());
  ASSERT_TRUE(Create("k1", "Ребёнок", Library::BRANCH, "libraries/p").ok());
  ASSERT_TRUE(Create("k2", "Внук", Library::BRANCH, "libraries/k1").ok());
  RpcError e = Inspect(Delete("libraries/p"));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(e.reason, "LIBRARY_HAS_CHILDREN");
  EXPECT_EQ(e.metadata["child"], "libraries/k1");

  Library got;
  ASSERT_TRUE(Get("libraries/k2", &got).ok());
  EXPECT_EQ(Inspect(Delete("libraries/k2", false, "stale-etag")).code, grpc::StatusCode::ABORTED);
  Library deleted;
  ASSERT_TRUE(Delete("libraries/k2", false, got.etag(), &deleted).ok());
  EXPECT_TRUE(deleted.has_delete_time());
  ASSERT_TRUE(Get("libraries/k2", &got).ok());
  EXPECT_TRUE(got.has_delete_time());
  EXPECT_EQ(Inspect(Delete("libraries/k2")).code, grpc::StatusCode::FAILED_PRECONDITION);

  // force deletes the whole live subtree.
  ASSERT_TRUE(Create("k3", "Ещё", Library::BRANCH, "libraries/k1").ok());
  ASSERT_TRUE(Delete("libraries/p", true).ok());
  for (const char* name : {"libraries/p", "libraries/k1", "libraries/k3"}) {
    ASSERT_TRUE(Get(name, &got).ok());
    EXPECT_TRUE(got.has_delete_time()) << name;
  }
  v1::ListLibrariesRequest request;
  EXPECT_TRUE(ListAllNames(request).empty());
  request.set_show_deleted(true);
  EXPECT_EQ(ListAllNames(request).size(), 4u);
  // A deleted library cannot be updated.
  Library change, out;
  change.set_name("libraries/p");
  change.set_display_name("x");
  EXPECT_EQ(Inspect(Update(change, {"display_name"}, &out)).reason, "RESOURCE_DELETED");
}

TEST_F(LibraryServiceTest, ConcurrentCreatesUnderOneParentAllLand) {
  ASSERT_TRUE(Create("hub", "Центр", Library::REGIONAL).ok());
  constexpr int kThreads = 8, kEach = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::LibraryService::NewStub(server_->channel());
      for (int i = 0; i < kEach; ++i) {
        v1::CreateLibraryRequest request;
        request.set_library_id(absl::StrCat("t", t, "-", i));
        request.mutable_library()->set_display_name("Филиал");
        request.mutable_library()->set_kind(Library::BRANCH);
        request.mutable_library()->set_parent("libraries/hub");
        Library out;
        grpc::ClientContext context;
        if (!stub->CreateLibrary(&context, request, &out).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  v1::ListLibrariesRequest request;
  request.set_parent("libraries/hub");
  EXPECT_EQ(ListAllNames(request).size(), static_cast<size_t>(kThreads * kEach));
}

TEST_F(LibraryServiceTest, StarMaskReplacesEveryMutableField) {
  ASSERT_TRUE(Create("s1", "Имя", Library::BRANCH).ok());
  Library change, out;
  change.set_name("libraries/s1");
  change.set_display_name("Полная замена");
  change.set_kind(Library::SCHOOL);
  change.set_address("ул. Школьная, 1");
  ASSERT_TRUE(Update(change, {"*"}, &out).ok());
  EXPECT_EQ(out.display_name(), "Полная замена");
  EXPECT_EQ(out.kind(), Library::SCHOOL);
  EXPECT_EQ(out.address(), "ул. Школьная, 1");
  EXPECT_EQ(out.region(), "");
  change.clear_kind();  // "*" validates every field: kind is required
  EXPECT_EQ(Inspect(Update(change, {"*"}, &out)).fields, std::vector<std::string>{"library.kind"});
}

TEST_F(LibraryServiceTest, HugeInputGetsASmallError) {
  Library got;
  const std::string huge = "libraries/" + std::string(100000, 'x');
  grpc::Status status = Get(huge, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LT(status.error_message().size(), 300u);
  EXPECT_LT(status.error_details().size(), 1000u);
}

TEST_F(LibraryServiceTest, ForceDeleteRacingCreatesLeavesNoLiveOrphans) {
  for (int round = 0; round < 5; ++round) {
    const std::string root = absl::StrCat("r", round), mid = absl::StrCat("m", round);
    ASSERT_TRUE(Create(root, "Корень", Library::REGIONAL).ok());
    ASSERT_TRUE(Create(mid, "Середина", Library::CENTRAL_SYSTEM, "libraries/" + root).ok());
    std::atomic<bool> stop{false};
    std::thread creator([&] {
      auto stub = v1::LibraryService::NewStub(server_->channel());
      for (int i = 0; !stop; ++i) {
        v1::CreateLibraryRequest request;
        request.set_library_id(absl::StrCat("leaf", round, "-", i));
        request.mutable_library()->set_display_name("Лист");
        request.mutable_library()->set_kind(Library::BRANCH);
        request.mutable_library()->set_parent("libraries/" + mid);
        Library out;
        grpc::ClientContext context;
        if (!stub->CreateLibrary(&context, request, &out).ok()) break;  // parent deleted
      }
    });
    absl::SleepFor(absl::Milliseconds(20));
    ASSERT_TRUE(Delete("libraries/" + root, /*force=*/true).ok());
    stop = true;
    creator.join();
  }
  // Every live library's parent is live.
  v1::ListLibrariesRequest request;
  request.set_page_size(1000);
  v1::ListLibrariesResponse all;
  ASSERT_TRUE(List(request, &all).ok());
  for (const auto& library : all.libraries()) {
    ADD_FAILURE() << library.name() << " (parent " << library.parent()
                  << ") is live under a deleted subtree";
  }
}

TEST_F(LibraryServiceTest, FiltersByEveryKindOfField) {
  ASSERT_TRUE(Create("obl", "Областная библиотека", Library::REGIONAL).ok());
  ASSERT_TRUE(
      Create("det", "Детская библиотека им. Ёлкина", Library::BRANCH, "libraries/obl").ok());
  ASSERT_TRUE(Create("sel", "Сельская библиотека", Library::BRANCH, "libraries/obl").ok());
  ASSERT_TRUE(Create("uni", "Научная библиотека университета", Library::UNIVERSITY).ok());
  Library change, out;
  change.set_name("libraries/sel");
  change.set_region("Вологодская область");
  ASSERT_TRUE(Update(change, {"region"}, &out).ok());

  auto names = [&](const std::string& filter, const std::string& order_by = "") {
    v1::ListLibrariesRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    return ListAllNames(request);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("kind = BRANCH"), (V{"libraries/det", "libraries/sel"}));
  EXPECT_EQ(names("kind != BRANCH"), (V{"libraries/obl", "libraries/uni"}));
  EXPECT_EQ(names("region = \"Вологодская область\""), V{"libraries/sel"});
  EXPECT_EQ(names("parent = \"libraries/obl\""), (V{"libraries/det", "libraries/sel"}));
  EXPECT_EQ(names("parent = \"\""), (V{"libraries/obl", "libraries/uni"}));
  // ":" is a case-insensitive substring match, and ё matches е.
  EXPECT_EQ(names("display_name: \"ДЕТСКАЯ\""), V{"libraries/det"});
  EXPECT_EQ(names("display_name: елкин"), V{"libraries/det"});
  EXPECT_EQ(names("display_name: \"100%\""), V{});
  EXPECT_EQ(names("kind = BRANCH AND NOT region = \"Вологодская область\""), V{"libraries/det"});
  EXPECT_EQ(names("kind = UNIVERSITY OR kind = REGIONAL"), (V{"libraries/obl", "libraries/uni"}));
  EXPECT_EQ(names("create_time > \"2000-01-01T00:00:00Z\"").size(), 4u);
  EXPECT_EQ(names("create_time < \"2000-01-01\""), V{});
  EXPECT_EQ(names("delete_time > \"2000-01-01\""), V{});
  EXPECT_EQ(names("", "display_name desc"),
            (V{"libraries/sel", "libraries/obl", "libraries/uni", "libraries/det"}));
  EXPECT_EQ(names("kind = BRANCH", "region desc, name"), (V{"libraries/sel", "libraries/det"}));
}

TEST_F(LibraryServiceTest, BadFilterOrOrderIsInvalidArgument) {
  v1::ListLibrariesRequest request;
  v1::ListLibrariesResponse page;
  request.set_filter("kind = PURPLE");
  RpcError e = Inspect(List(request, &page));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(e.reason, "INVALID_FILTER");
  EXPECT_EQ(e.fields, std::vector<std::string>{"filter"});
  EXPECT_EQ(e.metadata["position"], "8");
  EXPECT_EQ(e.metadata["field"], "kind");
  request.set_filter("display_name = x'; DROP TABLE libraries; --");
  EXPECT_EQ(Inspect(List(request, &page)).code, grpc::StatusCode::INVALID_ARGUMENT);
  request.set_filter("display_name = \"x'; DROP TABLE libraries; --\"");
  EXPECT_TRUE(List(request, &page).ok());  // just a string that matches nothing
  request.clear_filter();
  request.set_order_by("address");
  e = Inspect(List(request, &page));
  EXPECT_EQ(e.reason, "INVALID_ORDER_BY");
  EXPECT_EQ(e.fields, std::vector<std::string>{"order_by"});
}

TEST_F(LibraryServiceTest, PagingUnderAnyOrderNeverRepeatsOrSkips) {
  std::set<std::string> original;
  for (int i = 0; i < 24; ++i) {
    // Few distinct display names: the id must break the ties.
    std::string id = absl::StrCat("o", 100 + i);
    ASSERT_TRUE(
        Create(id, absl::StrCat("Библиотека ", i % 3), i % 2 ? Library::BRANCH : Library::SCHOOL)
            .ok());
    original.insert("libraries/" + id);
  }
  for (const char* order : {"display_name", "display_name desc", "kind desc, display_name",
                            "create_time desc", "update_time"}) {
    v1::ListLibrariesRequest request;
    request.set_page_size(5);
    request.set_order_by(order);
    request.set_filter("display_name: Библиотека");
    std::vector<std::string> seen;
    int inserted = 0;
    do {
      v1::ListLibrariesResponse page;
      ASSERT_TRUE(List(request, &page).ok()) << order;
      for (const auto& l : page.libraries()) seen.push_back(l.name());
      const std::string id =
          absl::StrCat("n", std::hash<std::string>()(order) % 1000, "-", inserted);
      ++inserted;
      ASSERT_TRUE(Create(id, absl::StrCat("Библиотека ", inserted % 3), Library::BRANCH).ok());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << order << ": a row was repeated";
    for (const auto& name : original)
      EXPECT_TRUE(unique.count(name)) << order << ": skipped " << name;
  }
}

TEST_F(LibraryServiceTest, PageTokenIsBoundToFilterAndOrder) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Create(absl::StrCat("b", i), "Б", Library::BRANCH).ok());
  v1::ListLibrariesRequest request;
  request.set_page_size(1);
  request.set_filter("kind = BRANCH");
  v1::ListLibrariesResponse page;
  ASSERT_TRUE(List(request, &page).ok());
  request.set_page_token(page.next_page_token());
  // The same filter written differently is the same query.
  request.set_filter("kind=BRANCH");
  EXPECT_TRUE(List(request, &page).ok());
  request.set_filter("kind = SCHOOL");
  EXPECT_EQ(Inspect(List(request, &page)).reason, "INVALID_PAGE_TOKEN");
  request.set_filter("kind = BRANCH");
  request.set_order_by("display_name");
  EXPECT_EQ(Inspect(List(request, &page)).reason, "INVALID_PAGE_TOKEN");
}

TEST_F(LibraryServiceTest, RequestIdMakesCreateIdempotent) {
  v1::CreateLibraryRequest request;
  request.set_request_id("8c1f3a52-6a36-4d0e-b1b1-0f6b1e0f4a11");
  request.mutable_library()->set_display_name("Библиотека без id");
  request.mutable_library()->set_kind(Library::BRANCH);
  Library first, second;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->CreateLibrary(&context, request, &first).ok());
  }
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->CreateLibrary(&context, request, &second).ok());
  }
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString()) << "the first response again";
  EXPECT_EQ(ListAllNames({}), std::vector<std::string>{first.name()}) << "created once";

  // The same id with another request is refused, and creates nothing.
  request.mutable_library()->set_display_name("Другая");
  Library third;
  grpc::ClientContext context;
  RpcError e = Inspect(stub_->CreateLibrary(&context, request, &third));
  EXPECT_EQ(e.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(e.reason, "REQUEST_ID_REUSED");
  EXPECT_EQ(ListAllNames({}).size(), 1u);

  request.set_request_id("not valid!");
  grpc::ClientContext context2;
  EXPECT_EQ(Inspect(stub_->CreateLibrary(&context2, request, &third)).fields,
            std::vector<std::string>{"request_id"});
}

TEST_F(LibraryServiceTest, ConcurrentRetriesCreateOnce) {
  v1::CreateLibraryRequest request;
  request.set_request_id("retry-storm");
  request.mutable_library()->set_display_name("Одна");
  request.mutable_library()->set_kind(Library::BRANCH);
  constexpr int kThreads = 8;
  std::vector<Library> responses(kThreads);
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::LibraryService::NewStub(server_->channel());
      grpc::ClientContext context;
      statuses[t] = stub->CreateLibrary(&context, request, &responses[t]);
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(statuses[t].ok()) << statuses[t].error_message();
    EXPECT_EQ(responses[t].name(), responses[0].name());
  }
  EXPECT_EQ(ListAllNames({}).size(), 1u);
}

TEST_F(LibraryServiceTest, UndeleteBringsBackOnlyDeletedLibraries) {
  ASSERT_TRUE(Create("up", "Родитель", Library::CENTRAL_SYSTEM).ok());
  ASSERT_TRUE(Create("down", "Филиал", Library::BRANCH, "libraries/up").ok());
  auto undelete = [&](const std::string& name, const std::string& request_id, Library* out) {
    v1::UndeleteLibraryRequest request;
    request.set_name(name);
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return stub_->UndeleteLibrary(&context, request, out);
  };
  Library out;
  RpcError live = Inspect(undelete("libraries/down", "", &out));
  EXPECT_EQ(live.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(live.reason, "RESOURCE_NOT_DELETED");
  EXPECT_EQ(Inspect(undelete("libraries/none", "", &out)).code, grpc::StatusCode::NOT_FOUND);

  ASSERT_TRUE(Delete("libraries/up", /*force=*/true).ok());
  RpcError orphan = Inspect(undelete("libraries/down", "", &out));
  EXPECT_EQ(orphan.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(orphan.reason, "PARENT_DELETED");

  Library first, again;
  ASSERT_TRUE(undelete("libraries/up", "undo-1", &first).ok());
  EXPECT_FALSE(first.has_delete_time());
  ASSERT_TRUE(undelete("libraries/up", "undo-1", &again).ok()) << "a retry gets the first answer";
  EXPECT_EQ(again.etag(), first.etag());
  ASSERT_TRUE(undelete("libraries/down", "", &out).ok());
  v1::ListLibrariesRequest request;
  EXPECT_EQ(ListAllNames(request), (std::vector<std::string>{"libraries/down", "libraries/up"}));
}

TEST_F(LibraryServiceTest, EchoesRequestId) {
  v1::GetLibraryRequest request;
  request.set_name("libraries/none");
  Library out;
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "req-42");
  stub_->GetLibrary(&context, request, &out);
  auto it = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(it, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "req-42");
}

}  // namespace
}  // namespace allies
