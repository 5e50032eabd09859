#include "scenarios/training/single_feature.h"

#include <cstring>

#include "scenarios/replay/csv_reader.h"
#include "scenarios/training/metrics.h"
#include "scenarios/training/trainer.h"

namespace crashtwin::training {

std::string SingleFeatureRule::name() const {
  return std::string("feature:") + (direction < 0 ? "-" : "") + feature_defs(cls)[feature].name;
}

double SingleFeatureRule::score(const DatasetRow& row) const {
  return direction * static_cast<double>(row.features.value[feature]);
}

std::vector<SingleFeatureRule> choose_single_features(const Dataset& train) {
  std::vector<SingleFeatureRule> out;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    std::vector<const DatasetRow*> rows;
    std::vector<uint8_t> label;
    for (const auto& row : train.rows)
      if (row.component.cls == cls) {
        rows.push_back(&row);
        label.push_back(row.label ? 1 : 0);
      }
    size_t positives = 0;
    for (const uint8_t l : label) positives += l;
    if (positives == 0 || positives == rows.size()) continue;
    SingleFeatureRule best;
    best.cls = cls;
    best.train_pr_auc = -1.0;
    std::vector<double> score(rows.size());
    for (uint32_t f = 0; f < feature_count(cls); ++f) {
      for (const int direction : {1, -1}) {
        SingleFeatureRule candidate{cls, f, direction, 0.0, 0.0};
        for (size_t i = 0; i < rows.size(); ++i) score[i] = candidate.score(*rows[i]);
        candidate.train_pr_auc = pr_auc(score, label);
        if (candidate.train_pr_auc <= best.train_pr_auc) continue;
        candidate.threshold = f1_threshold(score, label);
        best = candidate;
      }
    }
    out.push_back(best);
  }
  return out;
}

nlohmann::json single_feature_json(const SingleFeatureRule& rule) {
  return {{"feature", feature_defs(rule.cls)[rule.feature].name},
          {"direction", rule.direction},
          {"threshold", rule.threshold},
          {"train_pr_auc", rule.train_pr_auc}};
}

SingleFeatureRule single_feature_from_json(const nlohmann::json& j, ComponentClass cls, const std::string& source) {
  SingleFeatureRule rule;
  rule.cls = cls;
  std::string feature;
  try {
    feature = j.at("feature").get<std::string>();
    rule.direction = j.at("direction").get<int>();
    rule.threshold = j.at("threshold").get<double>();
    rule.train_pr_auc = j.at("train_pr_auc").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw csv::InputError(source + ": best_single_feature of " + to_string(cls) + " is malformed (" + e.what() + ")");
  }
  if (rule.direction != 1 && rule.direction != -1)
    throw csv::InputError(source + ": best_single_feature of " + to_string(cls) + ": direction must be 1 or -1");
  rule.feature = feature_index(cls, feature);
  if (rule.feature < feature_count(cls)) return rule;
  throw csv::InputError(source + ": best_single_feature of " + to_string(cls) + ": '" + feature +
                        "' is not a feature of the class");
}

}  // namespace crashtwin::training
