#include "platform/predictor/predictor.h"

#include "platform/core/exact_math.h"

namespace crashtwin {

Status check_compatible(const FailureModel& model) {
  if (model.feature_set_version != kFeatureSetVersion) return Status::unsupported;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const ClassModel& m = model.classes[c];
    if (m.kind != ModelKind::none && m.feature_count != feature_count(static_cast<ComponentClass>(c)))
      return Status::unsupported;
  }
  return Status::ok;
}

float failure_probability(const FailureModel& model, ComponentClass cls, const FeatureVector& features) {
  const ClassModel& m = model.of(cls);
  if (m.kind != ModelKind::logistic) return 0.0f;
  const size_t n = m.feature_count < features.count ? m.feature_count : features.count;
  float z = m.bias;
  for (size_t f = 0; f < n; ++f) {
    const float v = features.value[f];
    // A feature that could not be computed (a gap in the samples, a sensor
    // not yet reporting: NaN or inf) is masked: it sits at its training
    // mean, contributing nothing, and the other features still decide.
    // Read as 0 it would push the probability wherever 0 lies from the mean.
    if (!(v - v == 0.0f)) continue;
    z += m.weight[f] * (v - m.mean[f]) / m.scale[f];
  }
  // Saturate rather than let exp overflow; a NaN can only come from the
  // model itself (the blob parser refuses non-finite parameters).
  if (!(z > -80.0f)) return 0.0f;
  if (z > 80.0f) return 1.0f;
  // exact::exp: the same probability on the host, every target and every CPU.
  return static_cast<float>(1.0 / (1.0 + exact::exp(-static_cast<double>(z))));
}

Status predict_all(const FailureModel& model, std::span<const MetricWindow> windows, std::span<float> probabilities) {
  if (windows.size() != probabilities.size()) return Status::invalid_argument;
  FeatureVector features;
  for (size_t i = 0; i < windows.size(); ++i) {
    compute_features(windows[i], features);
    probabilities[i] = failure_probability(model, windows[i].component_class(), features);
  }
  return Status::ok;
}

}  // namespace crashtwin
