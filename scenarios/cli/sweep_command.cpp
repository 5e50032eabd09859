#include <spdlog/spdlog.h>

#include <cstdio>

#include "scenarios/batch/mpi_queue.h"
#include "scenarios/batch/sweep.h"
#include "scenarios/cli/batch_args.h"
#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/scenario_files.h"
#include "scenarios/schema/sweep_grid.h"

namespace crashtwin::cli {

using namespace crashtwin::scenario;

int sweep_command(const SweepArgs& args) {
  std::string problem;
  const auto axes = parse_vary(args.vary, problem);
  if (!axes) {
    std::fprintf(stderr, "%s\n", problem.c_str());
    return kExitBadInput;
  }
  std::vector<std::string> problems;
  const std::vector<std::string> files = expand_scenario_paths(args.batch.paths, problems);
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  std::optional<ShardSpec> shard;
  const bool good_choices = known_choices(args.batch.policies, args.batch.strategies);
  if (!check_distribution(args.batch, shard) || !problems.empty() || !good_choices) return kExitBadInput;

  // Every point's scenarios are loaded here, before any run: an unknown key
  // or a value the field does not take is reported once, naming the --set.
  const std::vector<SweepPoint> points = expand_grid(*axes);
  std::vector<std::vector<Scenario>> scenarios_at(points.size());
  for (size_t p = 0; p < points.size(); ++p) {
    std::vector<Override> overrides;
    for (const auto& [key, value] : points[p].settings) overrides.push_back({key, value});
    if (!load_scenarios(files, overrides, scenarios_at[p])) return kExitBadInput;
  }
  if (!out_writable(args.batch)) return kExitBadInput;

  BatchOptions bo;
  bo.policies = args.batch.policies;
  bo.strategies = args.batch.strategies;
  bo.seeds = args.batch.seeds;
  bo.jobs = args.batch.jobs;
  bo.timeout = std::chrono::seconds(args.batch.timeout_s);
  bo.out = args.batch.out;
  std::vector<SweepRun> runs = plan_sweep(points, scenarios_at, bo);
  std::unique_ptr<MpiQueue> mpi;
  if (args.batch.mpi) {
    mpi = std::make_unique<MpiQueue>(args.batch.gather);
    if (mpi->rank() != 0) {
      mpi->serve(bo);
      return kExitOk;
    }
    if (!gathered_out_writable(args.batch, *mpi, bo)) return kExitBadInput;
    bo.executor = mpi.get();
  }
  if (shard) {
    std::vector<PlannedRun> plan;
    std::vector<std::vector<std::string>> values;
    for (const SweepRun& r : runs) {
      plan.push_back(r.run);
      values.push_back(r.values);
    }
    std::vector<std::string> keys;
    for (const SweepAxis& a : *axes) keys.push_back(a.key);
    std::vector<SweepRun> mine;
    for (size_t i : enter_shard(*shard, plan, keys, values, bo.out)) mine.push_back(runs[i]);
    spdlog::info("shard {}/{}: {} of {} runs", shard->index, shard->count, mine.size(), runs.size());
    runs = std::move(mine);
  }
  spdlog::info("sweep: {} points x {} scenarios, {} runs into {}", points.size(), files.size(), runs.size(),
               bo.out.string());
  const BatchResult result = run_sweep(*axes, runs, bo);
  std::printf("%zu points, %zu runs (%zu kept from before), %zu not ok, %zu crashed or timed out, %zu refused their input\n", points.size(),
              runs.size(), result.skipped, result.not_ok, result.failed, result.refused);
  std::printf("sweep:  %s\nreport: %s\n", (bo.out / "sweep.csv").c_str(), (bo.out / "report.html").c_str());
  return result.not_ok == 0 ? kExitOk : kExitExpectationsFailed;
}

}  // namespace crashtwin::cli
