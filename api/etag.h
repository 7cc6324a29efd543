// Entity tags (AIP-154): opaque strings that change whenever a resource changes.
#ifndef ALLIES_API_ETAG_H_
#define ALLIES_API_ETAG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace allies::api {

// Derived from the row's revision counter and its update time (so a resource deleted and
// re-created under the same name never matches an etag of its predecessor).
std::string ComputeEtag(int64_t revision, absl::Time update_time);

// OK when `sent` is empty (the client did not ask for the check) or equals `current`;
// otherwise ABORTED with reason ETAG_MISMATCH.
absl::Status CheckEtag(absl::string_view sent, absl::string_view current, absl::string_view name);

}  // namespace allies::api

#endif  // ALLIES_API_ETAG_H_
