// Policies x metrics for the Compare view: the results library's policy
// means (traces/results/policy_means.h, the same numbers report.html shows)
// over a batch table, optionally restricted to one scenario.
#pragma once

#include <string>
#include <vector>

#include "traces/batch.h"
#include "traces/results/policy_means.h"

namespace crashtwin::gui {

using PolicySummary = results::PolicyMeans;
using results::finished;
using results::higher_is_better;

// Rows of `table` (only those of `scenario` unless it is empty), grouped by
// (policy, strategy) in name order; means over `metrics`.
std::vector<PolicySummary> summarise_policies(const BatchTable& table, const std::vector<std::string>& metrics,
                                              const std::string& scenario);

// "policy · strategy" of every pair in the table (all scenarios, any
// status), in (policy, strategy) order: report.html's group order, so a
// pair's index picks the same colour (series_colour) in both.
std::vector<std::string> policy_strategy_keys(const BatchTable& table);

// Scenario names in first-seen order.
std::vector<std::string> scenarios_of(const BatchTable& table);

}  // namespace crashtwin::gui
