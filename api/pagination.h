// List pagination (AIP-158): page sizes and opaque keyset page tokens.
//
// A token carries the sort key of the last row returned, bound to a fingerprint of the query
// (filter, parent, order, show_deleted) and sealed with a keyed hash: a token that was altered,
// truncated or produced by a different query is rejected with INVALID_ARGUMENT. The token is not
// a security boundary (it only names a position in a result the caller may read anyway).
#ifndef ALLIES_API_PAGINATION_H_
#define ALLIES_API_PAGINATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace allies::api {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// 0 -> default, above max -> max, negative -> INVALID_ARGUMENT on field "page_size".
absl::StatusOr<int> EffectivePageSize(int32_t requested);

// Encodes the last row's key values for the query identified by fingerprint.
std::string EncodePageToken(absl::string_view fingerprint, const std::vector<std::string>& key);

// The key values, or INVALID_ARGUMENT on field "page_token". An empty token gives an empty key.
absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         absl::string_view fingerprint);

}  // namespace allies::api

#endif  // ALLIES_API_PAGINATION_H_
