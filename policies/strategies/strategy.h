// A capture strategy's analytic model: what happens after a fatal failure,
// as a timing and accounting formula. The twin runs each recovery on the
// board in simulated time (models/recovery/host_recovery.h) and keeps these
// formulas as the independent cross-check of every simulated recovery
// (docs/policies.md). Given the crash (time, error, what the catalog needs,
// what the predictive path captured), the board at that moment (DRAM, memory
// in use), the reservation the partitioning policy made and the strategy's
// parameters (strategy_params.h), recover() produces the outcome: a timeline
// of phases, bytes captured against needed, dump success or the reason it
// failed, when the workload runs again, memory held away over time and, for
// fadump, memory returned over time.
//
// These models never touch the board: the runner calls them with the crash
// facts of each failure and writes their figures beside the simulated ones.
#pragma once

#include <cstdint>

#include "platform/capture/catalog.h"
#include "platform/core/status.h"
#include "platform/core/types.h"
#include "policies/strategies/outcome.h"
#include "policies/strategies/strategy_params.h"

namespace crashtwin {

// The crash and the board at the moment of the crash.
struct CrashFacts {
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  uint64_t time_ns = 0;
  // Size facts of the capture catalog: needed bytes are needed_bytes(error,
  // capture_facts), the same figure the agent's capture reports.
  BoardFacts capture_facts{};
  // Record bytes the agent captured into the failed component's slice
  // (CaptureResult::captured_bytes); only predictive-bmc uses it.
  uint64_t predictive_captured_bytes = 0;
  // The needed bytes of that record as the agent captured it (its sensor
  // history as long as the agent had); 0: the catalog's figure.
  uint64_t predictive_needed_bytes = 0;
  uint64_t dram_bytes = 0;  // board DRAM
  uint64_t used_bytes = 0;  // memory in use (kernel + workload) at the crash; <= dram_bytes
  // Crash memory the partitioning policy reserved: the slices' sum for
  // predictive-bmc, the crashkernel (fixed + CMA) for kdump and CMA, the
  // registered save area for fadump.
  uint64_t reservation_bytes = 0;
};

// The twin asks each strategy what it holds away from the workload in normal
// operation too (reserved_bytes_mean / reserved_byte_seconds outside the
// recovery window). Both calls are pure: strategies keep no state.
class CaptureStrategy {
 public:
  virtual const char* name() const = 0;
  // Bytes held away from the workload while the system runs normally with
  // this reservation.
  virtual uint64_t steady_held_bytes(uint64_t reservation_bytes) const = 0;
  // invalid_argument (outcome untouched) for facts no machine has: no DRAM,
  // used > DRAM, reservation > DRAM.
  virtual Status recover(const CrashFacts& crash, StrategyOutcome& out) const = 0;

 protected:
  ~CaptureStrategy() = default;
};

// The checks every strategy applies to its input.
Status check_crash_facts(const CrashFacts& crash);

}  // namespace crashtwin
