#include "traces/report/jitter_section.h"

#include <fmt/format.h>

#include "traces/report/format.h"
#include "traces/report/svg_chart.h"

namespace crashtwin::report {
namespace {

// The distribution of |tick delta - period| per phase, as cumulative shares
// at the histogram's edges: a phase that jitters a little always and one
// that jitters a lot sometimes have the same standard deviation, not the
// same curve. Empty when the file has no histogram.
std::string deviation_chart(const TimerJitter& t) {
  if (t.deviation_edges_ns.empty()) return {};
  std::vector<ChartSeries> curves;
  for (size_t i = 0; i < t.phases.size(); ++i) {
    const TimerJitterPhase& p = t.phases[i];
    if (p.samples == 0 || p.deviation_counts.size() != t.deviation_edges_ns.size() + 1) continue;
    ChartSeries c;
    c.label = p.name;
    c.color = palette_color(i);
    uint64_t below = 0;
    for (size_t e = 0; e < t.deviation_edges_ns.size(); ++e) {
      below += p.deviation_counts[e];
      c.x.push_back(static_cast<double>(t.deviation_edges_ns[e]) * 1e-9);
      c.y.push_back(static_cast<double>(below) / static_cast<double>(p.samples));
    }
    curves.push_back(std::move(c));
  }
  if (curves.empty()) return {};
  ChartFrame frame;
  frame.title = "Tick deltas within x of the period (cumulative share per phase)";
  frame.x_label = "|interval between consecutive ticks of a core - period|";
  frame.y_label = "share of tick deltas";
  frame.x_format = AxisFormat::seconds;
  frame.y_format = AxisFormat::percent;
  frame.y_min = 0;
  frame.y_max = 1;
  frame.log_x = true;
  return line_chart(frame, curves, {});
}

// One chart per run: runs of different scenarios have different phases.
std::string run_charts(const results::Run& run, const TimerJitter& t) {
  std::vector<Bar> spread, missed, skew;
  for (size_t i = 0; i < t.phases.size(); ++i) {
    const TimerJitterPhase& p = t.phases[i];
    const std::string color = palette_color(i);
    const double s = 1e-9;
    spread.push_back({p.name + " · min to max", color, p.samples ? std::optional<double>((p.delta_max_ns - p.delta_min_ns) * s) : std::nullopt,
                      fmt::format("{}: {} tick deltas from {:.1f} us to {:.1f} us", p.name, p.samples,
                                  p.delta_min_ns * 1e-3, p.delta_max_ns * 1e-3),
                      p.delta_min_ns * s});
    const double low = p.delta_mean_ns - p.delta_stddev_ns;
    spread.push_back({p.name + " · mean ± sd", color, p.samples ? std::optional<double>(2 * p.delta_stddev_ns * s) : std::nullopt,
                      fmt::format("{}: mean {:.3f} us, standard deviation {:.3f} us", p.name, p.delta_mean_ns * 1e-3,
                                  p.delta_stddev_ns * 1e-3),
                      low * s});
    missed.push_back({p.name, color, static_cast<double>(p.missed_ticks),
                      fmt::format("{}: {} missed of {} ticks", p.name, p.missed_ticks, p.ticks + p.missed_ticks)});
    skew.push_back({p.name, color, p.skew_max_ns * s,
                    fmt::format("{}: skew mean {:.1f} us, max {:.1f} us", p.name, p.skew_mean_ns * 1e-3,
                                p.skew_max_ns * 1e-3)});
  }
  const std::string who = fmt::format("{} · {} · {} · seed {}", run.summary.scenario, run.summary.policy,
                                      run.summary.strategy, run.summary.seed);
  std::string out = fmt::format("<h3>{}</h3>\n<p class=\"note\">{} cores, period {}; the firmware saw {} missed "
                                "and {} late ticks, skew up to {}.</p>\n",
                                html_escape(who), t.cores, axis_label(static_cast<double>(t.period_ns) * 1e-9, AxisFormat::seconds),
                                t.firmware.missed_ticks, t.firmware.late_ticks,
                                axis_label(static_cast<double>(t.firmware.skew_max_ns) * 1e-9, AxisFormat::seconds));
  ChartFrame frame;
  frame.title = "Tick deltas per phase";
  frame.x_label = "interval between consecutive ticks of a core";
  frame.x_format = AxisFormat::seconds;
  out += bar_chart(frame, spread);
  out += deviation_chart(t);
  frame.title = "Missed ticks per phase (all cores)";
  frame.x_label = "boundaries skipped";
  frame.x_format = AxisFormat::number;
  out += bar_chart(frame, missed);
  frame.title = "Cross-core skew per phase (max)";
  frame.x_label = "latest minus earliest handler of one boundary";
  frame.x_format = AxisFormat::seconds;
  out += bar_chart(frame, skew);
  return out;
}

}  // namespace

std::string jitter_section(const results::Batch& batch) {
  std::string charts;
  for (const results::Run& run : batch.runs)
    if (run.timer_jitter && run.timer_jitter->period_ns > 0 && !run.timer_jitter->phases.empty())
      charts += run_charts(run, *run.timer_jitter);
  if (charts.empty()) return {};
  return "<section id=\"timer-jitter\"><h2>Sampling timer jitter</h2><p class=\"note\">Per-core sampling timers "
         "(timer_jitter.json) per scenario phase: the spread of the intervals between a core's consecutive ticks, "
         "the boundaries skipped by overruns and the cross-core skew.</p>\n" +
         charts + "</section>\n";
}

}  // namespace crashtwin::report
