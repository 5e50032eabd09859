// Inference: the probability that a component instance fails within the
// model's horizon, from the model and the instance's feature vector.
#pragma once

#include <span>

#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/predictor/features.h"
#include "platform/predictor/model_blob.h"

namespace crashtwin {

// Status::unsupported when the model was trained on another feature set, or a
// class model's feature count differs from the firmware's feature set for
// that class (a model the firmware would silently misread).
Status check_compatible(const FailureModel& model);

// Probability (0..1) for one instance of class `cls`. A class without a model
// (ModelKind::none) predicts 0. The model must have passed check_compatible.
float failure_probability(const FailureModel& model, ComponentClass cls, const FeatureVector& features);

// Features and probability for every window in one pass (what the agent does
// each tick); probabilities.size() must equal windows.size().
Status predict_all(const FailureModel& model, std::span<const MetricWindow> windows,
                   std::span<float> probabilities);

}  // namespace crashtwin
