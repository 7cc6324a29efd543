// libFuzzer target: decoding arbitrary page tokens never crashes; anything that decodes
// re-encodes to a token that decodes to the same key (and only for the same query).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/pagination.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string fingerprint = "ListLibraries|filter=kind=i4";
  auto key = allies::api::DecodePageToken(input, fingerprint);
  if (!key.ok()) {
    if (key.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
  } else {
    const std::string token = allies::api::EncodePageToken(fingerprint, *key);
    auto again = allies::api::DecodePageToken(token, fingerprint);
    if (!again.ok() || *again != *key) std::abort();
    if (!key->empty() && allies::api::DecodePageToken(token, "other").ok()) std::abort();
  }
  // Encoding what the fuzzer gives as a key round-trips too.
  std::vector<std::string> parts = {input.substr(0, size / 2), input.substr(size / 2)};
  auto round =
      allies::api::DecodePageToken(allies::api::EncodePageToken(fingerprint, parts), fingerprint);
  if (!round.ok() || *round != parts) std::abort();
  return 0;
}
