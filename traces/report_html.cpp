#include "traces/report_html.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "traces/io.h"
#include "traces/report/component_colors.h"
#include "traces/report/format.h"
#include "traces/report/pareto.h"
#include "traces/report/style.h"
#include "traces/report/svg_chart.h"
#include "traces/report/jitter_section.h"
#include "traces/report/memory_section.h"
#include "traces/report/sweep_section.h"
#include "traces/results/policy_means.h"

namespace crashtwin {

namespace {
using report::html_escape;
namespace fs = std::filesystem;

constexpr const char* kCompleteness = "capture_completeness";
// The headline cost: crash memory held while the host serves its workload
// (results written before that split have only the whole-run figure).
constexpr const char* kReservedByteSeconds = "reserved_byte_seconds_in_production";
constexpr const char* kReservedByteSecondsWholeRun = "reserved_byte_seconds";

// Metrics in the order docs/metrics.md lists them; others follow in file order.
constexpr const char* kKnownMetrics[] = {
    "capture_completeness", "failures_identified",    "reserved_byte_seconds_in_production",
    "reserved_bytes_mean_in_production", "reserved_byte_seconds", "reserved_bytes_mean",
    "reserved_bytes_peak",  "repartitions",           "repartition_bytes_moved", "alert_to_report_s.mean",
    "alert_to_report_s.max", "time_to_production_s.mean", "time_to_production_s.max", "time_to_service_s.mean",
    "dumps_failed", "prediction.lead_time_s", "prediction.precision", "prediction.recall"};

using results::finished;

std::vector<std::string> metric_columns(const std::vector<BatchRow>& rows) {
  std::vector<std::string> present;
  for (const auto& r : rows) {
    for (const auto& [name, v] : r.metrics) {
      if (std::find(present.begin(), present.end(), name) == present.end()) present.push_back(name);
    }
  }
  std::vector<std::string> ordered;
  for (const char* known : kKnownMetrics) {
    if (std::find(present.begin(), present.end(), known) != present.end()) ordered.emplace_back(known);
  }
  for (const auto& name : present) {
    if (std::find(ordered.begin(), ordered.end(), name) == ordered.end()) ordered.push_back(name);
  }
  return ordered;
}

std::string policy_key(const BatchRow& r) { return r.policy + " · " + r.strategy; }

struct PolicyGroup {
  std::string policy, strategy;
  std::vector<const BatchRow*> rows;
};

std::vector<PolicyGroup> group_by_policy(const std::vector<BatchRow>& rows) {
  std::map<std::pair<std::string, std::string>, PolicyGroup> groups;
  for (const auto& r : rows) {
    auto& g = groups[{r.policy, r.strategy}];
    g.policy = r.policy;
    g.strategy = r.strategy;
    g.rows.push_back(&r);
  }
  std::vector<PolicyGroup> out;
  for (auto& [k, g] : groups) out.push_back(std::move(g));
  return out;
}

// A group's mean of each metric as table cells, the best per column marked.
std::string mean_cells(const results::PolicyMeans& group, size_t g, const std::vector<report::ColumnUnit>& units,
                       const std::vector<std::vector<bool>>& best) {
  std::string out;
  for (size_t m = 0; m < units.size(); ++m) {
    if (!group.means[m]) {
      out += "<td class=\"none\">–</td>";
      continue;
    }
    out += fmt::format("<td{}>{}</td>", best[m][g] ? " class=\"best\"" : "",
                       html_escape(report::format_in_column(units[m], *group.means[m])));
  }
  return out;
}

std::string comparison_table(const std::vector<BatchRow>& rows, const std::vector<std::string>& metrics) {
  // The dashboard shows the same means and winners (one place: results/policy_means.h).
  const auto groups = results::policy_means(rows, metrics);
  const auto best = results::best_means(groups, metrics);
  const auto units = results::mean_units(groups, metrics);
  std::string out = "<div class=\"table-wrap\"><table>\n<thead><tr><th class=\"text\">Policy</th>"
                    "<th class=\"text\">Strategy</th><th>Runs</th><th>OK</th><th>Failed</th><th>Invalid / crashed</th>";
  for (const auto& m : metrics) out += fmt::format("<th>{}</th>", html_escape(m));
  out += "</tr></thead>\n<tbody>\n";
  for (size_t g = 0; g < groups.size(); ++g) {
    const results::PolicyMeans& group = groups[g];
    out += fmt::format("<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                       html_escape(group.policy), html_escape(group.strategy), group.runs, group.ok,
                       group.expectations_failed, group.not_finished);
    out += mean_cells(group, g, units, best) + "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  return out;
}

// The report's first screen: per policy and strategy the figures the
// comparison is about, with units in readable headers, and a bar chart of
// each of the three that decide it. The full table of means is folded below.
struct Headline {
  const char* metric;
  const char* header;  // readable, with the unit
  report::AxisFormat format;
};
constexpr Headline kHeadlines[] = {
    {"capture_completeness", "Capture completeness", report::AxisFormat::percent},
    {"failures_identified", "Failures identified", report::AxisFormat::percent},
    {"reserved_bytes_mean_in_production", "Crash memory held in production (mean)", report::AxisFormat::bytes},
    {"time_to_production_s.mean", "Time to production (mean)", report::AxisFormat::seconds},
    {"alert_to_report_s.mean", "Alert to BMC report (mean)", report::AxisFormat::seconds},
    {"dumps_failed", "Dumps failed per run", report::AxisFormat::number},
};
constexpr size_t kCharted[] = {0, 2, 3};  // completeness, memory in production, time to production

std::string glance_section(const std::vector<BatchRow>& rows) {
  std::vector<std::string> metrics;
  for (const Headline& h : kHeadlines) metrics.emplace_back(h.metric);
  const auto groups = results::policy_means(rows, metrics);
  const auto best = results::best_means(groups, metrics);
  const auto units = results::mean_units(groups, metrics);
  std::string out =
      "<section id=\"glance\"><h2>At a glance</h2>"
      "<p class=\"note\">Mean over the finished runs of each partitioning policy and capture strategy, best in "
      "green: the share of the bytes each failure needed that the capture kept, and the crash memory held away "
      "from the workload while the host serves it.</p>\n"
      "<table class=\"glance\">\n<thead><tr><th class=\"text\">Policy</th><th class=\"text\">Strategy</th>"
      "<th>Runs ok</th>";
  for (const Headline& h : kHeadlines) out += fmt::format("<th>{}</th>", html_escape(h.header));
  out += "</tr></thead>\n<tbody>\n";
  for (size_t g = 0; g < groups.size(); ++g) {
    const results::PolicyMeans& group = groups[g];
    out += fmt::format("<tr><td class=\"text\"><i class=\"swatch\" style=\"background:{}\"></i>{}</td>"
                       "<td class=\"text\">{}</td><td>{} / {}</td>",
                       report::palette_color(g), html_escape(group.policy), html_escape(group.strategy), group.ok,
                       group.runs);
    out += mean_cells(group, g, units, best) + "</tr>\n";
  }
  out += "</tbody></table>\n<div class=\"glance-charts\">\n";
  for (size_t m : kCharted) {
    report::ChartFrame frame;
    frame.title = kHeadlines[m].header;
    frame.x_format = kHeadlines[m].format;
    frame.x_label = kHeadlines[m].format == report::AxisFormat::percent ? "share of the needed bytes captured"
                    : kHeadlines[m].format == report::AxisFormat::bytes ? "bytes held away from the workload"
                                                                         : "time from the failure";
    frame.width = 440;
    if (kHeadlines[m].format == report::AxisFormat::percent) frame.y_max = 1.0;
    std::vector<report::Bar> bars;
    for (size_t g = 0; g < groups.size(); ++g) {
      report::Bar b;
      b.label = groups[g].policy + " · " + groups[g].strategy;
      b.color = report::palette_color(g);
      b.value = groups[g].means[m];
      if (b.value)
        b.tooltip = fmt::format("{}: {} ({} finished runs)", b.label, report::format_metric(metrics[m], *b.value),
                                groups[g].runs - groups[g].not_finished);
      bars.push_back(std::move(b));
    }
    out += "<div class=\"glance-chart\">" + report::bar_chart(frame, bars) + "</div>\n";
  }
  out += "</div>\n</section>\n";
  return out;
}

// One scenario's trade-off: its runs only, so the spread of the x axis is
// the policies' and not the scenarios' lengths (a 40 s and a 24 h run hold
// byte-seconds 2,000x apart). Colours are the group's place among all of
// the batch's groups, as in the bar charts and the dashboard.
std::string tradeoff_chart(const std::vector<PolicyGroup>& groups, const std::string& scenario) {
  std::vector<report::ScatterGroup> scatter;
  std::vector<report::TradeoffPoint> all;
  double lo = INFINITY, hi = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    report::ScatterGroup sg;
    sg.label = groups[g].policy + " · " + groups[g].strategy;
    sg.color = report::palette_color(g);
    for (const BatchRow* r : groups[g].rows) {
      if (r->scenario != scenario) continue;
      auto x = r->metric(kReservedByteSeconds);
      if (!x) x = r->metric(kReservedByteSecondsWholeRun);
      auto y = r->metric(kCompleteness);
      if (!x || !y || !finished(r->status)) continue;
      sg.x.push_back(*x);
      sg.y.push_back(*y);
      sg.tooltips.push_back(fmt::format("{} · seed {} · {}: {} captured, {} reserved", r->scenario, r->seed, sg.label,
                                        report::format_metric(kCompleteness, *y),
                                        report::format_byte_seconds(*x)));
      all.push_back({*x, *y});
      if (*x > 0) lo = std::min(lo, *x);
      hi = std::max(hi, *x);
    }
    if (!sg.x.empty()) scatter.push_back(std::move(sg));
  }
  if (all.empty()) return {};
  std::vector<std::pair<double, double>> front;
  for (size_t i : report::pareto_front(all)) front.emplace_back(all[i].cost, all[i].benefit);
  report::ChartFrame frame;
  frame.title = "Scenario " + scenario;
  frame.x_label = "reserved byte-seconds in production";
  frame.y_label = "capture completeness";
  frame.x_format = report::AxisFormat::byte_seconds;
  frame.y_format = report::AxisFormat::percent;
  frame.width = 560;
  frame.height = 320;
  // Zoom on the band the runs occupy (in 10 % steps) so close policies separate.
  double lowest = 1;
  for (const auto& p : all) lowest = std::min(lowest, p.benefit);
  frame.y_min = std::clamp(std::floor(lowest * 10 - 1) / 10, 0.0, 0.9);
  frame.y_max = 1;
  frame.log_x = lo > 0 && hi / lo > 30;
  return report::scatter_chart(frame, scatter, front);
}

// A trade-off chart per scenario, side by side.
std::string tradeoff_charts(const std::vector<BatchRow>& rows) {
  std::set<std::string> scenarios;
  for (const auto& r : rows) scenarios.insert(r.scenario);
  const std::vector<PolicyGroup> groups = group_by_policy(rows);
  std::string charts;
  for (const std::string& scenario : scenarios) {
    const std::string chart = tradeoff_chart(groups, scenario);
    if (!chart.empty()) charts += "<div class=\"tradeoff-chart\">" + chart + "</div>\n";
  }
  if (charts.empty()) {
    return "<p class=\"note\">No finished run reports both capture_completeness and reserved_byte_seconds.</p>\n";
  }
  return "<div class=\"tradeoff-grid\">\n" + charts + "</div>\n";
}

// The recovery phases each run recorded (events of kind `phase` with a
// duration on the tracks host.recovery.<n> and host.recovery.<n>.bmc), per
// capture strategy: each phase's mean start after the failure and mean
// length over every recovery of the batch, as a Gantt chart. Nothing is
// assumed: a strategy whose runs recorded no phase gets no chart.
std::string recovery_gantt_section(const results::Batch& batch) {
  struct PhaseStats {
    double offset_s = 0, duration_s = 0;
    size_t n = 0;
  };
  struct StrategyStats {
    std::map<std::string, PhaseStats> phases;  // "host: kexec", "BMC: drain"
    size_t recoveries = 0;
  };
  std::map<std::string, StrategyStats> by_strategy;
  for (const auto& run : batch.runs) {
    std::map<std::string, uint64_t> start_of;  // recovery track -> its failure time
    for (const Event& e : run.events) {
      if (e.kind == EventKind::phase && e.dur_ns && e.fields.value("phase", "") == "recovery") start_of[e.track] = e.t_ns;
    }
    StrategyStats& stats = by_strategy[run.summary.strategy];
    stats.recoveries += start_of.size();
    for (const Event& e : run.events) {
      if (e.kind != EventKind::phase || !e.dur_ns) continue;
      const std::string phase = e.fields.value("phase", "");
      if (phase == "recovery") continue;
      const bool bmc = e.track.ends_with(".bmc");
      const std::string recovery = bmc ? e.track.substr(0, e.track.size() - 4) : e.track;
      const auto start = start_of.find(recovery);
      if (start == start_of.end() || e.t_ns < start->second) continue;
      PhaseStats& p = stats.phases[(bmc ? "BMC: " : "host: ") + phase];
      p.offset_s += static_cast<double>(e.t_ns - start->second) * 1e-9;
      p.duration_s += static_cast<double>(*e.dur_ns) * 1e-9;
      ++p.n;
    }
  }
  std::string charts;
  for (const auto& [strategy, stats] : by_strategy) {
    if (stats.phases.empty()) continue;
    std::vector<std::pair<std::string, PhaseStats>> phases(stats.phases.begin(), stats.phases.end());
    for (auto& [name, p] : phases) {
      p.offset_s /= static_cast<double>(p.n);
      p.duration_s /= static_cast<double>(p.n);
    }
    std::stable_sort(phases.begin(), phases.end(),
                     [](const auto& a, const auto& b) { return a.second.offset_s < b.second.offset_s; });
    std::vector<report::Bar> bars;
    for (const auto& [name, p] : phases) {
      report::Bar bar;
      bar.label = name;
      bar.color = name.starts_with("BMC") ? report::palette_color(1) : report::palette_color(0);
      bar.start = p.offset_s;
      bar.value = p.duration_s;
      bar.tooltip = fmt::format("{} · {}: starts {} after the failure, lasts {} (mean of {})", strategy, name,
                                report::format_seconds(p.offset_s), report::format_seconds(p.duration_s), p.n);
      bars.push_back(std::move(bar));
    }
    report::ChartFrame frame;
    frame.title = fmt::format("{} ({} recover{})", strategy, stats.recoveries, stats.recoveries == 1 ? "y" : "ies");
    frame.x_label = "time after the failure (mean over recoveries)";
    frame.x_format = report::AxisFormat::seconds;
    charts += "<div class=\"gantt-chart\">" + report::bar_chart(frame, bars) + "</div>\n";
  }
  std::string out = "<section id=\"recovery\"><h2>Recovery phases per capture strategy</h2>"
                    "<p class=\"note\">From the phases each run recorded on the board (host and BMC), mean start "
                    "after the failure and mean length over every recovery of the batch; the value printed is the "
                    "phase's length.</p>\n";
  out += charts.empty() ? "<p class=\"note\">No run recorded recovery phases.</p>\n"
                        : "<div class=\"chart-grid\">\n" + charts + "</div>\n";
  return out + "</section>\n";
}

std::vector<report::ChartMarker> failure_markers(const results::Run& run) {
  std::vector<report::ChartMarker> markers;
  for (const Event& e : run.events) {
    if (e.kind != EventKind::injection) continue;
    std::string what = e.fields.is_object() && e.fields.contains("error") && e.fields["error"].is_string()
                           ? e.fields["error"].get<std::string>()
                           : "failure";
    std::string where = e.fields.is_object() && e.fields.contains("component") && e.fields["component"].is_string()
                            ? e.fields["component"].get<std::string>()
                            : e.track;
    markers.push_back({static_cast<double>(e.t_ns) / 1e9,
                       fmt::format("{} @ {} at {}", what, where, report::format_seconds(e.t_ns / 1e9)),
                       fmt::format("{} @ {}", what, where), "#d62728"});
  }
  return markers;
}

// Per-component columns in the component's colour (the dashboard's too);
// other columns in the palette's order.
std::vector<report::ChartSeries> series_with_prefix(const Timeseries& ts, std::string_view prefix, bool step) {
  std::vector<report::ChartSeries> out;
  size_t color = 0;
  for (const auto& name : ts.columns_with_prefix(prefix)) {
    report::ChartSeries s;
    s.label = name.substr(prefix.size());
    const auto component = component_of_column(name, prefix);
    s.color = component ? report::css_color(report::component_rgb(*component)) : report::palette_color(color++);
    s.x = ts.t_s;
    s.y = *ts.find(name);
    s.step = step;
    out.push_back(std::move(s));
  }
  return out;
}

// A run's `counter` events of one name as a step series (exact steps, past
// the scenario's end when a recovery ran on).
report::ChartSeries counter_series(const results::Run& run, const std::string& counter, std::string label,
                                   size_t color) {
  report::ChartSeries s;
  s.label = std::move(label);
  s.color = report::palette_color(color);
  s.step = true;
  for (const Event& e : run.events)
    if (e.kind == EventKind::counter && e.fields.value("counter", "") == counter) {
      s.x.push_back(static_cast<double>(e.t_ns) * 1e-9);
      s.y.push_back(e.fields.value("value", 0.0));
    }
  return s;
}

// A time chart of a quantity in 0..1 (probabilities, fragmentation indices).
report::ChartFrame fraction_frame(std::string title, std::string y_label) {
  report::ChartFrame frame;
  frame.title = std::move(title);
  frame.x_label = "simulated time";
  frame.y_label = std::move(y_label);
  frame.y_format = report::AxisFormat::percent;
  frame.y_min = 0;
  frame.y_max = 1;
  return frame;
}

// Runs drawn for a scenario: the lowest seed of each policy x strategy (the
// other seeds are in the scenario page's table).
std::vector<const results::Run*> representative_runs(const results::Batch& batch, const std::string& scenario) {
  std::map<std::pair<std::string, std::string>, const results::Run*> pick;
  for (const auto& run : batch.runs) {
    if (run.summary.scenario != scenario) continue;
    auto& slot = pick[{run.summary.policy, run.summary.strategy}];
    if (slot == nullptr || run.summary.seed < slot->summary.seed) slot = &run;
  }
  std::vector<const results::Run*> out;
  for (auto& [k, run] : pick) out.push_back(run);
  return out;
}

std::string run_title(const results::Run& run) {
  return fmt::format("<h3>{} · {}</h3><p class=\"note\">seed {} — {}</p>\n", html_escape(run.summary.policy),
                     html_escape(run.summary.strategy), run.summary.seed,
                     html_escape(to_string(status_of(run.summary))));
}

std::string time_series_cards(const results::Batch& batch, const std::string& scenario) {
  std::string out = "<div class=\"grid\">\n";
  for (const results::Run* run : representative_runs(batch, scenario)) {
    out += "<div class=\"run-card\">\n" + run_title(*run);
    if (run->timeseries.row_count() == 0) {
      out += run->summary.traces == TraceLevel::summary
                 ? "<p class=\"note\">No time series: this run kept no traces (<code>traces: summary</code>).</p></div>\n"
                 : "<p class=\"note\">No timeseries.csv in this run.</p></div>\n";
      continue;
    }
    auto markers = failure_markers(*run);
    // A baseline strategy's run records what its crashkernel holds away.
    const bool baseline = std::any_of(run->events.begin(), run->events.end(), [](const Event& e) {
      return e.kind == EventKind::counter && e.fields.value("counter", "") == "held_bytes";
    });
    if (!baseline) {
      report::ChartFrame slices;
      slices.title = "Slice sizes";
      slices.x_label = "simulated time";
      slices.y_label = "slice size";
      slices.y_format = report::AxisFormat::bytes;
      out += report::line_chart(slices, series_with_prefix(run->timeseries, "slice_bytes.", true), markers);
    } else {
      // A baseline holds its crashkernel, not the agent's slices: draw what
      // it holds away, what the running kernel owns, and the dump written.
      report::ChartFrame memory;
      memory.title = "Reservation and recovery";
      memory.x_label = "simulated time";
      memory.y_label = "bytes";
      memory.y_format = report::AxisFormat::bytes;
      out += report::line_chart(memory,
                                {counter_series(*run, "held_bytes", "held away", 0),
                                 counter_series(*run, "available_bytes", "kernel owns", 1)},
                                markers);
      report::ChartFrame dump = memory;
      dump.title = "Dump written to the target";
      out += report::line_chart(dump, {counter_series(*run, "dump_bytes_written", "dump bytes", 2)}, markers);
    }
    out += report::line_chart(fraction_frame("Predicted failure probability", "probability"), series_with_prefix(run->timeseries, "probability.", true), markers);
    out += "</div>\n";
  }
  out += "</div>\n";
  return out;
}

std::string fragmentation_cards(const results::Batch& batch, const std::string& scenario) {
  std::string out = "<div class=\"grid\">\n";
  for (const results::Run* run : representative_runs(batch, scenario)) {
    auto series = series_with_prefix(run->timeseries, "unusable_index.", false);
    out += "<div class=\"run-card\">\n" + run_title(*run);
    if (series.empty()) {
      out += "<p class=\"note\">No unusable_index columns in this run.</p></div>\n";
      continue;
    }
    out += report::line_chart(fraction_frame("Unusable free space index by order", "unusable index"), series, failure_markers(*run)) + "</div>\n";
  }
  out += "</div>\n";
  return out;
}

// The named workloads' bandwidth and LLC occupancy as the firmware's
// resource monitoring read them (timeseries columns of runs with
// `workloads:`); empty when no run of the scenario has any.
std::string workload_cards(const results::Batch& batch, const std::string& scenario) {
  std::string cards;
  for (const results::Run* run : representative_runs(batch, scenario)) {
    auto bandwidth = series_with_prefix(run->timeseries, kWorkloadMbmTotalPrefix, true);
    if (bandwidth.empty()) continue;
    const auto markers = failure_markers(*run);
    cards += "<div class=\"run-card\">\n" + run_title(*run);
    report::ChartFrame frame;
    frame.title = "Memory bandwidth per workload (MBM total)";
    frame.x_label = "simulated time";
    frame.y_label = "bytes/s";
    frame.y_format = report::AxisFormat::bytes;
    cards += report::line_chart(frame, bandwidth, markers);
    frame.title = "Local memory bandwidth per workload (MBM local)";
    cards += report::line_chart(frame, series_with_prefix(run->timeseries, kWorkloadMbmLocalPrefix, true), markers);
    frame.title = "LLC occupancy per workload (CMT)";
    frame.y_label = "bytes";
    cards += report::line_chart(frame, series_with_prefix(run->timeseries, kWorkloadOccupancyPrefix, true), markers);
    cards += "</div>\n";
  }
  return cards.empty() ? cards : "<div class=\"grid\">\n" + cards + "</div>\n";
}

// The cache model's hit ratios and coherence over time (timeseries columns
// of runs whose cluster ran it); empty when no run of the scenario has any.
// One unit per chart: hit ratios (of every core per level, then per core
// for L2 and the LLC), then coherence events per 1000 accesses.
std::string cache_cards(const results::Batch& batch, const std::string& scenario) {
  std::string cards;
  for (const results::Run* run : representative_runs(batch, scenario)) {
    auto levels = series_with_prefix(run->timeseries, kCacheHitRatioPrefix, false);
    if (levels.empty()) continue;
    const auto markers = failure_markers(*run);
    cards += "<div class=\"run-card\">\n" + run_title(*run);
    cards += report::line_chart(fraction_frame("Cache hit ratio per level, every core", "hit ratio"), levels, markers);
    cards += report::line_chart(fraction_frame("L2 hit ratio per core", "hit ratio"),
                                series_with_prefix(run->timeseries, kCacheL2HitPrefix, false), markers);
    cards += report::line_chart(fraction_frame("LLC hit ratio per core", "hit ratio"),
                                series_with_prefix(run->timeseries, kCacheLlcHitPrefix, false), markers);
    report::ChartFrame coherence;
    coherence.title = "Coherence events (snoops + invalidations) per core";
    coherence.x_label = "simulated time";
    coherence.y_label = "per 1000 accesses";
    coherence.y_min = 0;
    cards += report::line_chart(coherence, series_with_prefix(run->timeseries, kCacheCoherencePrefix, false), markers);
    cards += "</div>\n";
  }
  return cards.empty() ? cards : "<div class=\"grid\">\n" + cards + "</div>\n";
}

// The modelled kernel stacks over time (timeseries columns of runs whose
// cluster models them): each core's high-water (Linux's stack_not_used()
// scan) and its depth at each tick, against THREAD_SIZE; the run's
// overflows from its `kernel_stacks` metric. Empty when no run has any.
std::string stack_cards(const results::Batch& batch, const std::string& scenario) {
  std::string cards;
  for (const results::Run* run : representative_runs(batch, scenario)) {
    auto high_water = series_with_prefix(run->timeseries, kStackHighWaterPrefix, false);
    if (high_water.empty()) continue;
    const auto markers = failure_markers(*run);
    const auto stack_bytes = run->summary.metric("kernel_stacks.stack_bytes");
    const auto overflows = run->summary.metric("kernel_stacks.overflows");
    cards += "<div class=\"run-card\">\n" + run_title(*run);
    if (overflows)
      cards += fmt::format("<p class=\"note\">{} overflow{} into the guard page{}</p>\n", *overflows,
                           *overflows == 1 ? "" : "s",
                           stack_bytes ? fmt::format(" (THREAD_SIZE {})", report::format_bytes(*stack_bytes)) : "");
    report::ChartFrame frame;
    frame.title = "Kernel stack high-water per core";
    frame.x_label = "simulated time";
    frame.y_label = "bytes";
    frame.y_format = report::AxisFormat::bytes;
    frame.y_min = 0;
    if (stack_bytes) frame.y_max = *stack_bytes;
    cards += report::line_chart(frame, high_water, markers);
    frame.title = "Kernel stack depth per core at each tick";
    cards += report::line_chart(frame, series_with_prefix(run->timeseries, kStackDepthPrefix, false), markers);
    cards += "</div>\n";
  }
  return cards.empty() ? cards : "<div class=\"grid\">\n" + cards + "</div>\n";
}

// Every run's metrics, one row per run.
std::string runs_table(const std::vector<BatchRow>& rows, const std::vector<std::string>& metrics) {
  std::string out = "<div class=\"table-wrap\"><table>\n<thead><tr>"
                    "<th class=\"text\">Scenario</th><th class=\"text\">Policy</th><th class=\"text\">Strategy</th>"
                    "<th>Seed</th><th class=\"text\">Status</th>";
  for (const auto& m : metrics) out += fmt::format("<th>{}</th>", html_escape(m));
  out += "</tr></thead><tbody>\n";
  const auto units = results::run_units(rows, metrics);
  for (const auto& r : rows) {
    out += fmt::format(
        "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td>"
        "<td class=\"text\"><span class=\"badge {}\">{}</span></td>",
        html_escape(r.scenario), html_escape(r.policy), html_escape(r.strategy), r.seed, to_string(r.status),
        to_string(r.status));
    for (size_t m = 0; m < metrics.size(); ++m) {
      auto v = r.metric(metrics[m]);
      out += v ? fmt::format("<td>{}</td>", html_escape(report::format_in_column(units[m], *v)))
               : "<td class=\"none\">–</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  return out;
}

// A file name for a scenario's page: the loader allows letters, digits, '_',
// '-' and '.' in names; anything else (a hand-edited summary.json) becomes '_',
// and a name that would collide or hide is numbered.
std::string page_file_name(const std::string& scenario, std::set<std::string>& taken) {
  std::string base;
  for (char c : scenario) base += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ? c : '_';
  if (base.empty() || base.front() == '.') base = "_" + base;
  std::string name = base + ".html";
  for (int n = 2; !taken.insert(name).second; ++n) name = fmt::format("{}-{}.html", base, n);
  return name;
}

std::string page_head(const std::string& title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
      html_escape(title), report::kReportCss);
}

std::string page_stats(std::initializer_list<std::pair<size_t, const char*>> stats) {
  std::string out = "<div class=\"stats\">";
  for (const auto& [n, what] : stats) out += fmt::format("<div class=\"stat\"><b>{}</b><span>{}</span></div>", n, what);
  return out + "</div>";
}

constexpr const char* kFooter =
    "<footer>Generated by crashtwin report from the results directory; self-contained "
    "(inline CSS and SVG, no script, no network).</footer>\n</body>\n</html>\n";

struct ScenarioCounts {
  size_t runs = 0, ok = 0;
  std::set<std::string> policies;
};

// One scenario's page: its runs' metrics, then for the lowest seed of each
// policy x strategy the slice sizes, probabilities and fragmentation over time.
std::string scenario_page(const results::Batch& batch, const std::string& scenario, const std::vector<BatchRow>& rows,
                          const std::vector<std::string>& metrics, const std::string& index_link,
                          const std::string& batch_name) {
  std::vector<BatchRow> mine;
  ScenarioCounts counts;
  for (const auto& r : rows) {
    if (r.scenario != scenario) continue;
    mine.push_back(r);
    counts.policies.insert(policy_key(r));
    counts.ok += r.status == RunStatus::ok ? 1 : 0;
  }
  std::string out = page_head(fmt::format("crashtwin report — {} — scenario {}", batch_name, scenario));
  out += fmt::format("<header><div><h1>Scenario {}</h1><p><a href=\"{}\">← report of {}</a></p></div>{}</header>\n",
                     html_escape(scenario), html_escape(index_link), html_escape(batch_name),
                     page_stats({{mine.size(), "runs"}, {counts.policies.size(), "policy × strategy"},
                                 {counts.ok, "runs ok"}}));
  const std::string workloads = workload_cards(batch, scenario);
  const std::string caches = cache_cards(batch, scenario);
  const std::string stacks = stack_cards(batch, scenario);
  out += "<nav><a href=\"#runs\">Runs</a><a href=\"#timeseries\">Time series</a>"
         "<a href=\"#fragmentation\">Fragmentation</a><a href=\"#memory\">Memory</a>" +
         std::string(workloads.empty() ? "" : "<a href=\"#workloads\">Workloads</a>") +
         std::string(caches.empty() ? "" : "<a href=\"#cache\">Cache</a>") +
         std::string(stacks.empty() ? "" : "<a href=\"#stacks\">Kernel stacks</a>") + "</nav>\n<main>\n";
  out += "<section id=\"runs\"><h2>Every run of this scenario</h2>"
         "<p class=\"note\">docs/metrics.md defines the metrics.</p>\n" +
         runs_table(mine, metrics) + "</section>\n";
  out += "<section id=\"timeseries\"><h2>Slice sizes and predicted probabilities</h2>"
         "<p class=\"note\">Lowest seed of each policy × strategy; red markers are injected failures.</p>\n" +
         time_series_cards(batch, scenario) + "</section>\n";
  out += "<section id=\"fragmentation\"><h2>Allocator fragmentation</h2>"
         "<p class=\"note\">Unusable free space index of the crash-region buddy allocator per order (0 = every "
         "free page usable for a block of that order, 1 = none).</p>\n" +
         fragmentation_cards(batch, scenario) + "</section>\n";
  out += report::memory_section(representative_runs(batch, scenario));
  if (!workloads.empty())
    out += "<section id=\"workloads\"><h2>Workloads: memory bandwidth and LLC occupancy</h2>"
           "<p class=\"note\">What the firmware read through the resource-monitoring counters (Intel RDT MBM and "
           "CMT) for each named workload's RMID at every tick; empty while a workload has no RMID or no second "
           "reading yet.</p>\n" +
           workloads + "</section>\n";
  if (!caches.empty())
    out += "<section id=\"cache\"><h2>Cache</h2>"
           "<p class=\"note\">The cpu cluster's cache model (docs/models.md, \"Cache model\"): hit ratios of the "
           "sampled accesses between two ticks, and the coherence events they caused; gaps where a core made no "
           "access.</p>\n" +
           caches + "</section>\n";
  if (!stacks.empty())
    out += "<section id=\"stacks\"><h2>Kernel stacks</h2>"
           "<p class=\"note\">The cpu cluster's modelled kernel stacks (docs/models.md, \"Kernel stacks\"): each "
           "core's high-water as Linux's CONFIG_DEBUG_STACK_USAGE scan reads it, and its depth at each tick; the "
           "chart's top is THREAD_SIZE.</p>\n" +
           stacks + "</section>\n";
  out += "</main>\n";
  return out + kFooter;
}

// The index's list of scenarios, each linking to its page.
std::string scenarios_section(const std::vector<BatchRow>& rows, const std::vector<std::string>& scenarios,
                              const std::vector<std::string>& page_paths) {
  std::map<std::string, ScenarioCounts> counts;
  for (const auto& r : rows) {
    auto& c = counts[r.scenario];
    ++c.runs;
    c.ok += r.status == RunStatus::ok ? 1 : 0;
    c.policies.insert(policy_key(r));
  }
  std::string out =
      "<section id=\"scenarios\"><h2>Per scenario: every run, time series and fragmentation</h2>"
      "<p class=\"note\">Each scenario's page holds its runs' metrics and, for the lowest seed of each policy × "
      "strategy, slice sizes, predicted probabilities and allocator fragmentation over time, so this page stays "
      "the same size however many runs the batch holds.</p>\n";
  if (scenarios.empty()) return out + "<p class=\"note\">No run directories loaded.</p>\n</section>\n";
  out += "<div class=\"table-wrap\"><table class=\"scenarios\">\n<thead><tr><th class=\"text\">Scenario</th>"
         "<th>Runs</th><th>Runs ok</th><th>Policy × strategy</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const auto& c = counts[scenarios[i]];
    out += fmt::format("<tr><td class=\"text\"><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       html_escape(page_paths[i]), html_escape(scenarios[i]), c.runs, c.ok, c.policies.size());
  }
  return out + "</tbody></table></div>\n</section>\n";
}
}  // namespace

ReportPages report_pages(const results::Batch& batch, const std::string& index_name) {
  const auto rows = results::table_of(batch).rows;
  const auto metrics = metric_columns(rows);
  std::set<std::string> scenario_set, policy_set;
  for (const auto& r : rows) {
    scenario_set.insert(r.scenario);
    policy_set.insert(policy_key(r));
  }
  std::set<std::string> drawn;
  for (const auto& run : batch.runs) drawn.insert(run.summary.scenario);
  const std::vector<std::string> scenarios(drawn.begin(), drawn.end());
  size_t ok = 0;
  for (const auto& r : rows) ok += r.status == RunStatus::ok ? 1 : 0;
  std::string name = batch.dir.filename().string();
  if (name.empty()) name = batch.dir.parent_path().filename().string();

  ReportPages pages;
  pages.directory = fs::path(index_name).stem().string() + "-scenarios";
  std::set<std::string> taken;
  std::vector<std::string> links;
  for (const auto& scenario : scenarios) {
    const std::string file = page_file_name(scenario, taken);
    links.push_back(pages.directory + "/" + file);
    pages.scenarios.push_back({file, scenario_page(batch, scenario, rows, metrics, "../" + index_name, name)});
  }

  std::string& out = pages.index;
  out += page_head("crashtwin report — " + name);
  out += fmt::format("<header><div><h1>crashtwin — crash-memory policy report</h1><p>{}</p></div>{}</header>\n",
                     html_escape(name),
                     page_stats({{rows.size(), "runs"}, {scenario_set.size(), "scenarios"},
                                 {policy_set.size(), "policy × strategy"}, {ok, "runs ok"}}));
  out += "<nav><a href=\"#glance\">At a glance</a><a href=\"#comparison\">All metrics</a><a href=\"#tradeoff\">Completeness vs memory</a>"
         "<a href=\"#recovery\">Recovery</a>";
  if (batch.sweep) out += "<a href=\"#sweep\">Budget sweep</a>";
  out += "<a href=\"#scenarios\">Per scenario</a></nav>\n<main>\n";
  if (!batch.problems.empty()) {
    out += "<section class=\"problems\"><h2>Runs that could not be read</h2><ul>\n";
    for (const auto& p : batch.problems) out += fmt::format("<li>{}</li>\n", html_escape(p));
    out += "</ul></section>\n";
  }
  out += glance_section(rows);
  out += "<section id=\"comparison\"><h2>Policy comparison: every metric</h2>"
         "<p class=\"note\">Mean of each metric over the finished runs (ok or expectations failed) of each "
         "policy and capture strategy; best value per column in green (docs/metrics.md defines them). Each "
         "run's own metrics are on its scenario's page (Per scenario, below).</p>\n";
  out += "<details><summary>Means of every metric</summary>\n" + comparison_table(rows, metrics) + "</details>\n";
  out += "</section>\n";
  out += "<section id=\"tradeoff\"><h2>Capture completeness vs reserved memory, per scenario</h2>"
         "<p class=\"note\">One chart per scenario (scenarios of different lengths are never mixed), one point "
         "per run. The dashed line is the scenario's Pareto front: no run captures more for less reserved "
         "memory.</p>\n";
  out += tradeoff_charts(rows);
  out += "</section>\n";
  out += recovery_gantt_section(batch);
  if (batch.sweep) out += report::sweep_section(*batch.sweep);
  out += report::jitter_section(batch);
  out += report::memory_summary_line(batch);
  out += scenarios_section(rows, scenarios, links);
  out += "</main>\n";
  out += kFooter;
  return pages;
}

std::string report_html(const results::Batch& batch) { return report_pages(batch).index; }

void write_report_html(const results::Batch& batch, const fs::path& path) {
  const ReportPages pages = report_pages(batch, path.filename().string());
  const fs::path dir = path.parent_path() / pages.directory;
  std::set<fs::path> written;
  // The scenario pages first, so the index never links to a page not yet there.
  for (const auto& page : pages.scenarios) {
    write_file_atomically(dir / page.file, page.html);
    written.insert(page.file);
  }
  write_file_atomically(path, pages.index);
  // Pages of scenarios no longer in the batch (an earlier report here).
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".html" && !written.contains(it->path().filename())) {
      std::error_code rm;
      fs::remove(it->path(), rm);
    }
  }
}

}  // namespace crashtwin
