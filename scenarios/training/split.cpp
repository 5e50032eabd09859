#include "scenarios/training/split.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "scenarios/replay/csv_reader.h"

namespace crashtwin::training {
namespace {

template <typename T>
bool contains(const std::vector<T>& sorted, const T& v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

size_t holdout_count(size_t n, double fraction) {
  const auto k = static_cast<size_t>(std::llround(fraction * static_cast<double>(n)));
  return std::clamp<size_t>(k, 1, n - 1);
}

}  // namespace

bool SplitPlan::is_train(const DatasetRow& row) const {
  return by_family ? contains(train_families, row.family) : contains(train_seeds, row.seed);
}
bool SplitPlan::is_test(const DatasetRow& row) const {
  return by_family ? contains(test_families, row.family) : contains(test_seeds, row.seed);
}

SplitPlan plan_split(const Dataset& data, const SplitOptions& options) {
  if (!(options.holdout_fraction > 0.0 && options.holdout_fraction < 1.0))
    throw csv::InputError("holdout fraction must be between 0 and 1 (exclusive)");
  std::set<uint64_t> seeds;
  std::set<std::string> families;
  for (const auto& row : data.rows) {
    seeds.insert(row.seed);
    families.insert(row.family);
  }
  SplitPlan plan;
  const std::vector<uint64_t> all_seeds(seeds.begin(), seeds.end());
  const std::vector<std::string> all_families(families.begin(), families.end());
  for (const auto& name : options.holdout_families)
    if (!families.count(name)) throw csv::InputError("hold-out family '" + name + "' is not in the dataset");
  plan.by_family = options.by_family && (all_families.size() >= 2 || !options.holdout_families.empty());
  if (!plan.by_family) {
    if (seeds.size() < 2)
      throw csv::InputError("the dataset has one family and " + std::to_string(seeds.size()) +
                            " seed(s): at least 2 are needed to hold some out (crashtwin dataset --seeds N)");
    const size_t test_seed_count = holdout_count(all_seeds.size(), options.holdout_fraction);
    plan.train_seeds.assign(all_seeds.begin(), all_seeds.end() - static_cast<ptrdiff_t>(test_seed_count));
    plan.test_seeds.assign(all_seeds.end() - static_cast<ptrdiff_t>(test_seed_count), all_seeds.end());
    plan.train_families = plan.test_families = all_families;
    return plan;
  }
  plan.train_seeds = plan.test_seeds = all_seeds;
  if (options.holdout_families.empty()) {
    const size_t k = holdout_count(all_families.size(), options.holdout_fraction);
    plan.test_families.assign(all_families.end() - static_cast<ptrdiff_t>(k), all_families.end());
  } else {
    std::set<std::string> held(options.holdout_families.begin(), options.holdout_families.end());
    plan.test_families.assign(held.begin(), held.end());
  }
  for (const auto& name : all_families)
    if (!contains(plan.test_families, name)) plan.train_families.push_back(name);
  if (plan.train_families.empty()) throw csv::InputError("every family is held out: nothing left to train on");
  return plan;
}

SplitData apply_split(const Dataset& data, const SplitPlan& plan) {
  SplitData out;
  out.train.horizon_ns = out.test.horizon_ns = data.horizon_ns;
  out.train.window_ns = out.test.window_ns = data.window_ns;
  for (const auto& row : data.rows) {
    if (plan.is_train(row)) out.train.rows.push_back(row);
    else if (plan.is_test(row)) out.test.rows.push_back(row);
    else ++out.discarded;
  }
  return out;
}

std::string find_leakage(const Dataset& train, const Dataset& test, bool by_family) {
  std::set<uint64_t> seeds;
  std::set<std::string> families, scenarios;
  for (const auto& row : train.rows) {
    seeds.insert(row.seed);
    families.insert(row.family);
    scenarios.insert(row.scenario);
  }
  for (const auto& row : test.rows) {
    if (!by_family && seeds.count(row.seed))
      return "seed " + std::to_string(row.seed) + " is in both the training and the test set";
    if (by_family && families.count(row.family))
      return "family '" + row.family + "' is in both the training and the test set";
    if (by_family && scenarios.count(row.scenario))
      return "scenario '" + row.scenario + "' is in both the training and the test set";
  }
  return {};
}

}  // namespace crashtwin::training
