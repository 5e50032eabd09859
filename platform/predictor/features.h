// Features the failure model sees, computed from fixed-size windows of sampled
// metrics. One MetricWindow per component instance holds the last
// kWindowCapacity samples of every metric of its class (a ring, no heap);
// compute_features turns a window into the class's feature vector. The
// feature definitions below are the single source of truth the offline
// trainer reads too (names, units), so training and firmware cannot drift:
// changing them means bumping kFeatureSetVersion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "platform/core/status.h"
#include "platform/core/types.h"

namespace crashtwin {

// 2: the memory class's corrected-error rows (ce_rows_in_window, ce_rows_total).
// 3: its banks, columns and repeated addresses (ce_banks_total, ce_columns_total,
//    ce_repeats_in_window).
// 4: the disk class's SMART counters (Backblaze's five: increases in the
//    window, and the reallocated and pending totals).
// 5: rates over several windows: the error counters' rates over the
//    window's newest quarter (rate_recent) and over kLongWindowFactor
//    windows (rate_long), beside the window's own count.
// 6: the memory class's error bits: corrected errors since boot whose bits
//    span two or more DQ lanes (ce_multi_dq_total) or beats of the burst
//    (ce_multi_beat_total).
inline constexpr uint16_t kFeatureSetVersion = 6;
// Most features a class uses (the model blob's per-class capacity).
inline constexpr size_t kMaxFeatures = 20;
// Samples kept per instance: with a 100 ms allocation frequency and no
// window span, 1.6 s of history, enough for slopes while a precursor is
// still young. A window with a span (MetricWindow::reset) keeps as many
// samples spread over that time instead.
inline constexpr size_t kWindowCapacity = 16;
// An interval more than kGapFactor times the window's median interval is a
// gap (missed samples: a logging or sampling outage). What a counter gained
// across a gap is masked, not counted as the window's: errors delivered in
// one burst after an outage are no sign of a failing part. The median needs
// kMinIntervalsForGaps intervals; before that nothing is a gap. An interval
// the sampler knows it missed a tick in (its timer overran) is a gap too,
// however short: a missed tick is a gap, not a zero.
inline constexpr uint64_t kGapFactor = 4;
inline constexpr size_t kMinIntervalsForGaps = 3;
// Rates over several windows. A failing part's errors accelerate: the rate
// over the window's newest 1/kRecentFraction against the window's own says
// whether they are arriving faster now; the rate over kLongWindowFactor
// windows is the trailing span field rules read (mcelog counts a day: a
// one-hour window times 16 is 16 hours). The long rate is kept per sample
// like the EWMAs (time-weighted, decaying with a time constant of
// kLongWindowFactor windows), so the ring stays kWindowCapacity samples.
inline constexpr uint64_t kRecentFraction = 4;
inline constexpr uint64_t kLongWindowFactor = 16;

// How a feature derives from the window of one metric. Counters are
// cumulative registers: they are turned into per-interval increases from
// consecutive samples first (a counter that goes backwards was reset, and its
// new value is the increase).
enum class FeatureKind : uint8_t {
  last,        // gauge: newest sample
  ewma,        // gauge: EWMA of samples; counter: EWMA of per-interval rates (1/s)
  slope,       // gauge: least-squares slope against time (unit/s)
  rate,        // counter: increase over the window / window span (1/s)
  count,       // counter: increase over the window
  rate_slope,  // counter: least-squares slope of per-interval rates against time (1/s^2)
  rate_recent, // counter: increase over the intervals in the window's newest
               //   1/kRecentFraction of its time, per sampled second there (1/s)
  rate_long,   // counter: increase per sampled second over about
               //   kLongWindowFactor windows (MetricWindow::long_rate, 1/s)
};

struct FeatureDef {
  const char* name;  // stable: the trainer's column name
  FeatureKind kind;
  Metric metric;
  float unit_scale;  // raw register unit -> feature unit (e.g. m°C -> °C = 1e-3)
};

// The feature set of a class, in model-weight order:
//   cpu:     utilization_ewma (fraction), temperature_c, temperature_slope_c_per_s,
//            power_ewma_w, exception_rate_per_s, interrupt_rate_k_per_s,
//            corrected_errors_in_window, corrected_error_rate_slope,
//            corrected_error_rate_recent_per_s, corrected_error_rate_long_per_s
//   memory:  pressure_ewma (fraction), traffic_gb_per_s, corrected_errors_in_window,
//            corrected_error_rate_slope, uncorrected_errors_in_window,
//            temperature_c, temperature_slope_c_per_s,
//            ce_rows_in_window (rows with their first corrected error in the
//            window), ce_rows_total (distinct rows with corrected errors since
//            boot: a fault's spatial extent, row faults against cell faults),
//            ce_banks_total, ce_columns_total, ce_repeats_in_window,
//            corrected_error_rate_recent_per_s, corrected_error_rate_long_per_s,
//            ce_multi_dq_total, ce_multi_beat_total (corrected errors since
//            boot with bits in several DQ lanes, several beats)
//   disk:    io_k_per_s, latency_ewma_us, latency_slope_us_per_s, queue_depth_ewma,
//            timeouts_in_window, media_errors_in_window, temperature_c,
//            temperature_slope_c_per_s, smart_reallocated_in_window (SMART 5),
//            smart_reported_uncorrectable_in_window (187),
//            smart_command_timeouts_in_window (188), smart_pending_in_window
//            (197), smart_offline_uncorrectable_in_window (198),
//            smart_reallocated_total, smart_pending_total (since boot: the
//            raw values Backblaze reads), timeout_rate_long_per_s,
//            media_error_rate_long_per_s
//   network: throughput_mb_per_s, latency_ewma_us, latency_slope_us_per_s,
//            crc_errors_in_window, link_flaps_in_window, drop_rate_per_s,
//            temperature_c, temperature_slope_c_per_s,
//            crc_error_rate_recent_per_s, crc_error_rate_long_per_s
std::span<const FeatureDef> feature_defs(ComponentClass cls);
inline uint32_t feature_count(ComponentClass cls) {
  return static_cast<uint32_t>(feature_defs(cls).size());
}
// The position of the feature called `name` in the class's set;
// feature_count(cls) when the class has none of that name.
uint32_t feature_index(ComponentClass cls, std::string_view name);

struct FeatureVector {
  uint8_t count = 0;
  float value[kMaxFeatures] = {};
};

// The recent samples of every metric of one component instance. Trivially
// copyable and fixed size, so the agent carves an array of them from the
// memory it is handed.
//
// Span 0: the last kWindowCapacity samples, whatever time they cover (1.6 s
// at a 100 ms sampling period, 16 minutes at 60 s). A span in time (the
// model's window, minutes to days) keeps the window that long at any
// sampling period: samples are kept at least span / (kWindowCapacity - 1)
// apart, and the newest sample replaces the window's last one while that
// one is less than the spacing after the sample before it, so the window
// ends at the newest sample and reaches back between `span` less one
// spacing and `span` (at a sampling period that divides the spacing). At a
// sampling period above the spacing it keeps the samples the span needs:
// the oldest is the last one at or before the span's start (two at least),
// so a 10-minute window sampled every 60 s reaches 10 minutes back, not 15. Counters lose nothing (an increase between kept
// samples is every increase in between); gauges' slopes are taken over the
// kept samples; EWMAs are kept per sample, as with span 0. A sample that
// replaces the last one carries over its missed-tick mark: the interval then
// still holds the missed tick.
class MetricWindow {
 public:
  // Empties the window for an instance of `cls`; `ewma_alpha` (0..1] is the
  // weight of the newest sample in every EWMA; `span_ns` as above (0: the
  // last kWindowCapacity samples).
  void reset(ComponentClass cls, float ewma_alpha, uint64_t span_ns = 0);

