// Predictor training and inference (docs/PERFORMANCE.md "Predictor training"):
// the offline trainer on 1 M rows (target: <= 10 s) and the cost of
// one prediction in the firmware's inference code.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>

#include "platform/predictor/predictor.h"
#include "scenarios/training/logistic.h"
#include "scenarios/training/trainer.h"

namespace {

using namespace crashtwin;
using namespace crashtwin::training;

// Memory-class rows whose failure odds follow a known logistic model of the
// raw features, about 3 % failing (the imbalance the class weights are for).
Dataset synthetic_rows(size_t n) {
  std::mt19937_64 g(1);
  const auto uniform = [&] { return static_cast<double>(g() >> 11) * 0x1.0p-53; };
  Dataset d;
  d.horizon_ns = 10'000'000'000;
  d.rows.resize(n);
  const uint32_t features = feature_count(ComponentClass::memory);
  for (size_t i = 0; i < n; ++i) {
    DatasetRow& r = d.rows[i];
    r.scenario = "bench";
    r.seed = i % 16;
    r.component = {ComponentClass::memory, static_cast<uint16_t>(i % 64)};
    r.time_ns = i * 100'000'000;
    r.features.count = static_cast<uint8_t>(features);
    double z = -4.0;
    for (uint32_t f = 0; f < features; ++f) {
      r.features.value[f] = static_cast<float>(10.0 * uniform());
      z += (f % 2 ? 0.15 : -0.05) * r.features.value[f];
    }
    if (uniform() < 1.0 / (1.0 + std::exp(-z))) {
      r.label = true;
      r.time_to_failure_ns = 5'000'000'000;
    }
  }
  return d;
}

void BM_TrainFailureModel(benchmark::State& state) {
  const Dataset data = synthetic_rows(static_cast<size_t>(state.range(0)));
  int iterations = 0;
  for (auto _ : state) {
    const TrainedModel trained = train_failure_model(data, {});
    iterations = trained.classes[static_cast<size_t>(ComponentClass::memory)].fit.iterations;
    benchmark::DoNotOptimize(trained.model.of(ComponentClass::memory).bias);
  }
  state.counters["newton_iterations"] = iterations;
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_TrainFailureModel)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1);

// --choose-l2: the ridge chosen by leave-one-family-out cross-validation
// over three families (one fit per grid strength and fold, then the final
// fit); compare with BM_TrainFailureModel at the same rows.
void BM_TrainChooseL2(benchmark::State& state) {
  Dataset data = synthetic_rows(static_cast<size_t>(state.range(0)));
  for (size_t i = 0; i < data.rows.size(); ++i) data.rows[i].family = "family" + std::to_string(i % 3);
  TrainOptions options;
  options.choose_l2 = true;
  for (auto _ : state) {
    const TrainedModel trained = train_failure_model(data, options);
    benchmark::DoNotOptimize(trained.model.of(ComponentClass::memory).bias);
  }
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_TrainChooseL2)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(1);

// The part of training that finds the class's best single feature (every
// feature, both directions, ranked by PR-AUC): the yardstick of the verdict.
void BM_ChooseSingleFeatures(benchmark::State& state) {
  const Dataset data = synthetic_rows(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(choose_single_features(data).size());
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ChooseSingleFeatures)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_FailureProbability(benchmark::State& state) {
  const Dataset data = synthetic_rows(4096);
  const FailureModel model = train_failure_model(data, {}).model;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(failure_probability(model, ComponentClass::memory, data.rows[i & 4095].features));
    ++i;
  }
}
BENCHMARK(BM_FailureProbability);

// What the agent pays per instance per tick: features from the window, then
// the probability.
void BM_PredictAllPerWindow(benchmark::State& state) {
  const FailureModel model = train_failure_model(synthetic_rows(4096), {}).model;
  std::vector<MetricWindow> windows(64);
  std::vector<float> probability(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) {
    windows[w].reset(ComponentClass::memory, 0.25f);
    for (uint64_t s = 1; s <= kWindowCapacity; ++s) {
      const uint64_t values[6] = {500000, s * 400'000'000, s * (w % 3), 0, 45000 + s * 10, s * (w % 3)};
      (void)windows[w].push(s * 100'000'000, values);
    }
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(predict_all(model, windows, probability));
    benchmark::DoNotOptimize(probability.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * windows.size()));
}
BENCHMARK(BM_PredictAllPerWindow);

}  // namespace
