#include "api/pagination.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "api/errors.h"

namespace allies::api {
namespace {

constexpr char kVersion = 1;
constexpr size_t kMacSize = 12;
constexpr absl::string_view kMacKey = "allies.v1.page-token";

std::string Mac(absl::string_view fingerprint, absl::string_view payload) {
  std::string data;
  data.reserve(8 + fingerprint.size() + payload.size());
  absl::StrAppend(&data, fingerprint.size(), ":", fingerprint, payload);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha256(), kMacKey.data(), static_cast<int>(kMacKey.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &digest_size);
  return std::string(reinterpret_cast<const char*>(digest), kMacSize);
}

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

absl::Status BadToken(absl::string_view why) {
  return InvalidField("page_token", absl::StrCat(why, "; start again without a page_token"),
                      "INVALID_PAGE_TOKEN");
}

}  // namespace

absl::StatusOr<int> EffectivePageSize(int32_t requested) {
  if (requested < 0) {
    return InvalidField("page_size", absl::StrCat("must not be negative, got ", requested));
  }
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

std::string EncodePageToken(absl::string_view fingerprint, const std::vector<std::string>& key) {
  std::string payload(1, kVersion);
  PutVarint(payload, key.size());
  for (const auto& part : key) {
    PutVarint(payload, part.size());
    payload += part;
  }
  payload += Mac(fingerprint, payload);
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         absl::string_view fingerprint) {
  if (token.empty()) return std::vector<std::string>{};
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 1 + kMacSize) {
    return BadToken("is not a page token from this API");
  }
  absl::string_view payload(raw.data(), raw.size() - kMacSize);
  absl::string_view mac(raw.data() + payload.size(), kMacSize);
  if (Mac(fingerprint, payload) != mac) {
    return BadToken("was altered or belongs to a different query (filter, order or parent)");
  }
  if (payload.front() != kVersion) return BadToken("has an unsupported version");
  payload.remove_prefix(1);
  uint64_t count = 0;
  if (!GetVarint(payload, count) || count > 16) return BadToken("is malformed");
  std::vector<std::string> key;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t size = 0;
    if (!GetVarint(payload, size) || size > payload.size()) return BadToken("is malformed");
    key.emplace_back(payload.substr(0, size));
    payload.remove_prefix(size);
  }
  if (!payload.empty()) return BadToken("is malformed");
  return key;
}

}  // namespace allies::api