  // Appends one sample of every metric of the class (values[slot], slot as in
  // metric_slot). Status::invalid_argument when the value count does not match
  // the class or time does not move forward; the window is then unchanged.
  // `missed_before`: the sampler missed at least one tick since the previous
  // sample, so the interval before this one is a gap.
  Status push(uint64_t time_ns, std::span<const uint64_t> values, bool missed_before = false);

  ComponentClass component_class() const { return cls_; }
  float ewma_alpha() const { return alpha_; }
  uint64_t span_ns() const { return span_ns_; }
  // The newest push's `missed_before`: what a copy of the window (the
  // dataset builder's) is fed with the newest sample to stay identical.
  bool newest_missed_tick() const { return newest_missed_tick_; }
  size_t size() const { return size_; }
  // i = 0 is the oldest sample kept.
  uint64_t time_ns(size_t i) const { return time_[index(i)]; }
  uint64_t value(size_t i, uint32_t slot) const { return value_[index(i)][slot]; }
  // Increase of a counter between samples i-1 and i (i >= 1).
  uint64_t increase(size_t i, uint32_t slot) const;
  // The interval between samples i-1 and i (i >= 1) is a gap (kGapFactor, or
  // a missed tick).
  bool is_gap(size_t i) const;
  // EWMA of a gauge's samples, or of a counter's per-interval rates (1/s);
  // raw register units. 0 until there is something to average.
  double ewma(uint32_t slot) const { return ewma_[slot]; }
  // A counter's increase per sampled second over about kLongWindowFactor
  // windows: increases and sampled seconds each decay with that time
  // constant (the span's kLongWindowFactor times; with no span, that many
  // windows of kWindowCapacity samples at the median interval), gaps
  // counting for neither. 0 until an interval was sampled (long_sampled).
  double long_rate(uint32_t slot) const {
    return long_seconds_[slot] > 0.0 ? long_increase_[slot] / long_seconds_[slot] : 0.0;
  }
  bool long_sampled(uint32_t slot) const { return long_seconds_[slot] > 0.0; }

 private:
  size_t index(size_t i) const { return (head_ + i) % kWindowCapacity; }

  uint64_t time_[kWindowCapacity] = {};
  uint64_t value_[kWindowCapacity][kMaxMetricsPerClass] = {};
  bool missed_before_[kWindowCapacity] = {};
  double ewma_[kMaxMetricsPerClass] = {};
  bool ewma_started_[kMaxMetricsPerClass] = {};
  double long_increase_[kMaxMetricsPerClass] = {};
  double long_seconds_[kMaxMetricsPerClass] = {};
  size_t head_ = 0;  // oldest sample
  size_t size_ = 0;
  uint64_t nominal_interval_ns_ = 0;  // median interval of the window (0: too few to tell)
  uint64_t span_ns_ = 0;              // 0: every sample is kept
  bool newest_missed_tick_ = false;
  float alpha_ = 0.25f;
  ComponentClass cls_ = ComponentClass::cpu;
};

// The feature vector of the window's class (count = feature_count(class)).
// With fewer than two samples, rates, counts and slopes are 0; rate_slope
// needs three. Counters' counts and rates leave out gaps (kGapFactor): a
// rate is the increase over the sampled intervals per sampled second.
void compute_features(const MetricWindow& window, FeatureVector& out);

}  // namespace crashtwin
