// The best single feature: the yardstick a trained model has to beat. Per
// class, every feature of the feature set, taken as it is or negated, ranks
// the training rows; the one with the highest PR-AUC on the training rows is
// the class's best single feature, with its operating threshold chosen on
// the same rows the way the model's is (best F1). It is chosen on training
// data only, so that comparing it with the model on held-out families is a
// fair contest: a model that cannot beat one feature there has learnt
// nothing a threshold on that feature would not give, and `train` ships the
// feature instead (docs/training.md "Verdict").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/core/types.h"
#include "scenarios/training/dataset.h"

namespace crashtwin::training {

struct SingleFeatureRule {
  ComponentClass cls = ComponentClass::cpu;
  uint32_t feature = 0;  // index into feature_defs(cls)
  int direction = 1;     // +1: a higher value means failure; -1: a lower one
  // Alarm when direction * value >= threshold (in the feature's unit, signed
  // by direction).
  double threshold = 0.0;
  double train_pr_auc = 0.0;

  std::string name() const;  // "feature:<name>" or "feature:-<name>"
  double score(const DatasetRow& row) const;
};

// The best single feature of each class that has rows with both labels in
// `train` (classes without are absent). Ties: the lower feature index, then
// the positive direction. Deterministic.
std::vector<SingleFeatureRule> choose_single_features(const Dataset& train);

nlohmann::json single_feature_json(const SingleFeatureRule& rule);
// csv::InputError naming `source` when `j` is not what single_feature_json
// wrote or names a feature this build does not compute.
SingleFeatureRule single_feature_from_json(const nlohmann::json& j, ComponentClass cls, const std::string& source);

}  // namespace crashtwin::training
