// API key tokens: "allies_<key id>_<secret>". The key id is a resource id ([a-z][a-z0-9-]*) and
// the secret 64 lowercase hex digits (32 random bytes), so the token holds exactly two "_" and
// splits on them unambiguously. Only the SHA-256 of the secret is stored. (Keys issued before
// the hex secrets carry a base64url secret, which may itself hold "_": the split is on the first
// "_" after the prefix, so they keep working.)
#ifndef ALLIES_API_CREDENTIALS_H_
#define ALLIES_API_CREDENTIALS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace allies::api {

struct NewKey {
  std::string id;           // the {api_key} of "apiKeys/{api_key}"
  std::string token;        // what the client sends as "authorization: Bearer <token>"
  std::string secret_hash;  // 32 bytes, stored
};

// A fresh key (cryptographically random secret).
NewKey GenerateKey();

struct ParsedToken {
  std::string id;
  std::string secret;  // compare through HashSecret: only the hash is stored
};

// Parses a bearer token; UNAUTHENTICATED when it is not of our form.
absl::StatusOr<ParsedToken> ParseToken(absl::string_view token);

// The token from "authorization" metadata ("Bearer <token>", scheme case-insensitive).
absl::StatusOr<std::string> BearerToken(absl::string_view authorization);

// SHA-256 of `data` (32 raw bytes).
std::string Sha256(absl::string_view data);
// SHA-256 of a token's secret part: what is stored and compared.
std::string HashSecret(absl::string_view secret);

// Constant-time comparison of two hashes or secrets (only the length can be told apart).
bool SameHash(absl::string_view a, absl::string_view b);

}  // namespace allies::api

#endif  // ALLIES_API_CREDENTIALS_H_
