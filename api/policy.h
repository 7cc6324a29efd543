// Who may call what. One table maps every RPC to the permission it needs; roles grant
// permissions. The library scope of a call (the key reaches its library and that library's
// subtree) is checked by the handler, which knows the resource's library.
#ifndef ALLIES_API_POLICY_H_
#define ALLIES_API_POLICY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace allies::api {

// ApiKey.Role numbers.
enum class Role { kAdmin = 1, kMethodist = 2, kLibrarian = 3, kCoordinator = 4, kIntegration = 5 };

enum class Permission {
  kRead,               // any Get/List
  kManageLibraries,    // the library network itself
  kRecordActivities,   // interactions in the activity log
  kManageKeys,         // API keys (reading them included)
  kManagePartnership,  // partners, contacts (their personal data included) and agreements
};

// The authenticated caller.
struct Principal {
  std::string name;  // "apiKeys/{key}"
  Role role = Role::kIntegration;
  std::string library_id;  // the scope's root; empty: the whole network
};

// The permission a method ("allies.v1.LibraryService/GetLibrary") needs; NOT_FOUND for a method
// without a policy (a programming error: every RPC must have one).
absl::StatusOr<Permission> RequiredPermission(absl::string_view method);

bool RoleGrants(Role role, Permission permission);

// Every method that has a policy (for the test that walks them all).
const std::vector<std::string>& MethodsWithPolicy();

// PERMISSION_DENIED (reason PERMISSION_DENIED) unless the principal's role grants what `method`
// needs.
absl::Status CheckPermission(const Principal& principal, absl::string_view method);

// The error for a resource outside the caller's scope. The same whether or not it exists.
absl::Status OutOfScope(absl::string_view resource);

}  // namespace allies::api

#endif  // ALLIES_API_POLICY_H_
