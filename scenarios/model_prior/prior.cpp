#include "scenarios/model_prior/prior.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace crashtwin::scenario {
namespace {

// weight per unit of the feature above `mean` (scale 1): e.g. each corrected
// error in the 1.6 s window adds 0.3 to the log-odds.
struct PriorWeight {
  ComponentClass cls;
  const char* feature;
  float weight;
  float mean;
};

constexpr PriorWeight kWeights[] = {
    {ComponentClass::cpu, "temperature_c", 0.25f, 75.0f},
    {ComponentClass::cpu, "temperature_slope_c_per_s", 0.5f, 0.0f},
    {ComponentClass::cpu, "exception_rate_per_s", 0.02f, 100.0f},
    {ComponentClass::cpu, "corrected_errors_in_window", 0.3f, 0.0f},
    {ComponentClass::memory, "corrected_errors_in_window", 0.3f, 0.0f},
    {ComponentClass::memory, "corrected_error_rate_slope", 0.05f, 0.0f},
    {ComponentClass::memory, "uncorrected_errors_in_window", 2.0f, 0.0f},
    {ComponentClass::memory, "temperature_c", 0.2f, 70.0f},
    {ComponentClass::disk, "latency_ewma_us", 0.002f, 1000.0f},
    {ComponentClass::disk, "timeouts_in_window", 1.0f, 0.0f},
    {ComponentClass::disk, "media_errors_in_window", 1.0f, 0.0f},
    {ComponentClass::disk, "temperature_c", 0.2f, 60.0f},
    {ComponentClass::network, "latency_ewma_us", 0.005f, 500.0f},
    {ComponentClass::network, "crc_errors_in_window", 0.3f, 0.0f},
    {ComponentClass::network, "link_flaps_in_window", 2.0f, 0.0f},
    {ComponentClass::network, "drop_rate_per_s", 0.01f, 100.0f},
    {ComponentClass::network, "temperature_c", 0.2f, 70.0f},
};

constexpr float kBias = -4.0f;  // p ~ 0.018 for a quiet component
constexpr uint64_t kHorizonNs = 10'000'000'000ull;

}  // namespace

FailureModel prior_model() {
  FailureModel model;
  model.feature_set_version = kFeatureSetVersion;
  model.generation = 1;
  model.horizon_ns = kHorizonNs;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    ClassModel& m = model.of(cls);
    const auto defs = feature_defs(cls);
    m.kind = ModelKind::logistic;
    m.feature_count = static_cast<uint8_t>(defs.size());
    m.bias = kBias;
    m.threshold = 0.5f;
    for (size_t i = 0; i < defs.size(); ++i) {
      m.scale[i] = 1.0f;
      for (const PriorWeight& w : kWeights) {
        if (w.cls == cls && std::strcmp(w.feature, defs[i].name) == 0) {
          m.weight[i] = w.weight;
          m.mean[i] = w.mean;
        }
      }
    }
  }
  return model;
}

std::vector<std::byte> prior_model_blob() {
  const FailureModel model = prior_model();
  std::vector<std::byte> blob(encoded_model_size(model));
  size_t length = 0;
  const Status st = encode_model(model, blob, length);
  if (!ok(st)) throw std::logic_error(std::string("the built-in prior does not encode: ") + to_string(st));
  blob.resize(length);
  return blob;
}

}  // namespace crashtwin::scenario
