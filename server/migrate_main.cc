// allies-migrate: applies the database migrations compiled into it, then exits. With
// --bootstrap-key-file=PATH and no file there yet, it also creates a network-wide ADMIN API key
// and writes it to PATH (mode 0600): the first credential of a new installation. --redo=N runs
// the applied migration N again (21 rebuilds the hours summaries from the hours).
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "server/config.h"
#include "services/apikey/api_key_service.h"
#include "storage/migrations.h"

namespace {

// Creates the network admin key and its file. The file is claimed first (O_EXCL), so two
// migrators at once, or a path that cannot be written, never leave a key without its file; the
// secret is written only there and printed once to stdout, never to stderr (logs keep that).
int Bootstrap(const allies::storage::DbConfig& db, const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return 0;  // already bootstrapped
    std::fprintf(stderr, "allies-migrate: cannot create %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  auto token = allies::services::CreateNetworkAdminKey(
      db, "administrator (created by allies-migrate --bootstrap-key-file)");
  const std::string line = token.ok() ? *token + "\n" : "";
  const bool written =
      token.ok() && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool closed = ::close(fd) == 0;
  if (!token.ok() || !written || !closed) {
    ::unlink(path.c_str());
    std::fprintf(stderr, "allies-migrate: cannot create the admin key file %s: %s\n", path.c_str(),
                 token.ok() ? "write failed" : std::string(token.status().message()).c_str());
    return 1;
  }
  std::printf(
      "allies-migrate: created a network-wide ADMIN API key (shown once; kept in %s):\n  %s\n",
      path.c_str(), token->c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string key_file;
  int redo = 0;
  std::vector<char*> args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--bootstrap-key-file=")) {
      key_file = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--redo=")) {
      if (!absl::SimpleAtoi(arg, &redo) || redo <= 0) {
        std::fprintf(
            stderr,
            "allies-migrate: --redo takes a migration's number (e.g. --redo=21), not '%s'\n",
            std::string(arg).c_str());
        return 2;
      }
    } else {
      args.push_back(argv[i]);
    }
  }
  auto config = allies::server::ParseDbConfig(
      static_cast<int>(args.size()), args.data(), "allies-migrate",
      "Applies pending schema migrations to the Allies database (safe to run repeatedly and "
      "concurrently). --bootstrap-key-file=PATH: when PATH does not exist, also create a "
      "network-wide ADMIN API key and store it there (mode 0600). --redo=N: run the applied "
      "migration N again (--redo=21 rebuilds the hours summaries from the hours).");
  if (!config.ok()) return allies::server::ReportConfigError(config.status());
  auto result = allies::storage::ApplyMigrations(
      *config,
      [](absl::string_view line) {
        std::printf("allies-migrate: %.*s\n", static_cast<int>(line.size()), line.data());
        std::fflush(stdout);
      },
      0, redo);
  if (!result.ok()) {
    std::fprintf(stderr, "allies-migrate: failed: %s\n",
                 std::string(result.status().message()).c_str());
    return result.status().code() == absl::StatusCode::kUnavailable ? 3 : 1;
  }
  if (!key_file.empty()) return Bootstrap(*config, key_file);
  return 0;
}
