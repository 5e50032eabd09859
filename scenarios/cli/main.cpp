// The crashtwin command line (docs/cli.md). Arguments are declared here with
// CLI11; each subcommand's work is in its own *_command.cpp. Exit codes:
// exit_codes.h; bad arguments are exit 2 with CLI11's message.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/training_commands.h"

namespace {

void log_to_stderr() {
  auto logger = spdlog::stderr_color_mt("crashtwin");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
}

}  // namespace

// sc_main, not main: SystemC's library owns main() and calls sc_main after
// initialising its kernel; commands that elaborate no model never start it.
int sc_main(int argc, char* argv[]) {
  using namespace crashtwin::cli;
  log_to_stderr();
  CLI::App app{"crashtwin: a SystemC/TLM-2.0 digital twin for predictive crash memory"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "crashtwin 0.1.0");

  ValidateArgs validate;
  CLI::App* validate_cmd = app.add_subcommand("validate", "check scenario files without running them");
  validate_cmd->add_option("scenarios", validate.scenarios, "scenario files or directories of *.yaml")->required();

  add_training_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version, or a subcommand that finished in its callback
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a subcommand callback's own exit code (it printed its message)
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }
  try {
    if (*validate_cmd) return validate_command(validate);
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return kExitInternalError;
  }
  return kExitInternalError;
}
