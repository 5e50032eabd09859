// What a capture strategy's recovery from one failure looked like: the
// phases on a timeline, what was captured, when the workload ran again and
// how much memory was held away meanwhile. Fixed capacity, no heap.
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform/core/status.h"

namespace crashtwin {

inline constexpr size_t kMaxRecoveryPhases = 8;
// fadump releases memory in at most this many steps (strategy_params.h).
inline constexpr size_t kMaxMemorySteps = 256;

// One phase of a recovery, [start, end) in simulated ns since power-on.
// Names are static text ("kexec", "dump"); phases may overlap (predictive-bmc
// without hold-in-reset reboots while the BMC drains).
struct RecoveryPhase {
  const char* name = "";
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
};

// A step function of time: steps[i].bytes holds from steps[i].time_ns until
// the next step's time (the last one holds on). Times never decrease.
struct MemoryCurve {
  struct Step {
    uint64_t time_ns = 0;
    uint64_t bytes = 0;
  };
  Step steps[kMaxMemorySteps];
  uint32_t count = 0;

  // Appends a step; a step at the last step's time replaces its value.
  // invalid_argument if time goes back, no_memory when full.
  Status add(uint64_t time_ns, uint64_t bytes);
  // Value at `time_ns` (0 before the first step).
  uint64_t at(uint64_t time_ns) const;
  // Integral of the curve over [first step, until_ns], in byte-seconds.
  double byte_seconds(uint64_t until_ns) const;
};

struct StrategyOutcome {
  const char* strategy = "";
  RecoveryPhase phases[kMaxRecoveryPhases];
  uint32_t phase_count = 0;

  // False when no crash data reached the analyst; failure_reason says why
  // (static text, e.g. "capture kernel out of memory: ...").
  bool dump_succeeded = false;
  const char* failure_reason = nullptr;
  // The data reached the analyst but not all of it (drain cut by a reboot);
  // static text, nullptr otherwise.
  const char* note = nullptr;

  uint64_t needed_bytes = 0;    // full capture of the error's catalog entry
  uint64_t captured_bytes = 0;  // of those, what the strategy's output holds
  uint64_t dump_bytes = 0;      // bytes written out (BMC drain, or dump file)
  // CMA: bytes of the old kernel's memory the capture kernel reclaimed from
  // the workload and overwrote: missing from the dump image.
  uint64_t image_lost_bytes = 0;
  bool identified = false;  // the output names the failed component and error type

  uint64_t failure_ns = 0;
  uint64_t report_ns = 0;      // crash data available (BMC report, dump file); 0: none
  uint64_t service_ns = 0;     // workload running again, perhaps in reduced memory
  uint64_t production_ns = 0;  // workload running again with all its memory

  // Memory held away from the workload, from the failure until production;
  // after production the strategy's steady_held_bytes.
  MemoryCurve held;
  // Memory the running kernel owns, from its boot until production (fadump:
  // the boot memory first, then release after release; the others: all of
  // DRAM at production).
  MemoryCurve available;

  double completeness() const {
    return needed_bytes == 0 ? 1.0 : static_cast<double>(captured_bytes) / static_cast<double>(needed_bytes);
  }
  double time_to_production_s() const { return static_cast<double>(production_ns - failure_ns) * 1e-9; }
  double time_to_service_s() const { return static_cast<double>(service_ns - failure_ns) * 1e-9; }
  // Failure to crash data available; negative when there is none.
  double failure_to_report_s() const {
    return report_ns == 0 ? -1.0 : static_cast<double>(report_ns - failure_ns) * 1e-9;
  }
  // Held byte-seconds from the failure until production.
  double held_byte_seconds() const { return held.byte_seconds(production_ns); }

  // Appends a phase [start, start + duration) and returns its end.
  // Phases beyond kMaxRecoveryPhases are dropped (strategies stay far below).
  uint64_t add_phase(const char* phase_name, uint64_t start_ns, uint64_t duration_ns);
};

}  // namespace crashtwin
