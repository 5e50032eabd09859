#include "gui/compare/policy_summary.h"

#include <algorithm>
#include <map>

namespace crashtwin::gui {

bool finished(RunStatus status) { return status == RunStatus::ok || status == RunStatus::expectations_failed; }

std::vector<PolicySummary> summarise_policies(const BatchTable& table, const std::vector<std::string>& metrics,
                                              const std::string& scenario) {
  struct Sums {
    PolicySummary summary;
    std::vector<double> sum;
    std::vector<size_t> count;
  };
  std::map<std::pair<std::string, std::string>, Sums> groups;
  for (const BatchRow& row : table.rows) {
    if (!scenario.empty() && row.scenario != scenario) continue;
    Sums& g = groups[{row.policy, row.strategy}];
    if (g.sum.empty()) {
      g.summary.policy = row.policy;
      g.summary.strategy = row.strategy;
      g.sum.assign(metrics.size(), 0.0);
      g.count.assign(metrics.size(), 0);
    }
    ++g.summary.runs;
    if (row.status == RunStatus::ok) ++g.summary.ok;
    else if (row.status == RunStatus::expectations_failed) ++g.summary.expectations_failed;
    else ++g.summary.not_finished;
    if (!finished(row.status)) continue;
    for (size_t m = 0; m < metrics.size(); ++m) {
      if (auto v = row.metric(metrics[m])) {
        g.sum[m] += *v;
        ++g.count[m];
      }
    }
  }
  std::vector<PolicySummary> out;
  out.reserve(groups.size());
  for (auto& [key, g] : groups) {
    for (size_t m = 0; m < metrics.size(); ++m) {
      g.summary.means.push_back(g.count[m] > 0 ? std::optional<double>(g.sum[m] / static_cast<double>(g.count[m]))
                                               : std::nullopt);
    }
    out.push_back(std::move(g.summary));
  }
  return out;
}

std::vector<std::string> scenarios_of(const BatchTable& table) {
  std::vector<std::string> names;
  for (const BatchRow& row : table.rows) {
    if (std::find(names.begin(), names.end(), row.scenario) == names.end()) names.push_back(row.scenario);
  }
  return names;
}

}  // namespace crashtwin::gui
