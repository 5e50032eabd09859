#include "gui/compare/policy_summary.h"

#include <algorithm>

namespace crashtwin::gui {

std::vector<PolicySummary> summarise_policies(const BatchTable& table, const std::vector<std::string>& metrics,
                                              const std::string& scenario) {
  return results::policy_means(table.rows, metrics, scenario);
}

std::vector<std::string> scenarios_of(const BatchTable& table) {
  std::vector<std::string> names;
  for (const BatchRow& row : table.rows) {
    if (std::find(names.begin(), names.end(), row.scenario) == names.end()) names.push_back(row.scenario);
  }
  return names;
}

std::vector<std::string> policy_strategy_keys(const BatchTable& table) {
  // The groups of results::policy_means, whose order report.html follows.
  std::vector<std::string> keys;
  for (const PolicySummary& group : results::policy_means(table.rows, {})) {
    keys.push_back(group.policy + " · " + group.strategy);
  }
  return keys;
}

}  // namespace crashtwin::gui
