#include <spdlog/spdlog.h>

#include <cstdio>

#include "scenarios/batch/batch.h"
#include "scenarios/cli/batch_args.h"
#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/scenario_files.h"

namespace crashtwin::cli {

using namespace crashtwin::scenario;

int batch_command(const BatchArgs& args) {
  std::vector<std::string> problems;
  const std::vector<std::string> files = expand_scenario_paths(args.paths, problems);
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  std::vector<Scenario> scenarios;
  bool bad = !problems.empty();
  bad = !load_scenarios(files, {}, scenarios) || bad;
  bad = !known_choices(args.policies, args.strategies) || bad;
  if (bad) return kExitBadInput;

  BatchOptions bo;
  bo.policies = args.policies;
  bo.strategies = args.strategies;
  bo.seeds = args.seeds;
  bo.jobs = args.jobs;
  bo.timeout = std::chrono::seconds(args.timeout_s);
  bo.out = args.out;
  const std::vector<PlannedRun> runs = plan_batch(scenarios, bo);
  spdlog::info("batch: {} scenarios, {} runs into {}", scenarios.size(), runs.size(), bo.out.string());
  const BatchResult result = run_batch(runs, bo);
  std::printf("%zu runs (%zu kept from before), %zu not ok, %zu crashed or timed out\n", runs.size(), result.skipped,
              result.not_ok, result.failed);
  std::printf("summary: %s\nreport:  %s\n", (bo.out / "summary.csv").c_str(), (bo.out / "report.html").c_str());
  return result.not_ok == 0 ? kExitOk : kExitExpectationsFailed;
}

}  // namespace crashtwin::cli
