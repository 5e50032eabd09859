// Gradient-boosted trees (xgboost's C API) as a second model class for one
// component class, trained offline on the same rows as the logistic
// regression, to measure whether trees would earn a portable tree inference
// in platform/ (docs/training.md, "Gradient-boosted trees against the
// logistic regression"). Not shipped: nothing here reaches a model blob.
// Built only when Debian's libxgboost-dev is installed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/training/dataset.h"

namespace crashtwin::training {

struct TreeOptions {
  uint32_t rounds = 200;     // boosting rounds (trees)
  uint32_t max_depth = 4;
  double learning_rate = 0.1;  // eta
  // Samples weighted as the logistic regression's balance_classes: each
  // label weighs half of the rows in total.
  bool balance_classes = true;
};

// One class's booster. Deterministic: one thread, exact histogram
// building without sampling, a fixed seed. Non-finite features are missing
// values (xgboost learns a default branch for them), as the logistic
// regression masks them at the mean.
class BoostedTrees {
 public:
  // `rows`: rows of one class (features of that class's count). Throws
  // std::runtime_error with xgboost's message on failure.
  BoostedTrees(const std::vector<const DatasetRow*>& rows, const TreeOptions& options);
  ~BoostedTrees();
  BoostedTrees(const BoostedTrees&) = delete;
  BoostedTrees& operator=(const BoostedTrees&) = delete;

  // Probability of failure within the horizon for each row.
  std::vector<double> predict(const std::vector<const DatasetRow*>& rows) const;
  // Trees and nodes of the trained booster (what a portable inference
  // would walk: nodes / trees x depth is the work per instance).
  size_t trees() const;
  size_t nodes() const;

 private:
  void* booster_ = nullptr;  // BoosterHandle
};

// "xgboost 1.7.4"
std::string xgboost_version();

}  // namespace crashtwin::training
