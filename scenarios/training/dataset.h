// The training dataset: labelled feature windows, one row per component
// instance per sampling step, written by `crashtwin dataset` and read by
// `train` and `evaluate`. The feature values are what the firmware's
// compute_features (platform/predictor/features.h) produced from the same
// windows, so training and firmware agree by construction. Format (and why
// each column exists): docs/training.md "Dataset CSV".
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "platform/core/types.h"
#include "platform/predictor/features.h"

namespace crashtwin::training {

// 2: the family column.
inline constexpr uint32_t kDatasetFormatVersion = 2;

struct DatasetRow {
  std::string scenario;  // scenario name
  std::string family;    // the scenario's family: the unit of the family split
  uint64_t seed = 0;     // run seed: the unit of the seed split
  ComponentId component;
  uint64_t time_ns = 0;  // simulated time of the sample the features describe
  // The instance fails within the dataset's horizon after time_ns.
  bool label = false;
  // Time from time_ns to the instance's failure, when it fails later in the
  // run (also beyond the horizon); nullopt when it never fails.
  std::optional<uint64_t> time_to_failure_ns;
  // The instance's corrected errors over the trailing 24 h of simulated time
  // (counter per class: baseline_counter() in baselines.h); what mcelog's and
  // rasdaemon's thresholds count.
  uint64_t errors_24h = 0;
  FeatureVector features;  // count = feature_count(component.cls)
};

struct Dataset {
  uint64_t horizon_ns = 0;  // label = failure within this horizon
  // The span of the feature windows (MetricWindow::reset); 0: the last
  // kWindowCapacity samples. The trained model carries it to the agent.
  uint64_t window_ns = 0;
  std::vector<DatasetRow> rows;
};

// Column names in file order: the fixed columns, then the union of every
// class's feature names (features.h order, first occurrence wins); a row
// fills only its own class's feature columns.
std::vector<std::string> dataset_columns();

// Writes the preamble line, the header and every row. Deterministic: floats
// in shortest round-trip form, integers exact. csv::InputError if a row is
// inconsistent (scenario name not a plain field, wrong feature count, label
// contradicting time_to_failure_ns and the horizon).
void write_dataset(std::ostream& out, const Dataset& dataset);
void write_dataset_file(const std::string& path, const Dataset& dataset);

// Parses a dataset; csv::InputError naming file:line and the column on any
// malformed or inconsistent row (including a feature-set version other than
// kFeatureSetVersion, which would mean the features no longer match the
// firmware).
Dataset read_dataset(std::istream& in, const std::string& source);
Dataset read_dataset_file(const std::string& path);

// Checks a row against the dataset rules; returns what is wrong, or empty.
std::string row_problem(const DatasetRow& row, uint64_t horizon_ns);

}  // namespace crashtwin::training
