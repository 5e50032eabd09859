// The regression library's batch under every policy, shared by the
// end-to-end tests that check across it (e2e_cli's expectations, the
// capture strategies, the simulated recoveries). A batch of the library
// takes about three minutes on two cores; run once instead of once per
// test, it gives CI that time back.
//
// Under ctest one test writes it: e2e_cli.cpp's "the scenario library meets
// its expectations under every policy" (tag [library_batch_setup]) is the
// setup of the ctest fixture `library_batch`, and the tests tagged
// [library_batch] require that fixture (tests/scenario/CMakeLists.txt), so
// they run after it and ctest names them not run if it fails. ctest tells
// them with CRASHTWIN_LIBRARY_BATCH_SHARED=1; the test executable run by
// hand has no fixture, and each reader then runs the batch itself into a
// directory of its own (never reading a batch an older binary wrote).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "tests/support/run_cli.h"
#include "traces/summary.h"

namespace crashtwin::test {

// Where the fixture's setup writes the batch.
inline std::filesystem::path shared_library_batch_dir() {
  return std::filesystem::path(CRASHTWIN_BINARY_DIR) / "test-output" / "library-batch";
}

// The batch's command line: every scenario of the library, every policy.
inline std::string library_batch_arguments(const std::filesystem::path& out) {
  return "batch " + quoted(std::filesystem::path(CRASHTWIN_SOURCE_DIR) / "scenarios/library") +
         " --policy all -j 2 --out " + quoted(out);
}

// The batch for a test that reads it: the fixture's under ctest, else one
// this call runs into test-output/<group>/library.
inline std::filesystem::path library_batch_to_read(const std::string& group) {
  const char* shared = std::getenv("CRASHTWIN_LIBRARY_BATCH_SHARED");
  if (shared != nullptr && std::string(shared) == "1") {
    REQUIRE(std::filesystem::exists(shared_library_batch_dir() / "summary.csv"));
    return shared_library_batch_dir();
  }
  const std::filesystem::path out = fresh_test_dir(group, "library");
  const CliResult r = run_cli(library_batch_arguments(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return out;
}

// The names of the library's fleets (files with a top-level `fleet:` key).
// Their machine-years hold no failure to capture or recover in the library's
// fleet, so the capture- and recovery-path checks leave their runs out.
inline std::set<std::string> library_fleet_names() {
  const std::filesystem::path library = std::filesystem::path(CRASHTWIN_SOURCE_DIR) / "scenarios/library";
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(library)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    bool fleet = false;
    std::string name;
    for (std::string line; std::getline(in, line);) {
      fleet = fleet || line.starts_with("fleet:");
      if (line.starts_with("name:")) {
        name = line.substr(5);
        name.erase(0, name.find_first_not_of(" \"'"));
        name.erase(name.find_last_not_of(" \"'\r") + 1);
      }
    }
    if (fleet) names.insert(name);
  }
  return names;
}

inline bool is_library_fleet_run(const RunSummary& summary) {
  static const std::set<std::string> fleets = library_fleet_names();
  return fleets.count(summary.scenario) == 1;
}

}  // namespace crashtwin::test
