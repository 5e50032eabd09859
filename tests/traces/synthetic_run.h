// Test data: a results directory with every file, written through the real
// writers from a small deterministic model of a run (probabilities drift, a
// failure fires, slices follow the probabilities). Used by the format tests,
// the results-library tests and the report tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace crashtwin::test {

struct SyntheticRunSpec {
  std::string scenario = "dimm_ue_ramp";
  std::string policy = "proportional";
  std::string strategy = "predictive_bmc";
  uint64_t seed = 1;
  unsigned ticks = 200;         // agent ticks
  uint64_t tick_ns = 10'000'000;  // apart (the agent's sampling period)
  double reserved_scale = 1.0;  // scales the crash budget (for Pareto spread)
};

// Writes summary.json, perf.json, timeseries.csv, events.jsonl, trace.vcd,
// trace.json, bmc/, config.yaml and memory_profile.json into `dir`.
void write_synthetic_run(const std::filesystem::path& dir, const SyntheticRunSpec& spec);

// A batch of runs (scenarios x policies x seeds) plus summary.csv in `dir`.
void write_synthetic_batch(const std::filesystem::path& dir, unsigned seeds);

// A fresh empty directory under the build tree, unique per name.
std::filesystem::path scratch_dir(const std::string& name);

}  // namespace crashtwin::test
