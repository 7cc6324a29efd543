#include "api/credentials.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "api/errors.h"

namespace allies::api {
namespace {

TEST(CredentialsTest, GeneratedKeysParseBackToTheirHash) {
  std::set<std::string> tokens;
  for (int i = 0; i < 100; ++i) {
    NewKey key = GenerateKey();
    EXPECT_EQ(key.token.rfind("allies_" + key.id + "_", 0), 0u) << key.token;
    EXPECT_EQ(key.secret_hash.size(), 32u);
    auto parsed = ParseToken(key.token);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->id, key.id);
    EXPECT_TRUE(SameHash(HashSecret(parsed->secret), key.secret_hash));
    // Exactly two "_": an integrator may split the token on them.
    EXPECT_EQ(std::count(key.token.begin(), key.token.end(), '_'), 2) << key.token;
    EXPECT_EQ(parsed->secret.size(), 64u);
    EXPECT_EQ(parsed->secret.find_first_not_of("0123456789abcdef"), std::string::npos);
    tokens.insert(key.token);
  }
  EXPECT_EQ(tokens.size(), 100u);
}

TEST(CredentialsTest, WrongSecretHashesDifferently) {
  NewKey key = GenerateKey();
  std::string forged = key.token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  auto parsed = ParseToken(forged);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(SameHash(HashSecret(parsed->secret), key.secret_hash));
}

TEST(CredentialsTest, KeysWithBase64UrlSecretsStillParse) {
  // Issued before secrets were hex: the secret may hold "_" and "-".
  auto parsed = ParseToken("allies_k1a2b3_ab_-Cd_e");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->id, "k1a2b3");
  EXPECT_EQ(parsed->secret, "ab_-Cd_e");
}

TEST(CredentialsTest, MalformedTokensAreUnauthenticated) {
  for (const char* bad : {"", "allies_", "allies_abc", "other_abc_def", "allies_ABC_secret",
                          "allies__secret", "allies_abc_"}) {
    auto parsed = ParseToken(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
}

TEST(CredentialsTest, BearerHeader) {
  EXPECT_EQ(*BearerToken("Bearer allies_a_b"), "allies_a_b");
  EXPECT_EQ(*BearerToken("bearer   allies_a_b "), "allies_a_b");
  EXPECT_EQ(BearerToken("Basic dXNlcg==").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(BearerToken("").status().code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace allies::api
