// alliesctl: the command-line client of the Allies API. See `alliesctl --help`.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "clients/alliesctl/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::optional<std::string> endpoint_env;
  if (const char* value = std::getenv(allies::ctl::kEndpointEnvVar)) endpoint_env = value;
  const allies::ctl::CommandRegistry registry = allies::ctl::DefaultRegistry();
  return allies::ctl::RunCli(registry, args, endpoint_env, std::cout, std::cerr);
}
