// The regression library's scenario files, for the end-to-end tests that
// check the capture and recovery paths across the library: every file but
// the fleets (a top-level `fleet:` key), whose machine-years have no
// failure to capture or recover in the library's fleet and would only
// lengthen the batch (the library's own test runs them: e2e_cli.cpp).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace crashtwin::test {

inline std::vector<std::filesystem::path> library_files_without_fleets() {
  const std::filesystem::path library = std::filesystem::path(CRASHTWIN_SOURCE_DIR) / "scenarios/library";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(library)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    bool fleet = false;
    for (std::string line; std::getline(in, line);) fleet = fleet || line.starts_with("fleet:");
    if (!fleet) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The same as arguments for a command line: each path single-quoted.
inline std::string quoted_library_files_without_fleets() {
  std::string args;
  for (const auto& p : library_files_without_fleets()) args += (args.empty() ? "'" : " '") + p.string() + "'";
  return args;
}

}  // namespace crashtwin::test
