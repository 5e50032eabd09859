#include "scenarios/training/evaluation.h"

#include <cstdio>
#include <map>
#include <tuple>

#include "platform/predictor/predictor.h"
#include "scenarios/training/baselines.h"
#include "scenarios/training/metrics.h"

namespace crashtwin::training {
namespace {

constexpr double kMaxFalseAlarmRate = 0.01;

DetectorReport score_detector(std::string name, ComponentClass cls, const std::vector<const DatasetRow*>& rows,
                              const std::vector<double>& score, double threshold) {
  std::vector<uint8_t> label(rows.size());
  std::vector<uint8_t> alarm(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    label[i] = rows[i]->label ? 1 : 0;
    alarm[i] = score[i] >= threshold ? 1 : 0;
  }
  DetectorReport r;
  r.detector = std::move(name);
  r.cls = cls;
  r.rows = rows.size();
  for (const uint8_t l : label) r.positives += l;
  r.threshold = threshold;
  r.pr_auc = pr_auc(score, label);
  r.roc_auc = roc_auc(score, label);
  const Confusion c = confusion_at(score, label, threshold);
  r.precision = c.precision();
  r.recall = c.recall();
  r.recall_at_1pct_fpr = recall_at_fpr(score, label, kMaxFalseAlarmRate).recall;
  r.lead = lead_time(rows, alarm);
  return r;
}

}  // namespace

LeadTime lead_time(const std::vector<const DatasetRow*>& rows, const std::vector<uint8_t>& alarm) {
  struct Failure {
    bool detected = false;
    uint64_t lead_ns = 0;
  };
  // Key: one instance in one run.
  std::map<std::tuple<std::string, uint64_t, uint8_t, uint16_t>, Failure> failures;
  for (size_t i = 0; i < rows.size(); ++i) {
    const DatasetRow& row = *rows[i];
    if (!row.label) continue;
    Failure& f = failures[{row.scenario, row.seed, static_cast<uint8_t>(row.component.cls), row.component.instance}];
    if (alarm[i] && *row.time_to_failure_ns >= f.lead_ns) {
      f.detected = true;
      f.lead_ns = *row.time_to_failure_ns;
    }
  }
  LeadTime out;
  out.failures = failures.size();
  double total_s = 0.0;
  for (const auto& [key, f] : failures) {
    if (!f.detected) continue;
    ++out.detected;
    total_s += static_cast<double>(f.lead_ns) * 1e-9;
  }
  out.mean_lead_s = out.detected ? total_s / static_cast<double>(out.detected) : 0.0;
  return out;
}

std::vector<DetectorReport> evaluate_detectors(const FailureModel& model, const Dataset& data) {
  std::vector<const DatasetRow*> by_class[kComponentClassCount];
  for (const auto& row : data.rows) by_class[static_cast<size_t>(row.component.cls)].push_back(&row);

  std::vector<DetectorReport> reports;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    const auto& rows = by_class[c];
    if (rows.empty() || model.of(cls).kind == ModelKind::none) continue;
    std::vector<double> score(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) score[i] = failure_probability(model, cls, rows[i]->features);
    reports.push_back(score_detector("model", cls, rows, score, model.of(cls).threshold));
  }
  for (const ThresholdBaseline& b : threshold_baselines()) {
    const auto& rows = by_class[static_cast<size_t>(b.cls)];
    if (rows.empty()) continue;
    std::vector<double> score(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) score[i] = static_cast<double>(rows[i]->errors_24h);
    reports.push_back(score_detector(std::string(b.name), b.cls, rows, score, static_cast<double>(b.errors_24h)));
  }
  return reports;
}

std::string format_reports(const std::vector<DetectorReport>& reports) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-8s %-15s %9s %7s %9s %7s %7s %9s %7s %9s %8s %10s\n", "class", "detector",
                "rows", "pos", "threshold", "PR-AUC", "ROC-AUC", "precision", "recall", "rec@1%FPR", "detected",
                "mean_lead");
  out += line;
  for (const auto& r : reports) {
    std::snprintf(line, sizeof line, "%-8s %-15s %9zu %7zu %9.4g %7.4f %7.4f %9.4f %7.4f %9.4f %4zu/%-3zu %9.3fs\n",
                  to_string(r.cls), r.detector.c_str(), r.rows, r.positives, r.threshold, r.pr_auc, r.roc_auc,
                  r.precision, r.recall, r.recall_at_1pct_fpr, r.lead.detected, r.lead.failures, r.lead.mean_lead_s);
    out += line;
  }
  return out;
}

nlohmann::json reports_json(const std::vector<DetectorReport>& reports) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : reports) {
    out.push_back({{"class", to_string(r.cls)},
                   {"detector", r.detector},
                   {"rows", r.rows},
                   {"positives", r.positives},
                   {"threshold", r.threshold},
                   {"pr_auc", r.pr_auc},
                   {"roc_auc", r.roc_auc},
                   {"precision", r.precision},
                   {"recall", r.recall},
                   {"recall_at_1pct_fpr", r.recall_at_1pct_fpr},
                   {"failures", r.lead.failures},
                   {"failures_detected", r.lead.detected},
                   {"mean_lead_time_s", r.lead.mean_lead_s}});
  }
  return out;
}

}  // namespace crashtwin::training
