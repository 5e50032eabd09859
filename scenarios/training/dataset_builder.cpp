#include "scenarios/training/dataset_builder.h"

#include <stdexcept>

#include "scenarios/replay/csv_reader.h"
#include "scenarios/training/baselines.h"

namespace crashtwin::training {

DatasetBuilder::DatasetBuilder(std::string scenario, std::string family, uint64_t seed,
                               const DatasetBuilderOptions& options)
    : scenario_(std::move(scenario)), family_(std::move(family)), seed_(seed), options_(options) {
  if (options.horizon_ns == 0) throw std::invalid_argument("dataset horizon must be positive");
  if (options.stride == 0) throw std::invalid_argument("dataset stride must be at least 1");
  if (!(options.ewma_alpha > 0.0f && options.ewma_alpha <= 1.0f))
    throw std::invalid_argument("EWMA alpha must be in (0, 1]");
}

DatasetBuilder::Instance& DatasetBuilder::instance(ComponentId id) {
  for (auto& i : instances_)
    if (i.id == id) return i;
  Instance& i = instances_.emplace_back();
  i.id = id;
  i.window.reset(id.cls, options_.ewma_alpha, options_.window_ns);
  return i;
}

void DatasetBuilder::sample(ComponentId id, uint64_t time_ns, std::span<const uint64_t> values, bool missed_before) {
  Instance& inst = instance(id);
  if (inst.failed_at_ns && time_ns >= *inst.failed_at_ns) return;
  if (!ok(inst.window.push(time_ns, values, missed_before)))
    throw csv::InputError("sample of " + std::string(to_string(id.cls)) + std::to_string(id.instance) + " at " +
                          std::to_string(time_ns) + " ns: wrong value count or time not advancing");
  ++inst.samples;
  inst.last_time_ns = time_ns;

  // The baseline counter with the window's reset rule: a register that goes
  // backwards was reset and its new value is the increase.
  const uint64_t counter = values[metric_slot(baseline_counter(id.cls))];
  if (inst.samples > 1) inst.errors_total += counter >= inst.last_counter ? counter - inst.last_counter : counter;
  inst.last_counter = counter;
  auto& history = inst.errors_history;
  history.emplace_back(time_ns, inst.errors_total);
  // Keep the newest sample at or before the window start as the reference.
  const uint64_t window_start = time_ns > kBaselineWindowNs ? time_ns - kBaselineWindowNs : 0;
  while (history.size() >= 2 && history[1].first <= window_start) history.pop_front();

  if (inst.samples < options_.min_samples || (inst.samples - options_.min_samples) % options_.stride != 0) return;
  DatasetRow& row = rows_.emplace_back();
  row.scenario = scenario_;
  row.family = family_;
  row.seed = seed_;
  row.component = id;
  row.time_ns = time_ns;
  row.errors_24h = inst.errors_total - history.front().second;
  compute_features(inst.window, row.features);
}

void DatasetBuilder::observe_window(ComponentId id, const MetricWindow& window) {
  if (window.ewma_alpha() != options_.ewma_alpha)
    throw csv::InputError("agent window EWMA alpha " + std::to_string(window.ewma_alpha()) +
                          " differs from the dataset's " + std::to_string(options_.ewma_alpha));
  if (window.span_ns() != options_.window_ns)
    throw csv::InputError("agent window span " + std::to_string(window.span_ns()) + " ns differs from the dataset's " +
                          std::to_string(options_.window_ns) + " ns");
  if (window.size() == 0) return;
  const size_t newest = window.size() - 1;
  const uint64_t t = window.time_ns(newest);
  if (const Instance& inst = instance(id); inst.samples > 0 && t <= inst.last_time_ns) return;
  uint64_t values[kMaxMetricsPerClass] = {};
  const uint32_t count = metric_count(id.cls);
  for (uint32_t slot = 0; slot < count; ++slot) values[slot] = window.value(newest, slot);
  // A tick the agent missed before this sample is one the builder missed:
  // fed the same samples and marks, its window stays the agent's.
  sample(id, t, std::span<const uint64_t>(values, count), window.newest_missed_tick());
}

void DatasetBuilder::failure(ComponentId id, uint64_t time_ns) {
  Instance& inst = instance(id);
  if (!inst.failed_at_ns) inst.failed_at_ns = time_ns;
}

void DatasetBuilder::finish(Dataset& out) {
  if (out.horizon_ns != 0 && out.horizon_ns != options_.horizon_ns)
    throw std::invalid_argument("appending rows of another horizon to a dataset");
  if (!out.rows.empty() && out.window_ns != options_.window_ns)
    throw std::invalid_argument("appending rows of another feature window to a dataset");
  out.horizon_ns = options_.horizon_ns;
  out.window_ns = options_.window_ns;
  for (auto& row : rows_) {
    const Instance& inst = instance(row.component);
    // Samples taken before the failure was reported but after it happened.
    if (inst.failed_at_ns && row.time_ns >= *inst.failed_at_ns) continue;
    if (inst.failed_at_ns) {
      row.time_to_failure_ns = *inst.failed_at_ns - row.time_ns;
      row.label = *row.time_to_failure_ns <= options_.horizon_ns;
    }
    out.rows.push_back(std::move(row));
  }
  rows_.clear();
  instances_.clear();
}

}  // namespace crashtwin::training
