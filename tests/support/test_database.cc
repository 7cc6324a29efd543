#include "tests/support/test_database.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "storage/migrations.h"

namespace allies::testing {
namespace {

std::string Dbctl() { return absl::StrCat(ALLIES_SOURCE_DIR, "/tools/dbctl"); }

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string RunOrDie(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    std::cerr << "cannot run: " << command << "\n";
    std::abort();
  }
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  int status = pclose(pipe);
  if (status != 0) {
    std::cerr << "command failed (" << status << "): " << command << "\n" << out << "\n";
    std::abort();
  }
  return out;
}

TestDatabase& TestDatabase::Shared() {
  static TestDatabase* db = new TestDatabase();
  static bool registered = [] {
    std::atexit([] { delete db; });
    return true;
  }();
  (void)registered;
  return *db;
}

TestDatabase::TestDatabase() {
  const char* root = std::getenv("ALLIES_TEST_TMPDIR");
  if (root == nullptr || *root == '\0') root = std::getenv("TMPDIR");
  if (root == nullptr || *root == '\0') root = "/tmp";
  std::string templ = absl::StrCat(root, "/allies-db-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    std::cerr << "mkdtemp failed under " << root << "\n";
    std::abort();
  }
  dir_ = templ;
  Start();
  base_ = ReadDbctlEnv(dir_).config;
  base_.pool_size = 16;
}

DbctlEnv ReadDbctlEnv(const std::string& dir) {
  DbctlEnv env;
  std::ifstream in(dir + "/env");
  std::string line;
  while (std::getline(in, line)) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    env.values[kv.first] = kv.second;
  }
  auto set = [&](const char* name, std::string& field) {
    auto it = env.values.find(name);
    if (it != env.values.end()) field = it->second;
  };
  set("ALLIES_DB_SOCKET", env.config.socket);
  set("ALLIES_DB_HOST", env.config.host);
  set("ALLIES_DB_USER", env.config.user);
  set("ALLIES_DB_PASSWORD", env.config.password);
  set("ALLIES_DB_NAME", env.config.database);
  auto port = env.values.find("ALLIES_DB_PORT");
  if (port != env.values.end() && !absl::SimpleAtoi(port->second, &env.config.port)) {
    std::cerr << dir << "/env: ALLIES_DB_PORT is not a number: " << port->second << "\n";
    std::abort();
  }
  return env;
}

TestDatabase::~TestDatabase() {
  if (dir_.empty()) return;
  std::system(absl::StrCat(Dbctl(), " stop ", ShellQuote(dir_), " >/dev/null 2>&1").c_str());
  std::system(absl::StrCat("rm -rf ", ShellQuote(dir_)).c_str());
}

void TestDatabase::Start() {
  RunOrDie(absl::StrCat(Dbctl(), " start ", ShellQuote(dir_), " --fast 2>&1"));
}

void TestDatabase::Stop() { RunOrDie(absl::StrCat(Dbctl(), " stop ", ShellQuote(dir_), " 2>&1")); }

std::string TestDatabase::Sql(const std::string& statement, const std::string& schema) {
  return RunOrDie(absl::StrCat(
      "mariadb --no-defaults --batch --skip-column-names --socket=", ShellQuote(base_.socket),
      " -u", ShellQuote(base_.user), " -p", ShellQuote(base_.password), " ",
      schema.empty() ? "" : ShellQuote(schema), " -e ", ShellQuote(statement), " 2>&1"));
}

storage::DbConfig TestDatabase::EmptySchema() {
  storage::DbConfig config = base_;
  config.database = absl::StrCat("t", ++schemas_);
  Sql(absl::StrCat("CREATE DATABASE ", config.database,
                   " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
  return config;
}

storage::DbConfig TestDatabase::FreshSchema() {
  storage::DbConfig config = EmptySchema();
  auto applied = storage::ApplyMigrations(config);
  if (!applied.ok()) {
    std::cerr << "migrations failed: " << applied.status() << "\n";
    std::abort();
  }
  return config;
}

}  // namespace allies::testing
