// Recorded telemetry a scenario can replay into a component's metric
// registers instead of (or on top of) synthetic precursors, so real logs
// (corrected-error logs, SMART records) drive the twin. Format: docs/training.md
// "Telemetry replay format":
//
//   timestamp,component,metric,value
//   1700000000.250,memory1,mem_corrected_errors,3
//
// timestamp: decimal seconds (up to 9 fraction digits, exact); the trace
//   starts at its earliest timestamp, so epoch times replay from scenario
//   time 0. Rows must be in non-decreasing time order.
// component: class name and instance, e.g. cpu0, memory1, disk0, network1.
// metric: a Metric name of that class (types.h), e.g. mem_corrected_errors.
// value: the register value in the register's unit (types.h): counters are
//   cumulative and must not decrease; gauges are instantaneous.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/core/types.h"

namespace crashtwin::replay {

struct TelemetrySample {
  uint64_t time_ns = 0;  // from the trace's first timestamp
  ComponentId component;
  Metric metric = Metric::cpu_utilization;
  uint64_t value = 0;
};

// A trace longer than this is refused (its samples and the replay plan are
// held in memory): a day sampled every 100 ms per metric of a few components.
inline constexpr size_t kMaxTraceRows = 1'000'000;

class TelemetryTrace {
 public:
  // Parses a whole trace; csv::InputError ("file:line: column 'x': ...") on
  // any malformed row, unknown component or metric, metric of another class,
  // time going backwards, a counter decreasing or more than kMaxTraceRows rows.
  static TelemetryTrace read(std::istream& in, const std::string& source);
  static TelemetryTrace read_file(const std::string& path);

  // Every sample in file order (non-decreasing time).
  std::span<const TelemetrySample> samples() const { return samples_; }
  // Components the trace drives, sorted by class then instance.
  std::vector<ComponentId> components() const;
  // Metrics the trace drives for `component`, in Metric order.
  std::vector<Metric> metrics_of(ComponentId component) const;
  // Register value of (component, metric) at `time_ns`: the last sample at or
  // before that time; nullopt before its first sample or if never recorded.
  std::optional<uint64_t> value_at(ComponentId component, Metric metric, uint64_t time_ns) const;
  // Time of the last sample.
  uint64_t duration_ns() const { return samples_.empty() ? 0 : samples_.back().time_ns; }

 private:
  struct Point {
    uint64_t time_ns;
    uint64_t value;
  };
  using SeriesKey = std::pair<uint32_t, Metric>;  // (class << 16 | instance, metric)

  std::vector<TelemetrySample> samples_;
  std::map<SeriesKey, std::vector<Point>> series_;  // time ordered per series: value_at is O(log n)
};

// "memory1" <-> ComponentId{memory, 1}. Instances are decimal, 0..65535,
// without leading zeros.
bool parse_component_name(std::string_view text, ComponentId& out);
std::string component_name(ComponentId id);

// "12.5" seconds -> 12'500'000'000 ns exactly; false when not a plain
// non-negative decimal with at most 9 fraction digits or when it overflows.
bool parse_decimal_seconds(std::string_view text, uint64_t& nanoseconds);

}  // namespace crashtwin::replay
