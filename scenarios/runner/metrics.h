// The metrics of one run (docs/metrics.md, names in schema/metrics.h),
// computed from what the run observed: the failures the board actually
// raised, the BMC's decoded reports, the agent's layout over time and its
// alert-level predictions, and the capture strategy's model of each
// recovery (recovery.h). Nothing is copied from the scenario except which
// failures were planned (to judge the BMC's verdicts against the truth).
// predictive-bmc's completeness and identification are the BMC's decoded
// records; a baseline's are its dump's (StrategyOutcome).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/bmc/drain_report.h"
#include "models/recovery/host_recovery.h"
#include "platform/agent/agent.h"
#include "scenarios/injector/injector.h"
#include "scenarios/injector/schedule.h"
#include "scenarios/runner/recovery.h"
#include "scenarios/runner/run_recorder.h"

namespace crashtwin::scenario {

struct RunFacts {
  uint64_t duration_ns = 0;
  uint64_t horizon_ns = 0;  // what a prediction claims: failure within this time
  bool has_model = false;
  std::vector<PlannedFailure> planned;
  std::vector<FiredFailure> injected;  // parallel to planned
  std::vector<RaisedError> raised;
  std::vector<BmcDrainReport> reports;
  std::vector<AlertEpisode> episodes;
  double reserved_byte_seconds = 0;
  // The host is in production until the first fatal error the board raises.
  uint64_t production_end_ns = UINT64_MAX;
  double reserved_byte_seconds_in_production = 0;
  uint64_t reserved_bytes_peak = 0;
  uint64_t repartitions = 0;
  uint64_t repartition_bytes_moved = 0;
  uint64_t dma_refused = 0;
  uint64_t model_rejections = 0;  // failure-model blobs the agent refused
  // The capture strategy each fired failure is recovered with, and what the
  // agent captured (predictive-bmc's drain size).
  StrategySetup strategy;
  std::vector<CaptureFact> captures;
  // The recoveries the board simulated (models/recovery), one per raised
  // failure that finished. nullptr: none simulated, the analytic model's
  // outcome stands in (unit tests of the metrics).
  const std::vector<SimulatedRecovery>* simulated = nullptr;
};

// A fatal error the board raised that the scenario did not declare.
struct UndeclaredFailure {
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  uint64_t t_ns = 0;
};

struct MetricResult {
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  // Why the run is invalid (empty: valid): failures that never fired.
  std::vector<std::string> invalid_reasons;
  // One per failure (declared ones, then undeclared), in the order raised.
  std::vector<FailureRecovery> recoveries;
  std::vector<UndeclaredFailure> undeclared;
};

MetricResult compute_metrics(const RunFacts& facts);

}  // namespace crashtwin::scenario
