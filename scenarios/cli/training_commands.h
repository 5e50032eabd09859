// `crashtwin train` and `crashtwin evaluate` (usage: docs/training.md;
// `dataset` is in dataset_command.h). Registered on the main CLI11 app by
// add_training_commands; each subcommand
// runs in its CLI11 callback and ends the parse by throwing CLI::Success
// (exit 0) or CLI::RuntimeError with the exit code (2 bad input, 3 internal
// error) after printing its own message, so exit_code_of_parse
// (parse_exit.h) returns it.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace crashtwin::cli {

void add_training_commands(CLI::App& app);

// Runs a subcommand's work inside its CLI11 callback: prints csv::InputError
// as "error: ..." (exit 2) and any other exception as "internal error: ..."
// (exit 3), else ends the parse with exit 0 (never returns).
[[noreturn]] void run_training_command(const std::function<void()>& command);

}  // namespace crashtwin::cli
