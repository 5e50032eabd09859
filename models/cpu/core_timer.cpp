#include "models/cpu/core_timer.h"

#include <algorithm>
#include <cmath>

namespace crashtwin {
namespace {

constexpr double kMaxMaskedShare = 0.99;  // a core never masked all the time still takes interrupts
constexpr double kMaxIrqLoad = 0.95;      // M/M/1 stays stable

// A draw of an exponential duration of mean `mean_ns`, whole nanoseconds.
uint64_t exponential_ns(RngStream& rng, double mean_ns) {
  if (!(mean_ns > 0.0)) return 0;
  return static_cast<uint64_t>(std::llround(rng.exponential(1.0 / mean_ns)));
}

}  // namespace

void SampleStats::add(double x) {
  if (count == 0 || x < min) min = x;
  if (count == 0 || x > max) max = x;
  ++count;
  sum += x;
  sum_squares += x * x;
}

double SampleStats::stddev() const {
  if (count < 2) return 0.0;
  const double m = mean();
  return std::sqrt(std::max(0.0, sum_squares / static_cast<double>(count) - m * m));
}

void DeviationHistogram::add(double deviation_ns) {
  const auto* edge = std::upper_bound(kEdgesNs.begin(), kEdgesNs.end(), deviation_ns,
                                      [](double v, uint64_t e) { return v < static_cast<double>(e); });
  ++counts[static_cast<size_t>(edge - kEdgesNs.begin())];
}

SmiSchedule::SmiSchedule(const CoreTimerParams& params, RngStream rng) : params_(params), rng_(std::move(rng)) {
  if (params_.smi_interval_ns == 0 || params_.smi_duration_ns == 0) return;
  // Periodic SMIs keep a phase of their own, unrelated to the timers'.
  start_ = params_.smi_random ? exponential_ns(rng_, static_cast<double>(params_.smi_interval_ns))
                             : rng_.below(params_.smi_interval_ns);
  end_ = start_ + params_.smi_duration_ns;
  active_ = true;
}

uint64_t SmiSchedule::next_start(uint64_t after) {
  const uint64_t gap = params_.smi_random ? exponential_ns(rng_, static_cast<double>(params_.smi_interval_ns))
                                          : params_.smi_interval_ns;
  return std::max(after, start_ + std::max<uint64_t>(gap, 1));
}

void SmiSchedule::advance_past(uint64_t t) {
  while (active_ && end_ <= t) {
    start_ = next_start(end_);
    end_ = start_ + params_.smi_duration_ns;
  }
}

uint64_t SmiSchedule::hold_until(uint64_t t) {
  advance_past(t);
  return active_ && start_ <= t ? end_ : t;
}

uint64_t SmiSchedule::starting_in(uint64_t from, uint64_t to) {
  advance_past(from);
  // Only the current episode is looked at: SMIs are far apart compared to a
  // handler's latency.
  return active_ && start_ > from && start_ <= to ? end_ - start_ : 0;
}

uint64_t CoreTimer::latency(uint64_t boundary, const WorkloadPhase& phase, double extra_interrupt_rate,
                            SmiSchedule& smi) {
  const double slow = 1.0 + phase.memory_traffic_bps / params_.contention_bandwidth_bps;
  uint64_t t = smi.hold_until(boundary);
  const double masked = std::min(phase.irq_masked_fraction, kMaxMaskedShare);
  if (masked > 0.0 && rng_.bernoulli(masked)) t += exponential_ns(rng_, phase.irq_masked_section_ns * slow);
  const double locked = std::min(phase.lock_hold_fraction, kMaxMaskedShare);
  if (locked > 0.0 && rng_.bernoulli(locked)) t += exponential_ns(rng_, phase.lock_hold_ns * slow);
  const double service_ns = static_cast<double>(params_.irq_service_ns) * slow;
  const double rho = std::min((phase.interrupt_rate + extra_interrupt_rate) * service_ns * 1e-9, kMaxIrqLoad);
  if (rho > 0.0 && rng_.bernoulli(rho)) t += exponential_ns(rng_, service_ns / (1.0 - rho));
  t += smi.starting_in(boundary, t);
  return t - boundary;
}

CoreTimer::Tick CoreTimer::expire(uint64_t boundary, uint64_t period, uint64_t grid_phase,
                                  const WorkloadPhase& phase, double extra_interrupt_rate, bool hung,
                                  SmiSchedule& smi) {
  Tick tick;
  tick.boundary_ns = boundary;
  if (boundary < next_expiry_) return tick;  // skipped by an overrun
  next_expiry_ = boundary + period;
  if (hung) {
    // Interrupts masked for good: the expiry stays pending, every boundary
    // passes unserved.
    ++overruns_;
    tick.missed_after = 1;
    has_last_ = false;
    return tick;
  }
  const uint64_t delivered = boundary + latency(boundary, phase, extra_interrupt_rate, smi);
  tick.ran = true;
  tick.delivered_ns = delivered;
  if (delivered >= next_expiry_) {
    // hrtimer_forward: the next expiry is the first boundary after now.
    const uint64_t next = grid_phase + ((delivered - grid_phase) / period + 1) * period;
    tick.missed_after = (next - next_expiry_) / period;
    next_expiry_ = next;
    overruns_ += tick.missed_after;
  }
  last_delta_ = has_last_ ? delivered - last_delivered_ : 0;
  has_last_ = true;
  last_delivered_ = delivered;
  last_boundary_ = boundary;
  ++ticks_;
  return tick;
}

}  // namespace crashtwin
