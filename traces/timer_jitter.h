// timer_jitter.json of a run directory: the per-core sampling timers'
// record per scenario phase (models/cpu/core_timer.h) and what the
// firmware saw of them; and timer_jitter.csv of a batch, one row per run and
// phase. docs/results.md describes both.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace crashtwin {

struct TimerJitterPhase {
  std::string name;
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
  uint64_t ticks = 0;             // handlers run, all cores
  uint64_t samples = 0;           // tick deltas (consecutive ticks of one core)
  double delta_min_ns = 0;
  double delta_max_ns = 0;
  double delta_mean_ns = 0;
  double delta_stddev_ns = 0;
  uint64_t missed_ticks = 0;      // boundaries skipped (overruns), all cores
  double latency_mean_ns = 0;     // boundary to handler
  double latency_max_ns = 0;
  double skew_mean_ns = 0;        // per boundary: latest minus earliest handler across the cores
  double skew_max_ns = 0;
  // |delta - period| of the `samples` tick deltas in the bins of
  // TimerJitter::deviation_edges_ns (one more count than edges: the last
  // holds deviations at or above the last edge). Empty in files written
  // before the histogram existed.
  std::vector<uint64_t> deviation_counts;
};

// What the firmware (the agent) detected over the whole run.
struct TimerJitterFirmware {
  uint64_t ticks = 0;
  uint64_t missed_ticks = 0;
  uint64_t late_ticks = 0;
  uint64_t lateness_max_ns = 0;
  uint64_t core_overruns = 0;
  uint64_t skew_max_ns = 0;
};

struct TimerJitter {
  uint64_t period_ns = 0;  // 0: the timers were not armed (no cpu cluster, or timers off)
  uint32_t cores = 0;
  std::vector<uint64_t> deviation_edges_ns;  // increasing upper bounds of the histogram bins
  std::vector<TimerJitterPhase> phases;
  TimerJitterFirmware firmware;
};

void write_timer_jitter(const TimerJitter& jitter, const std::filesystem::path& path);
// Throws format_error naming the file and what was wrong.
TimerJitter read_timer_jitter(const std::filesystem::path& path);

// One run's rows of timer_jitter.csv.
struct TimerJitterRun {
  std::string scenario;
  std::string policy;
  std::string strategy;
  uint64_t seed = 0;
  std::string run;  // run directory relative to the batch directory
  std::vector<std::string> parameters;  // a sweep's values, one per parameter column
  TimerJitter jitter;
};
// `parameter_columns` (a sweep's varied keys, as in sweep.csv) lead each
// row when given.
std::string timer_jitter_csv(const std::vector<TimerJitterRun>& runs,
                             const std::vector<std::string>& parameter_columns = {});

}  // namespace crashtwin
