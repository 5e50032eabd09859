#include "traces/report/sweep_section.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "traces/report/format.h"
#include "traces/report/pareto.h"
#include "traces/report/svg_chart.h"
#include "traces/results/sweep.h"

namespace crashtwin::report {
namespace {

std::string curve_label(const results::SweepCurve& c) {
  std::string label = c.policy + " · " + c.strategy;
  if (!c.others.empty()) label += " · " + c.others;
  return label;
}

std::string threshold_table(const std::vector<results::SweepCurve>& curves, const std::string& axis) {
  std::string out = fmt::format(
      "<div class=\"table-wrap\"><table>\n<thead><tr><th class=\"text\">Policy</th><th class=\"text\">Strategy</th>"
      "<th class=\"text\">Other settings</th><th class=\"text\">Smallest {} with every run ≥ {:g} % complete</th>"
      "<th>Reserved mean there</th><th>Completeness min at the largest {}</th></tr></thead>\n<tbody>\n",
      html_escape(axis), results::kFullCaptureThreshold * 100, html_escape(axis));
  for (const results::SweepCurve& c : curves) {
    const results::SweepPointStats* p = results::smallest_reaching(c);
    const results::SweepPointStats& last = c.points.back();
    out += fmt::format(
        "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text{}\">{}"
        "</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(c.policy), html_escape(c.strategy), html_escape(c.others.empty() ? "–" : c.others),
        p ? "" : " none", p ? html_escape(p->axis_value + results::refused_note(*p)) : "not reached",
        p && p->reserved_bytes_mean ? format_bytes(*p->reserved_bytes_mean) : "–",
        last.completeness_min ? format_metric("capture_completeness", *last.completeness_min) : "–");
  }
  out += "</tbody></table></div>\n";
  return out;
}

std::string curves_chart(const std::vector<results::SweepCurve>& curves, const std::string& axis,
                         const std::string& title) {
  std::vector<ScatterGroup> groups;
  std::vector<TradeoffPoint> all;
  double lo = INFINITY, hi = 0, lowest = 1;
  for (size_t c = 0; c < curves.size(); ++c) {
    ScatterGroup g;
    g.label = curve_label(curves[c]);
    g.color = palette_color(c);
    g.connect = true;
    for (const results::SweepPointStats& p : curves[c].points) {
      if (!p.reserved_bytes_mean || !p.completeness_mean) continue;
      g.x.push_back(*p.reserved_bytes_mean);
      g.y.push_back(*p.completeness_mean);
      g.tooltips.push_back(fmt::format("{} · {}={}: {} captured on average (worst run {}), {} reserved on average",
                                       g.label, axis, p.axis_value,
                                       format_metric("capture_completeness", *p.completeness_mean),
                                       format_metric("capture_completeness", p.completeness_min.value_or(NAN)),
                                       format_bytes(*p.reserved_bytes_mean)));
      all.push_back({*p.reserved_bytes_mean, *p.completeness_mean});
      if (*p.reserved_bytes_mean > 0) lo = std::min(lo, *p.reserved_bytes_mean);
      hi = std::max(hi, *p.reserved_bytes_mean);
      lowest = std::min(lowest, *p.completeness_mean);
    }
    groups.push_back(std::move(g));
  }
  if (all.empty()) return "<p class=\"note\">No finished run with failures reports completeness and reserved memory.</p>\n";
  std::vector<std::pair<double, double>> front;
  for (size_t i : pareto_front(all)) front.emplace_back(all[i].cost, all[i].benefit);
  ChartFrame frame;
  frame.title = title;
  frame.x_label = "reserved bytes in production, time average (reserved_bytes_mean_in_production)";
  frame.y_label = "capture completeness (mean over runs)";
  frame.x_format = AxisFormat::bytes;
  frame.y_format = AxisFormat::percent;
  frame.width = 900;
  frame.height = 380;
  frame.y_min = std::clamp(std::floor(lowest * 10 - 1) / 10, 0.0, 0.9);
  frame.y_max = 1;
  frame.log_x = lo > 0 && hi / lo > 30;
  return scatter_chart(frame, groups, front);
}

}  // namespace

std::string sweep_section(const BatchTable& sweep) {
  const std::string axis = results::sweep_axis(sweep);
  std::string out = "<section id=\"sweep\"><h2>Budget sweep</h2>\n";
  std::string varied;
  for (const std::string& k : sweep.parameter_columns) varied += (varied.empty() ? "" : ", ") + k;
  out += fmt::format(
      "<p class=\"note\">Varied: {}; budget axis: {}. Reserved memory is reserved_bytes_mean_in_production "
      "(reserved byte-seconds until the first failure over that time), so scenarios of different durations share "
      "an axis. A point "
      "reaches full capture when every run there finished and each captured at least {:g} % of its failures "
      "(runs without failures do not count; runs that refused their input, such as static below the RHEL table, "
      "are left out and counted beside the budget).</p>\n",
      html_escape(varied), html_escape(axis), results::kFullCaptureThreshold * 100);
  const auto curves = results::sweep_curves(sweep);
  if (curves.empty()) return out + "<p class=\"note\">sweep.csv has no runs.</p></section>\n";
  out += "<h3>All scenarios</h3>\n" + threshold_table(curves, axis);
  out += curves_chart(curves, axis, "Capture completeness vs reserved memory along " + axis + ", all scenarios");
  std::set<std::string> scenarios;
  for (const BatchRow& r : sweep.rows) scenarios.insert(r.scenario);
  out += "<details><summary>Per scenario</summary>\n";
  for (const std::string& s : scenarios) {
    const auto per_scenario = results::sweep_curves(sweep, s);
    out += fmt::format("<h3>Scenario {}</h3>\n", html_escape(s)) + threshold_table(per_scenario, axis);
    out += curves_chart(per_scenario, axis, "Capture completeness vs reserved memory, " + s);
  }
  out += "</details>\n</section>\n";
  return out;
}

}  // namespace crashtwin::report
