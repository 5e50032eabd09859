// `crashtwin run --live` refuses what it cannot show, before running
// anything (exit 2, nothing written): stdout not a terminal, several
// policy x strategy runs. The view itself is tested in a tmux pane
// (live_tmux.sh).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using crashtwin::test::quoted;
using crashtwin::test::run_cli;

namespace {
const fs::path kLibrary = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/library";
}

TEST_CASE("run --live with stdout not a terminal is refused with exit 2", "[e2e][live]") {
  const fs::path out = crashtwin::test::fresh_test_dir("live", "not_a_terminal") / "run";
  // run_cli reads the output through a pipe: stdout is not a terminal.
  const auto r = run_cli("run " + quoted(kLibrary / "rdt_workloads.yaml") + " --live --out " + quoted(out));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--live: stdout is not a terminal") != std::string::npos);
  CHECK(!fs::exists(out));
}

TEST_CASE("run --live of several policies is refused with exit 2, naming them", "[e2e][live]") {
  const fs::path out = crashtwin::test::fresh_test_dir("live", "several") / "runs";
  const auto r = run_cli("run " + quoted(kLibrary / "rdt_workloads.yaml") +
                         " --live --policy uniform --policy proportional --out " + quoted(out));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--live: the view shows one run, and this would run 2 (uniform/predictive-bmc, "
                      "proportional/predictive-bmc)") != std::string::npos);
  CHECK(!fs::exists(out));
}
