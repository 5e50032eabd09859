// Target: loading 1,000 runs takes under 2 s. Writes 1,000 run
// directories (summary.json, perf.json, a 200-tick timeseries.csv and
// events.jsonl, through the traces writers) plus summary.csv into a temp
// directory once, then times the dashboard's load path: load_overview (the
// summaries and summary.csv, what the Compare view needs) and, separately,
// one run's details (what picking a run costs).
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "gui/data/batch_overview.h"
#include "gui/data/run_details.h"
#include "traces/batch.h"
#include "traces/event_log.h"
#include "traces/summary.h"
#include "traces/timeseries_writer.h"

namespace fs = std::filesystem;
using namespace crashtwin;

namespace {

constexpr unsigned kRuns = 1000;
constexpr unsigned kTicks = 200;

void write_run(const fs::path& dir, const std::string& scenario, const std::string& policy, uint64_t seed) {
  const std::vector<ComponentId> components = {{ComponentClass::cpu, 0}, {ComponentClass::memory, 0},
                                               {ComponentClass::disk, 0}, {ComponentClass::network, 0}};
  Timeseries series;
  for (auto c : components) series.add_column(slice_bytes_column(c));
  for (auto c : components) series.add_column(probability_column(c));
  series.add_column(std::string(kReservedBytesColumn));
  series.add_column(std::string(kFreeBytesColumn));
  EventLog log;
  std::vector<double> row;
  for (unsigned tick = 0; tick < kTicks; ++tick) {
    row.clear();
    double reserved = 0;
    for (size_t i = 0; i < components.size(); ++i) {
      const double bytes = 4096.0 * (256 + ((seed * 31 + i * 17 + tick / 10) % 64) * 16);
      row.push_back(bytes);
      reserved += bytes;
    }
    for (size_t i = 0; i < components.size(); ++i) row.push_back(0.02 + 0.9 * std::pow(tick / double(kTicks), 3 + i));
    row.push_back(reserved);
    row.push_back(64.0 * 1024 * 1024 - reserved);
    series.append_row(tick * 0.01, row);
    if (tick % 10 == 0) log.add_span(tick * 10'000'000ull, 150'000, "board.agent", EventKind::repartition).fields["generation"] = tick / 10;
  }
  RunSummary summary;
  summary.scenario = scenario;
  summary.policy = policy;
  summary.strategy = "predictive_bmc";
  summary.seed = seed;
  summary.metrics["capture_completeness"] = 0.5 + 0.5 * static_cast<double>(seed % 7) / 6.0;
  summary.metrics["failures_identified"] = 1.0;
  summary.metrics["reserved_byte_seconds"] = 1e7 * static_cast<double>(1 + seed % 13);
  summary.metrics["reserved_bytes_mean"] = 5e6;
  summary.metrics["reserved_bytes_peak"] = 8e6;
  summary.metrics["repartitions"] = kTicks / 10;
  summary.metrics["alert_to_report_s"] = {{"mean", 0.0015}, {"max", 0.002}};
  summary.metrics["time_to_production_s"] = 42.5;
  write_summary(summary, dir / "summary.json");
  write_perf(PerfFigures{0.2, 2.0, 10.0, 1000, 5000, 50u << 20}, dir / "perf.json");
  write_timeseries_csv(series, dir / "timeseries.csv");
  log.write_jsonl(dir / "events.jsonl");
}

const fs::path& batch_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / "crashtwin_bench_dashboard_1000";
    if (fs::exists(d / "summary.csv")) return d;  // written by an earlier run of the bench
    fs::remove_all(d);
    std::vector<BatchRow> rows;
    const char* scenarios[] = {"dimm_ue_ramp", "nic_flap_storm", "disk_timeouts", "thermal_runaway"};
    const char* policies[] = {"proportional", "fixed_equal", "max_probability", "threshold", "oracle"};
    for (unsigned i = 0; i < kRuns; ++i) {
      const std::string scenario = scenarios[i % 4], policy = policies[(i / 4) % 5];
      const uint64_t seed = i / 20 + 1;
      const std::string run = scenario + "/" + policy + "-predictive_bmc-seed" + std::to_string(seed);
      write_run(d / run, scenario, policy, seed);
      rows.push_back(batch_row(read_summary(d / run / "summary.json"), run, 0));
    }
    write_summary_csv(batch_table(std::move(rows)), d / "summary.csv");
    return d;
  }();
  return dir;
}

void BM_LoadOverview1000Runs(benchmark::State& state) {
  const fs::path& dir = batch_dir();
  for (auto _ : state) {
    gui::BatchOverview overview = gui::load_overview(dir);
    if (overview.table.rows.size() != kRuns || overview.batch.runs.size() != kRuns) {
      state.SkipWithError("wrong run count");
      return;
    }
    benchmark::DoNotOptimize(overview);
  }
  state.counters["runs"] = kRuns;
}
BENCHMARK(BM_LoadOverview1000Runs)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LoadRunDetails(benchmark::State& state) {
  const fs::path run = batch_dir() / "dimm_ue_ramp/proportional-predictive_bmc-seed1";
  for (auto _ : state) benchmark::DoNotOptimize(gui::load_run_details(run));
}
BENCHMARK(BM_LoadRunDetails)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
