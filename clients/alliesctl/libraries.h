// The "libraries" commands of alliesctl (allies.v1.LibraryService), and the
// pure helpers they are built from.
#ifndef ALLIES_CLIENTS_ALLIESCTL_LIBRARIES_H_
#define ALLIES_CLIENTS_ALLIESCTL_LIBRARIES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/library.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterLibraryCommands(CommandRegistry* registry);

// "x" -> "libraries/x"; "libraries/x" and "" are returned unchanged.
std::string NormalizeLibraryName(absl::string_view name);

// "regional", "CENTRAL_SYSTEM", "central-system" -> the enum value. The empty
// string is KIND_UNSPECIFIED (clears the field on update); unknown names are
// InvalidArgument.
absl::StatusOr<allies::v1::Library::Kind> ParseLibraryKind(absl::string_view value);

// Builds requests from the parsed flags. Errors are usage errors.
absl::StatusOr<allies::v1::CreateLibraryRequest> BuildCreateLibraryRequest(const ParsedArgs& args);
// The update_mask lists exactly the field flags given, in field order.
absl::StatusOr<allies::v1::UpdateLibraryRequest> BuildUpdateLibraryRequest(absl::string_view name,
                                                                           const ParsedArgs& args);

// Columns NAME, DISPLAY NAME, KIND, PARENT, REGION, UPDATED, and DELETED when
// any library has delete_time.
Table LibrariesTable(const google::protobuf::RepeatedPtrField<allies::v1::Library>& libraries);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_LIBRARIES_H_
