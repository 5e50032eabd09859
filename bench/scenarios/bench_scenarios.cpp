// Scenario-level figures (docs/PERFORMANCE.md,
// "Scenarios"): the soak scenario's simulated-to-wall ratio, the batch
// speed-up from 1 to 2 workers, peak RSS per run, and a sweep's overhead
// against the same runs as a batch. Each run is a child
// `crashtwin` process (SystemC elaborates once per process), measured from
// the outside (fork to reap) and from its own perf.json.
//
//   build/bench/crashtwin_bench_scenarios --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/scenarios/child_run.h"
#include "traces/summary.h"

using namespace crashtwin;
using namespace crashtwin::bench;
namespace fs = std::filesystem;

namespace {

constexpr double kSoakSimulatedS = 24.0 * 3600.0;

void require_exit_ok(benchmark::State& state, const ChildRun& run, const fs::path& log) {
  // 1 = expectations failed: still a complete run, and a valid timing.
  if (run.exit_code != 0 && run.exit_code != 1)
    state.SkipWithError(("crashtwin exited with " + std::to_string(run.exit_code) + ", see " + log.string()).c_str());
}

struct MeasuredRun {
  ChildRun process;  // seen from outside
  PerfFigures perf;  // the run's own perf.json
};

// `crashtwin run <library scenario> --policy proportional` in a fresh
// directory; nullopt (and the benchmark marked failed) if it did not finish.
std::optional<MeasuredRun> run_library_scenario(benchmark::State& state, const std::string& name) {
  const fs::path scenario = source_dir() / "scenarios/library" / (name + ".yaml");
  const fs::path out = fresh_scratch(name);
  // The results directory beside the log: `run` refuses a directory holding
  // files it does not write.
  const ChildRun run = run_crashtwin(
      {"run", scenario.string(), "--policy", "proportional", "--out", (out / "run").string()}, out / "crashtwin.log");
  require_exit_ok(state, run, out / "crashtwin.log");
  if (run.exit_code > 1) return std::nullopt;
  return MeasuredRun{run, read_perf(out / "run" / "perf.json")};
}

// A day of simulated time with the library's soak scenario and the board's
// default traffic quantum: process wall (start-up to exit) and the run's own
// wall (elaboration to the end of simulation, perf.json).
void BM_SoakRealTimeFactor(benchmark::State& state) {
  double run_wall = 0, rss = 0, transactions = 0;
  double process_wall = 0;
  for (auto _ : state) {
    const auto run = run_library_scenario(state, "soak_24h");
    if (!run) return;
    state.SetIterationTime(run->process.wall_s);
    process_wall = run->process.wall_s;
    run_wall = run->perf.wall_s;
    transactions = static_cast<double>(run->perf.transactions);
    rss = run->process.peak_rss_mib;
  }
  state.counters["sim_s"] = kSoakSimulatedS;
  state.counters["rtf"] = kSoakSimulatedS / process_wall;
  state.counters["rtf_in_run"] = kSoakSimulatedS / run_wall;
  state.counters["outside_run_s"] = process_wall - run_wall;
  state.counters["transactions"] = transactions;
  state.counters["peak_rss_MiB"] = rss;
}

// One `crashtwin run` per iteration (`args` after "run", writing into
// `out`/run), timed by the run's own wall clock (perf.json); the counters are
// the simulated seconds, the real-time factor and the transactions.
void time_runs(benchmark::State& state, std::vector<std::string> args, const fs::path& out, double sim_s) {
  args.insert(args.begin(), "run");
  args.insert(args.end(), {"--out", (out / "run").string()});
  double run_wall = 0, transactions = 0;
  for (auto _ : state) {
    fs::remove_all(out / "run");
    const ChildRun run = run_crashtwin(args, out / "crashtwin.log");
    require_exit_ok(state, run, out / "crashtwin.log");
    if (run.exit_code > 1) return;
    const PerfFigures perf = read_perf(out / "run" / "perf.json");
    state.SetIterationTime(perf.wall_s);
    run_wall = perf.wall_s;
    transactions = static_cast<double>(perf.transactions);
  }
  state.counters["sim_s"] = sim_s;
  state.counters["rtf_in_run"] = sim_s / run_wall;
  state.counters["transactions"] = transactions;
}

// The simulation cost of the cpu cluster's per-core sampling timers on a
// 64-core board (bench/scenarios/timers_64_cores.yaml): the same run with
// the timers on (range(0) = 1) and off (the runner's ideal timer), sampling
// every 100 ms for 10 min (range(1) = 100) or every 1 ms for 1 min (1).
void BM_PerCoreTimers64(benchmark::State& state) {
  const bool timers = state.range(0) != 0;
  const int64_t period_ms = state.range(1);
  const fs::path scenario = source_dir() / "bench/scenarios/timers_64_cores.yaml";
  const double sim_s = period_ms == 1 ? 60.0 : 600.0;
  const std::string on = timers ? "true" : "false";
  time_runs(state,
            {scenario.string(), "--policy", "proportional", "--set", "board.cpu.timer.enabled=" + on, "--set",
             "agent.allocation_frequency=" + std::to_string(period_ms) + " ms", "--set",
             "duration=" + std::to_string(static_cast<int>(sim_s)) + " s", "--set",
             "workload.phases[1].at=" + std::to_string(static_cast<int>(sim_s / 2)) + " s"},
            fresh_scratch("timers64-" + on + "-" + std::to_string(period_ms)), sim_s);
}

// The simulation cost of the kernel stack model (models/cpu/kernel_stack.h):
// the same run with the stacks modelled (range(0) = 1) and not
// (`board.cpu.stack.enabled=false`), on the 24 h soak (4 cores, realised at
// each 100 ms agent tick: range(1) = 0) and on the 64-core timers board
// sampled every 1 ms for 1 min (a realisation per core per tick, the
// sample_period's bound: range(1) = 1).
void BM_KernelStacks(benchmark::State& state) {
  const std::string on = state.range(0) != 0 ? "true" : "false";
  const bool dense = state.range(1) != 0;
  std::vector<std::string> args;
  double sim_s = 0;
  if (dense) {
    sim_s = 60.0;
    args = {(source_dir() / "bench/scenarios/timers_64_cores.yaml").string(), "--policy", "proportional", "--set",
            "agent.allocation_frequency=1 ms", "--set", "duration=60 s", "--set", "workload.phases[1].at=30 s"};
  } else {
    sim_s = 86400.0;
    args = {(source_dir() / "scenarios/library/soak_24h.yaml").string(), "--policy", "proportional"};
  }
  args.insert(args.end(), {"--set", "board.cpu.stack.enabled=" + on});
  time_runs(state, args, fresh_scratch("stacks-" + on + (dense ? "-64" : "-soak")), sim_s);
}

// The simulation cost of resource monitoring (Intel RDT CMT/MBM): the
// library's RDT scenario (8 cores, five named workloads starting and
// stopping, the agent reading three counters per monitored workload every
// 100 ms) stretched to 5 min, with its workloads (range(0) = 1) and without
// (`workloads=[]`: the same board and phases, no RMIDs, no counter reads).
void BM_RdtMonitoring(benchmark::State& state) {
  const bool workloads = state.range(0) != 0;
  const fs::path scenario = source_dir() / "scenarios/library/rdt_workloads.yaml";
  std::vector<std::string> args = {scenario.string(), "--set", "duration=300 s"};
  if (!workloads) args.insert(args.end(), {"--set", "workloads=[]"});
  time_runs(state, args, fresh_scratch(std::string("rdt-") + (workloads ? "with" : "without")), 300.0);
}

// The RTF cost of the cpu cluster's cache model (models/cpu/cache_model.h):
// the same run with the model on (range(1) = 1, the defaults) and off
// (board.cpu.cache.enabled=false), both stretched to 5 min; range(0) picks
// the scenario: 0 the library's RDT scenario (8 cores, five named
// workloads, one a 16 GB/s hog), 1 its concurrent_failures (4 cores, phase
// traffic only, two failures and their recoveries).
void BM_CacheModel(benchmark::State& state) {
  const std::string name = state.range(0) == 0 ? "rdt_workloads" : "concurrent_failures";
  const std::string on = state.range(1) != 0 ? "true" : "false";
  time_runs(state,
            {(source_dir() / "scenarios/library" / (name + ".yaml")).string(), "--policy", "proportional", "--set",
             "board.cpu.cache.enabled=" + on, "--set", "duration=300 s"},
            fresh_scratch("cache-" + name + "-" + on), 300.0);
}

// Process start-up and result writing around the shortest library run: what
// a batch pays per run besides simulating.
void BM_ShortRunOverhead(benchmark::State& state) {
  double run_wall = 0, process_wall = 0, rss = 0;
  for (auto _ : state) {
    const auto run = run_library_scenario(state, "idle_system");
    if (!run) return;
    state.SetIterationTime(run->process.wall_s);
    process_wall = run->process.wall_s;
    run_wall = run->perf.wall_s;
    rss = run->process.peak_rss_mib;
  }
  state.counters["in_run_s"] = run_wall;
  state.counters["outside_run_s"] = process_wall - run_wall;
  state.counters["peak_rss_MiB"] = rss;
}

// `crashtwin --version`: dynamic loading and static initialisation alone.
void BM_ProcessStart(benchmark::State& state) {
  const fs::path out = fresh_scratch("version");
  for (auto _ : state) {
    const ChildRun run = run_crashtwin({"--version"}, out / "crashtwin.log");
    require_exit_ok(state, run, out / "crashtwin.log");
    if (run.exit_code > 1) return;
    state.SetIterationTime(run.wall_s);
  }
}

struct BatchFigures {
  double wall_s = 0;
  double cpu_s = 0;  // all runs together: wall_s cannot drop below cpu_s / cores available
  double max_run_rss_mib = 0;
  double median_run_rss_mib = 0;
  double runs = 0;
};

// The library under two policies (70 runs with each scenario's capture
// strategies, the soaks included so that start-up does not dominate), in a
// fresh directory.
BatchFigures run_library_batch(benchmark::State& state, int jobs) {
  const fs::path out = fresh_scratch("batch-j" + std::to_string(jobs));
  const fs::path library = source_dir() / "scenarios/library";
  const ChildRun run = run_crashtwin({"batch", library.string(), "--policy", "static", "--policy", "proportional",
                                      "-j", std::to_string(jobs), "--out", (out / "batch").string()},
                                     out / "crashtwin.log");
  require_exit_ok(state, run, out / "crashtwin.log");
  BatchFigures f;
  f.wall_s = run.wall_s;
  f.cpu_s = run.cpu_s;
  std::vector<double> rss;
  for (const auto& entry : fs::directory_iterator(out / "batch"))
    if (fs::exists(entry.path() / "perf.json"))
      rss.push_back(static_cast<double>(read_perf(entry.path() / "perf.json").peak_rss_bytes) / (1024.0 * 1024.0));
  std::sort(rss.begin(), rss.end());
  f.runs = static_cast<double>(rss.size());
  if (!rss.empty()) {
    f.max_run_rss_mib = rss.back();
    f.median_run_rss_mib = rss[rss.size() / 2];
  }
  return f;
}

// -j 1 then -j 2 on the same batch in each iteration, so both see the same
// machine load; the reported time is the -j 2 wall.
void BM_BatchSpeedup(benchmark::State& state) {
  BatchFigures one, two;
  for (auto _ : state) {
    one = run_library_batch(state, 1);
    two = run_library_batch(state, 2);
    state.SetIterationTime(two.wall_s);
  }
  state.counters["runs"] = two.runs;
  state.counters["wall_j1_s"] = one.wall_s;
  state.counters["wall_j2_s"] = two.wall_s;
  state.counters["speedup"] = two.wall_s > 0 ? one.wall_s / two.wall_s : 0;
  // CPU the batch used per wall second: 2 would be both workers busy; on a
  // shared machine it shows how much of the second core the batch got.
  state.counters["cores_used_j1"] = one.wall_s > 0 ? one.cpu_s / one.wall_s : 0;
  state.counters["cores_used_j2"] = two.wall_s > 0 ? two.cpu_s / two.wall_s : 0;
  state.counters["cpu_j2_s"] = two.cpu_s;
  state.counters["run_rss_median_MiB"] = two.median_run_rss_mib;
  state.counters["run_rss_max_MiB"] = two.max_run_rss_mib;
}

// The same runs as a batch and as a one-point sweep: the library under
// static and proportional with predictive-bmc (28 runs), the sweep setting
// agent.budget to the library's own 256 MiB, so every run simulates the same
// scenario. Both -j 2, fresh directories, reports included; batch then sweep
// in each iteration so both see the same machine load. The reported time is
// the sweep's wall.
void BM_SweepOverhead(benchmark::State& state) {
  const fs::path library = source_dir() / "scenarios/library";
  const std::vector<std::string> runs = {library.string(), "--policy", "static", "--policy", "proportional",
                                         "--strategy", "predictive-bmc", "-j", "2", "--out"};
  ChildRun batch, sweep;
  double run_count = 0;
  for (auto _ : state) {
    const fs::path out = fresh_scratch("sweep-overhead");
    std::vector<std::string> batch_args = {"batch"};
    batch_args.insert(batch_args.end(), runs.begin(), runs.end());
    batch_args.push_back((out / "batch").string());
    batch = run_crashtwin(batch_args, out / "batch.log");
    require_exit_ok(state, batch, out / "batch.log");
    std::vector<std::string> sweep_args = {"sweep"};
    sweep_args.insert(sweep_args.end(), runs.begin(), runs.end());
    sweep_args.insert(sweep_args.end(), {(out / "sweep").string(), "--vary", "agent.budget=256MiB"});
    sweep = run_crashtwin(sweep_args, out / "sweep.log");
    require_exit_ok(state, sweep, out / "sweep.log");
    if (batch.exit_code > 1 || sweep.exit_code > 1) return;
    run_count = 0;
    for (const auto& entry : fs::directory_iterator(out / "batch"))
      if (fs::exists(entry.path() / "summary.json")) ++run_count;
    state.SetIterationTime(sweep.wall_s);
  }
  state.counters["runs"] = run_count;
  state.counters["batch_wall_s"] = batch.wall_s;
  state.counters["sweep_wall_s"] = sweep.wall_s;
  state.counters["batch_runs_per_s"] = batch.wall_s > 0 ? run_count / batch.wall_s : 0;
  state.counters["sweep_runs_per_s"] = sweep.wall_s > 0 ? run_count / sweep.wall_s : 0;
  state.counters["sweep_over_batch"] = batch.wall_s > 0 ? sweep.wall_s / batch.wall_s : 0;
  state.counters["batch_cpu_s"] = batch.cpu_s;
  state.counters["sweep_cpu_s"] = sweep.cpu_s;
}

// What simulating a host recovery costs: kdump on a 32 GiB board with
// 60 % of it in use, the dump at two dump levels (filter ratio 1 % and
// 100 %: 0.19 and 19.2 GiB written command by command to the simulated
// disk). Everything else in the two runs is the same, so the difference in
// wall time over the difference in dump bytes is the marginal cost of a
// simulated dump GiB. Both runs in each iteration (same machine load); the
// reported time is the large dump's run.
MeasuredRun run_kdump_dump(benchmark::State& state, const std::string& filter_ratio) {
  const fs::path scenario = source_dir() / "scenarios/library/memory_uncorrectable.yaml";
  const fs::path out = fresh_scratch("recovery-" + filter_ratio);
  const ChildRun run = run_crashtwin({"run", scenario.string(), "--policy", "static", "--strategy", "kdump", "--set",
                                      "board.dram.size=32GiB", "--set", "strategy.dump.filter_ratio=" + filter_ratio,
                                      "--out", (out / "run").string()},
                                     out / "crashtwin.log");
  require_exit_ok(state, run, out / "crashtwin.log");
  if (run.exit_code > 1) return {};
  return MeasuredRun{run, read_perf(out / "run" / "perf.json")};
}

void BM_RecoveryCostPerDumpGiB(benchmark::State& state) {
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  MeasuredRun small, large;
  for (auto _ : state) {
    small = run_kdump_dump(state, "0.01");
    large = run_kdump_dump(state, "1");
    if (large.perf.dump_bytes_simulated == 0) return;
    state.SetIterationTime(large.perf.wall_s);
  }
  const double gib = static_cast<double>(large.perf.dump_bytes_simulated - small.perf.dump_bytes_simulated) / kGiB;
  state.counters["dump_GiB_small"] = static_cast<double>(small.perf.dump_bytes_simulated) / kGiB;
  state.counters["dump_GiB_large"] = static_cast<double>(large.perf.dump_bytes_simulated) / kGiB;
  state.counters["wall_small_s"] = small.perf.wall_s;
  state.counters["wall_large_s"] = large.perf.wall_s;
  state.counters["wall_s_per_dump_GiB"] = gib > 0 ? (large.perf.wall_s - small.perf.wall_s) / gib : 0;
  state.counters["tail_wall_large_s"] = large.perf.recovery_tail_wall_s;
}

}  // namespace

BENCHMARK(BM_ProcessStart)->UseManualTime()->Iterations(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ShortRunOverhead)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SoakRealTimeFactor)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_PerCoreTimers64)
    ->ArgNames({"timers", "period_ms"})
    ->ArgsProduct({{0, 1}, {100, 1}})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_KernelStacks)
    ->ArgNames({"stacks", "cores64_1ms"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_RdtMonitoring)->ArgNames({"workloads"})->Arg(0)->Arg(1)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_CacheModel)
    ->ArgNames({"scenario", "cache"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_BatchSpeedup)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_RecoveryCostPerDumpGiB)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_SweepOverhead)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);
