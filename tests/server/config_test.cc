#include "server/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <vector>

namespace allies::server {
namespace {

absl::StatusOr<ServerConfig> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "allies-server");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return ParseServerConfig(static_cast<int>(argv.size()), argv.data(), "allies-server", "test");
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* var : {"ALLIES_LISTEN", "ALLIES_DB_HOST", "ALLIES_DB_PORT", "ALLIES_DB_SOCKET",
                            "ALLIES_DB_USER", "ALLIES_DB_PASSWORD", "ALLIES_DB_NAME",
                            "ALLIES_POOL_SIZE", "ALLIES_THREADS", "ALLIES_MIGRATE"}) {
      unsetenv(var);
    }
  }
};

TEST_F(ConfigTest, Defaults) {
  auto config = Parse({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:50051");
  EXPECT_EQ(config->db.host, "127.0.0.1");
  EXPECT_EQ(config->db.port, 3306);
  EXPECT_EQ(config->db.database, "allies");
  EXPECT_FALSE(config->migrate);
}

TEST_F(ConfigTest, EnvironmentThenFlags) {
  setenv("ALLIES_DB_HOST", "db.internal", 1);
  setenv("ALLIES_DB_PORT", "3307", 1);
  setenv("ALLIES_DB_PASSWORD", "секрет", 1);
  setenv("ALLIES_LISTEN", "0.0.0.0:6000", 1);
  auto config = Parse({"--db-port=3308", "--listen", "127.0.0.1:7000", "--migrate", "--pool-size=8",
                       "--threads=4"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->db.host, "db.internal");
  EXPECT_EQ(config->db.port, 3308);
  EXPECT_EQ(config->db.password, "секрет");
  EXPECT_EQ(config->listen, "127.0.0.1:7000");
  EXPECT_TRUE(config->migrate);
  EXPECT_EQ(config->db.pool_size, 8);
  EXPECT_EQ(config->threads, 4);
}

TEST_F(ConfigTest, BadInputIsAnError) {
  EXPECT_EQ(Parse({"--nope"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"--db-port=abc"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"--db-port=70000"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"--pool-size=0"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"--listen"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"stray"}).status().code(), absl::StatusCode::kInvalidArgument);
  setenv("ALLIES_DB_PORT", "x", 1);
  EXPECT_EQ(Parse({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ConfigTest, HelpListsFlagsAndEnvironment) {
  auto config = Parse({"--help"});
  ASSERT_EQ(config.status().code(), absl::StatusCode::kCancelled);
  EXPECT_NE(config.status().message().find("ALLIES_DB_SOCKET"), absl::string_view::npos);
  EXPECT_NE(config.status().message().find("--listen"), absl::string_view::npos);
}

absl::StatusOr<NotifierConfig> ParseNotifier(std::vector<std::string> args) {
  args.insert(args.begin(), "allies-notifier");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return ParseNotifierConfig(static_cast<int>(argv.size()), argv.data(), "allies-notifier", "test");
}

class NotifierConfigTest : public ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    for (const char* var :
         {"ALLIES_SMTP_URL", "ALLIES_SMTP_USER", "ALLIES_SMTP_PASSWORD", "ALLIES_SMTP_REQUIRE_TLS",
          "ALLIES_SMTP_TIMEOUT", "ALLIES_REMINDER_INTERVAL", "ALLIES_REMINDER_BACKOFF",
          "ALLIES_REMINDER_MAX_BACKOFF"}) {
      unsetenv(var);
    }
  }
};

TEST_F(NotifierConfigTest, TheRelayIsRequired) {
  EXPECT_EQ(ParseNotifier({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNotifier({"--smtp-url=http://relay:25"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto config = ParseNotifier({"--smtp-url", "smtp://relay.example.ru:25"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->smtp_url, "smtp://relay.example.ru:25");
  EXPECT_EQ(config->interval, absl::Minutes(5));
  EXPECT_EQ(config->initial_backoff, absl::Seconds(30));
  EXPECT_EQ(config->max_backoff, absl::Hours(1));
  EXPECT_FALSE(config->once);
  EXPECT_FALSE(config->smtp_require_tls);
  EXPECT_EQ(config->db.database, "allies");
}

TEST_F(NotifierConfigTest, EnvironmentThenFlags) {
  setenv("ALLIES_SMTP_URL", "smtps://relay.example.ru:465", 1);
  setenv("ALLIES_SMTP_USER", "allies", 1);
  setenv("ALLIES_SMTP_PASSWORD", "пароль", 1);
  setenv("ALLIES_SMTP_REQUIRE_TLS", "true", 1);
  setenv("ALLIES_REMINDER_INTERVAL", "60", 1);
  setenv("ALLIES_REMINDER_BACKOFF", "2.5", 1);
  setenv("ALLIES_DB_NAME", "allies_test", 1);
  auto config = ParseNotifier({"--max-backoff=600", "--once", "--interval", "120"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->smtp_url, "smtps://relay.example.ru:465");
  EXPECT_EQ(config->smtp_user, "allies");
  EXPECT_EQ(config->smtp_password, "пароль");
  EXPECT_TRUE(config->smtp_require_tls);
  EXPECT_EQ(config->interval, absl::Seconds(120));
  EXPECT_EQ(config->initial_backoff, absl::Milliseconds(2500));
  EXPECT_EQ(config->max_backoff, absl::Seconds(600));
  EXPECT_TRUE(config->once);
  EXPECT_EQ(config->db.database, "allies_test");
  unsetenv("ALLIES_DB_NAME");
  // The longest wait is never shorter than the first.
  EXPECT_EQ(ParseNotifier({"--backoff=10", "--max-backoff=5"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNotifier({"--interval=0"}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace allies::server
