// A complete, valid scenario used as the starting point of loader tests.
#pragma once

#include <string>

#include "scenarios/loader/loader.h"

namespace crashtwin::scenario::test {

inline const std::string kValidScenario = R"(schema_version: 1
name: fixture
description: every section once
seed: 7
duration: "2 min"
board:
  dram: {size: "2 GiB"}
  disk0: {kind: disk}
workload:
  phases:
    - {name: idle, at: "0 s", cpu_utilization: "5 %"}
    - {name: busy, at: "30 s", cpu_utilization: "90 %", memory_pressure: 0.7, disk_iops: "2000 /s", network: "250 MB/s"}
components:
  - {id: memory.0, corrected_error_rate: "2 /h", temperature: "45 C"}
injections:
  failures:
    - name: dimm0_ue
      component: memory.0
      error: memory_uncorrectable
      at: "90 s"
      precursors:
        - {kind: corrected_error_burst, lead_time: "30 s", rate: "5 /s", noise: "20 %"}
        - {kind: temperature_ramp, lead_time: "20 s", level: "85 C"}
    - name: disk_late
      component: disk.0
      error: disk_timeout
      distribution: {kind: uniform, from: "60 s", to: "110 s"}
  false_alarms:
    - name: hot_cpu
      component: cpu.0
      at: "50 s"
      precursors:
        - {kind: temperature_ramp, lead_time: "10 s", level: "80 C"}
agent:
  allocation_frequency: "100 ms"
  minimum_partition_size: "1 MiB"
  maximum_partition_size: "64 MiB"
  budget: "256 MiB"
  horizon: "10 s"
compare:
  policies: [proportional, static]
  strategies: [predictive]
expectations:
  - {metric: failures_identified, op: ">=", value: 1}
  - {metric: capture_completeness, op: ">=", value: 0.9, policies: [proportional]}
)";

inline LoadOptions fixture_options() {
  LoadOptions o;
  o.known_policies = {"static", "uniform", "proportional", "smoothed", "oracle"};
  o.known_strategies = {"predictive"};
  return o;
}

inline LoadResult load_text(const std::string& text, const LoadOptions& options = fixture_options()) {
  return load_scenario_text(text, "fixture.yaml", options);
}

// The fixture with the first occurrence of `from` replaced by `to`.
inline std::string with(const std::string& from, const std::string& to, std::string text = kValidScenario) {
  const size_t at = text.find(from);
  if (at == std::string::npos) return "<<fixture has no '" + from + "'>>";
  return text.replace(at, from.size(), to);
}

}  // namespace crashtwin::scenario::test
