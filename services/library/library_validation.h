// Input rules for libraries, independent of storage.
#ifndef ALLIES_SERVICES_LIBRARY_LIBRARY_VALIDATION_H_
#define ALLIES_SERVICES_LIBRARY_LIBRARY_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/library.pb.h"
#include "api/errors.h"
#include "api/filter.h"

namespace allies::services {

inline constexpr size_t kMaxDisplayName = 300;
inline constexpr size_t kMaxRegion = 300;
inline constexpr size_t kMaxAddress = 1000;
inline constexpr size_t kMaxWebsite = 2000;

// The fields ListLibraries can filter (all) and sort (the sortable ones) by.
const api::FilterSchema& LibraryFilterSchema();

// Fields an update_mask may name.
const std::vector<std::string>& MutableLibraryFields();

// Adds a violation (under "library.<field>") for each bad field of `library` among `fields`
// (all mutable fields when `fields` is empty).
void CheckLibraryFields(const v1::Library& library, const std::vector<std::string>& fields,
                        api::FieldViolations& violations);

// Every violation in a CreateLibraryRequest (library_id may be empty: the server picks one).
absl::Status ValidateCreateLibrary(const v1::CreateLibraryRequest& request);

// Resolves an update_mask to the list of mutable fields it names ("*" means all), or
// INVALID_ARGUMENT for a missing mask, unknown paths, or output-only/immutable ones.
absl::StatusOr<std::vector<std::string>> ResolveLibraryUpdateMask(
    const google::protobuf::FieldMask& mask);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_LIBRARY_LIBRARY_VALIDATION_H_
