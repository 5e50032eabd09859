// Policies x metrics: one row per (policy, strategy) with the mean of each
// metric over its finished runs (ok or expectations_failed; invalid, crashed
// and timed-out runs measured nothing comparable), as report.html computes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "traces/batch.h"

namespace crashtwin::gui {

struct PolicySummary {
  std::string policy;
  std::string strategy;
  size_t runs = 0;
  size_t ok = 0;
  size_t expectations_failed = 0;
  size_t not_finished = 0;  // invalid, crashed, timeout
  std::vector<std::optional<double>> means;  // one per requested metric
};

bool finished(RunStatus status);

// Rows of `table` (only those of `scenario` unless it is empty), grouped by
// (policy, strategy) in name order; means over `metrics`.
std::vector<PolicySummary> summarise_policies(const BatchTable& table, const std::vector<std::string>& metrics,
                                              const std::string& scenario);

// Scenario names in first-seen order.
std::vector<std::string> scenarios_of(const BatchTable& table);

}  // namespace crashtwin::gui
