// allies-migrate: applies the database migrations compiled into it, then exits.
#include <cstdio>
#include <string>

#include "server/config.h"
#include "storage/migrations.h"

int main(int argc, char** argv) {
  auto config = allies::server::ParseDbConfig(
      argc, argv, "allies-migrate",
      "Applies pending schema migrations to the Allies database (safe to run repeatedly and "
      "concurrently).");
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
  return 0;
}
