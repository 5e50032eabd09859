// Policies x metrics: the comparison both report.html and the dashboard show.
// One place for which runs count, how a policy's metric is averaged and which
// direction of a metric is better, so the two can never disagree.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "traces/batch.h"
#include "traces/report/format.h"

namespace crashtwin::results {

// Runs that measured something comparable: ok or expectations_failed.
// Invalid, crashed and timed-out runs are counted, never averaged.
bool finished(RunStatus status);

// Whether a larger value of the metric is better (completeness,
// identification, precision, recall, lead time); reserved memory, churn and
// times are better small.
bool higher_is_better(std::string_view metric);

struct PolicyMeans {
  std::string policy;
  std::string strategy;
  size_t runs = 0;
  size_t ok = 0;
  size_t expectations_failed = 0;
  size_t not_finished = 0;                   // invalid, crashed, timeout
  std::vector<std::optional<double>> means;  // one per requested metric; nullopt: no finished run has it
};

// Groups `rows` by (policy, strategy), in name order, and averages each of
// `metrics` over the group's finished runs. A non-empty `scenario` keeps only
// that scenario's rows.
std::vector<PolicyMeans> policy_means(const std::vector<BatchRow>& rows, const std::vector<std::string>& metrics,
                                      std::string_view scenario = {});

// Indices of the best group per metric: best[m][g] is true when group g's
// mean is at least as good as every other group's and the groups differ (a
// column of equal values has no winner; ties share the win).
std::vector<std::vector<bool>> best_means(const std::vector<PolicyMeans>& groups,
                                          const std::vector<std::string>& metrics);

// The unit each metric's column is written in (report::column_unit over the
// column's values): for the table of group means and for the table of runs,
// so report.html and the dashboard write the same cells.
std::vector<report::ColumnUnit> mean_units(const std::vector<PolicyMeans>& groups,
                                           const std::vector<std::string>& metrics);
std::vector<report::ColumnUnit> run_units(const std::vector<BatchRow>& rows, const std::vector<std::string>& metrics);

}  // namespace crashtwin::results
