#include "traces/results/policy_means.h"

#include <map>
#include <utility>

namespace crashtwin::results {

bool finished(RunStatus status) { return status == RunStatus::ok || status == RunStatus::expectations_failed; }

bool higher_is_better(std::string_view metric) {
  return metric.starts_with("capture_completeness") || metric.starts_with("failures_identified") ||
         metric.find("precision") != std::string_view::npos || metric.find("recall") != std::string_view::npos ||
         metric.find("lead_time") != std::string_view::npos || metric.find("hit_ratio") != std::string_view::npos;
}

std::vector<PolicyMeans> policy_means(const std::vector<BatchRow>& rows, const std::vector<std::string>& metrics,
                                      std::string_view scenario) {
  struct Sums {
    PolicyMeans group;
    std::vector<double> sum;
    std::vector<size_t> count;
  };
  std::map<std::pair<std::string, std::string>, Sums> groups;
  for (const BatchRow& row : rows) {
    if (!scenario.empty() && row.scenario != scenario) continue;
    Sums& g = groups[{row.policy, row.strategy}];
    if (g.group.runs == 0) {
      g.group.policy = row.policy;
      g.group.strategy = row.strategy;
      g.sum.assign(metrics.size(), 0.0);
      g.count.assign(metrics.size(), 0);
    }
    ++g.group.runs;
    if (row.status == RunStatus::ok) ++g.group.ok;
    else if (row.status == RunStatus::expectations_failed) ++g.group.expectations_failed;
    else ++g.group.not_finished;
    if (!finished(row.status)) continue;
    for (size_t m = 0; m < metrics.size(); ++m) {
      if (auto v = row.metric(metrics[m])) {
        g.sum[m] += *v;
        ++g.count[m];
      }
    }
  }
  std::vector<PolicyMeans> out;
  out.reserve(groups.size());
  for (auto& [key, g] : groups) {
    for (size_t m = 0; m < metrics.size(); ++m) {
      g.group.means.push_back(g.count[m] > 0 ? std::optional<double>(g.sum[m] / static_cast<double>(g.count[m]))
                                             : std::nullopt);
    }
    out.push_back(std::move(g.group));
  }
  return out;
}

std::vector<std::vector<bool>> best_means(const std::vector<PolicyMeans>& groups,
                                          const std::vector<std::string>& metrics) {
  std::vector<std::vector<bool>> best(metrics.size(), std::vector<bool>(groups.size(), false));
  for (size_t m = 0; m < metrics.size(); ++m) {
    std::optional<double> winner;
    bool differs = false;
    for (const PolicyMeans& g : groups) {
      const auto& v = g.means[m];
      if (!v) continue;
      if (winner && *v != *winner) differs = true;
      if (!winner || (higher_is_better(metrics[m]) ? *v > *winner : *v < *winner)) winner = v;
    }
    if (!differs) continue;
    for (size_t g = 0; g < groups.size(); ++g) best[m][g] = groups[g].means[m] == winner;
  }
  return best;
}

std::vector<report::ColumnUnit> mean_units(const std::vector<PolicyMeans>& groups,
                                           const std::vector<std::string>& metrics) {
  std::vector<report::ColumnUnit> units;
  for (size_t m = 0; m < metrics.size(); ++m) {
    std::vector<double> column;
    for (const PolicyMeans& group : groups)
      if (group.means[m]) column.push_back(*group.means[m]);
    units.push_back(report::column_unit(metrics[m], column));
  }
  return units;
}

std::vector<report::ColumnUnit> run_units(const std::vector<BatchRow>& rows, const std::vector<std::string>& metrics) {
  std::vector<report::ColumnUnit> units;
  for (const std::string& metric : metrics) {
    std::vector<double> column;
    for (const BatchRow& row : rows)
      if (auto v = row.metric(metric)) column.push_back(*v);
    units.push_back(report::column_unit(metric, column));
  }
  return units;
}

}  // namespace crashtwin::results
