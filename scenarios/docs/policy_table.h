// The library-wide comparison table of docs/policies.md, generated from a
// loaded batch (one run per scenario x policy x strategy x seed) so the
// document is never typed by hand. `crashtwin report DIR --policies-doc
// docs/policies.md` is the intended hook (scenarios/cli).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "traces/batch.h"

#include "traces/results/results.h"

namespace crashtwin::docs {

inline constexpr std::string_view kTableBegin =
    "<!-- comparison-table:begin (generated: crashtwin report DIR --policies-doc docs/policies.md) -->";
inline constexpr std::string_view kTableEnd = "<!-- comparison-table:end -->";
inline constexpr std::string_view kParamsBegin =
    "<!-- strategy-params:begin (generated from policies/strategies/strategy_params.cpp) -->";
inline constexpr std::string_view kParamsEnd = "<!-- strategy-params:end -->";
inline constexpr std::string_view kSweepBegin = "<!-- sweep:begin -->";
inline constexpr std::string_view kSweepEnd = "<!-- sweep:end -->";
// A sweep that does not vary agent.budget (the restart options, say): the
// means of each point instead of the smallest budget.
inline constexpr std::string_view kSweepMeansBegin = "<!-- sweep-means:begin -->";
inline constexpr std::string_view kSweepMeansEnd = "<!-- sweep-means:end -->";

// Per policy, strategy and values of the varied parameters: runs and the
// means of the recovery metrics over the runs that finished.
std::string sweep_means_table(const BatchTable& sweep);

// The strategy parameters (name under `strategy:`, default, description)
// from strategy_param_table(), as a Markdown table.
std::string strategy_parameter_table();

// One Markdown row per (policy, strategy), in first-seen order of the sorted
// runs, with each metric of docs/metrics.md averaged over that pair's valid runs
// ("-" where no run reported it), and the number of runs. The machines of
// fleet scenarios are left out (fleet.csv folds them per machine-year).
std::string policy_comparison_table(const results::Batch& batch);

// `document` with the text between the markers replaced by `table`.
// Throws std::invalid_argument naming the missing marker.
std::string replace_generated_table(std::string_view document, std::string_view table,
                                    std::string_view begin = kTableBegin, std::string_view end = kTableEnd);

// Reads `doc`, replaces its comparison table with the batch's and its
// parameter table with strategy_parameter_table(), writes it back. A sweep
// directory (batch.sweep) replaces only the text between the sweep markers,
// with the smallest-budget table (results/sweep.h): its runs mix budgets, so
// they say nothing about the library comparison.
// Throws std::runtime_error (file) or std::invalid_argument (markers).
void update_policies_doc(const std::filesystem::path& doc, const results::Batch& batch);

}  // namespace crashtwin::docs
