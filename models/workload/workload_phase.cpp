#include "models/workload/workload_phase.h"

#include <cmath>

namespace crashtwin {
namespace {
bool non_negative(double v) { return std::isfinite(v) && v >= 0.0; }
bool share(double v) { return non_negative(v) && v <= 1.0; }
}  // namespace

const char* phase_error(const WorkloadPhase& phase) {
  if (!share(phase.utilization))
    return "utilization must be within 0..1";
  if (!non_negative(phase.memory_traffic_bps)) return "memory traffic must be a non-negative bandwidth";
  if (!non_negative(phase.exception_rate)) return "exception rate must be non-negative";
  if (!non_negative(phase.interrupt_rate)) return "interrupt rate must be non-negative";
  if (!share(phase.irq_masked_fraction))
    return "interrupts-masked share must be within 0..1";
  if (!share(phase.lock_hold_fraction))
    return "lock-hold share must be within 0..1";
  if (!non_negative(phase.irq_masked_section_ns) || !non_negative(phase.lock_hold_ns))
    return "masked section and lock hold times must be non-negative";
  if (!non_negative(phase.io_rate)) return "I/O rate must be non-negative";
  if (phase.io_bytes == 0) return "I/O size must be at least one byte";
  return nullptr;
}

const char* precursor_error(const CorePrecursor& p) {
  if (!non_negative(p.extra_exception_rate)) return "extra exception rate must be non-negative";
  if (!non_negative(p.extra_interrupt_rate)) return "extra interrupt rate must be non-negative";
  if (!non_negative(p.corrected_error_rate)) return "corrected error rate must be non-negative";
  if (!std::isfinite(p.temperature_ramp_c_per_s)) return "temperature ramp must be finite";
  if (!non_negative(p.temperature_ramp_limit_c)) return "temperature ramp limit must be non-negative";
  if (p.stack_recursion_bytes > (uint64_t{1} << 30)) return "stack recursion depth must be at most 1 GiB";
  return nullptr;
}

}  // namespace crashtwin
