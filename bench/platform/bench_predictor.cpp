// Predictor inference for 4 classes x 16 instances (target <= 2 us), and the
// feature computation that precedes it each tick.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "platform/predictor/predictor.h"

using namespace crashtwin;

namespace {

constexpr size_t kInstancesPerClass = 16;

FailureModel full_model() {
  FailureModel m;
  m.feature_set_version = kFeatureSetVersion;
  m.horizon_ns = 5'000'000'000;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    ClassModel& cm = m.classes[c];
    cm.kind = ModelKind::logistic;
    cm.feature_count = static_cast<uint8_t>(feature_count(static_cast<ComponentClass>(c)));
    for (size_t f = 0; f < cm.feature_count; ++f) {
      cm.mean[f] = 1.0f;
      cm.scale[f] = 2.0f;
      cm.weight[f] = 0.01f * static_cast<float>(f + 1);
    }
    cm.bias = -3.0f;
  }
  return m;
}

// Full windows with deterministic, varying samples.
std::vector<MetricWindow> full_windows() {
  std::vector<MetricWindow> windows(kComponentClassCount * kInstancesPerClass);
  for (size_t i = 0; i < windows.size(); ++i) {
    const auto cls = static_cast<ComponentClass>(i / kInstancesPerClass);
    windows[i].reset(cls, 0.25f);
    for (uint64_t k = 0; k < kWindowCapacity; ++k) {
      uint64_t v[kMaxMetricsPerClass];
      for (uint32_t s = 0; s < metric_count(cls); ++s) v[s] = 1000 * (k + 1) * (s + 1) + 37 * i;
      windows[i].push(k * 100'000'000, std::span<const uint64_t>(v, metric_count(cls)));
    }
  }
  return windows;
}

void BM_Inference64(benchmark::State& state) {
  const FailureModel model = full_model();
  const auto windows = full_windows();
  std::vector<FeatureVector> features(windows.size());
  for (size_t i = 0; i < windows.size(); ++i) compute_features(windows[i], features[i]);
  std::vector<float> p(windows.size());
  for (auto _ : state) {
    for (size_t i = 0; i < windows.size(); ++i)
      p[i] = failure_probability(model, windows[i].component_class(), features[i]);
    benchmark::DoNotOptimize(p.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(windows.size()));
}
BENCHMARK(BM_Inference64);

void BM_FeaturesAndInference64(benchmark::State& state) {
  const FailureModel model = full_model();
  const auto windows = full_windows();
  std::vector<float> p(windows.size());
  for (auto _ : state) {
    predict_all(model, windows, p);
    benchmark::DoNotOptimize(p.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(windows.size()));
}
BENCHMARK(BM_FeaturesAndInference64);

// Per model class: one instance's features and probability (each class has
// its own feature count and kinds), over the class's 16 instances.
void BM_FeaturesAndInferenceByClass(benchmark::State& state) {
  const auto cls = static_cast<ComponentClass>(state.range(0));
  const FailureModel model = full_model();
  const auto all = full_windows();
  const std::vector<MetricWindow> windows(all.begin() + static_cast<std::ptrdiff_t>(state.range(0) * kInstancesPerClass),
                                          all.begin() + static_cast<std::ptrdiff_t>((state.range(0) + 1) * kInstancesPerClass));
  std::vector<float> p(windows.size());
  FeatureVector f;
  for (auto _ : state) {
    for (size_t i = 0; i < windows.size(); ++i) {
      compute_features(windows[i], f);
      p[i] = failure_probability(model, cls, f);
    }
    benchmark::DoNotOptimize(p.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(to_string(cls)) + " (" + std::to_string(feature_count(cls)) + " features)");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(windows.size()));
}
BENCHMARK(BM_FeaturesAndInferenceByClass)->DenseRange(0, 3);

}  // namespace
