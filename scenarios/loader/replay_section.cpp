#include "scenarios/loader/replay_section.h"

#include <exception>

#include <fmt/format.h>

#include "scenarios/replay/replay_plan.h"
#include "scenarios/replay/telemetry_trace.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::scenario {

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
  s.replay = std::move(r);
}

}  // namespace crashtwin::scenario
