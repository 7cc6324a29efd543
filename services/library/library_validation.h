// Input rules for libraries, independent of storage.
#ifndef ALLIES_SERVICES_LIBRARY_LIBRARY_VALIDATION_H_
#define ALLIES_SERVICES_LIBRARY_LIBRARY_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "allies/v1/library.pb.h"
#include "api/errors.h"

namespace allies::services {

inline constexpr size_t kMaxDisplayName = 300;
inline constexpr size_t kMaxRegion = 300;
inline constexpr size_t kMaxAddress = 1000;
inline constexpr size_t kMaxWebsite = 2000;
// The time zone of a library created without one (most of the network's libraries).
inline constexpr absl::string_view kDefaultTimeZone = "Europe/Moscow";

// Fields an update_mask may name.
const std::vector<std::string>& MutableLibraryFields();

// Adds a violation (under "library.<field>") for each bad field of `library` among `fields`.
// (`parent`, a reference, is checked by the shared machinery.)
void CheckLibraryFields(const v1::Library& library, const std::vector<std::string>& fields,
                        api::FieldViolations& violations);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_LIBRARY_LIBRARY_VALIDATION_H_
