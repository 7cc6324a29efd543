#include "api/credentials.h"

#include <gtest/gtest.h>

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
