#include "platform/predictor/predictor.h"

#include "platform/core/exact_math.h"
#include "platform/core/fixed_text.h"

namespace crashtwin {

ModelMismatch find_mismatch(const FailureModel& model) {
  ModelMismatch m;
  if (model.feature_set_version != kFeatureSetVersion) {
    m.kind = ModelMismatch::Kind::feature_set;
    m.model_value = model.feature_set_version;
    m.firmware_value = kFeatureSetVersion;
    return m;
  }
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const ComponentClass cls = static_cast<ComponentClass>(c);
    const ClassModel& class_model = model.classes[c];
    if (class_model.kind != ModelKind::none && class_model.feature_count != feature_count(cls)) {
      m.kind = ModelMismatch::Kind::feature_count;
      m.cls = cls;
      m.model_value = class_model.feature_count;
      m.firmware_value = static_cast<uint32_t>(feature_count(cls));
      return m;
    }
  }
  return m;
}

Status check_compatible(const FailureModel& model) {
  return find_mismatch(model).kind == ModelMismatch::Kind::none ? Status::ok : Status::unsupported;
}

void describe(const ModelMismatch& mismatch, std::span<char> out) {
  FixedText text(out);
  switch (mismatch.kind) {
    case ModelMismatch::Kind::none:
      text << "compatible";
      break;
    case ModelMismatch::Kind::feature_set:
      text << "trained on feature set " << mismatch.model_value << " but the firmware computes feature set "
           << mismatch.firmware_value;
      break;
    case ModelMismatch::Kind::feature_count:
      text << "the " << to_string(mismatch.cls) << " model has " << mismatch.model_value
           << " features but feature set " << static_cast<uint32_t>(kFeatureSetVersion) << " has "
           << mismatch.firmware_value;
      break;
  }
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
