// One function per `crashtwin` subcommand; each returns the process exit code
// (exit_codes.h). main.cpp only declares the arguments with CLI11.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crashtwin::cli {

struct ValidateArgs {
  std::vector<std::string> scenarios;  // files or directories of *.yaml
};
int validate_command(const ValidateArgs& args);

}  // namespace crashtwin::cli
