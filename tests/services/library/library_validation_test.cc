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

absl::Status Check(const v1::Library& library) {
  api::FieldViolations v;
  CheckLibraryFields(library, MutableLibraryFields(), v);
  return v.ToStatus();
}

v1::Library Valid() {
  v1::Library library;
  library.set_display_name("Областная библиотека им. Ё. Ёлкина");
  library.set_kind(v1::Library::REGIONAL);
  library.set_website("https://библиотека.рф");
  return library;
}

TEST(LibraryValidationTest, AcceptsAValidLibrary) { EXPECT_TRUE(Check(Valid()).ok()); }

TEST(LibraryValidationTest, ReportsEveryBadFieldAtOnce) {
  v1::Library library;
  library.set_kind(v1::Library::KIND_UNSPECIFIED);
  library.set_website("ftp://x");
  library.set_region(std::string(301, 'r'));
  absl::Status status = Check(library);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(status),
            (std::vector<std::string>{"library.display_name", "library.kind", "library.region",
                                      "library.website"}));
}

TEST(LibraryValidationTest, DisplayNameLimitInCharacters) {
  v1::Library library = Valid();
  std::string name;
  for (int i = 0; i < 300; ++i) name += "Ё";
  library.set_display_name(name);
  EXPECT_TRUE(Check(library).ok());
  library.set_display_name(name + "ё");
  EXPECT_EQ(ViolatedFields(Check(library)), std::vector<std::string>{"library.display_name"});
}

TEST(LibraryValidationTest, TimeZonesAreIanaNames) {
  v1::Library library = Valid();
  for (const char* zone : {"Asia/Vladivostok", "Europe/Kaliningrad", "Asia/Kamchatka", "UTC", ""}) {
    library.set_time_zone(zone);
    EXPECT_TRUE(Check(library).ok()) << zone;
  }
  for (const char* zone : {"Moscow", "Europe/Москва", "../../etc/passwd", "/etc/localtime",
                           "Asia/Vladivostok ", "+03:00"}) {
    library.set_time_zone(zone);
    EXPECT_EQ(ViolatedFields(Check(library)), std::vector<std::string>{"library.time_zone"})
        << zone;
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
