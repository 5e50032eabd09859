// Scenario paths on the command line: files, or directories whose *.yaml
// files are taken in name order (so a batch's run order is stable).
#pragma once

#include <string>
#include <vector>

namespace crashtwin::cli {

// Paths that do not exist or directories without scenarios become messages
// in `problems` ("path: no such file").
std::vector<std::string> expand_scenario_paths(const std::vector<std::string>& paths,
                                               std::vector<std::string>& problems);

}  // namespace crashtwin::cli
