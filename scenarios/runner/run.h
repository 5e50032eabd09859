// One run = one process: elaborate the board from the scenario, boot the
// agent with the chosen policy on the board's host Hal, play the injector,
// simulate to the scenario's duration, compute the metrics from what
// happened, judge the expectations and write the results directory
// (docs/results.md) through traces/.
//
// SystemC elaborates once per process, so run_scenario may be called once
// per process; the CLI runs several policies as child processes.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenarios/schema/scenario.h"
#include "traces/summary.h"

namespace crashtwin {
class AgentObserver;
class BoardObserver;
}  // namespace crashtwin

namespace crashtwin::scenario {

struct RunRequest {
  Scenario scenario;
  std::string policy;                  // one of known_policies()
  std::string strategy = "predictive-bmc";  // one of known_strategies()
  std::filesystem::path out_dir;       // the run's results directory
  // Extra observers of the run, told after the run's own recorder (e.g.
  // `crashtwin dataset` records feature windows and failures); they must
  // outlive the call.
  std::vector<BoardObserver*> board_observers;
  std::vector<AgentObserver*> agent_observers;
  // false: the failure model is parsed (its horizon applies) but not
  // provisioned, so the agent runs without one. `crashtwin dataset` records
  // telemetry this way so that a dataset never depends on the model it
  // retrains (the shipped default must be a fixed point of retraining).
  bool provision_model = true;
  // true: every check a run makes, in the same order, with the board built
  // and the firmware attached, but no simulation and no results written
  // (`crashtwin validate`). Several such requests may share a process.
  bool check_only = false;
};

struct RunOutcome {
  RunSummary summary;
  int exit_code = 0;  // 0 passed, 1 expectations failed or the run is invalid
};

// The scenario is fine as YAML but cannot be built or run as asked (a board
// parameter the models reject, a model file that does not parse, a budget
// the DRAM cannot hold). what() names the field and, where known, the
// file:line:column; the CLI exits 2.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ScenarioError for bad input; io_error / anything else is internal.
// With request.check_only, returns a default outcome once every check passed.
RunOutcome run_scenario(const RunRequest& request);

// The capture facts of the scenario's board: the scenario's `capture:`
// sizes, the board's cores and MCA banks, and where the host kernel keeps
// its log and driver queues (models/cpu/kernel_layout.h). Builds the board
// (no simulation); throws ScenarioError when the board cannot be built or the
// kernel's memory does not fit below the workload's.
BoardFacts board_capture_facts(const Scenario& s);

// "<scenario>.<policy>.<strategy>.seed<N>": the directory name of a run
// inside a batch (and of each policy's run under `crashtwin run --out`).
std::string run_directory_name(const std::string& scenario, const std::string& policy, const std::string& strategy,
                               uint64_t seed);

}  // namespace crashtwin::scenario
