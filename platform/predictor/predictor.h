// Inference: the probability that a component instance fails within the
// model's horizon, from the model and the instance's feature vector.
#pragma once

#include <span>

#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/predictor/features.h"
#include "platform/predictor/model_blob.h"

namespace crashtwin {

// Why the firmware cannot use a model it parsed: trained on another feature
// set, or a class model's feature count differs from the firmware's for that
// class (a model the firmware would silently misread).
struct ModelMismatch {
  enum class Kind : uint8_t { none, feature_set, feature_count };
  Kind kind = Kind::none;
  ComponentClass cls = ComponentClass::cpu;  // feature_count: the class
  uint32_t model_value = 0;                  // the model's feature set, or the class's feature count
  uint32_t firmware_value = 0;               // the firmware's
};
ModelMismatch find_mismatch(const FailureModel& model);

// Status::unsupported when find_mismatch finds one.
Status check_compatible(const FailureModel& model);

// The mismatch in words, e.g. "trained on feature set 5 but the firmware
// computes feature set 6", NUL-terminated in `out` (cut to fit). For the
// agent's log line and the host's error messages: one wording everywhere.
void describe(const ModelMismatch& mismatch, std::span<char> out);

// Probability (0..1) for one instance of class `cls`. A class without a model
// (ModelKind::none) predicts 0. The model must have passed check_compatible.
float failure_probability(const FailureModel& model, ComponentClass cls, const FeatureVector& features);

// Features and probability for every window in one pass (what the agent does
// each tick); probabilities.size() must equal windows.size().
Status predict_all(const FailureModel& model, std::span<const MetricWindow> windows,
                   std::span<float> probabilities);

}  // namespace crashtwin
