#include <spdlog/spdlog.h>

#include <cstdio>

#include "scenarios/batch/batch.h"
#include "scenarios/batch/mpi_queue.h"
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
  std::optional<ShardSpec> shard;
  bad = !check_distribution(args, shard) || bad;
  if (bad || !out_writable(args)) return kExitBadInput;

  BatchOptions bo;
  bo.policies = args.policies;
  bo.strategies = args.strategies;
  bo.seeds = args.seeds;
  bo.jobs = args.jobs;
  bo.timeout = std::chrono::seconds(args.timeout_s);
  bo.out = args.out;
  std::vector<PlannedRun> runs = plan_batch(scenarios, bo);
  std::unique_ptr<MpiQueue> mpi;
  if (args.mpi) {
    mpi = std::make_unique<MpiQueue>(args.gather);
    if (mpi->rank() != 0) {
      mpi->serve(bo);
      return kExitOk;
    }
    if (!gathered_out_writable(args, *mpi, bo)) return kExitBadInput;
    bo.executor = mpi.get();
  }
  if (shard) {
    std::vector<PlannedRun> mine;
    for (size_t i : enter_shard(*shard, runs, {}, {}, bo.out)) mine.push_back(runs[i]);
    spdlog::info("shard {}/{}: {} of {} runs", shard->index, shard->count, mine.size(), runs.size());
    runs = std::move(mine);
  }
  spdlog::info("batch: {} scenario{}, {} run{} into {}", scenarios.size(), scenarios.size() == 1 ? "" : "s",
               runs.size(), runs.size() == 1 ? "" : "s", bo.out.string());
  const BatchResult result = run_batch(runs, bo);
  std::printf("%zu runs (%zu kept from before), %zu not ok, %zu crashed or timed out, %zu refused their input\n", runs.size(), result.skipped,
              result.not_ok, result.failed, result.refused);
  std::printf("summary: %s\nreport:  %s\n", (bo.out / "summary.csv").c_str(), (bo.out / "report.html").c_str());
  return result.not_ok == 0 ? kExitOk : kExitExpectationsFailed;
}

}  // namespace crashtwin::cli
