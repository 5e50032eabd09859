#include "traces/results/sweep.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "platform/core/units.h"
#include "traces/results/policy_means.h"

namespace crashtwin::results {
namespace {

constexpr const char* kBudgetKey = "agent.budget";
constexpr const char* kCompleteness = "capture_completeness";
// The headline cost: mean crash memory held while the host is in production
// (docs/metrics.md); the whole-run mean where the run has no production time.
constexpr const char* kReservedMean = "reserved_bytes_mean_in_production";
constexpr const char* kReservedMeanWholeRun = "reserved_bytes_mean";

struct Accumulator {
  SweepPointStats stats;
  double completeness_sum = 0;
  double reserved_sum = 0;
  size_t reserved_count = 0;
};

// Sort key of an axis value: numbers by magnitude, then text.
std::pair<double, std::string> order_of(const std::string& value) {
  return {parameter_magnitude(value).value_or(INFINITY), value};
}

}  // namespace

std::string refused_note(const SweepPointStats& point) {
  if (point.refused == 0) return {};
  return fmt::format(" ({} of {} runs refused their input)", point.refused, point.runs);
}

std::string sweep_axis(const BatchTable& sweep) {
  const auto& keys = sweep.parameter_columns;
  if (std::find(keys.begin(), keys.end(), kBudgetKey) != keys.end()) return kBudgetKey;
  return keys.empty() ? std::string() : keys.front();
}

std::optional<double> parameter_magnitude(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size()) return number;
  uint64_t n = 0;
  if (ok(parse_size_bytes(text, n)) || ok(parse_duration_ns(text, n))) return static_cast<double>(n);
  return std::nullopt;
}

std::vector<SweepCurve> sweep_curves(const BatchTable& sweep, std::string_view scenario) {
  const std::string axis = sweep_axis(sweep);
  using CurveKey = std::tuple<std::string, std::string, std::string>;
  std::map<CurveKey, std::map<std::pair<double, std::string>, Accumulator>> curves;
  for (const BatchRow& row : sweep.rows) {
    if (!scenario.empty() && row.scenario != scenario) continue;
    std::string others;
    for (size_t p = 0; p < sweep.parameter_columns.size() && p < row.parameters.size(); ++p) {
      if (sweep.parameter_columns[p] == axis) continue;
      others += fmt::format("{}{}={}", others.empty() ? "" : ", ", sweep.parameter_columns[p], row.parameters[p]);
    }
    const std::string value = row.parameter(sweep.parameter_columns, axis);
    Accumulator& a = curves[{row.policy, row.strategy, others}][order_of(value)];
    a.stats.axis_value = value;
    ++a.stats.runs;
    if (row.status == RunStatus::invalid_input) ++a.stats.refused;
    if (!finished(row.status)) continue;
    ++a.stats.finished;
    if (const auto c = row.metric(kCompleteness)) {
      ++a.stats.with_failures;
      a.completeness_sum += *c;
      a.stats.completeness_min = std::min(a.stats.completeness_min.value_or(*c), *c);
    }
    if (const auto r = row.metric(kReservedMean).has_value() ? row.metric(kReservedMean)
                                                             : row.metric(kReservedMeanWholeRun)) {
      a.reserved_sum += *r;
      ++a.reserved_count;
    }
  }
  std::vector<SweepCurve> out;
  for (auto& [key, points] : curves) {
    SweepCurve curve{std::get<0>(key), std::get<1>(key), std::get<2>(key), {}};
    for (auto& [order, a] : points) {
      if (a.stats.with_failures > 0) a.stats.completeness_mean = a.completeness_sum / double(a.stats.with_failures);
      if (a.reserved_count > 0) a.stats.reserved_bytes_mean = a.reserved_sum / double(a.reserved_count);
      curve.points.push_back(std::move(a.stats));
    }
    out.push_back(std::move(curve));
  }
  return out;
}

bool reaches(const SweepPointStats& point, double threshold) {
  return point.runs > point.refused && point.finished == point.runs - point.refused && point.completeness_min &&
         *point.completeness_min >= threshold;
}

const SweepPointStats* smallest_reaching(const SweepCurve& curve, double threshold) {
  for (const SweepPointStats& p : curve.points)
    if (reaches(p, threshold)) return &p;
  return nullptr;
}

std::string smallest_budget_markdown(const BatchTable& sweep) {
  const std::string axis = sweep_axis(sweep);
  const auto curves = sweep_curves(sweep);
  std::string out = fmt::format(
      "| policy | strategy | other settings | smallest {} with every run >= {:g} % complete | reserved MiB mean there |\n"
      "|---|---|---|---|---:|\n",
      axis, kFullCaptureThreshold * 100);
  for (const SweepCurve& c : curves) {
    const SweepPointStats* p = smallest_reaching(c);
    out += fmt::format("| {} | {} | {} | {} | {} |\n", c.policy, c.strategy, c.others.empty() ? "-" : c.others,
                       p ? p->axis_value + refused_note(*p) : "not reached",
                       p && p->reserved_bytes_mean ? fmt::format("{:.1f}", *p->reserved_bytes_mean / 1048576.0) : "-");
  }
  if (curves.empty()) out += "| (no runs in the sweep) | | | | |\n";
  return out;
}

}  // namespace crashtwin::results
