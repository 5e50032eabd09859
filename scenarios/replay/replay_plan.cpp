#include "scenarios/replay/replay_plan.h"

#include <algorithm>
#include <map>
#include <utility>

namespace crashtwin::replay {
namespace {

constexpr Metric kReplayable[] = {
    Metric::cpu_corrected_errors, Metric::cpu_exceptions,   Metric::cpu_temperature,
    Metric::mem_corrected_errors, Metric::mem_temperature,  Metric::disk_latency,
    Metric::disk_timeouts,        Metric::disk_media_errors, Metric::disk_temperature,
    Metric::net_latency,          Metric::net_crc_errors,   Metric::net_link_flaps,
    Metric::net_temperature,
};

// Counters replayed as a rate over each interval (the models draw the
// arrivals from the scenario seed).
bool is_rate_counter(Metric m) {
  return m == Metric::disk_media_errors || m == Metric::disk_timeouts || m == Metric::net_crc_errors ||
         m == Metric::cpu_corrected_errors || m == Metric::cpu_exceptions;
}

// Steps of one series (one component's metric), its samples in time order.
void plan_series(const std::vector<const TelemetrySample*>& series, std::vector<ReplayStep>& out) {
  const TelemetrySample& first = *series.front();
  const Metric m = first.metric;
  const auto step = [&](const TelemetrySample& s, ReplayHook hook, uint64_t value, double rate = 0) {
    out.push_back({s.time_ns, s.component, m, hook, value, rate});
  };
  for (size_t i = 0; i < series.size(); ++i) {
    const TelemetrySample& s = *series[i];
    const uint64_t increase = i == 0 ? 0 : s.value - series[i - 1]->value;  // counters never decrease (reader)
    switch (m) {
      case Metric::mem_corrected_errors:
        if (increase > 0) step(s, ReplayHook::inject_corrected_errors, increase);
        break;
      case Metric::net_link_flaps:
        if (increase > 0) step(s, ReplayHook::link_flaps, increase);
        break;
      case Metric::mem_temperature:
        step(s, ReplayHook::dimm_temperature, s.value);
        break;
      case Metric::cpu_temperature:
      case Metric::disk_temperature:
      case Metric::net_temperature:
        step(s, ReplayHook::inlet_temperature, s.value);
        break;
      case Metric::disk_latency:
      case Metric::net_latency:
        step(s, ReplayHook::latency_offset, s.value > first.value ? s.value - first.value : 0);
        break;
      default:
        if (!is_rate_counter(m)) return;
        {
          // From this sample on, the rate that adds the next sample's
          // increase by the next sample's time; samples at one time are one
          // record (the last of them carries the rate); none after: 0.
          if (i + 1 < series.size() && series[i + 1]->time_ns == s.time_ns) break;
          size_t next = i + 1;  // the next time's last record
          while (next + 1 < series.size() && series[next + 1]->time_ns == series[next]->time_ns) ++next;
          double rate = 0;
          if (next < series.size()) {
            const double dt_s = static_cast<double>(series[next]->time_ns - s.time_ns) * 1e-9;
            rate = static_cast<double>(series[next]->value - s.value) / dt_s;
          }
          step(s, ReplayHook::counter_rate, 0, rate);
        }
        break;
    }
  }
}

}  // namespace

bool is_replayable(Metric m) { return std::find(std::begin(kReplayable), std::end(kReplayable), m) != std::end(kReplayable); }

std::string replayable_metric_names() {
  std::string names;
  for (const Metric m : kReplayable) names += std::string(names.empty() ? "" : ", ") + to_string(m);
  return names;
}

std::vector<ReplayStep> plan_replay(std::span<const TelemetrySample> samples) {
  // Series in a fixed order (class, instance, metric) so steps at equal times
  // are applied in the same order on every run.
  std::map<std::tuple<ComponentClass, uint16_t, Metric>, std::vector<const TelemetrySample*>> series;
  for (const TelemetrySample& s : samples)
    if (is_replayable(s.metric)) series[{s.component.cls, s.component.instance, s.metric}].push_back(&s);
  std::vector<ReplayStep> steps;
  for (const auto& [key, points] : series) plan_series(points, steps);
  std::stable_sort(steps.begin(), steps.end(),
                   [](const ReplayStep& a, const ReplayStep& b) { return a.time_ns < b.time_ns; });
  return steps;
}

}  // namespace crashtwin::replay
