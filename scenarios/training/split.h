// Train/test split by seed and by scenario. A test row shares neither its
// seed nor (when there are several scenarios) its scenario with any training
// row, so the held-out figures measure generalisation to new runs and new
// workloads, not memory of the runs trained on. Rows that would mix the two
// (a held-out seed of a training scenario, or the reverse) are discarded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/training/dataset.h"

namespace crashtwin::training {

struct SplitOptions {
  // Fraction of the distinct seeds (and scenarios) held out; at least one.
  double holdout_fraction = 0.25;
  // Scenarios to hold out by name; empty = the last of the sorted names.
  std::vector<std::string> holdout_scenarios;
  // Split by scenario too (needs two scenarios or more).
  bool by_scenario = true;
};

struct SplitPlan {
  std::vector<uint64_t> train_seeds, test_seeds;              // sorted
  std::vector<std::string> train_scenarios, test_scenarios;   // sorted
  bool by_scenario = false;  // false: every scenario is in both (one scenario only)

  bool is_train(const DatasetRow& row) const;
  bool is_test(const DatasetRow& row) const;
};

// Deterministic: the held-out seeds are the largest ones. csv::InputError
// when the data cannot be split (fewer than two seeds, unknown hold-out
// scenario, hold-out of every scenario).
SplitPlan plan_split(const Dataset& data, const SplitOptions& options);

struct SplitData {
  Dataset train, test;
  size_t discarded = 0;  // rows in neither (would leak)
};
SplitData apply_split(const Dataset& data, const SplitPlan& plan);

// What leaks between the two sets (a shared seed; a shared scenario when
// by_scenario), or empty.
std::string find_leakage(const Dataset& train, const Dataset& test, bool by_scenario);

}  // namespace crashtwin::training
