#include "api/etag.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/errors.h"

namespace allies::api {

std::string ComputeEtag(int64_t revision, absl::Time update_time) {
  return absl::StrFormat("%d-%x", revision, absl::ToUnixMicros(update_time));
}

absl::Status CheckEtag(absl::string_view sent, absl::string_view current, absl::string_view name) {
  if (sent.empty() || sent == current) return absl::OkStatus();
  return Error(absl::StatusCode::kAborted, "ETAG_MISMATCH",
               absl::StrCat(name, " was changed by someone else (etag ", Quote(sent),
                            " is stale, current is \"", current, "\"); read it again and retry"),
               {{"resource", std::string(name)}, {"current_etag", std::string(current)}});
}

}  // namespace allies::api
