#include "api/policy.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/errors.h"

namespace allies::api {
namespace {

const std::map<std::string, Permission, std::less<>>& Table() {
  static const auto* table = new std::map<std::string, Permission, std::less<>>{
      {"allies.v1.LibraryService/GetLibrary", Permission::kRead},
      {"allies.v1.LibraryService/ListLibraries", Permission::kRead},
      {"allies.v1.LibraryService/CreateLibrary", Permission::kManageLibraries},
      {"allies.v1.LibraryService/UpdateLibrary", Permission::kManageLibraries},
      {"allies.v1.LibraryService/DeleteLibrary", Permission::kManageLibraries},
      {"allies.v1.LibraryService/UndeleteLibrary", Permission::kManageLibraries},
      {"allies.v1.ActivityLogService/GetActivity", Permission::kRead},
      {"allies.v1.ActivityLogService/ListActivities", Permission::kRead},
      {"allies.v1.ActivityLogService/CreateActivity", Permission::kRecordActivities},
      {"allies.v1.ActivityLogService/UpdateActivity", Permission::kRecordActivities},
      {"allies.v1.ActivityLogService/DeleteActivity", Permission::kRecordActivities},
      {"allies.v1.ActivityLogService/UndeleteActivity", Permission::kRecordActivities},
      {"allies.v1.PartnerService/GetPartner", Permission::kRead},
      {"allies.v1.PartnerService/ListPartners", Permission::kRead},
      {"allies.v1.PartnerService/CreatePartner", Permission::kManagePartnership},
      {"allies.v1.PartnerService/UpdatePartner", Permission::kManagePartnership},
      {"allies.v1.PartnerService/DeletePartner", Permission::kManagePartnership},
      {"allies.v1.PartnerService/UndeletePartner", Permission::kManagePartnership},
      {"allies.v1.AgreementService/GetAgreement", Permission::kRead},
      {"allies.v1.AgreementService/ListAgreements", Permission::kRead},
      {"allies.v1.AgreementService/ListExpiringAgreements", Permission::kRead},
      {"allies.v1.AgreementService/CreateAgreement", Permission::kManagePartnership},
      {"allies.v1.AgreementService/UpdateAgreement", Permission::kManagePartnership},
      {"allies.v1.AgreementService/DeleteAgreement", Permission::kManagePartnership},
      {"allies.v1.AgreementService/UndeleteAgreement", Permission::kManagePartnership},
      {"allies.v1.AgreementService/ActivateAgreement", Permission::kManagePartnership},
      {"allies.v1.AgreementService/SuspendAgreement", Permission::kManagePartnership},
      {"allies.v1.AgreementService/ResumeAgreement", Permission::kManagePartnership},
      {"allies.v1.AgreementService/TerminateAgreement", Permission::kManagePartnership},
      {"allies.v1.AgreementService/RenewAgreement", Permission::kManagePartnership},
      {"allies.v1.ContactService/GetContact", Permission::kRead},
      {"allies.v1.ContactService/ListContacts", Permission::kRead},
      {"allies.v1.ContactService/FindDuplicateContacts", Permission::kRead},
      {"allies.v1.ContactService/CreateContact", Permission::kManagePartnership},
      {"allies.v1.ContactService/UpdateContact", Permission::kManagePartnership},
      {"allies.v1.ContactService/DeleteContact", Permission::kManagePartnership},
      {"allies.v1.ContactService/UndeleteContact", Permission::kManagePartnership},
      {"allies.v1.ContactService/MergeContacts", Permission::kManagePartnership},
      {"allies.v1.ContactService/ExportContactData", Permission::kManagePartnership},
      {"allies.v1.ContactService/EraseContact", Permission::kManagePartnership},
      {"allies.v1.ApiKeyService/CreateApiKey", Permission::kManageKeys},
      {"allies.v1.ApiKeyService/GetApiKey", Permission::kManageKeys},
      {"allies.v1.ApiKeyService/ListApiKeys", Permission::kManageKeys},
      {"allies.v1.ApiKeyService/RevokeApiKey", Permission::kManageKeys},
  };
  return *table;
}

}  // namespace

absl::StatusOr<Permission> RequiredPermission(absl::string_view method) {
  auto it = Table().find(method);
  if (it == Table().end()) {
    return absl::NotFoundError(absl::StrCat("no policy for ", method));
  }
  return it->second;
}

bool RoleGrants(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kMethodist:
    case Role::kIntegration:
      return permission == Permission::kRead;
    case Role::kLibrarian:
      return permission == Permission::kRead || permission == Permission::kRecordActivities ||
             permission == Permission::kManagePartnership;
    case Role::kCoordinator:
      return permission == Permission::kRead || permission == Permission::kRecordActivities;
  }
  return false;
}

const std::vector<std::string>& MethodsWithPolicy() {
  static const auto* methods = [] {
    auto* out = new std::vector<std::string>;
    for (const auto& [method, permission] : Table()) out->push_back(method);
    return out;
  }();
  return *methods;
}

absl::Status CheckPermission(const Principal& principal, absl::string_view method) {
  auto permission = RequiredPermission(method);
  if (!permission.ok()) {
    return Error(absl::StatusCode::kInternal, "NO_POLICY", permission.status().message());
  }
  if (RoleGrants(principal.role, *permission)) return absl::OkStatus();
  return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
               absl::StrCat(principal.name, " may not call ", method),
               {{"principal", principal.name}, {"method", std::string(method)}});
}

absl::Status OutOfScope(absl::string_view resource) {
  return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
               absl::StrCat("the caller's key does not reach ", resource),
               {{"resource", std::string(resource)}});
}

}  // namespace allies::api
