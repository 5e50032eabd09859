// `crashtwin evaluate`: the trained model and the RAS threshold baselines
// scored on the same rows, per component class. The model's probabilities
// come from the firmware's own inference (failure_probability on the parsed
// blob), so the figures are those of the code that ships.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "platform/predictor/model_blob.h"
#include "scenarios/training/dataset.h"

namespace crashtwin::training {

// Lead time: for each failure in the rows (an instance of a run with a
// label-1 row), how long before it the detector first alarmed inside the
// horizon (alarms earlier than the horizon are false alarms, not warnings).
struct LeadTime {
  size_t failures = 0;
  size_t detected = 0;      // failures with at least one alarm inside the horizon
  double mean_lead_s = 0.0;  // over detected failures
};
LeadTime lead_time(const std::vector<const DatasetRow*>& rows, const std::vector<uint8_t>& alarm);

struct DetectorReport {
  std::string detector;  // "model" or a baseline name
  ComponentClass cls = ComponentClass::memory;
  size_t rows = 0, positives = 0;
  double threshold = 0.0;  // operating threshold (probability, or errors_24h count)
  double pr_auc = 0.0, roc_auc = 0.0;
  double precision = 0.0, recall = 0.0;  // at the operating threshold
  double recall_at_1pct_fpr = 0.0;
  LeadTime lead;
};

// One report per class that has rows and a model, then one per baseline
// whose class has rows.
std::vector<DetectorReport> evaluate_detectors(const FailureModel& model, const Dataset& data);

// Fixed-width table for the terminal, side by side per class.
std::string format_reports(const std::vector<DetectorReport>& reports);
nlohmann::json reports_json(const std::vector<DetectorReport>& reports);

}  // namespace crashtwin::training
