// How long `results::load_batch` takes to read the summaries of a
// 1,000-run batch (what `crashtwin report` and the batch's report.html read
// first). docs/PERFORMANCE.md ("Results loading") has the figures.
//
//   build/bench/crashtwin_bench_traces --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "traces/io.h"
#include "traces/results/results.h"
#include "traces/summary.h"

namespace fs = std::filesystem;
using namespace crashtwin;

namespace {

fs::path write_thousand_summaries() {
  const fs::path dir = fs::temp_directory_path() / fmt::format("crashtwin-bench-load-batch-{}", ::getpid());
  fs::remove_all(dir);
  RunSummary s;
  s.scenario = "bench";
  s.policy = "proportional";
  s.strategy = "predictive-bmc";
  s.metrics = {{"failures_injected", 2}, {"failures_identified", 2}, {"capture_completeness", 1.0},
               {"reserved_bytes_mean", 3.3e7}, {"alert_to_report_s", {{"mean", 0.012}, {"max", 0.02}}}};
  for (int i = 0; i < 1000; ++i) {
    s.seed = static_cast<uint64_t>(i);
    write_summary(s, dir / fmt::format("s{}/run{:04}", i % 10, i) / "summary.json");
  }
  return dir;
}

void BM_LoadBatch1000Summaries(benchmark::State& state) {
  const fs::path dir = write_thousand_summaries();
  for (auto _ : state) {
    const results::Batch batch = results::load_batch(dir, results::RunParts::summary, 1);
    if (batch.runs.size() != 1000) state.SkipWithError("not every summary loaded");
    benchmark::DoNotOptimize(batch.runs.data());
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_LoadBatch1000Summaries)->Unit(benchmark::kMillisecond);

}  // namespace
