#include "scenarios/loader/replay_section.h"

#include <algorithm>
#include <array>
#include <exception>
#include <map>

#include <fmt/format.h>

#include "platform/core/units.h"
#include "scenarios/loader/limits.h"
#include "scenarios/replay/memory_error_logs.h"
#include "scenarios/replay/replay_plan.h"
#include "scenarios/replay/tickets.h"
#include "scenarios/replay/telemetry_trace.h"
#include "scenarios/schema/quantity_text.h"

namespace crashtwin::scenario {
namespace {

// Counters replayed exactly (corrected errors, link flaps) are played one
// event per increase, and counters replayed as a rate drive a model's
// arrivals: an increase beyond these bounds within one sample is a broken
// log (a counter wrapped or reset), not telemetry.
constexpr uint64_t kMaxReplayedEventsPerSample = 100'000;
// A memory error log names at most this many DIMMs (a board has no more
// memory instances than that).
constexpr size_t kMaxLogDimms = 1024;
// Gauges: temperatures in m°C, latencies in ns.
constexpr uint64_t kMaxReplayedTemperatureMilliC = static_cast<uint64_t>(kMaxTemperatureCelsius * 1000);
constexpr uint64_t kMaxReplayedLatencyNs = 3'600'000'000'000ull;  // one hour

// A span of recorded time in scenario time: divided by `replay.time_scale`
// and rounded to the nanosecond. A scale of 1 passes the span through
// exactly (a double holds only 53 bits); a span beyond 2^64 ns saturates, so
// the duration check reports it.
uint64_t scenario_span(uint64_t recorded_ns, double time_scale) {
  if (time_scale == 1.0) return recorded_ns;
  const double ns = static_cast<double>(recorded_ns) / time_scale + 0.5;
  return ns >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(ns);
}

// " at time_scale 720" in messages about spans, when the log is scaled.
std::string scale_text(double time_scale) {
  return time_scale == 1.0 ? std::string() : fmt::format(" at time_scale {:g}", time_scale);
}

bool runs_past(const ReplaySettings& r, const Scenario& s) {
  return s.duration_ns != 0 && (r.start_ns > s.duration_ns || r.trace_duration_ns > s.duration_ns - r.start_ns);
}

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

// The tickets' components: a crashtwin id ("memory.1"), or a DIMM of the
// log by its label or its key ("mc0 1:0:-1").
replay::TicketComponentResolver ticket_resolver(const std::map<std::string, ComponentId>& dimms) {
  return [&dimms](std::string_view text) -> std::optional<ComponentId> {
    ComponentId id;
    if (parse_component(text, id)) return id;
    if (const auto it = dimms.find(std::string(text)); it != dimms.end()) return it->second;
    return std::nullopt;
  };
}

// A memory error log (rasdaemon's database, the kernel's EDAC lines or
// mcelog's records) as replay steps and failures, and the failure tickets
// beside it. DIMMs map to the board's memory instances in the order of their
// keys (controller, then layers, numerically): memory0 is the lowest.
// Corrected errors become inject_corrected_errors steps at their logged
// address; uncorrected ones become memory_uncorrectable failures; tickets
// become failures of their own. The earliest event or ticket is replayed at
// replay.start.
bool plan_memory_log(ReadContext& ctx, const YAML::Node& trace_node, const YAML::Node& tickets_node,
                     const std::string& format, ReplaySettings& r, Scenario& s) {
  std::vector<replay::MemoryErrorEvent> events;
  replay::McelogSummary summary;
  try {
    events = format == "rasdaemon" ? replay::read_rasdaemon_db(r.trace_path)
             : format == "edac"    ? replay::read_edac_log(r.trace_path)
                                   : replay::read_mcelog_log(r.trace_path, &summary);
  } catch (const std::exception& e) {
    ctx.error(trace_node, "replay.trace", e.what());
    return false;
  }
  const size_t skipped = summary.not_memory + summary.not_valid;
  if (skipped > 0)
    r.notes.push_back(fmt::format("{}: {} of {} mcelog records skipped as not memory errors ({} of other units: "
                                  "cache, bus, internal, thermal; {} without a valid status)",
                                  r.trace_path, skipped, summary.records, summary.not_memory, summary.not_valid));
  if (events.empty()) {
    ctx.error(trace_node, "replay.trace",
              fmt::format("{}: the {} log has no memory error events{}", r.trace_path, format,
                          skipped > 0 ? fmt::format(" ({} other mcelog records)", skipped) : std::string()));
    return false;
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.time_ns < b.time_ns; });
  using Key = std::array<int64_t, 4>;
  std::map<Key, uint16_t> instance;
  for (const replay::MemoryErrorEvent& e : events) instance[{e.controller, e.layer[0], e.layer[1], e.layer[2]}] = 0;
  if (instance.size() > kMaxLogDimms) {
    ctx.error(trace_node, "replay.trace",
              fmt::format("{}: {} DIMMs in the log; at most {} are replayed", r.trace_path, instance.size(), kMaxLogDimms));
    return false;
  }
  uint16_t next = 0;
  for (auto& [key, n] : instance) n = next++;
  const auto dimm_of = [&](const replay::MemoryErrorEvent& e) {
    return ComponentId{ComponentClass::memory, instance[{e.controller, e.layer[0], e.layer[1], e.layer[2]}]};
  };

