// summary.csv read independently of the results library (batches written by
// the tests need no quoting), so GUI checks do not trust the reader they test.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace crashtwin::test {

struct CsvRow {
  std::map<std::string, std::string> cells;
};

inline std::vector<CsvRow> read_csv_plainly(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  auto split = [](const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string cell;
    while (std::getline(ss, cell, ',')) out.push_back(cell);
    if (!text.empty() && text.back() == ',') out.emplace_back();
    return out;
  };
  const std::vector<std::string> header = split(line);
  std::vector<CsvRow> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split(line);
    CsvRow row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row.cells[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

inline std::filesystem::path screenshot_dir(const std::string& set = {}) {
  std::filesystem::path dir = std::filesystem::path(CRASHTWIN_BINARY_DIR) / "screenshots";
  if (!set.empty()) dir /= set;
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace crashtwin::test
