#include "scenarios/loader/replay_section.h"

#include <exception>

#include <fmt/format.h>

#include "platform/core/units.h"
#include "scenarios/replay/replay_plan.h"
#include "scenarios/replay/telemetry_trace.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::scenario {
namespace {

// Counters replayed exactly (corrected errors, link flaps) are played one
// event per increase, and counters replayed as a rate drive a model's
// arrivals: an increase beyond these bounds within one sample is a broken
// log (a counter wrapped or reset), not telemetry.
constexpr uint64_t kMaxReplayedEventsPerSample = 100'000;
// Gauges: temperatures in m°C, latencies in ns.
constexpr uint64_t kMaxReplayedTemperatureMilliC = static_cast<uint64_t>(kMaxTemperatureCelsius * 1000);
constexpr uint64_t kMaxReplayedLatencyNs = 3'600'000'000'000ull;  // one hour

// Reports the first step beyond a bound (a broken log breaks most of its
// steps: one message names the fault).
bool check_replay_steps(ReadContext& ctx, const YAML::Node& trace_node, const ReplaySettings& r) {
  for (const replay::ReplayStep& step : r.steps) {
    std::string problem;
    switch (step.hook) {
      case replay::ReplayHook::inject_corrected_errors:
      case replay::ReplayHook::link_flaps:
        if (step.value > kMaxReplayedEventsPerSample)
          problem = fmt::format("the counter rises by {} in one sample; at most {} events per sample are replayed",
                                step.value, kMaxReplayedEventsPerSample);
        break;
      case replay::ReplayHook::counter_rate:
        if (!(step.rate <= kMaxRatePerSecond))
          problem = fmt::format("the counter rises at {:g} per second; at most {:g} per second are replayed", step.rate,
                                kMaxRatePerSecond);
        break;
      case replay::ReplayHook::dimm_temperature:
      case replay::ReplayHook::inlet_temperature:
        if (step.value > kMaxReplayedTemperatureMilliC)
          problem = fmt::format("{} m°C is above the limit of {} m°C", step.value, kMaxReplayedTemperatureMilliC);
        break;
      case replay::ReplayHook::latency_offset:
        if (step.value > kMaxReplayedLatencyNs)
          problem = fmt::format("a latency change of {} is above the limit of {}", duration_text(step.value),
                                duration_text(kMaxReplayedLatencyNs));
        break;
    }
    if (problem.empty()) continue;
    ctx.error(trace_node, "replay.trace",
              fmt::format("{}: {} {} at {}: {}", r.trace_path, replay::component_name(step.component),
                          to_string(step.metric), duration_text(step.time_ns), problem));
    return false;
  }
  return true;
}

}  // namespace

void read_replay(MapReader& root, Scenario& s, const std::filesystem::path& base_dir) {
  const YAML::Node node = root.get("replay");
  if (!node.IsDefined() || node.IsNull()) return;
  ReadContext& ctx = root.context();
  MapReader m(ctx, node, "replay");
  if (!m.is_map()) return;
  ReplaySettings r;
  r.where = ctx.locate(node, "replay");
  const std::optional<std::string> trace = m.text("trace", Need::required);
  r.start_ns = m.duration("start", Need::optional).value_or(0);
  const YAML::Node trace_node = m.get("trace");
  m.finish();
  if (!trace) return;

  std::filesystem::path path(*trace);
  if (path.is_relative()) path = base_dir / path;
  r.trace_path = path.lexically_normal().string();
  replay::TelemetryTrace parsed;
  try {
    parsed = replay::TelemetryTrace::read_file(r.trace_path);
  } catch (const std::exception& e) {
    ctx.error(trace_node, "replay.trace", e.what());
    return;
  }
  if (parsed.samples().empty()) {
    ctx.error(trace_node, "replay.trace", fmt::format("{}: the trace has no samples", r.trace_path));
    return;
  }
  bool usable = true;
  for (const ComponentId c : parsed.components())
    for (const Metric metric : parsed.metrics_of(c))
      if (!replay::is_replayable(metric)) {
        ctx.error(trace_node, "replay.trace",
                  fmt::format("{}: {} {} cannot be replayed (a workload result, not a precursor); replayable "
                              "metrics: {}",
                              r.trace_path, replay::component_name(c), to_string(metric),
                              replay::replayable_metric_names()));
        usable = false;
      }
  r.trace_duration_ns = parsed.duration_ns();
  if (s.duration_ns != 0 && r.start_ns + r.trace_duration_ns > s.duration_ns) {
    ctx.error(trace_node, "replay.trace",
              fmt::format("{}: the trace spans {} from replay.start {}, past the scenario's duration {}",
                          r.trace_path, duration_text(r.trace_duration_ns), duration_text(r.start_ns),
                          duration_text(s.duration_ns)));
    usable = false;
  }
  if (!usable) return;
  r.components = parsed.components();
  r.steps = replay::plan_replay(parsed.samples());
  if (!check_replay_steps(ctx, trace_node, r)) return;
  s.replay = std::move(r);
}

}  // namespace crashtwin::scenario
