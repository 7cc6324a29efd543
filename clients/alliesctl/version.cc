// The version `alliesctl --version` prints; clients/CMakeLists.txt defines ALLIES_VERSION (the
// CMake project's) and ALLIES_GIT_DESCRIBE (what `git describe` said at configure time, if any).
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/alliesctl/cli.h"

#ifndef ALLIES_VERSION
#define ALLIES_VERSION "unknown"
#endif
#ifndef ALLIES_GIT_DESCRIBE
#define ALLIES_GIT_DESCRIBE ""
#endif

namespace allies::ctl {

std::string VersionText() {
  const std::string git = ALLIES_GIT_DESCRIBE;
  return absl::StrCat("alliesctl ", ALLIES_VERSION,
                      git.empty() ? "" : absl::StrCat(" (git ", git, ")"), "\n");
}

}  // namespace allies::ctl
