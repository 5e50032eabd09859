#include "scenarios/replay/telemetry_trace.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <utility>

#include "scenarios/replay/csv_reader.h"

namespace crashtwin::replay {
namespace {

enum Column : size_t { kTimestamp, kComponent, kMetric, kValue };

uint32_t key_of(ComponentId id) { return (static_cast<uint32_t>(id.cls) << 16) | id.instance; }

bool before(ComponentId a, ComponentId b) { return key_of(a) < key_of(b); }

}  // namespace

bool parse_decimal_seconds(std::string_view text, uint64_t& nanoseconds) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty()) || fraction.size() > 9) return false;
  const auto all_digits = [](std::string_view s) { return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  if (!all_digits(whole) || !all_digits(fraction)) return false;
  uint64_t seconds = 0;
  const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (ec != std::errc() || end != whole.data() + whole.size()) return false;
  uint64_t frac_ns = 0;
  for (size_t i = 0; i < 9; ++i) frac_ns = frac_ns * 10 + (i < fraction.size() ? static_cast<uint64_t>(fraction[i] - '0') : 0);
  constexpr uint64_t kNsPerS = 1'000'000'000;
  if (seconds > (UINT64_MAX - frac_ns) / kNsPerS) return false;
  nanoseconds = seconds * kNsPerS + frac_ns;
  return true;
}

bool parse_component_name(std::string_view text, ComponentId& out) {
  const size_t digits = text.find_first_of("0123456789");
  if (digits == std::string_view::npos || digits == 0) return false;
  ComponentClass cls;
  if (!parse(text.substr(0, digits), cls)) return false;
  const std::string_view number = text.substr(digits);
  if (number.size() > 1 && number.front() == '0') return false;
  uint16_t instance = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), instance);
  if (ec != std::errc() || end != number.data() + number.size()) return false;
  out = ComponentId{cls, instance};
  return true;
}

std::string component_name(ComponentId id) { return std::string(to_string(id.cls)) + std::to_string(id.instance); }

TelemetryTrace TelemetryTrace::read(std::istream& in, const std::string& source) {
  csv::Reader reader(in, source);
  reader.expect_header({"timestamp", "component", "metric", "value"});
  TelemetryTrace trace;
  std::vector<uint64_t> raw_times;
  uint64_t previous_time = 0;
  // Last value of every counter series, to reject a counter going backwards.
  std::map<std::pair<uint32_t, Metric>, uint64_t> last_counter;
  while (reader.next()) {
    if (raw_times.size() == kMaxTraceRows)
      reader.fail_line("the trace has more than " + std::to_string(kMaxTraceRows) +
                       " rows (the limit of a replayed trace); split or thin it");
    uint64_t time = 0;
    if (!parse_decimal_seconds(reader.text(kTimestamp), time))
      reader.fail(kTimestamp, "'" + std::string(reader.field(kTimestamp)) +
                                  "' is not decimal seconds (e.g. 12.25, at most 9 fraction digits)");
    if (!raw_times.empty() && time < previous_time) reader.fail(kTimestamp, "goes backwards (rows must be in time order)");
    previous_time = time;

    TelemetrySample s;
    if (!parse_component_name(reader.text(kComponent), s.component))
      reader.fail(kComponent, "'" + std::string(reader.field(kComponent)) +
                                  "' is not a component (cpu0, memory1, disk0, network0...)");
    if (!parse(reader.text(kMetric), s.metric))
      reader.fail(kMetric, "'" + std::string(reader.field(kMetric)) + "' is not a metric name (see platform/core/types.h)");
    if (component_class_of(s.metric) != s.component.cls)
      reader.fail(kMetric, std::string(to_string(s.metric)) + " is not a metric of a " + to_string(s.component.cls));
    s.value = reader.u64(kValue);
    if (metric_is_counter(s.metric)) {
      const auto key = std::make_pair(key_of(s.component), s.metric);
      const auto it = last_counter.find(key);
      if (it != last_counter.end() && s.value < it->second)
        reader.fail(kValue, "counter " + std::string(to_string(s.metric)) + " decreases from " +
                                std::to_string(it->second) + " to " + std::to_string(s.value));
      last_counter[key] = s.value;
    }
    raw_times.push_back(time);
    trace.samples_.push_back(s);
  }
  const uint64_t origin = raw_times.empty() ? 0 : raw_times.front();
  for (size_t i = 0; i < raw_times.size(); ++i) {
    TelemetrySample& s = trace.samples_[i];
    s.time_ns = raw_times[i] - origin;
    trace.series_[{key_of(s.component), s.metric}].push_back({s.time_ns, s.value});
  }
  return trace;
}

TelemetryTrace TelemetryTrace::read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw csv::InputError(path + ": cannot open telemetry trace");
  return read(in, path);
}

std::vector<ComponentId> TelemetryTrace::components() const {
  std::vector<ComponentId> out;
  for (const auto& s : samples_)
    if (std::find(out.begin(), out.end(), s.component) == out.end()) out.push_back(s.component);
  std::sort(out.begin(), out.end(), before);
  return out;
}

std::vector<Metric> TelemetryTrace::metrics_of(ComponentId component) const {
  std::vector<Metric> out;
  for (const auto& s : samples_)
    if (s.component == component && std::find(out.begin(), out.end(), s.metric) == out.end()) out.push_back(s.metric);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<uint64_t> TelemetryTrace::value_at(ComponentId component, Metric metric, uint64_t time_ns) const {
  const auto it = series_.find({key_of(component), metric});
  if (it == series_.end()) return std::nullopt;
  const std::vector<Point>& points = it->second;
  // First point after time_ns; the one before it is the value in force.
  const auto after = std::upper_bound(points.begin(), points.end(), time_ns,
                                      [](uint64_t t, const Point& p) { return t < p.time_ns; });
  if (after == points.begin()) return std::nullopt;
  return std::prev(after)->value;
}

}  // namespace crashtwin::replay
