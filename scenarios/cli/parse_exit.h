// The exit code of a command line whose parse ended by an exception, the
// one rule main and the tests that drive the subcommands in-process share:
// a subcommand that ran in its CLI11 callback ended the parse with
// CLI::Success (its --help, or done: 0) or CLI::RuntimeError (it printed its
// own message; its code); anything else is a usage error CLI11 prints
// (a missing or malformed argument, a value out of range): kExitBadInput.
#pragma once

#include <CLI/CLI.hpp>

#include "scenarios/cli/exit_codes.h"

namespace crashtwin::cli {

inline int exit_code_of_parse(CLI::App& app, const CLI::ParseError& e) {
  if (dynamic_cast<const CLI::Success*>(&e) != nullptr) return app.exit(e);
  if (dynamic_cast<const CLI::RuntimeError*>(&e) != nullptr) return e.get_exit_code();
  app.exit(e);
  return kExitBadInput;
}

}  // namespace crashtwin::cli
