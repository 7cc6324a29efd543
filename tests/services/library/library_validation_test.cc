#include "services/library/library_validation.h"

#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"

namespace allies::services {
namespace {

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.BadRequest");
  if (!payload) return fields;
  google::rpc::BadRequest bad;
  bad.ParseFromString(std::string(*payload));
  for (const auto& v : bad.field_violations()) fields.push_back(v.field());
  return fields;
}

v1::CreateLibraryRequest ValidCreate() {
  v1::CreateLibraryRequest request;
  request.set_library_id("oblast");
  request.mutable_library()->set_display_name("Областная библиотека им. Ё. Ёлкина");
  request.mutable_library()->set_kind(v1::Library::REGIONAL);
  request.mutable_library()->set_website("https://библиотека.рф");
  return request;
}

TEST(LibraryValidationTest, AcceptsValidCreate) {
  EXPECT_TRUE(ValidateCreateLibrary(ValidCreate()).ok());
  auto no_id = ValidCreate();
  no_id.clear_library_id();
  EXPECT_TRUE(ValidateCreateLibrary(no_id).ok());
}

TEST(LibraryValidationTest, ReportsEveryBadFieldAtOnce) {
  v1::CreateLibraryRequest request;
  request.set_library_id("Bad_Id");
  request.mutable_library()->set_kind(v1::Library::KIND_UNSPECIFIED);
  request.mutable_library()->set_parent("shelves/1");
  request.mutable_library()->set_website("ftp://x");
  request.mutable_library()->set_region(std::string(301, 'r'));
  absl::Status status = ValidateCreateLibrary(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(status),
            (std::vector<std::string>{"library_id", "library.display_name", "library.parent",
                                      "library.kind", "library.region", "library.website"}));
}

TEST(LibraryValidationTest, MissingLibrary) {
  v1::CreateLibraryRequest request;
  EXPECT_EQ(ViolatedFields(ValidateCreateLibrary(request)), std::vector<std::string>{"library"});
}

TEST(LibraryValidationTest, DisplayNameLimitInCharacters) {
  auto request = ValidCreate();
  std::string name;
  for (int i = 0; i < 300; ++i) name += "Ё";
  request.mutable_library()->set_display_name(name);
  EXPECT_TRUE(ValidateCreateLibrary(request).ok());
  request.mutable_library()->set_display_name(name + "ё");
  EXPECT_EQ(ViolatedFields(ValidateCreateLibrary(request)),
            std::vector<std::string>{"library.display_name"});
}

TEST(LibraryValidationTest, UpdateMask) {
  google::protobuf::FieldMask mask;
  EXPECT_EQ(ResolveLibraryUpdateMask(mask).status().code(), absl::StatusCode::kInvalidArgument);
  mask.add_paths("display_name");
  mask.add_paths("parent");
  mask.add_paths("display_name");
  auto fields = ResolveLibraryUpdateMask(mask);
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(*fields, (std::vector<std::string>{"display_name", "parent"}));

  google::protobuf::FieldMask star;
  star.add_paths("*");
  EXPECT_EQ(ResolveLibraryUpdateMask(star)->size(), MutableLibraryFields().size());

  for (const char* bad : {"name", "etag", "create_time", "update_time", "delete_time", "colour"}) {
    google::protobuf::FieldMask m;
    m.add_paths(bad);
    auto r = ResolveLibraryUpdateMask(m);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ViolatedFields(r.status()), std::vector<std::string>{"update_mask"}) << bad;
  }
}

TEST(LibraryValidationTest, UpdateChecksOnlyMaskedFields) {
  v1::Library library;  // display_name and kind empty, but not being updated
  library.set_region("Вологодская область");
  api::FieldViolations v;
  CheckLibraryFields(library, {"region"}, v);
  EXPECT_TRUE(v.empty());
  CheckLibraryFields(library, {"display_name"}, v);
  EXPECT_FALSE(v.empty());
}

}  // namespace
}  // namespace allies::services