  std::vector<replay::Ticket> tickets;
  if (!r.tickets_path.empty()) {
    if (format == "edac") {
      ctx.error(tickets_node, "replay.tickets",
                "an EDAC dmesg extract is timed from boot, tickets by the calendar: tickets replay beside a "
                "rasdaemon or mcelog log");
      return false;
    }
    std::map<std::string, ComponentId> dimms;  // the log's names of its DIMMs
    for (const replay::MemoryErrorEvent& e : events) {
      dimms.emplace(e.dimm, dimm_of(e));
      if (!e.label.empty()) dimms.emplace(e.label, dimm_of(e));
    }
    try {
      tickets = replay::read_tickets_file(r.tickets_path, ticket_resolver(dimms));
    } catch (const std::exception& e) {
      ctx.error(tickets_node, "replay.tickets", e.what());
      return false;
    }
    std::stable_sort(tickets.begin(), tickets.end(), [](const auto& a, const auto& b) { return a.time_ns < b.time_ns; });
  }

  uint64_t first = events.front().time_ns, last = events.back().time_ns;
  if (!tickets.empty()) {
    first = std::min(first, tickets.front().time_ns);
    last = std::max(last, tickets.back().time_ns);
  }
  size_t failures = 0;
  for (const replay::MemoryErrorEvent& e : events) {
    const ComponentId dimm = dimm_of(e);
    const uint64_t t = scenario_span(e.time_ns - first, r.time_scale);
    if (e.corrected) {
      replay::ReplayStep step;
      step.time_ns = t;
      step.component = dimm;
      step.metric = Metric::mem_corrected_errors;
      step.hook = replay::ReplayHook::inject_corrected_errors;
      step.value = e.count;
      step.address = e.address.value_or(replay::kNoAddress);
      r.steps.push_back(step);
    } else {
      Failure f;
      f.name = fmt::format("replayed_ue_{}", ++failures);  // the log's line or row: MemoryErrorEvent::source
      f.component = dimm;
      f.error = ErrorType::memory_uncorrectable;
      f.when.at_ns = r.start_ns + t;
      f.logged_address = e.address;
      f.where = ctx.locate(trace_node, "replay.trace");
      s.failures.push_back(std::move(f));
    }
    if (std::find(r.components.begin(), r.components.end(), dimm) == r.components.end()) r.components.push_back(dimm);
  }
  for (const replay::Ticket& ticket : tickets) {
    Failure f;
    f.name = fmt::format("ticket_line_{}", ticket.line);
    f.component = ticket.component;
    f.error = ticket.error;
    f.when.at_ns = r.start_ns + scenario_span(ticket.time_ns - first, r.time_scale);
    f.where = ctx.locate(tickets_node, "replay.tickets");
    s.failures.push_back(std::move(f));
  }
  std::sort(r.components.begin(), r.components.end(), [](ComponentId a, ComponentId b) {
    return std::pair(a.cls, a.instance) < std::pair(b.cls, b.instance);
  });
  r.trace_duration_ns = scenario_span(last - first, r.time_scale);
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
  static const std::vector<std::string> kFormats = {"csv", "rasdaemon", "edac", "mcelog"};
  const std::optional<size_t> format = m.choice("format", Need::optional, kFormats);
  const std::optional<std::string> tickets = m.text("tickets", Need::optional);
  const std::optional<double> time_scale = m.number("time_scale", Need::optional);
  const YAML::Node trace_node = m.get("trace");
  const YAML::Node tickets_node = m.get("tickets");
  const YAML::Node time_scale_node = m.get("time_scale");
  m.finish();
  if (time_scale) {
    if (!(*time_scale >= kMinReplayTimeScale && *time_scale <= kMaxReplayTimeScale)) {
      ctx.error(time_scale_node, "replay.time_scale",
                fmt::format("{:g} is out of range; expected recorded seconds per simulated second from {:g} to {:g}",
                            *time_scale, kMinReplayTimeScale, kMaxReplayTimeScale));
      return;
    }
    r.time_scale = *time_scale;
  }
  if (!trace) return;

