#include "platform/predictor/features.h"

#include <limits>

#include "platform/core/exact_math.h"

namespace crashtwin {
namespace {

// What a feature is when the window cannot give it: a rate with no sampled
// interval yet (the agent's first sample, a window of gaps). Not 0: that is
// a value, and a model weighing a quiet rate heavily (an interrupt rate
// normally in the thousands) would read it as a failing part at boot.
// failure_probability masks it (the feature sits at its training mean).
constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

using K = FeatureKind;
using M = Metric;

// Unit conversions from the register units fixed in types.h.
constexpr float kFromPpm = 1e-6f;   // ppm -> fraction
constexpr float kFromMilli = 1e-3f; // m°C -> °C, mW -> W, ns -> us, 1/s -> k/s
constexpr float kToGiga = 1e-9f;    // bytes/s -> GB/s
constexpr float kToMega = 1e-6f;    // bytes/s -> MB/s

constexpr FeatureDef kCpu[] = {
    {"utilization_ewma", K::ewma, M::cpu_utilization, kFromPpm},
    {"temperature_c", K::last, M::cpu_temperature, kFromMilli},
    {"temperature_slope_c_per_s", K::slope, M::cpu_temperature, kFromMilli},
    {"power_ewma_w", K::ewma, M::cpu_power, kFromMilli},
    {"exception_rate_per_s", K::rate, M::cpu_exceptions, 1.0f},
    {"interrupt_rate_k_per_s", K::rate, M::cpu_interrupts, kFromMilli},
    {"corrected_errors_in_window", K::count, M::cpu_corrected_errors, 1.0f},
    {"corrected_error_rate_slope", K::rate_slope, M::cpu_corrected_errors, 1.0f},
    // Feature set 5: rates over several windows (kRecentFraction, kLongWindowFactor).
    {"corrected_error_rate_recent_per_s", K::rate_recent, M::cpu_corrected_errors, 1.0f},
    {"corrected_error_rate_long_per_s", K::rate_long, M::cpu_corrected_errors, 1.0f},
};
constexpr FeatureDef kMemory[] = {
    {"pressure_ewma", K::ewma, M::mem_pressure, kFromPpm},
    {"traffic_gb_per_s", K::rate, M::mem_traffic_bytes, kToGiga},
    {"corrected_errors_in_window", K::count, M::mem_corrected_errors, 1.0f},
    {"corrected_error_rate_slope", K::rate_slope, M::mem_corrected_errors, 1.0f},
    {"uncorrected_errors_in_window", K::count, M::mem_uncorrected_errors, 1.0f},
    {"temperature_c", K::last, M::mem_temperature, kFromMilli},
    {"temperature_slope_c_per_s", K::slope, M::mem_temperature, kFromMilli},
    {"ce_rows_in_window", K::count, M::mem_ce_rows, 1.0f},
    {"ce_rows_total", K::last, M::mem_ce_rows, 1.0f},
    // Feature set 3: the spread of a DIMM's corrected errors. Many banks or
    // columns point at a rank- or device-level fault (the modes that turn
    // uncorrectable under SECDED and chipkill alike), repeats at one address
    // at a permanent cell fault rather than a transient.
    {"ce_banks_total", K::last, M::mem_ce_banks, 1.0f},
    {"ce_columns_total", K::last, M::mem_ce_columns, 1.0f},
    {"ce_repeats_in_window", K::count, M::mem_ce_repeats, 1.0f},
    {"corrected_error_rate_recent_per_s", K::rate_recent, M::mem_corrected_errors, 1.0f},
    {"corrected_error_rate_long_per_s", K::rate_long, M::mem_corrected_errors, 1.0f},
    // Feature set 6: the error bits of the corrected errors since boot. Bits
    // in several beats of a burst come from a fault along a row or wider (a
    // row, bank or rank fault, a DIMM's data lane); in several DQ lanes, from
    // several bits of one device's word. Field studies find the patterns
    // spanning several of either preceding uncorrectable errors (Yu et al.,
    // ICCAD 2023).
    {"ce_multi_dq_total", K::last, M::mem_ce_multi_dq, 1.0f},
    {"ce_multi_beat_total", K::last, M::mem_ce_multi_beat, 1.0f},
};
constexpr FeatureDef kDisk[] = {
    {"io_k_per_s", K::rate, M::disk_ops, kFromMilli},
    {"latency_ewma_us", K::ewma, M::disk_latency, kFromMilli},
    {"latency_slope_us_per_s", K::slope, M::disk_latency, kFromMilli},
    {"queue_depth_ewma", K::ewma, M::disk_queue_depth, 1.0f},
    {"timeouts_in_window", K::count, M::disk_timeouts, 1.0f},
    {"media_errors_in_window", K::count, M::disk_media_errors, 1.0f},
    {"temperature_c", K::last, M::disk_temperature, kFromMilli},
    {"temperature_slope_c_per_s", K::slope, M::disk_temperature, kFromMilli},
    // Feature set 4: the five SMART attributes Backblaze reads. A drive
    // gaining counts now is degrading; one that shows any reallocated or
    // pending sectors at all fails several times as often (Pinheiro et al.,
    // FAST 2007).
    {"smart_reallocated_in_window", K::count, M::disk_reallocated_sectors, 1.0f},
    {"smart_reported_uncorrectable_in_window", K::count, M::disk_reported_uncorrectable, 1.0f},
    {"smart_command_timeouts_in_window", K::count, M::disk_command_timeouts, 1.0f},
    {"smart_pending_in_window", K::count, M::disk_pending_sectors, 1.0f},
    {"smart_offline_uncorrectable_in_window", K::count, M::disk_offline_uncorrectable, 1.0f},
    {"smart_reallocated_total", K::last, M::disk_reallocated_sectors, 1.0f},
    {"smart_pending_total", K::last, M::disk_pending_sectors, 1.0f},
    {"timeout_rate_long_per_s", K::rate_long, M::disk_timeouts, 1.0f},
    {"media_error_rate_long_per_s", K::rate_long, M::disk_media_errors, 1.0f},
};
constexpr FeatureDef kNetwork[] = {
    {"throughput_mb_per_s", K::rate, M::net_bytes, kToMega},
    {"latency_ewma_us", K::ewma, M::net_latency, kFromMilli},
    {"latency_slope_us_per_s", K::slope, M::net_latency, kFromMilli},
    {"crc_errors_in_window", K::count, M::net_crc_errors, 1.0f},
    {"link_flaps_in_window", K::count, M::net_link_flaps, 1.0f},
    {"drop_rate_per_s", K::rate, M::net_drops, 1.0f},
    {"temperature_c", K::last, M::net_temperature, kFromMilli},
    {"temperature_slope_c_per_s", K::slope, M::net_temperature, kFromMilli},
    {"crc_error_rate_recent_per_s", K::rate_recent, M::net_crc_errors, 1.0f},
    {"crc_error_rate_long_per_s", K::rate_long, M::net_crc_errors, 1.0f},
};
static_assert(sizeof(kCpu) / sizeof(FeatureDef) <= kMaxFeatures && sizeof(kDisk) / sizeof(FeatureDef) <= kMaxFeatures &&
              sizeof(kMemory) / sizeof(FeatureDef) <= kMaxFeatures &&
              sizeof(kNetwork) / sizeof(FeatureDef) <= kMaxFeatures);

constexpr double kNsPerS = 1e9;

double seconds_between(uint64_t from_ns, uint64_t to_ns) { return static_cast<double>(to_ns - from_ns) / kNsPerS; }

// Least-squares slope of y against t over points [first, size) of the window;
// `y(i)` and `t(i)` (seconds from the oldest sample) are supplied by the caller.
template <typename Y>
double least_squares_slope(const MetricWindow& w, size_t first, Y y) {
  const size_t n = w.size() - first;
  if (n < 2) return 0.0;
  double st = 0, sy = 0, stt = 0, sty = 0;
  for (size_t i = first; i < w.size(); ++i) {
    const double t = seconds_between(w.time_ns(0), w.time_ns(i));
    const double v = y(i);
    st += t;
    sy += v;
    stt += t * t;
    sty += t * v;
  }
  const double denom = static_cast<double>(n) * stt - st * st;
  return denom > 0.0 ? (static_cast<double>(n) * sty - st * sy) / denom : 0.0;
}

// Counters over the intervals that are not gaps (MetricWindow::is_gap).
double window_increase(const MetricWindow& w, uint32_t slot) {
  double sum = 0.0;
  for (size_t i = 1; i < w.size(); ++i)
    if (!w.is_gap(i)) sum += static_cast<double>(w.increase(i, slot));
  return sum;
}

// First sample of the window's last contiguous stretch: the sample after
// its most recent gap, or 0. A gauge read before an outage says nothing of
// how it moved during it: a sensor back (or first seen) hot after one is a
// level, not a slope.
size_t after_last_gap(const MetricWindow& w) {
  for (size_t i = w.size(); i-- > 1;)
    if (w.is_gap(i)) return i;
  return 0;
}

double sampled_seconds(const MetricWindow& w) {
  double seconds = 0.0;
  for (size_t i = 1; i < w.size(); ++i)
    if (!w.is_gap(i)) seconds += seconds_between(w.time_ns(i - 1), w.time_ns(i));
  return seconds;
}

// The rate over the intervals that start in the window's newest
// 1/kRecentFraction of its time (the newest interval at least), gaps left out.
double recent_rate(const MetricWindow& w, uint32_t slot) {
  const size_t n = w.size();
  if (n < 2) return kNoValue;
  const uint64_t end = w.time_ns(n - 1);
  const uint64_t cutoff = end - (end - w.time_ns(0)) / kRecentFraction;
  double increase = 0.0, seconds = 0.0;
  for (size_t i = n - 1; i >= 1; --i) {
    if (i < n - 1 && w.time_ns(i - 1) < cutoff) break;
    if (w.is_gap(i)) continue;
    increase += static_cast<double>(w.increase(i, slot));
    seconds += seconds_between(w.time_ns(i - 1), w.time_ns(i));
  }
  return seconds > 0.0 ? increase / seconds : kNoValue;
}

double feature_value(const MetricWindow& w, const FeatureDef& def) {
  const uint32_t slot = metric_slot(def.metric);
  const size_t n = w.size();
  if (n == 0) return 0.0;
  switch (def.kind) {
    case K::last: return static_cast<double>(w.value(n - 1, slot));
    case K::ewma: return w.ewma(slot);
    case K::slope:
      return least_squares_slope(w, after_last_gap(w), [&](size_t i) { return static_cast<double>(w.value(i, slot)); });
    case K::count: return window_increase(w, slot);
    case K::rate: {
      const double seconds = sampled_seconds(w);
      return seconds > 0.0 ? window_increase(w, slot) / seconds : kNoValue;
    }
    case K::rate_slope: {
      // Point i is the rate of the interval ending at sample i; a gap's
      // interval counts as no change (its increase is masked).
      return least_squares_slope(w, 1, [&](size_t i) {
        return w.is_gap(i) ? 0.0
                           : static_cast<double>(w.increase(i, slot)) / seconds_between(w.time_ns(i - 1), w.time_ns(i));
      });
    }
    case K::rate_recent: return recent_rate(w, slot);
    case K::rate_long: return w.long_sampled(slot) ? w.long_rate(slot) : kNoValue;
  }
  return 0.0;
}

// A counter's increase from `before` to `after`; a counter that went back was
// reset, and its new value is the increase.
uint64_t counter_increase(uint64_t before, uint64_t after) { return after >= before ? after - before : after; }

// Median of the window's intervals [1, end), or 0 with fewer than
// kMinIntervalsForGaps of them. No heap: the intervals fit on the stack.
uint64_t median_interval(const MetricWindow& w, size_t end) {
  if (end < 1 + kMinIntervalsForGaps) return 0;
  uint64_t intervals[kWindowCapacity] = {};
  size_t n = 0;
  // Insertion sort: at most 15 values, and a fraction of std::nth_element's
  // code size on the firmware targets (docs/porting.md budgets).
  for (size_t i = 1; i < end; ++i) {
    const uint64_t v = w.time_ns(i) - w.time_ns(i - 1);
    size_t k = n++;
    for (; k > 0 && intervals[k - 1] > v; --k) intervals[k] = intervals[k - 1];
    intervals[k] = v;
  }
  return intervals[n / 2];
}

}  // namespace

std::span<const FeatureDef> feature_defs(ComponentClass cls) {
  switch (cls) {
    case ComponentClass::cpu: return kCpu;
    case ComponentClass::memory: return kMemory;
    case ComponentClass::disk: return kDisk;
    case ComponentClass::network: return kNetwork;
  }
  return {};
}

uint32_t feature_index(ComponentClass cls, std::string_view name) {
  const auto defs = feature_defs(cls);
  uint32_t i = 0;
  while (i < defs.size() && name != defs[i].name) ++i;
  return i;
}

void MetricWindow::reset(ComponentClass cls, float ewma_alpha, uint64_t span_ns) {
  *this = MetricWindow{};
  cls_ = cls;
  alpha_ = ewma_alpha > 0.0f && ewma_alpha <= 1.0f ? ewma_alpha : 0.25f;
  span_ns_ = span_ns;
}

bool MetricWindow::is_gap(size_t i) const {
  return missed_before_[index(i)] ||
         (nominal_interval_ns_ > 0 && time_ns(i) - time_ns(i - 1) > kGapFactor * nominal_interval_ns_);
}

uint64_t MetricWindow::increase(size_t i, uint32_t slot) const {
  return counter_increase(value(i - 1, slot), value(i, slot));
}

Status MetricWindow::push(uint64_t time_ns, std::span<const uint64_t> values, bool missed_before) {
  const uint32_t metrics = metric_count(cls_);
  if (values.size() != metrics) return Status::invalid_argument;
  if (size_ > 0 && time_ns <= this->time_ns(size_ - 1)) return Status::invalid_argument;
  // Judged against the intervals before it: is the new one a gap?
  const uint64_t before = median_interval(*this, size_);
  const bool gap =
      size_ > 0 && (missed_before || (before > 0 && time_ns - this->time_ns(size_ - 1) > kGapFactor * before));
  newest_missed_tick_ = missed_before;
  // The counter rates the EWMAs average are per sample: taken against the
  // previous sample, before it may be replaced.
  const bool had_previous = size_ > 0;
  const uint64_t previous_ns = had_previous ? this->time_ns(size_ - 1) : 0;
  uint64_t previous[kMaxMetricsPerClass] = {};
  for (uint32_t m = 0; m < metrics && had_previous; ++m) previous[m] = value(size_ - 1, m);

  // A window with a span replaces its newest sample while that one is less
  // than the spacing after the sample before it (the class comment).
  const bool replace = span_ns_ > 0 && size_ >= 2 &&
                       this->time_ns(size_ - 1) - this->time_ns(size_ - 2) < span_ns_ / (kWindowCapacity - 1);
  if (replace) {
    const size_t slot_index = index(size_ - 1);
    time_[slot_index] = time_ns;
    missed_before_[slot_index] = missed_before_[slot_index] || missed_before;
    for (uint32_t m = 0; m < metrics; ++m) value_[slot_index][m] = values[m];
  } else {
    const size_t slot_index = size_ < kWindowCapacity ? index(size_) : head_;
    time_[slot_index] = time_ns;
    missed_before_[slot_index] = size_ > 0 && missed_before;
    for (uint32_t m = 0; m < metrics; ++m) value_[slot_index][m] = values[m];
    if (size_ < kWindowCapacity) ++size_;
    else head_ = (head_ + 1) % kWindowCapacity;
    // Sampled more coarsely than the spacing, a window would reach back
    // kWindowCapacity samples, further than its span: it keeps the samples
    // the span needs (the oldest one at or before the span's start) and
    // never fewer than two.
    while (span_ns_ > 0 && size_ > 2 && time_ns - this->time_ns(1) >= span_ns_) {
      head_ = (head_ + 1) % kWindowCapacity;
      --size_;
    }
  }

  // EWMAs are kept incrementally: samples that leave the ring still count.
  // A counter's rate across a gap (judged against the intervals before it)
  // is not averaged in: what arrived after an outage is no rate.
  const double a = alpha_;
  nominal_interval_ns_ = median_interval(*this, size_);
  // The long rates' decay over this interval (a gap's too: it is time).
  double long_decay = 1.0, interval_s = 0.0;
  if (had_previous) {
    interval_s = seconds_between(previous_ns, time_ns);
    const uint64_t window_ns =
        span_ns_ > 0 ? span_ns_
                     : (kWindowCapacity - 1) * (nominal_interval_ns_ > 0 ? nominal_interval_ns_ : time_ns - previous_ns);
    long_decay = exact::exp(-interval_s / (static_cast<double>(kLongWindowFactor * window_ns) / kNsPerS));
  }
  for (uint32_t m = 0; m < metrics; ++m) {
    double x = 0.0;
    if (metric_is_counter(metric_at(cls_, m))) {
      if (!had_previous) continue;
      long_increase_[m] *= long_decay;
      long_seconds_[m] *= long_decay;
      if (gap) continue;
      const double increase = static_cast<double>(counter_increase(previous[m], values[m]));
      long_increase_[m] += increase;
      long_seconds_[m] += interval_s;
      x = increase / interval_s;
    } else {
      x = static_cast<double>(values[m]);
      // After an outage a gauge starts afresh: the average of readings from
      // before it is no estimate of the level now.
      if (gap) ewma_started_[m] = false;
    }
    ewma_[m] = ewma_started_[m] ? a * x + (1.0 - a) * ewma_[m] : x;
    ewma_started_[m] = true;
  }
  return Status::ok;
}

void compute_features(const MetricWindow& window, FeatureVector& out) {
  const auto defs = feature_defs(window.component_class());
  out.count = static_cast<uint8_t>(defs.size());
  for (size_t f = 0; f < defs.size(); ++f)
    out.value[f] = static_cast<float>(feature_value(window, defs[f]) * defs[f].unit_scale);
}

}  // namespace crashtwin
