// allies-migrate: applies the database migrations compiled into it, then exits. With
// --bootstrap-key-file=PATH and no file there yet, it also creates a network-wide ADMIN API key
// and writes it to PATH (mode 0600): the first credential of a new installation.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "server/config.h"
#include "services/apikey/api_key_service.h"
#include "storage/migrations.h"

namespace {

// Writes the key to a new file readable by its owner only; false if the file exists or fails.
bool WriteKeyFile(const std::string& path, const std::string& token) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return false;
  const std::string line = token + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  return ::close(fd) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string key_file;
  std::vector<char*> args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--bootstrap-key-file=")) {
      key_file = std::string(arg);
    } else {
      args.push_back(argv[i]);
    }
  }
  auto config = allies::server::ParseDbConfig(
      static_cast<int>(args.size()), args.data(), "allies-migrate",
      "Applies pending schema migrations to the Allies database (safe to run repeatedly and "
      "concurrently). --bootstrap-key-file=PATH: when PATH does not exist, also create a "
      "network-wide ADMIN API key and store it there (mode 0600).");
  if (!config.ok()) return allies::server::ReportConfigError(config.status());
  auto result = allies::storage::ApplyMigrations(*config, [](absl::string_view line) {
    std::printf("allies-migrate: %.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(stdout);
  });
  if (!result.ok()) {
    std::fprintf(stderr, "allies-migrate: failed: %s\n",
                 std::string(result.status().message()).c_str());
    return result.status().code() == absl::StatusCode::kUnavailable ? 3 : 1;
  }
  if (!key_file.empty() && ::access(key_file.c_str(), F_OK) != 0) {
    auto token = allies::services::CreateNetworkAdminKey(
        *config, "administrator (created by allies-migrate --bootstrap-key-file)");
    if (!token.ok()) {
      std::fprintf(stderr, "allies-migrate: cannot create the admin key: %s\n",
                   std::string(token.status().message()).c_str());
      return 1;
    }
    if (!WriteKeyFile(key_file, *token)) {
      std::fprintf(stderr, "allies-migrate: cannot write %s; the new admin key is:\n%s\n",
                   key_file.c_str(), token->c_str());
      return 1;
    }
    std::printf(
        "allies-migrate: created a network-wide ADMIN API key (shown once; kept in %s):\n"
        "  %s\n",
        key_file.c_str(), token->c_str());
  }
  return 0;
}
