#include "policies/strategies/outcome.h"

namespace crashtwin {

Status MemoryCurve::add(uint64_t time_ns, uint64_t bytes) {
  if (count > 0) {
    Step& last = steps[count - 1];
    if (time_ns < last.time_ns) return Status::invalid_argument;
    if (time_ns == last.time_ns) {
      last.bytes = bytes;
      return Status::ok;
    }
    if (last.bytes == bytes) return Status::ok;  // no change: no step
  }
  if (count == kMaxMemorySteps) return Status::no_memory;
  steps[count++] = Step{time_ns, bytes};
  return Status::ok;
}

uint64_t MemoryCurve::at(uint64_t time_ns) const {
  uint64_t value = 0;
  for (uint32_t i = 0; i < count && steps[i].time_ns <= time_ns; ++i) value = steps[i].bytes;
  return value;
}

double MemoryCurve::byte_seconds(uint64_t until_ns) const {
  double sum = 0;
  for (uint32_t i = 0; i < count && steps[i].time_ns < until_ns; ++i) {
    const uint64_t end = i + 1 < count && steps[i + 1].time_ns < until_ns ? steps[i + 1].time_ns : until_ns;
    sum += static_cast<double>(steps[i].bytes) * static_cast<double>(end - steps[i].time_ns) * 1e-9;
  }
  return sum;
}

uint64_t StrategyOutcome::add_phase(const char* phase_name, uint64_t start_ns, uint64_t duration_ns) {
  const uint64_t end = start_ns + duration_ns;
  if (phase_count < kMaxRecoveryPhases) phases[phase_count++] = RecoveryPhase{phase_name, start_ns, end};
  return end;
}

}  // namespace crashtwin
