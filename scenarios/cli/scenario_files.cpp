#include "scenarios/cli/scenario_files.h"

#include <algorithm>
#include <filesystem>

namespace crashtwin::cli {

std::vector<std::string> expand_scenario_paths(const std::vector<std::string>& paths,
                                               std::vector<std::string>& problems) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const fs::directory_entry& e : fs::directory_iterator(p, ec)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) problems.push_back(p + ": directory holds no *.yaml scenario");
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      problems.push_back(p + ": no such file or directory");
    }
  }
  return files;
}

}  // namespace crashtwin::cli
