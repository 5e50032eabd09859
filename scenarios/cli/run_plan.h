// What `crashtwin run` and `crashtwin validate` make of a scenario file and
// the run options: the scenario as loaded (--seed, --set applied) and the
// policy x strategy pairs to run. One function, so that validate refuses
// exactly what run refuses.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/cli/commands.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::cli {

struct RunPlan {
  scenario::Scenario scenario;
  std::vector<std::pair<std::string, std::string>> pairs;  // policy, strategy
};

// Loads `file` with `args`' --seed and --set and resolves its --policy and
// --strategy (args.scenario is not used). Prints every problem to stderr and
// returns nullopt: bad input, exit 2.
std::optional<RunPlan> plan_run(const std::string& file, const RunArgs& args);

}  // namespace crashtwin::cli
