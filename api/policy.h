// Who may call what. Every rpc declares the permission it needs in the .proto
// (`option (allies.v1.permission) = READ;`), read here from its descriptor; roles grant
// permissions. The library scope of a call (the key reaches its library and that library's
// subtree) is checked by the handler, which knows the resource's library.
#ifndef ALLIES_API_POLICY_H_
#define ALLIES_API_POLICY_H_

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/options.pb.h"

namespace allies::api {

// ApiKey.Role numbers.
enum class Role { kAdmin = 1, kMethodist = 2, kLibrarian = 3, kCoordinator = 4, kIntegration = 5 };

using Permission = v1::Permission;

// The authenticated caller.
struct Principal {
  std::string name;  // "apiKeys/{key}"
  Role role = Role::kIntegration;
  std::string library_id;  // the scope's root; empty: the whole network
};

// The permission a method needs, from its (allies.v1.permission) option; NOT_FOUND for a method
// without one (a programming error: every rpc must declare one).
absl::StatusOr<Permission> RequiredPermission(const google::protobuf::MethodDescriptor& method);

bool RoleGrants(Role role, Permission permission);

// "allies.v1.LibraryService/GetLibrary": a method's name as gRPC sends it.
std::string MethodPath(const google::protobuf::MethodDescriptor& method);

// PERMISSION_DENIED (reason PERMISSION_DENIED) unless the principal's role grants what `method`
// needs; INTERNAL (reason NO_POLICY) when the method declares no permission.
absl::Status CheckPermission(const Principal& principal,
                             const google::protobuf::MethodDescriptor& method);

// The error for a resource outside the caller's scope. The same whether or not it exists.
absl::Status OutOfScope(absl::string_view resource);

}  // namespace allies::api

#endif  // ALLIES_API_POLICY_H_
