// Train/test split by scenario family, or by seed when there is one family.
// With several families, whole families are held out with every seed: a
// test row shares neither its family nor its scenario (so nor its run) with
// a training row, and the held-out figures measure generalisation to
// scenarios of another recipe (two scenarios of one family differ less than
// the field differs from either). A seed number shared across families is
// not a shared run. With one family, the largest seeds are held out. A
// scenario without a declared family is its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/training/dataset.h"

namespace crashtwin::training {

struct SplitOptions {
  // Fraction of the distinct seeds (and families) held out; at least one.
  double holdout_fraction = 0.25;
  // Families to hold out by name; empty = the last of the sorted names.
  std::vector<std::string> holdout_families;
  // Split by family too (needs two families or more).
  bool by_family = true;
};

struct SplitPlan {
  std::vector<uint64_t> train_seeds, test_seeds;              // sorted
  std::vector<std::string> train_families, test_families;   // sorted
  bool by_family = false;  // false: every family is in both (one family only)

  bool is_train(const DatasetRow& row) const;
  bool is_test(const DatasetRow& row) const;
};

// Deterministic: the held-out families (or, with one family, seeds) are the
// last sorted ones. With a family split both seed lists hold every seed.
// csv::InputError when the data cannot be split (one family and fewer than
// two seeds, unknown hold-out family, hold-out of every family).
SplitPlan plan_split(const Dataset& data, const SplitOptions& options);

struct SplitData {
  Dataset train, test;
  size_t discarded = 0;  // rows in neither (would leak)
};
SplitData apply_split(const Dataset& data, const SplitPlan& plan);

// What leaks between the two sets (a shared family or scenario when
// by_family, else a shared seed), or empty.
std::string find_leakage(const Dataset& train, const Dataset& test, bool by_family);

}  // namespace crashtwin::training
