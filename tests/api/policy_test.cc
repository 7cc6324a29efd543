#include "api/policy.h"

#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include "allies/v1/agreement.pb.h"
#include "allies/v1/library.pb.h"
#include "api/errors.h"
#include "api/rpc.h"

namespace allies::api {
namespace {

const google::protobuf::MethodDescriptor& Generated(const std::string& name) {
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  EXPECT_NE(method, nullptr) << name;
  return *method;
}

TEST(PolicyTest, PermissionsComeFromTheMethodOption) {
  EXPECT_EQ(*RequiredPermission(Generated("allies.v1.LibraryService.GetLibrary")), v1::READ);
  EXPECT_EQ(*RequiredPermission(Generated("allies.v1.LibraryService.CreateLibrary")),
            v1::MANAGE_LIBRARIES);
  EXPECT_EQ(*RequiredPermission(Generated("allies.v1.AgreementService.RenewAgreement")),
            v1::MANAGE_PARTNERSHIP);
  EXPECT_EQ(MethodPath(Generated("allies.v1.LibraryService.GetLibrary")),
            "allies.v1.LibraryService/GetLibrary");
}

TEST(PolicyTest, RolesGrantTheirPermissions) {
  Principal librarian{"apiKeys/l", Role::kLibrarian, "city"};
  EXPECT_TRUE(
      CheckPermission(librarian, Generated("allies.v1.AgreementService.RenewAgreement")).ok());
  absl::Status denied =
      CheckPermission(librarian, Generated("allies.v1.LibraryService.CreateLibrary"));
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(denied), "PERMISSION_DENIED");
  EXPECT_FALSE(RoleGrants(Role::kIntegration, v1::RECORD_ACTIVITIES));
  EXPECT_TRUE(RoleGrants(Role::kCoordinator, v1::RECORD_ACTIVITIES));
  EXPECT_TRUE(RoleGrants(Role::kAdmin, v1::MANAGE_KEYS));
}

// A method that declares no permission can be called by nobody (INTERNAL, NO_POLICY).
TEST(PolicyTest, AMethodWithoutThePermissionOptionHasNoPolicy) {
  google::protobuf::FileDescriptorProto file;
  file.set_name("test/no_policy.proto");
  file.set_package("test");
  file.set_syntax("proto3");
  file.add_message_type()->set_name("Empty");
  auto* service = file.add_service();
  service->set_name("Unguarded");
  auto* method = service->add_method();
  method->set_name("Open");
  method->set_input_type(".test.Empty");
  method->set_output_type(".test.Empty");
  google::protobuf::DescriptorPool pool;
  ASSERT_NE(pool.BuildFile(file), nullptr);
  const auto* open = pool.FindMethodByName("test.Unguarded.Open");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(RequiredPermission(*open).status().code(), absl::StatusCode::kNotFound);
  absl::Status status = CheckPermission(Principal{"apiKeys/a", Role::kAdmin, ""}, *open);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(status), "NO_POLICY");
}

TEST(PolicyTest, MethodsAreFoundByTheirMessages) {
  MethodInfo info = FindMethod(v1::GetLibraryRequest::descriptor(), v1::Library::descriptor());
  EXPECT_EQ(info.path, "allies.v1.LibraryService/GetLibrary");
  EXPECT_EQ(info.descriptor, &Generated("allies.v1.LibraryService.GetLibrary"));
  EXPECT_DEATH(FindMethod(v1::GetLibraryRequest::descriptor(), v1::Agreement::descriptor()),
               "no rpc");
}

}  // namespace
}  // namespace allies::api
