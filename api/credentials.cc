#include "api/credentials.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "api/errors.h"
#include "api/names.h"

namespace allies::api {
namespace {

constexpr absl::string_view kPrefix = "allies_";
constexpr size_t kSecretBytes = 32;

}  // namespace

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string HashSecret(absl::string_view data) { return Sha256(data); }

namespace {

absl::Status Unauthenticated(absl::string_view why) {
  return Error(absl::StatusCode::kUnauthenticated, "INVALID_CREDENTIALS", why);
}

}  // namespace

NewKey GenerateKey() {
  unsigned char secret[kSecretBytes];
  if (RAND_bytes(secret, sizeof(secret)) != 1) std::abort();  // no entropy: cannot go on safely
  const std::string encoded = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(secret), sizeof(secret)));
  NewKey key;
  key.id = GenerateResourceId();
  key.token = absl::StrCat(kPrefix, key.id, "_", encoded);
  key.secret_hash = HashSecret(encoded);
  return key;
}

absl::StatusOr<ParsedToken> ParseToken(absl::string_view token) {
  if (!absl::ConsumePrefix(&token, kPrefix)) return Unauthenticated("not an Allies API key");
  const size_t underscore = token.find('_');
  if (underscore == absl::string_view::npos) return Unauthenticated("malformed API key");
  ParsedToken parsed;
  parsed.id = std::string(token.substr(0, underscore));
  const absl::string_view secret = token.substr(underscore + 1);
  if (!IsValidResourceId(parsed.id) || secret.empty() || secret.size() > 100) {
    return Unauthenticated("malformed API key");
  }
  parsed.secret = std::string(secret);
  return parsed;
}

absl::StatusOr<std::string> BearerToken(absl::string_view authorization) {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.size() < 7 || !absl::EqualsIgnoreCase(authorization.substr(0, 7), "bearer ")) {
    return Unauthenticated("expected \"authorization: Bearer <API key>\"");
  }
  return std::string(absl::StripAsciiWhitespace(authorization.substr(7)));
}

bool SameHash(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace allies::api
