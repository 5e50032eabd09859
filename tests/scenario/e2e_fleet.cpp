// A fleet scenario end to end: the library's year-long fleet shortened to
// two days and two machines (a machine-year is a run of minutes), run as a
// batch: every machine runs under each compared pair with its own seed, the
// runs carry the machine-time they cover, and fleet.csv folds them into the
// fleet's figures, the same bytes twice.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::read_text;
using crashtwin::test::run_cli;

namespace {

const fs::path kFleet = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/fleet/fleet_year.yaml";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// The library's fleet shortened to two days and two machines, written into
// a fresh `root`.
void write_short_fleet(const fs::path& root) {
  fs::remove_all(root);
  fs::create_directories(root);
  std::string text = read_text(kFleet);
  text = replaced(text, "duration: \"365 d\"", "duration: \"2 d\"");
  text = replaced(text, "machines: 4", "machines: 2");
  text = replaced(text, "value: 31536000", "value: 172800");
  // Written elsewhere, the scenario names its model by its absolute path.
  text = replaced(text, "../../data/failure-models/field.ctpm",
                  (fs::path(CRASHTWIN_SOURCE_DIR) / "data/failure-models/field.ctpm").string());
  std::ofstream(root / "fleet_year.yaml") << text;
}

}  // namespace

TEST_CASE("a fleet runs each machine with its own seed and fleet.csv folds them", "[e2e][fleet]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "fleet";
  write_short_fleet(root);

  const auto batch = [&](const std::string& out) {
    return run_cli("batch '" + (root / "fleet_year.yaml").string() + "' -j 2 --out '" + (root / out).string() + "'");
  };
  const CliResult first = batch("a");
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  // Two machines x (static + predictive-bmc, static + kdump, proportional + predictive-bmc).
  const std::string summary = read_text(root / "a/summary.csv");
  for (const char* seed : {"9100", "9101"})
    for (const char* pair : {"static.predictive-bmc", "static.kdump", "proportional.predictive-bmc"})
      CHECK(fs::exists(root / "a" / (std::string("fleet_year.") + pair + ".seed" + seed) / "summary.json"));
  CHECK(summary.find("seed9102") == std::string::npos);

  std::stringstream fleet(read_text(root / "a/fleet.csv"));
  std::string line;
  std::getline(fleet, line);
  const std::vector<std::string> header = split(line);
  REQUIRE(header.size() == 16);
  CHECK(header[4] == "machines");
  size_t rows = 0;
  while (std::getline(fleet, line)) {
    const std::vector<std::string> cells = split(line);
    REQUIRE(cells.size() == header.size());
    ++rows;
    CHECK(cells[0] == "fleet_year");
    CHECK(cells[3] == "2");  // runs
    CHECK(cells[4] == "2");  // machines
    CHECK(std::stod(cells[5]) == Approx(4.0 / 365.25).epsilon(1e-12));  // machine_years
    CHECK_FALSE(cells[10].empty());  // the agent runs the shipped failure model: alerts are counted
    CHECK(std::stod(cells[14]) > 0);  // every approach holds some crash memory
  }
  CHECK(rows == 3);

  const CliResult again = batch("b");
  REQUIRE(again.exit_code == 0);
  CHECK(read_text(root / "b/fleet.csv") == read_text(root / "a/fleet.csv"));
  CHECK(read_text(root / "b/summary.csv") == read_text(root / "a/summary.csv"));
}

// The fleet keeps no traces (`traces: summary`): the same results as a run
// with every trace, without the five trace files; such a run is complete, so
// a batch run again into the same directory keeps it.
TEST_CASE("a summary-level run measures what a full one does and writes no traces", "[e2e][fleet][traces]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "fleet-traces";
  write_short_fleet(root);
  const std::string scenario = "'" + (root / "fleet_year.yaml").string() + "'";
  const auto run = [&](const std::string& out, const std::string& extra) {
    return run_cli("run " + scenario + " --policy proportional --strategy predictive-bmc --seed 9101 --out '" +
                   (root / out).string() + "'" + extra);
  };
  const CliResult summary_level = run("summary", "");
  INFO(summary_level.output);
  REQUIRE(summary_level.exit_code == 0);
  const CliResult full_level = run("full", " --set traces=full");
  INFO(full_level.output);
  REQUIRE(full_level.exit_code == 0);

  const std::vector<std::string> traces = {"timeseries.csv", "events.jsonl", "trace.vcd", "trace.json",
                                           "memory_profile.json"};
  for (const std::string& f : traces) {
    CHECK_FALSE(fs::exists(root / "summary" / f));
    CHECK(fs::exists(root / "full" / f));
  }
  for (const char* f : {"summary.json", "perf.json", "config.yaml", "timer_jitter.json", "bmc/report.json"})
    CHECK(fs::exists(root / "summary" / f));
  // Identical results but for the level itself.
  std::string kept = read_text(root / "summary/summary.json");
  const std::string full = read_text(root / "full/summary.json");
  REQUIRE(kept.find("\"traces\": \"summary\"") != std::string::npos);
  kept = replaced(kept, "\"traces\": \"summary\"", "\"traces\": \"full\"");
  CHECK(kept == full);
  CHECK(read_text(root / "summary/config.yaml").find("\n  traces: summary  # ") != std::string::npos);
  CHECK(read_text(root / "full/bmc/report.json") == read_text(root / "summary/bmc/report.json"));

  // `analyze` says why there is no memory profile to analyse.
  const CliResult analyze = run_cli("analyze '" + (root / "summary").string() + "'");
  CHECK(analyze.exit_code == 2);
  CHECK(analyze.output.find("traces: summary") != std::string::npos);

  // A batch keeps its complete summary-level runs when run again.
  const std::string batch = "batch " + scenario + " --policy static --strategy kdump -j 2 --out '" +
                            (root / "batch").string() + "'";
  const CliResult first = run_cli(batch);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const CliResult again = run_cli(batch);
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  CHECK(again.output.find("2 runs (2 kept from before)") != std::string::npos);
  // The report's scenario page shows the runs and says why they have no time series.
  CHECK(read_text(root / "batch/report-scenarios/fleet_year.html").find("this run kept no traces") !=
        std::string::npos);
}
