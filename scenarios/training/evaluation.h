// `crashtwin evaluate`: the trained model, the best single feature chosen on
// the training rows and the RAS threshold baselines scored on the same rows,
// per component class, and the verdict whether the model earns its place. The model's probabilities
// come from the firmware's own inference (failure_probability on the parsed
// blob), so the figures are those of the code that ships.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "platform/predictor/alarm.h"
#include "platform/predictor/model_blob.h"
#include "scenarios/training/dataset.h"
#include "scenarios/training/single_feature.h"

namespace crashtwin::training {

// The alarm a detector raises on each row: per instance of a run, walked in
// time order through the firmware's own AlarmState (asserts at `threshold`,
// deasserts below config.clear_ratio x threshold held config.clear_time_ns).
// A clear ratio of 1 and no clear time: a row alarms when its score reaches
// the threshold, sample by sample.
std::vector<uint8_t> alarm_rows(const std::vector<const DatasetRow*>& rows, const std::vector<double>& score,
                                double threshold, const AlarmConfig& config);

// Lead time: for each failure in the rows (an instance of a run with a
// label-1 row), how long before it the detector's alarm was first up inside
// the horizon (an alarm raised earlier and still up counts from the
// horizon's start; episodes that start earlier are false alarms).
struct LeadTime {
  size_t failures = 0;
  size_t detected = 0;      // failures with at least one alarm inside the horizon
  // Over detected failures: mean and the distribution (nearest-rank
  // percentiles), 0 when none was detected.
  double mean_lead_s = 0.0;
  double p10_lead_s = 0.0, median_lead_s = 0.0, p90_lead_s = 0.0;
};
LeadTime lead_time(const std::vector<const DatasetRow*>& rows, const std::vector<uint8_t>& alarm);

// False alarms as an operator counts them: an alarm episode (consecutive
// alarming rows of one instance in one run) that starts on a row whose
// instance does not fail within the horizon, per machine-month observed (a
// run is one machine; its observed time is the span of its rows' samples;
// a month is 30 days).
struct FalseAlarms {
  size_t episodes = 0;
  double machine_months = 0.0;
  double per_machine_month = 0.0;  // 0 when no time was observed
};
FalseAlarms false_alarms(const std::vector<const DatasetRow*>& rows, const std::vector<uint8_t>& alarm);

struct DetectorReport {
  std::string detector;  // "model" or a baseline name
  ComponentClass cls = ComponentClass::memory;
  size_t rows = 0, positives = 0;
  double threshold = 0.0;  // operating threshold (probability, or errors_24h count)
  double pr_auc = 0.0, roc_auc = 0.0;
  double precision = 0.0, recall = 0.0;  // at the operating threshold
  double recall_at_1pct_fpr = 0.0;
  // Lead time and false alarms count the alarm as alarm_rows raises it:
  // the model's with the agent's band (`alarm` below), every baseline's
  // sample by sample (as their tools compare a count or a value with a
  // threshold).
  LeadTime lead;
  FalseAlarms false_alarms;
};

// One report per class that has rows and a model, then one per single
// feature rule whose class has rows, then one per RAS baseline whose class
// has rows. `alarm`: the hysteresis the agent applies to the model's
// probability (agent.alarm_clear_ratio, agent.alarm_clear_time; the
// agent's defaults unless told), so the model's lead time and false alarms
// are those its alarms would show.
std::vector<DetectorReport> evaluate_detectors(const FailureModel& model, const Dataset& data,
                                               const std::vector<SingleFeatureRule>& single_features,
                                               const AlarmConfig& alarm = {});
nlohmann::json alarm_config_json(const AlarmConfig& alarm);

// Does the model beat the best single feature of its class on these rows?
// Judged on PR-AUC (the ranking over every threshold, insensitive to the
// class imbalance that inflates ROC-AUC), with the uncertainty of the rows
// at hand: the runs (scenario, seed) are resampled with replacement
// (kVerdictResamples times, a fixed seed: deterministic) and the 90 %
// interval of the PR-AUC difference decides. The model is better when the
// whole interval is above 0 and the difference above kVerdictMargin, the
// feature when it is below; otherwise the rows cannot tell them apart
// (undecided): too few failing runs, or both rank every row perfectly.
// kVerdictMargin: float rounding of probabilities moves PR-AUC by ~1e-4
// between detectors that rank alike.
inline constexpr double kVerdictMargin = 1e-3;
inline constexpr int kVerdictResamples = 1000;

enum class VerdictOutcome : uint8_t { model_better, feature_better, undecided };
const char* to_string(VerdictOutcome outcome);

struct Verdict {
  ComponentClass cls = ComponentClass::cpu;
  std::string feature;  // the single feature's detector name
  size_t failing_rows = 0;
  size_t runs = 0;             // runs the rows come from (the resampled unit)
  size_t failing_runs = 0;     // of which with failing rows
  double model_pr_auc = 0.0, feature_pr_auc = 0.0;
  double difference_low = 0.0, difference_high = 0.0;  // 90 % interval of model - feature
  VerdictOutcome outcome = VerdictOutcome::undecided;
  bool model_beats_feature() const { return outcome == VerdictOutcome::model_better; }
};
// The same judgement between any two detectors' scores of `rows` (one
// class): `model` is the first, `feature` the one it is judged against
// (named `feature_name` in the verdict).
Verdict compare_scores(ComponentClass cls, const std::vector<const DatasetRow*>& rows, const std::vector<double>& model,
                       const std::vector<double>& feature, std::string feature_name);
// One per class with rows, a model and a single feature rule.
std::vector<Verdict> judge(const FailureModel& model, const Dataset& data,
                           const std::vector<SingleFeatureRule>& single_features);
std::string format_verdicts(const std::vector<Verdict>& verdicts);
nlohmann::json verdicts_json(const std::vector<Verdict>& verdicts);

// Fixed-width table for the terminal, side by side per class.
std::string format_reports(const std::vector<DetectorReport>& reports);
nlohmann::json reports_json(const std::vector<DetectorReport>& reports);

}  // namespace crashtwin::training
