// `crashtwin train` and `crashtwin evaluate` (issue 7; usage: docs/training.md).
// Registered on the main CLI11 app by add_training_commands; each subcommand
// runs in its CLI11 callback and ends the parse by throwing CLI::Success
// (exit 0) or CLI::RuntimeError with the exit code (2 bad input, 3 internal
// error) after printing its own message, so main's usual
// `catch (const CLI::ParseError& e) { return app.exit(e); }` returns it.
#pragma once

#include <CLI/CLI.hpp>

namespace crashtwin::cli {

void add_training_commands(CLI::App& app);

}  // namespace crashtwin::cli
