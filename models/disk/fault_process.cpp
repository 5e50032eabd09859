#include "models/disk/fault_process.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/workload/noise.h"
#include "platform/core/exact_math.h"

namespace crashtwin {
namespace {

constexpr size_t kLatencySteps = 16;  // the latency climb, in steps between onset and failure

// The heap's order: the earliest on top, ties in the order scheduled.
constexpr auto kLater = [](const auto& a, const auto& b) {
  return a.at_s != b.at_s ? a.at_s > b.at_s : a.order > b.order;
};

}  // namespace

double annual_fraction_to_rate(double fraction) { return -exact::log1p(-fraction) / kSecondsPerYear; }

DiskFaultProcess::DiskFaultProcess(const DiskFaultSettings& settings, RngStream rng)
    : settings_(settings), rng_(rng) {
  failure_rate_ = annual_fraction_to_rate(settings_.annual_failure_rate) * settings_.acceleration;
  lookalike_rate_ = annual_fraction_to_rate(settings_.annual_lookalike_rate) * settings_.acceleration;
}

void DiskFaultProcess::schedule(double at_s, const DiskFaultEvent& event) {
  scheduled_.push_back({at_s, next_order_++, event});
  std::push_heap(scheduled_.begin(), scheduled_.end(), kLater);
}

double DiskFaultProcess::draw_next_delay() {
  next_ = Next::none;
  if (failed_) return std::numeric_limits<double>::infinity();
  // Onsets are memoryless: a fresh draw after each event is the same process.
  const double onset_rate = degrading_ ? 0.0 : failure_rate_ + lookalike_rate_;
  const double to_onset = onset_rate > 0.0 ? rng_.exponential(onset_rate) : std::numeric_limits<double>::infinity();
  const double to_scheduled =
      scheduled_.empty() ? std::numeric_limits<double>::infinity() : scheduled_.front().at_s - now_s_;
  if (!std::isfinite(to_onset) && !std::isfinite(to_scheduled)) return std::numeric_limits<double>::infinity();
  const double delay = std::max(0.0, std::min(to_onset, to_scheduled));
  next_ = to_scheduled <= to_onset ? Next::scheduled : Next::onset;
  now_s_ += delay;
  return delay;
}

DiskFaultEvent DiskFaultProcess::fire() {
  if (next_ == Next::onset) {
    next_ = Next::none;
    const bool failure = rng_.uniform() * (failure_rate_ + lookalike_rate_) < failure_rate_;
    return failure ? start_degrading() : start_lookalike();
  }
  if (next_ != Next::scheduled || scheduled_.empty())
    return DiskFaultEvent{DiskFaultKind::latency_step, {}, latency_s_};
  next_ = Next::none;
  std::pop_heap(scheduled_.begin(), scheduled_.end(), kLater);
  const DiskFaultEvent e = scheduled_.back().event;
  scheduled_.pop_back();
  switch (e.kind) {
    case DiskFaultKind::smart_increment: ++counts_[static_cast<size_t>(e.attribute)]; break;
    case DiskFaultKind::latency_step: latency_s_ = e.latency_s; break;
    case DiskFaultKind::failure:
      failed_ = true;
      scheduled_.clear();  // a look-alike's counts still pending end with the drive
      break;
    default: break;
  }
  return e;
}

std::array<bool, kSmartAttributeCount> DiskFaultProcess::draw_shown() {
  std::array<bool, kSmartAttributeCount> shown{};
  // Uniform over the non-empty subsets: each attribute one half, given one.
  for (;;) {
    bool any = false;
    for (bool& s : shown) any |= (s = rng_.bernoulli(0.5));
    if (any) return shown;
  }
}

double DiskFaultProcess::draw_lead_time() {
  const double lo = settings_.lead_time_min_s, hi = settings_.lead_time_max_s;
  const double lead = hi > lo ? lo * exact::exp(rng_.uniform() * exact::log(hi / lo)) : lo;
  return lead / settings_.time_compression;
}

std::array<bool, kSmartAttributeCount> DiskFaultProcess::schedule_counts(double span_s, double mean, bool crowd_late) {
  const std::array<bool, kSmartAttributeCount> shown = draw_shown();
  for (size_t a = 0; a < kSmartAttributeCount; ++a) {
    if (!shown[a]) continue;
    const uint64_t n = 1 + draw_poisson(rng_, mean - 1.0);
    // Crowding late: density rising linearly from the onset, t = span x sqrt(U).
    for (uint64_t i = 0; i < n; ++i) {
      const double u = rng_.uniform();
      schedule(now_s_ + span_s * (crowd_late ? std::sqrt(u) : u),
               DiskFaultEvent{DiskFaultKind::smart_increment, static_cast<SmartAttribute>(a)});
    }
  }
  return shown;
}

DiskFaultEvent DiskFaultProcess::start_degrading() {
  degrading_ = true;
  if (rng_.bernoulli(settings_.silent_failure_fraction)) {
    // No warning: the drive fails now, its counters untouched.
    schedule(now_s_, DiskFaultEvent{DiskFaultKind::failure, {}, 0.0, false, false});
    return DiskFaultEvent{DiskFaultKind::degrading_onset};
  }
  const double lead = draw_lead_time();
  const std::array<bool, kSmartAttributeCount> shown = schedule_counts(lead, settings_.smart_count_mean, true);
  for (size_t k = 1; k <= kLatencySteps; ++k) {
    const double share = static_cast<double>(k) / kLatencySteps;
    schedule(now_s_ + lead * share,
             DiskFaultEvent{DiskFaultKind::latency_step, {}, settings_.degraded_latency_s * share});
  }
  const bool unreadable = shown[static_cast<size_t>(SmartAttribute::pending_sectors)] ||
                          shown[static_cast<size_t>(SmartAttribute::offline_uncorrectable)];
  // Scheduled last: at the same instant as the last latency step it fires after it.
  schedule(now_s_ + lead, DiskFaultEvent{DiskFaultKind::failure, {}, settings_.degraded_latency_s, unreadable, true});
  return DiskFaultEvent{DiskFaultKind::degrading_onset};
}

DiskFaultEvent DiskFaultProcess::start_lookalike() {
  schedule_counts(draw_lead_time(), settings_.lookalike_count_mean, false);
  return DiskFaultEvent{DiskFaultKind::lookalike_onset};
}

}  // namespace crashtwin