  std::filesystem::path path(*trace);
  if (path.is_relative()) path = base_dir / path;
  r.trace_path = path.lexically_normal().string();
  if (tickets) {
    std::filesystem::path tickets_path(*tickets);
    if (tickets_path.is_relative()) tickets_path = base_dir / tickets_path;
    r.tickets_path = tickets_path.lexically_normal().string();
    if (format.value_or(0) == 0) {
      ctx.error(tickets_node, "replay.tickets",
                "tickets replay beside a memory error log with calendar times: give format rasdaemon or mcelog");
      return;
    }
  }
  if (format.value_or(0) != 0) {
    if (!plan_memory_log(ctx, trace_node, tickets_node, kFormats[*format], r, s)) return;
    if (runs_past(r, s)) {
      ctx.error(trace_node, "replay.trace",
                fmt::format("{}: the log spans {}{} from replay.start {}, past the scenario's duration {}", r.trace_path,
                            duration_text(r.trace_duration_ns), scale_text(r.time_scale), duration_text(r.start_ns),
                            duration_text(s.duration_ns)));
      return;
    }
    if (!check_replay_steps(ctx, trace_node, r)) return;
    s.replay = std::move(r);
    return;
  }
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
  r.trace_duration_ns = scenario_span(parsed.duration_ns(), r.time_scale);
  if (runs_past(r, s)) {
    ctx.error(trace_node, "replay.trace",
              fmt::format("{}: the trace spans {}{} from replay.start {}, past the scenario's duration {}",
                          r.trace_path, duration_text(r.trace_duration_ns), scale_text(r.time_scale),
                          duration_text(r.start_ns), duration_text(s.duration_ns)));
    usable = false;
  }
  if (!usable) return;
  r.components = parsed.components();
  r.steps = replay::plan_replay(parsed.samples());
  // Counts stay as logged: a counter's rate is per recorded second, so per
  // simulated second it is time_scale times that.
  for (replay::ReplayStep& step : r.steps) {
    step.time_ns = scenario_span(step.time_ns, r.time_scale);
    if (step.hook == replay::ReplayHook::counter_rate) step.rate *= r.time_scale;
  }
  if (!check_replay_steps(ctx, trace_node, r)) return;
  s.replay = std::move(r);
}

}  // namespace crashtwin::scenario
