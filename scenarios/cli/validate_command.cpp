// `crashtwin validate`: every check `crashtwin run` makes, without
// simulating. Each file is loaded and its pairs resolved as run does
// (run_plan.h), then each policy x strategy pair is elaborated as a run
// would be (board, model, policy, strategy, agent) up to the start of the
// simulation. Elaboration without simulation can repeat in one process
// (run.h check_only), so every file is checked here, in file order.
#include <cstdio>
#include <set>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/run_plan.h"
#include "scenarios/cli/scenario_files.h"
#include "scenarios/runner/run.h"

namespace crashtwin::cli {

namespace {

// Prints each problem of `plan`'s pairs once (a board the models reject
// fails every pair with the same message); true when there is none.
bool check_pairs(const RunPlan& plan) {
  std::set<std::string> printed;
  for (const auto& [policy, strategy] : plan.pairs) {
    scenario::RunRequest request;
    request.scenario = plan.scenario;
    request.policy = policy;
    request.strategy = strategy;
    request.check_only = true;
    try {
      scenario::run_scenario(request);
    } catch (const scenario::ScenarioError& e) {
      if (printed.insert(e.what()).second) std::fprintf(stderr, "%s\n", e.what());
    }
  }
  return printed.empty();
}

}  // namespace

int validate_command(const ValidateArgs& args) {
  std::vector<std::string> problems;
  const std::vector<std::string> files = expand_scenario_paths(args.scenarios, problems);
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  int bad = static_cast<int>(problems.size());
  for (const std::string& file : files) {
    const std::optional<RunPlan> plan = plan_run(file, args.run);
    if (plan && check_pairs(*plan)) {
      std::printf("%s: ok (%s)\n", file.c_str(), plan->scenario.name.c_str());
    } else {
      ++bad;
    }
  }
  return bad == 0 ? kExitOk : kExitBadInput;
}

}  // namespace crashtwin::cli
