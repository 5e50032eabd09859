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

}  // namespace

TEST_CASE("a fleet runs each machine with its own seed and fleet.csv folds them", "[e2e][fleet]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "fleet";
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
