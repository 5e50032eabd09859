#include <spdlog/spdlog.h>

#include <cstdio>

#include "scenarios/batch/batch.h"
#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/scenario_files.h"
#include "scenarios/loader/loader.h"
#include "scenarios/schema/choices.h"

namespace crashtwin::cli {

using namespace crashtwin::scenario;

int batch_command(const BatchArgs& args) {
  std::vector<std::string> problems;
  const std::vector<std::string> files = expand_scenario_paths(args.paths, problems);
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  const LoadOptions options = default_load_options();
  std::vector<Scenario> scenarios;
  bool bad = !problems.empty();
  for (const std::string& f : files) {
    LoadResult r = load_scenario(f, options);
    if (!r.diagnostics.empty()) {
      std::fputs(r.diagnostics.to_string().c_str(), stderr);
      bad = true;
    } else {
      scenarios.push_back(std::move(*r.scenario));
    }
  }
  for (const std::string& p : args.policies) {
    const auto names = known_policies();
    if (p != "all" && std::find(names.begin(), names.end(), p) == names.end()) {
      std::fprintf(stderr, "--policy: '%s' is not a known policy\n", p.c_str());
      bad = true;
    }
  }
  for (const std::string& st : args.strategies) {
    const auto names = known_strategies();
    if (st != "all" && std::find(names.begin(), names.end(), st) == names.end()) {
      std::fprintf(stderr, "--strategy: '%s' is not a capture strategy; expected predictive-bmc, kdump, "
                   "cma-crashkernel, fadump or all\n", st.c_str());
      bad = true;
    }
  }
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
