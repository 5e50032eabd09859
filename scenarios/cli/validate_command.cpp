#include <spdlog/spdlog.h>

#include <cstdio>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/scenario_files.h"
#include "scenarios/loader/loader.h"
#include "scenarios/schema/choices.h"

namespace crashtwin::cli {

int validate_command(const ValidateArgs& args) {
  std::vector<std::string> problems;
  const std::vector<std::string> files = expand_scenario_paths(args.scenarios, problems);
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  int bad = static_cast<int>(problems.size());
  const scenario::LoadOptions options = scenario::default_load_options();
  for (const std::string& file : files) {
    const scenario::LoadResult result = scenario::load_scenario(file, options);
    if (result.diagnostics.empty()) {
      std::printf("%s: ok (%s)\n", file.c_str(), result.scenario->name.c_str());
    } else {
      ++bad;
      std::fputs(result.diagnostics.to_string().c_str(), stderr);
    }
  }
  return bad == 0 ? kExitOk : kExitBadInput;
}

}  // namespace crashtwin::cli
