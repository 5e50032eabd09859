// After the simulation, each fired failure is handed to the run's capture
// strategy (policies/strategies): the crash facts come from what the board
// and the agent were doing at the failure (DRAM in use, crash memory held,
// what the agent captured), the strategy's model gives the recovery. This
// module builds those facts, folds the recoveries into memory held away and
// memory available over the whole run, and records them as events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/capture/catalog.h"
#include "policies/strategies/strategy.h"
#include "traces/event_log.h"

namespace crashtwin::scenario {

// timeseries.csv columns of memory over the run (memory_over_run).
inline constexpr const char* kAvailableBytesColumn = "available_bytes";
inline constexpr const char* kHeldBytesColumn = "held_bytes";
inline constexpr const char* kDumpBytesWrittenColumn = "dump_bytes_written";  // cumulative, all dumps

// What the runner knows of the strategy and the board before any failure.
struct StrategySetup {
  const CaptureStrategy* strategy = nullptr;
  // predictive-bmc reserves the agent's slices; the baselines reserve the
  // static crashkernel (baseline_reservation_bytes) whatever the policy.
  bool predictive = true;
  uint64_t dram_bytes = 0;
  uint64_t baseline_reservation_bytes = 0;
  BoardFacts board_facts{};
};

struct FailureRecovery {
  size_t failure = 0;  // index of the failure as the metrics judge them (declared first, then undeclared)
  CrashFacts crash;
  StrategyOutcome outcome;   // as simulated on the board
  StrategyOutcome analytic;  // the strategy's formulas on the same crash facts: the cross-check
  bool simulated = false;    // outcome came from the board (else it is the analytic one)
};

// A step function over the run (host-side, unbounded): value[i] holds from
// t_ns[i] until the next step.
struct RunCurve {
  std::vector<uint64_t> t_ns;
  std::vector<uint64_t> bytes;

  void add(uint64_t t, uint64_t b);  // a step at the last step's time replaces it
  uint64_t at(uint64_t t) const;     // 0 before the first step
  double byte_seconds(uint64_t until_ns) const;
  uint64_t peak(uint64_t until_ns) const;  // largest value reached before until_ns
};

// Memory held away from the workload and memory the running kernel owns,
// over [0, duration]: the strategy's steady hold and all of DRAM outside
// recoveries, the strategy's curves inside them (a recovery cut short by the
// next failure ends there).
struct MemoryOverRun {
  RunCurve held;
  RunCurve available;
};
MemoryOverRun memory_over_run(const StrategySetup& setup, const std::vector<FailureRecovery>& recoveries);

// The analytic cross-check of a simulated recovery: "agrees" when its time
// to production is within 1 % (at least 0.1 s) of the formulas' and its
// completeness and dump result are the same; otherwise "differs: <why>" for
// the differences the simulation explains (a recovery queued behind another,
// a dump target that failed, no BMC report, CMA loss as placed) or
// "unexplained: ..." with the deltas.
std::string cross_check(const FailureRecovery& r);

// Events of kind `phase` on track "host.recovery.<n>" (n: the failure's
// number, one track per recovery): one span per recovery phase (the BMC's
// capture, alert, drain and report on "host.recovery.<n>.bmc"), one span for
// the whole recovery with its result, and one event per step of memory
// returned when the kernel regains memory gradually (fadump).
void record_recovery_events(const FailureRecovery& r, EventLog& events);

}  // namespace crashtwin::scenario
