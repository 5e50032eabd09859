// The rows of a dataset CSV `crashtwin dataset` wrote, as column -> cell
// maps (comment lines skipped): what the end-to-end tests read features
// from. Plain splitting on commas: dataset cells hold no quoted commas
// (scenarios/training/dataset.cpp writes names and numbers).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/run_cli.h"

namespace crashtwin::test {

inline std::vector<std::map<std::string, std::string>> dataset_rows(const std::filesystem::path& csv) {
  const auto cells = [](const std::string& line) {
    std::vector<std::string> out;
    std::stringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) out.push_back(cell);
    return out;
  };
  std::stringstream text(read_text(csv));
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> header;
  for (std::string line; std::getline(text, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (header.empty()) {
      header = cells(line);
      continue;
    }
    const std::vector<std::string> row = cells(line);
    std::map<std::string, std::string>& cell = rows.emplace_back();
    for (size_t i = 0; i < header.size() && i < row.size(); ++i) cell[header[i]] = row[i];
  }
  return rows;
}

// Instance 0's temperature_c of each class, row by row.
struct TemperatureSample {
  uint64_t time_ns = 0;
  std::string component_class;
  double celsius = 0;
};

// Writes `scenario_yaml` into an emptied `dir`, records it with
// `crashtwin dataset ... OPTIONS -j 1` (which must succeed) and returns
// instance 0's temperatures.
inline std::vector<TemperatureSample> record_temperatures(const std::filesystem::path& dir,
                                                          const std::string& scenario_yaml,
                                                          const std::string& options = "") {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "scenario.yaml") << scenario_yaml;
  const CliResult r = run_cli("dataset " + quoted(dir / "scenario.yaml") + " " + options + " -j 1 -o " +
                              quoted(dir / "rows.csv"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  std::vector<TemperatureSample> out;
  for (auto& cell : dataset_rows(dir / "rows.csv")) {
    if (cell["instance"] != "0" || cell["temperature_c"].empty()) continue;
    out.push_back({std::stoull(cell["time_ns"]), cell["class"], std::stod(cell["temperature_c"])});
  }
  return out;
}

}  // namespace crashtwin::test
