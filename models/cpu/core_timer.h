// Per-core sampling timers (issue 17): one timer per core of a cpu_cluster,
// all aligned to one grid of boundaries, phase + k x period (as hrtimers
// forwarded with hrtimer_forward), and the latency with which each expiry reaches its
// core's handler. Plain state, no SystemC: the cluster advances the timers
// to the present lazily (phase changes, failures, register reads, the
// firmware runner's queries), so the result does not depend on which of
// those runs first at a boundary.
//
// Delivery latency of the expiry at boundary B on one core, a deterministic
// function of what the core is doing plus draws from the core's own stream:
//   - an SMI episode covering B holds every core until it ends; one starting
//     before the handler ran adds its whole length (SMIs stop all cores);
//   - interrupts masked (the phase's irq_masked share of time, sections of
//     irq_masked_section mean length): with that probability the expiry
//     waits for the rest of a section, exponential of the same mean (the
//     residual of an exponential section);
//   - lock hold (lock_contention share, lock_hold mean): the same for an
//     irq-save spinlock held or spun on;
//   - interrupt load: the core serves interrupt_rate other interrupts of
//     irq_service_time each (M/M/1: busy with probability rho = rate x
//     service, then a wait exponential of mean service / (1 - rho));
//   - memory contention lengthens masked sections, lock holds and handlers
//     by 1 + memory_traffic / contention_bandwidth (cache misses).
// A handler that runs at or after the next boundary overran: the timer is
// forwarded to the first boundary after it and the boundaries skipped are
// missed ticks. A hung core (interrupts masked, spinning) misses every
// tick; a halted one has no timer until warm reset.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/core/rng.h"
#include "models/workload/workload_phase.h"

namespace crashtwin {

struct CoreTimerParams {
  uint64_t irq_service_ns = 0;              // mean handler time of one other interrupt (0: free)
  double contention_bandwidth_bps = 10e9;   // per-core traffic at which sections take twice as long
  uint64_t smi_interval_ns = 0;             // mean time between SMIs (0: none)
  uint64_t smi_duration_ns = 100'000;       // length of one SMI episode
  bool smi_random = false;                  // Poisson SMIs (false: periodic, random phase)
};

// Count, extremes, mean and standard deviation of a series of samples.
struct SampleStats {
  uint64_t count = 0;
  double min = 0.0;
  double max = 0.0;
  double sum = 0.0;
  double sum_squares = 0.0;
  void add(double x);
  double mean() const { return count > 0 ? sum / static_cast<double>(count) : 0.0; }
  double stddev() const;  // population
};

// How far tick deltas stray from the period, |delta - period|, counted in
// 1-2-5 bins from 10 ns to 10 ms: the distribution the report plots (a
// standard deviation hides whether a phase jitters a little always or a lot
// sometimes). counts[i] holds deviations below kEdgesNs[i] (and at or above
// the edge before it); the last count, those at or above 10 ms.
struct DeviationHistogram {
  static constexpr std::array<uint64_t, 19> kEdgesNs = {
      10,      20,      50,      100,       200,       500,       1'000,     2'000,     5'000,    10'000,
      20'000,  50'000,  100'000, 200'000,   500'000,   1'000'000, 2'000'000, 5'000'000, 10'000'000};
  std::array<uint64_t, kEdgesNs.size() + 1> counts{};
  void add(double deviation_ns);
};

// The timers' record over one segment of the run (a scenario phase).
struct TimerSegment {
  std::string name;
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;           // set when the next segment starts or the run ends
  uint64_t ticks = 0;            // handlers run, all cores
  uint64_t missed = 0;           // boundaries skipped (overruns), all cores
  SampleStats delta_ns;          // interval between consecutive ticks of one core
  DeviationHistogram deviation;  // |delta - period| of the same samples
  SampleStats latency_ns;        // expiry to handler
  SampleStats skew_ns;           // per boundary: latest minus earliest handler over the cores that ran it
};

// SMI episodes, board-wide; queried with non-decreasing times.
class SmiSchedule {
 public:
  SmiSchedule(const CoreTimerParams& params, RngStream rng);
  // Where the episode that covers `t` ends (t itself when none does).
  uint64_t hold_until(uint64_t t);
  // Total SMI time starting in (from, to].
  uint64_t starting_in(uint64_t from, uint64_t to);

 private:
  void advance_past(uint64_t t);  // the current episode ends after t, or none
  uint64_t next_start(uint64_t after);
  CoreTimerParams params_;
  RngStream rng_;
  uint64_t start_ = 0;
  uint64_t end_ = 0;
  bool active_ = false;
};

// One core's timer. `expire` is called for each boundary in order.
class CoreTimer {
 public:
  struct Tick {
    bool ran = false;              // false: the boundary was not this core's next expiry, or missed
    uint64_t boundary_ns = 0;
    uint64_t delivered_ns = 0;
    uint64_t missed_after = 0;     // boundaries skipped because this handler overran
  };
  CoreTimer(const CoreTimerParams& params, RngStream rng) : params_(params), rng_(std::move(rng)) {}

  // The expiry at `boundary` (period `period`) on a core in this state.
  // A boundary before the timer's next expiry is not its own (an overrun
  // skipped it): nothing runs.
  // Boundaries are `grid_phase` + k x `period`.
  Tick expire(uint64_t boundary, uint64_t period, uint64_t grid_phase, const WorkloadPhase& phase,
              double extra_interrupt_rate, bool hung, SmiSchedule& smi);
  void rearm(uint64_t next_expiry) { next_expiry_ = next_expiry; has_last_ = false; }
  uint64_t next_expiry_ns() const { return next_expiry_; }
  // The latest handler run (delivered == 0 and boundary == 0: none yet).
  uint64_t last_delivered_ns() const { return last_delivered_; }
  uint64_t last_boundary_ns() const { return last_boundary_; }
  uint64_t ticks() const { return ticks_; }
  uint64_t overruns() const { return overruns_; }
  // Interval since the previous tick of this core (0 for its first).
  uint64_t last_delta_ns() const { return last_delta_; }

 private:
  uint64_t latency(uint64_t boundary, const WorkloadPhase& phase, double extra_interrupt_rate, SmiSchedule& smi);
  CoreTimerParams params_;
  RngStream rng_;
  uint64_t next_expiry_ = 0;
  uint64_t last_delivered_ = 0;
  uint64_t last_boundary_ = 0;
  uint64_t last_delta_ = 0;
  bool has_last_ = false;
  uint64_t ticks_ = 0;
  uint64_t overruns_ = 0;
};

}  // namespace crashtwin
