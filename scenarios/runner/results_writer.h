// Writes a run's results directory through the traces/ writers (one module
// per file format): summary.json, perf.json, timeseries.csv, events.jsonl,
// bmc/report.json + bmc/record-<n>.cper, trace.vcd, trace.json, config.yaml,
// timer_jitter.json, memory_profile.json; at the scenario's
// TraceLevel::summary, not the five traces (timeseries.csv, events.jsonl,
// trace.vcd, trace.json, memory_profile.json).
#pragma once

#include <filesystem>
#include <vector>

#include "models/bmc/drain_report.h"
#include "models/config/params.h"
#include "scenarios/runner/run.h"
#include "scenarios/runner/run_recorder.h"
#include "traces/event_log.h"
#include "traces/memory_profile.h"
#include "traces/summary.h"
#include "traces/timer_jitter.h"

namespace crashtwin::scenario {

// The failure model a run loaded and the times the agent ran it with (the
// scenario's agent.horizon / agent.feature_window, or the model's own).
struct ModelInUse {
  uint32_t generation = 0;
  uint16_t feature_set_version = 0;
  uint64_t model_horizon_ns = 0;
  uint64_t model_window_ns = 0;  // 0: the last kWindowCapacity samples
  uint64_t horizon_ns = 0;
  uint64_t feature_window_ns = 0;
};

struct ResultsToWrite {
  const RunSummary& summary;
  const PerfFigures& perf;
  const EventLog& events;
  const RunRecorder& recorder;
  std::vector<EffectiveParam> board_config;
  const Scenario& scenario;
  const RunRequest& request;
  const TimerJitter& timer_jitter;
  const MemoryProfile& memory_profile;
  ModelInUse model;
  std::vector<BmcLogEntry> bmc_event_log;  // the BMC's event log as the run ended
};

void write_results(const ResultsToWrite& r, const std::filesystem::path& dir);

}  // namespace crashtwin::scenario
