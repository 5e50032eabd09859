// What the workload does to a device during one phase of a scenario. The
// scenario's injector hands a phase to a device at each phase boundary
// (cpu_cluster::set_phase, disk::set_phase, nic::set_phase); every rate is
// constant until the next boundary, which is what lets the devices integrate
// counters and temperatures in closed form between events.
#pragma once

#include <cstdint>

namespace crashtwin {

struct WorkloadPhase {
  // CPU cores.
  double utilization = 0.0;         // fraction of time busy, 0..1
  double memory_traffic_bps = 0.0;  // bytes/s a core moves to/from DRAM
  double exception_rate = 0.0;      // exceptions (page faults, traps) per second
  double interrupt_rate = 0.0;      // interrupts serviced per second
  // What delays a core's timer interrupt (models/cpu/core_timer.h).
  double irq_masked_fraction = 0.0;       // share of time interrupts are masked, 0..1
  double irq_masked_section_ns = 10'000;  // mean length of one masked section
  double lock_hold_fraction = 0.0;        // share of time in an irq-save lock (held or spinning), 0..1
  double lock_hold_ns = 50'000;           // mean hold time of that lock

  // Disks and NICs.
  double io_rate = 0.0;      // I/Os (disk) or packets (NIC) submitted per second
  uint64_t io_bytes = 4096;  // bytes per I/O or packet
};

// Why a phase is unusable (nullptr when valid): rates must be finite and
// non-negative, utilization within 0..1. Devices reject invalid phases.
const char* phase_error(const WorkloadPhase& phase);

// Offsets a scenario adds before a failure (precursors). They stack on top of
// the current phase and survive phase changes until cleared.
struct CorePrecursor {
  double extra_exception_rate = 0.0;        // /s added to the phase's exception rate
  double extra_interrupt_rate = 0.0;        // /s added to the phase's interrupt rate
  double corrected_error_rate = 0.0;        // corrected machine checks per second
  double temperature_ramp_c_per_s = 0.0;    // heat-sink degradation: the core's effective
                                            // ambient rises at this rate...
  double temperature_ramp_limit_c = 0.0;    // ...until it is this many °C above the inlet
  // A runaway recursion (models/cpu/kernel_stack.h): the core's deepest
  // kernel path grows linearly to this many bytes of stack at the absolute
  // time below (0 bytes: none).
  uint64_t stack_recursion_bytes = 0;
  uint64_t stack_recursion_at_ns = 0;
};

const char* precursor_error(const CorePrecursor& precursor);

}  // namespace crashtwin
