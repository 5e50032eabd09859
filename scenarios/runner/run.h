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
class Agent;
class AgentObserver;
class Board;
class BoardObserver;
}  // namespace crashtwin

namespace crashtwin::scenario {

// Watches a whole run from inside its process (the live terminal view,
// scenarios/live/): sees the board and the agent while they exist and may
// end the simulation early. The runner calls it from the simulation's
// thread; it must not change the board or the agent.
class RunWatcher {
 public:
  // The board is built and the firmware attached; the simulation starts
  // next. The board is handed non-const because its accessors are; read it only.
  virtual void run_started(Board& board, const Agent& agent) = 0;
  // Asked after every agent tick: true ends the simulation there (the run
  // then throws RunStopped and writes nothing).
  virtual bool stop_requested() = 0;
  // The scenario's simulated time is over (`end_ns`); the board and the
  // agent are still there, for the last time.
  virtual void scenario_ended(uint64_t end_ns) = 0;

 protected:
  ~RunWatcher() = default;
};

// The watcher asked to stop at simulated time `stopped_ns` of
// `duration_ns`: the run wrote no results.
class RunStopped : public std::runtime_error {
 public:
  RunStopped(uint64_t stopped_ns, uint64_t duration_ns);
  uint64_t stopped_ns;
  uint64_t duration_ns;
};

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
  // Optional: told when the run starts and ends, asked whether to stop
  // (add it to the observers above too to see ticks and events).
  RunWatcher* watcher = nullptr;
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
