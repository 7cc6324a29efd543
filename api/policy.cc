#include "api/policy.h"

#include "absl/strings/str_cat.h"
#include "api/errors.h"

namespace allies::api {

absl::StatusOr<Permission> RequiredPermission(const google::protobuf::MethodDescriptor& method) {
  const Permission permission = method.options().GetExtension(v1::permission);
  if (permission == v1::PERMISSION_UNSPECIFIED || !v1::Permission_IsValid(permission)) {
    return absl::NotFoundError(
        absl::StrCat("no (allies.v1.permission) option on ", MethodPath(method)));
  }
  return permission;
}

bool RoleGrants(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kMethodist:
      return permission == v1::READ || permission == v1::MANAGE_REPORTS;
    case Role::kIntegration:
      return permission == v1::READ || permission == v1::SIGN_UP || permission == v1::WATCH_CHANGES;
    case Role::kLibrarian:
      return permission == v1::READ || permission == v1::RECORD_ACTIVITIES ||
             permission == v1::MANAGE_PARTNERSHIP || permission == v1::MANAGE_CONSENTS ||
             permission == v1::MANAGE_GOVERNANCE;
    case Role::kCoordinator:
      return permission == v1::READ || permission == v1::RECORD_ACTIVITIES ||
             permission == v1::MANAGE_VOLUNTEERS || permission == v1::MANAGE_CONSENTS ||
             permission == v1::SIGN_UP;
  }
  return false;
}

std::string MethodPath(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat(method.service()->full_name(), "/", method.name());
}

absl::Status CheckPermission(const Principal& principal,
                             const google::protobuf::MethodDescriptor& method) {
  auto permission = RequiredPermission(method);
  if (!permission.ok()) {
    return Error(absl::StatusCode::kInternal, "NO_POLICY", permission.status().message());
  }
  if (RoleGrants(principal.role, *permission)) return absl::OkStatus();
  const std::string path = MethodPath(method);
  return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
               absl::StrCat(principal.name, " may not call ", path),
               {{"principal", principal.name}, {"method", path}});
}

absl::Status OutOfScope(absl::string_view resource) {
  return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
               absl::StrCat("the caller's key does not reach ", resource),
               {{"resource", std::string(resource)}});
}

}  // namespace allies::api
