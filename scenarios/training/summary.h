// The JSON summary written beside a model blob (model.bin -> model.json): for
// people (what was fitted, how well, on what) and for `crashtwin evaluate`,
// which reads the split back so it never scores rows the model trained on.
// Deterministic: no paths, clocks or hostnames, only what the data and the
// options determine.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/training/evaluation.h"
#include "scenarios/training/split.h"
#include "scenarios/training/trainer.h"

namespace crashtwin::training {

struct SummaryInputs {
  const TrainedModel& trained;
  const TrainOptions& options;
  const SplitPlan& plan;
  const SplitData& split;
  const std::vector<DetectorReport>& held_out;
  const std::vector<Verdict>& verdicts;
};

nlohmann::json training_summary(const SummaryInputs& in);

// The seeds and families the model was trained on, from a summary;
// csv::InputError naming `source` when the summary lacks them.
SplitPlan training_split_from_summary(const nlohmann::json& summary, const std::string& source);

// What the summary says of each class: its best single feature (chosen on
// the training rows) and whether the blob ships it instead of the full
// model. csv::InputError naming `source` when malformed.
struct SummaryClass {
  ComponentClass cls = ComponentClass::cpu;
  std::optional<SingleFeatureRule> best_single_feature;
  bool ships_single_feature = false;
};
std::vector<SummaryClass> classes_from_summary(const nlohmann::json& summary, const std::string& source);

// model.bin -> model.json.
std::string summary_path_for(const std::string& model_path);

}  // namespace crashtwin::training
