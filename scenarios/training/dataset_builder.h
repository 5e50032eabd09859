// Turns one run's sampled telemetry and failures into labelled dataset rows.
// Features are computed by the firmware's own MetricWindow/compute_features
// (platform/predictor/features.h) from the same samples the agent would see,
// so a model trained on these rows sees in the field exactly what it saw in
// training. `crashtwin dataset` feeds it from the scenario runner; the
// synthetic fleets of the tests and benchmarks feed it directly.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "platform/predictor/features.h"
#include "scenarios/training/dataset.h"

namespace crashtwin::training {

struct DatasetBuilderOptions {
  uint64_t horizon_ns = 0;  // label = fails within this horizon (> 0)
  float ewma_alpha = 0.25f;  // must match the agent's MetricWindow alpha
  // The feature windows' span (MetricWindow::reset; 0: the last
  // kWindowCapacity samples); must match the agent's.
  uint64_t window_ns = 0;
  // Emit a row every `stride` samples of an instance (consecutive rows of one
  // instance are strongly correlated; a stride thins them).
  uint32_t stride = 1;
  // Samples an instance needs before its first row (rate_slope needs 3).
  uint32_t min_samples = 3;
};

class DatasetBuilder {
 public:
  // std::invalid_argument on a zero horizon or stride, or an alpha outside (0, 1].
  DatasetBuilder(std::string scenario, std::string family, uint64_t seed, const DatasetBuilderOptions& options);
  // A scenario that is its own family.
  DatasetBuilder(const std::string& scenario, uint64_t seed, const DatasetBuilderOptions& options)
      : DatasetBuilder(scenario, scenario, seed, options) {}

  // One sample of every metric of the instance's class (values[slot], register
  // units, as read from the device). csv::InputError when the sample count is
  // wrong or time does not advance for the instance. Samples after the
  // instance's failure are ignored: a dead component's telemetry is no
  // precursor.
  // `missed_before`: the sampler missed a tick since the previous sample
  // (MetricWindow::push).
  void sample(ComponentId id, uint64_t time_ns, std::span<const uint64_t> values, bool missed_before = false);

  // Feeds the newest sample of a window the agent keeps (Agent::window) into
  // the builder, so `crashtwin dataset` can record from the agent's own
  // per-tick windows; a window whose newest sample was already seen (or that
  // is empty) is skipped. csv::InputError when the window's EWMA alpha or
  // span is not the builder's (the features would differ from the agent's).
  void observe_window(ComponentId id, const MetricWindow& window);

  // The instance failed (first failure counts). Rows sampled at or after the
  // failure time are dropped, whether they came before or after this call.
  void failure(ComponentId id, uint64_t time_ns);

  // Labels every row from the failures and appends them to `out` (whose
  // horizon must be unset or equal) in sample order; the builder is then empty.
  void finish(Dataset& out);

 private:
  struct Instance {
    ComponentId id;
    MetricWindow window;
    uint64_t samples = 0;
    uint64_t last_time_ns = 0;
    uint64_t last_counter = 0;  // baseline counter's previous register value
    uint64_t errors_total = 0;  // its increases since the first sample
    std::deque<std::pair<uint64_t, uint64_t>> errors_history;  // (time, errors_total), trailing 24 h
    std::optional<uint64_t> failed_at_ns;
  };
  Instance& instance(ComponentId id);

  std::string scenario_;
  std::string family_;
  uint64_t seed_;
  DatasetBuilderOptions options_;
  std::vector<Instance> instances_;
  std::vector<DatasetRow> rows_;
};

}  // namespace crashtwin::training
