// Where a run's temperatures start (board.sensors.thermal_start), read from
// the feature rows `crashtwin dataset` records: at power_on the cores, the
// disk and the NIC start at the inlet and warm toward what their load holds
// them at; in_service (a machine already running, as a fleet's) starts
// them there, so nothing warms up at t = 0 for a predictor to read as a
// trend. A value that is neither is refused naming the field.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/dataset_rows.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::quoted;
using crashtwin::test::read_text;
using crashtwin::test::run_cli;

namespace {

std::string scenario_text(const std::string& thermal_start) {
  return "schema_version: 1\nname: thermal_start\nduration: \"20 s\"\n"
         "board:\n  disk0: {}\n  nic0: {}\n"
         "  sensors: {thermal_start: " + thermal_start + "}\n"
         "workload:\n  phases:\n"
         "    - {name: busy, at: \"0 s\", cpu_utilization: \"80 %\", memory_pressure: \"60 %\", "
         "disk_iops: \"3000 /s\", network: \"300 MB/s\"}\n";
}

// temperature_c of each class's instance 0, first and last row.
struct Temperatures {
  std::map<std::string, double> first, last;
};

Temperatures record(const fs::path& dir, const std::string& thermal_start) {
  Temperatures t;
  for (const auto& sample : crashtwin::test::record_temperatures(dir, scenario_text(thermal_start))) {
    t.first.emplace(sample.component_class, sample.celsius);
    t.last[sample.component_class] = sample.celsius;
  }
  return t;
}

}  // namespace

TEST_CASE("thermal_start: power_on warms from the inlet, in_service starts where the load holds the part",
          "[e2e][thermal]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "thermal_start";
  const Temperatures cold = record(root / "power_on", "power_on");
  const Temperatures warm = record(root / "in_service", "in_service");
  for (const char* cls : {"cpu", "disk", "network"}) {
    INFO(cls);
    REQUIRE(cold.first.count(cls) == 1);
    REQUIRE(warm.first.count(cls) == 1);
    // Power-on: the first sample (0.2 s in) is within a degree of the 25 C
    // inlet and the part is still warming 20 s later (cores with a 10 s
    // time constant, the disk and the NIC with minutes).
    CHECK(cold.first.at(cls) < 26.0);
    CHECK(cold.last.at(cls) > cold.first.at(cls) + 0.5);
    // In service: at its steady state from the first sample to the last.
    CHECK(warm.first.at(cls) == Approx(warm.last.at(cls)).margin(0.01));
    CHECK(warm.first.at(cls) > cold.last.at(cls));
  }
  // A core at 80 % draws 3 + 9 x 0.8 = 10.2 W through 4 C/W over the 25 C inlet.
  CHECK(warm.first.at("cpu") == Approx(25.0 + 10.2 * 4.0).margin(0.002));
}

TEST_CASE("thermal_start: a value that is neither is refused naming the field", "[e2e][thermal]") {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "thermal_start" / "bad";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "bad.yaml") << scenario_text("warm");
  const CliResult r = run_cli("run " + quoted(dir / "bad.yaml") + " --out " + quoted(dir / "out"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("board.sensors.thermal_start") != std::string::npos);
  CHECK(r.output.find("'warm' is not power_on or in_service") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out" / "summary.json"));
}
