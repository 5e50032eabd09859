// What the firmware runner's timer comes from: a device with per-core
// sampling timers (cpu_cluster, models/cpu/core_timer.h). The runner arms it
// with the firmware's tick period and runs tick() when the firmware core's
// handler runs: late by the core's timer latency, and not at all for a
// boundary an overrun skipped.
#pragma once

#include <cstdint>

namespace crashtwin {

struct TickDelivery {
  bool known = false;         // false: the expiry is still ahead (wait until expiry_ns)
  uint64_t expiry_ns = 0;     // the boundary the tick serves
  uint64_t delivered_ns = 0;  // when its handler runs (known only)
};

class TickSource {
 public:
  // Arms the timers with `period_ns`, boundaries at `phase_ns` + k x
  // period (phase_ns < period_ns: the firmware's grid). False when the
  // device's timers are switched off: the runner then keeps an ideal timer
  // of its own.
  virtual bool arm_ticks(uint64_t period_ns, uint64_t phase_ns) = 0;
  // The firmware core's first tick at or after `boundary_ns`: the boot core,
  // or the lowest-numbered core still taking interrupts.
  virtual TickDelivery firmware_tick(uint64_t boundary_ns) = 0;

 protected:
  ~TickSource() = default;
};

}  // namespace crashtwin
