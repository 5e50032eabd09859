#include "scenarios/schema/choices.h"

#include <algorithm>

#include "policies/fixtures/test_fixtures.h"
#include "policies/partitioning/policies.h"
#include "policies/strategies/strategies.h"

namespace crashtwin::scenario {

std::string joined_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<std::string> known_policies() {
  std::vector<std::string> names = compared_policies();
  for (const char* n : test_fixture_policy_names()) names.emplace_back(n);
  return names;
}

std::vector<std::string> compared_policies() {
  std::vector<std::string> names;
  for (const char* n : policy_names()) names.emplace_back(n);
  return names;
}

std::vector<std::string> known_strategies() {
  std::vector<std::string> names;
  for (const char* n : strategy_names()) names.emplace_back(n);
  return names;
}

std::vector<std::string> expand_policies(const std::vector<std::string>& requested,
                                         const std::vector<std::string>& scenario_compares) {
  const auto is_all = [](const std::vector<std::string>& v) {
    return v.empty() || std::find(v.begin(), v.end(), "all") != v.end();
  };
  if (!is_all(requested)) return requested;
  return is_all(scenario_compares) ? compared_policies() : scenario_compares;
}

std::vector<std::string> expand_strategies(const std::vector<std::string>& requested) {
  if (requested.empty() || std::find(requested.begin(), requested.end(), "all") != requested.end())
    return known_strategies();
  return requested;
}

bool compared_pair(const std::string& policy, const std::string& strategy) {
  return strategy == kPredictiveStrategy || policy == "static";
}

LoadOptions default_load_options() {
  LoadOptions options;
  options.known_policies = known_policies();
  options.known_strategies = known_strategies();
  return options;
}

}  // namespace crashtwin::scenario
