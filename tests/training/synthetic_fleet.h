// A synthetic fleet of DIMMs for training tests and benchmarks: register
// values a DIMM would expose every sampling period, with failing DIMMs whose
// corrected-error rate and temperature climb before the failure (the
// precursor the model should learn), healthy DIMMs with a steady stream of
// corrected errors (a stuck bit: the classic false alarm of count
// thresholds) and harmless bursts. The samples go through the real
// DatasetBuilder (and so the firmware's compute_features). Deterministic:
// its own generator over std::mt19937_64, no library distributions.
#pragma once

#include <cstdint>
#include <string>

#include "scenarios/training/dataset_builder.h"

namespace crashtwin::training::testing {

struct FleetOptions {
  std::string scenario = "fleet";
  uint64_t seed = 1;
  uint16_t dimms = 8;
  uint16_t failing = 2;           // DIMMs that fail during the run
  uint16_t stuck_bit = 1;         // healthy DIMMs with a steady corrected-error stream
  double stuck_bit_rate = 2.0;    // corrected errors per second of those
  double burst_probability = 0.3; // chance a healthy DIMM has one harmless burst
  double duration_s = 120.0;
  double period_s = 0.1;          // sampling period
  double precursor_s = 20.0;      // how long before a failure the precursors start
};

// Simulates one run into `builder`.
void simulate_memory_fleet(const FleetOptions& options, DatasetBuilder& builder);

}  // namespace crashtwin::training::testing
