#include "scenarios/training/evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <tuple>

#include "platform/predictor/predictor.h"
#include "scenarios/training/baselines.h"
#include "scenarios/training/metrics.h"

namespace crashtwin::training {
namespace {

constexpr double kMaxFalseAlarmRate = 0.01;
constexpr double kMonthNs = 30.0 * 24 * 3600 * 1e9;

using InstanceKey = std::tuple<std::string, uint64_t, uint8_t, uint16_t>;  // one instance in one run
InstanceKey instance_key(const DatasetRow& row) {
  return {row.scenario, row.seed, static_cast<uint8_t>(row.component.cls), row.component.instance};
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0.0;
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// Each instance's rows (indices), in time order.
using InstanceRows = std::map<InstanceKey, std::vector<size_t>>;

// A stable sort: rows of one sample time keep their file order.
InstanceRows rows_by_instance(const std::vector<const DatasetRow*>& rows) {
  InstanceRows by_instance;
  for (size_t i = 0; i < rows.size(); ++i) by_instance[instance_key(*rows[i])].push_back(i);
  for (auto& [key, indices] : by_instance)
    std::stable_sort(indices.begin(), indices.end(),
                     [&](size_t a, size_t b) { return rows[a]->time_ns < rows[b]->time_ns; });
  return by_instance;
}

// alarm_rows over rows already grouped by instance.
std::vector<uint8_t> walk_alarm(const std::vector<const DatasetRow*>& rows, const InstanceRows& by_instance,
                                const std::vector<double>& score, double threshold, const AlarmConfig& config) {
  std::vector<uint8_t> alarm(rows.size(), 0);
  if (config.clear_ratio >= 1.0f && config.clear_time_ns == 0) {
    // No band: exact in double (a baseline's count, a feature's value).
    for (size_t i = 0; i < rows.size(); ++i) alarm[i] = score[i] >= threshold ? 1 : 0;
    return alarm;
  }
  // The firmware's state machine, in the firmware's float, as the agent
  // walks it sample by sample.
  for (const auto& [key, indices] : by_instance) {
    AlarmState state;
    for (const size_t i : indices) {
      state.update(static_cast<float>(score[i]), static_cast<float>(threshold), rows[i]->time_ns, config);
      alarm[i] = state.asserted ? 1 : 0;
    }
  }
  return alarm;
}

// false_alarms over rows already grouped by instance.
FalseAlarms count_false_alarms(const std::vector<const DatasetRow*>& rows, const InstanceRows& by_instance,
                               const std::vector<uint8_t>& alarm) {
  std::map<std::pair<std::string, uint64_t>, std::pair<uint64_t, uint64_t>> run_span;  // first, last sample
  for (size_t i = 0; i < rows.size(); ++i) {
    const DatasetRow& row = *rows[i];
    const auto [it, inserted] = run_span.try_emplace({row.scenario, row.seed}, row.time_ns, row.time_ns);
    it->second.first = std::min(it->second.first, row.time_ns);
    it->second.second = std::max(it->second.second, row.time_ns);
  }
  FalseAlarms out;
  for (const auto& [key, indices] : by_instance) {
    bool alarming = false;
    for (const size_t i : indices) {
      if (alarm[i] && !alarming && !rows[i]->label) ++out.episodes;
      alarming = alarm[i] != 0;
    }
  }
  double observed_ns = 0.0;
  for (const auto& [run, span] : run_span) observed_ns += static_cast<double>(span.second - span.first);
  out.machine_months = observed_ns / kMonthNs;
  out.per_machine_month = out.machine_months > 0.0 ? static_cast<double>(out.episodes) / out.machine_months : 0.0;
  return out;
}

// A detector compared with its threshold sample by sample.
constexpr AlarmConfig kNoBand{1.0f, 0};

// `by_instance`: rows_by_instance(rows), computed once per class.
DetectorReport score_detector(std::string name, ComponentClass cls, const std::vector<const DatasetRow*>& rows,
                              const InstanceRows& by_instance, const std::vector<double>& score, double threshold,
                              const AlarmConfig& band) {
  std::vector<uint8_t> label(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) label[i] = rows[i]->label ? 1 : 0;
  const std::vector<uint8_t> alarm = walk_alarm(rows, by_instance, score, threshold, band);
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
  r.false_alarms = count_false_alarms(rows, by_instance, alarm);
  return r;
}

}  // namespace

std::vector<uint8_t> alarm_rows(const std::vector<const DatasetRow*>& rows, const std::vector<double>& score,
                                double threshold, const AlarmConfig& config) {
  return walk_alarm(rows, rows_by_instance(rows), score, threshold, config);
}

nlohmann::json alarm_config_json(const AlarmConfig& alarm) {
  return {{"clear_ratio", alarm.clear_ratio}, {"clear_time_s", static_cast<double>(alarm.clear_time_ns) / 1e9}};
}

LeadTime lead_time(const std::vector<const DatasetRow*>& rows, const std::vector<uint8_t>& alarm) {
  struct Failure {
    bool detected = false;
    uint64_t lead_ns = 0;
  };
  std::map<InstanceKey, Failure> failures;
  for (size_t i = 0; i < rows.size(); ++i) {
    const DatasetRow& row = *rows[i];
    if (!row.label) continue;
    Failure& f = failures[instance_key(row)];
    if (alarm[i] && *row.time_to_failure_ns >= f.lead_ns) {
      f.detected = true;
      f.lead_ns = *row.time_to_failure_ns;
    }
  }
  LeadTime out;
  out.failures = failures.size();
  double total_s = 0.0;
  std::vector<double> leads;
  for (const auto& [key, f] : failures) {
    if (!f.detected) continue;
    ++out.detected;
    total_s += static_cast<double>(f.lead_ns) * 1e-9;
    leads.push_back(static_cast<double>(f.lead_ns) * 1e-9);
  }
  out.mean_lead_s = out.detected ? total_s / static_cast<double>(out.detected) : 0.0;
  std::sort(leads.begin(), leads.end());
  out.p10_lead_s = percentile(leads, 0.10);
  out.median_lead_s = percentile(leads, 0.50);
  out.p90_lead_s = percentile(leads, 0.90);
  return out;
}

FalseAlarms false_alarms(const std::vector<const DatasetRow*>& rows, const std::vector<uint8_t>& alarm) {
  return count_false_alarms(rows, rows_by_instance(rows), alarm);
}

std::vector<DetectorReport> evaluate_detectors(const FailureModel& model, const Dataset& data,
                                               const std::vector<SingleFeatureRule>& single_features,
                                               const AlarmConfig& alarm) {
  std::vector<const DatasetRow*> by_class[kComponentClassCount];
  for (const auto& row : data.rows) by_class[static_cast<size_t>(row.component.cls)].push_back(&row);
  InstanceRows order[kComponentClassCount];  // every detector of a class walks the same instances
  for (size_t c = 0; c < kComponentClassCount; ++c) order[c] = rows_by_instance(by_class[c]);

  std::vector<DetectorReport> reports;
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    const auto& rows = by_class[c];
    if (rows.empty() || model.of(cls).kind == ModelKind::none) continue;
    std::vector<double> score(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) score[i] = failure_probability(model, cls, rows[i]->features);
    reports.push_back(score_detector("model", cls, rows, order[c], score, model.of(cls).threshold, alarm));
  }
  for (const SingleFeatureRule& rule : single_features) {
    const auto& rows = by_class[static_cast<size_t>(rule.cls)];
    if (rows.empty()) continue;
    std::vector<double> score(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) score[i] = rule.score(*rows[i]);
    reports.push_back(score_detector(rule.name(), rule.cls, rows, order[static_cast<size_t>(rule.cls)], score,
                                     rule.threshold, kNoBand));
  }
  for (const ThresholdBaseline& b : threshold_baselines()) {
    const auto& rows = by_class[static_cast<size_t>(b.cls)];
    if (rows.empty()) continue;
    std::vector<double> score(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) score[i] = static_cast<double>(rows[i]->errors_24h);
    reports.push_back(score_detector(std::string(b.name), b.cls, rows, order[static_cast<size_t>(b.cls)], score,
                                     static_cast<double>(b.errors_24h), kNoBand));
  }
  return reports;
}

std::string format_reports(const std::vector<DetectorReport>& reports) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-8s %-32s %9s %7s %9s %7s %7s %9s %7s %9s %8s %10s %10s\n", "class",
                "detector", "rows", "pos", "threshold", "PR-AUC", "ROC-AUC", "precision", "recall", "rec@1%FPR",
                "detected", "lead_p50", "FA/mach-mo");
  out += line;
  for (const auto& r : reports) {
    std::snprintf(line, sizeof line,
                  "%-8s %-32s %9zu %7zu %9.4g %7.4f %7.4f %9.4f %7.4f %9.4f %4zu/%-3zu %9.3fs %10.4g\n",
                  to_string(r.cls), r.detector.c_str(), r.rows, r.positives, r.threshold, r.pr_auc, r.roc_auc,
                  r.precision, r.recall, r.recall_at_1pct_fpr, r.lead.detected, r.lead.failures,
                  r.lead.median_lead_s, r.false_alarms.per_machine_month);
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
                   {"mean_lead_time_s", r.lead.mean_lead_s},
                   {"lead_time_s", {{"p10", r.lead.p10_lead_s}, {"median", r.lead.median_lead_s}, {"p90", r.lead.p90_lead_s}}},
                   {"false_alarm_episodes", r.false_alarms.episodes},
                   {"machine_months", r.false_alarms.machine_months},
                   {"false_alarms_per_machine_month", r.false_alarms.per_machine_month}});
  }
  return out;
}

const char* to_string(VerdictOutcome outcome) {
  switch (outcome) {
    case VerdictOutcome::model_better: return "model_better";
    case VerdictOutcome::feature_better: return "feature_better";
    case VerdictOutcome::undecided: return "undecided";
  }
  return "undecided";
}

namespace {

// Rows ranked once by a detector's score (descending), for PR-AUC under any
// weighting of the runs.
struct Ranking {
  std::vector<size_t> order;
  const std::vector<double>* score = nullptr;
};

Ranking rank(const std::vector<double>& score) {
  Ranking r{std::vector<size_t>(score.size()), &score};
  std::iota(r.order.begin(), r.order.end(), size_t{0});
  std::stable_sort(r.order.begin(), r.order.end(), [&](size_t a, size_t b) { return score[a] > score[b]; });
  return r;
}

// Average precision (tie groups as one operating point, as pr_auc) with
// each row weighted by its run's weight.
double weighted_pr_auc(const Ranking& r, const std::vector<uint8_t>& label, const std::vector<uint32_t>& run,
                       const std::vector<double>& run_weight) {
  double positives = 0.0;
  for (size_t i = 0; i < label.size(); ++i) positives += label[i] ? run_weight[run[i]] : 0.0;
  if (!(positives > 0.0)) return 0.0;
  const std::vector<double>& score = *r.score;
  double tp = 0.0, fp = 0.0, area = 0.0;
  for (size_t k = 0; k < r.order.size();) {
    const double s = score[r.order[k]];
    double group_tp = 0.0;
    for (; k < r.order.size() && score[r.order[k]] == s; ++k) {
      const size_t i = r.order[k];
      const double w = run_weight[run[i]];
      if (label[i]) group_tp += w;
      else fp += w;
    }
    tp += group_tp;
    if (group_tp > 0.0) area += (group_tp / positives) * (tp / (tp + fp));
  }
  return area;
}

// SplitMix64: the resampling's own deterministic stream (no libm).
uint64_t splitmix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

Verdict compare_scores(ComponentClass cls, const std::vector<const DatasetRow*>& rows, const std::vector<double>& model,
                       const std::vector<double>& feature, std::string feature_name) {
  Verdict v;
  v.cls = cls;
  v.feature = std::move(feature_name);
  std::vector<uint8_t> label(rows.size());
  std::vector<uint32_t> run(rows.size());
  std::map<std::pair<std::string, uint64_t>, uint32_t> run_index;
  std::vector<uint8_t> run_fails;
  for (size_t i = 0; i < rows.size(); ++i) {
    label[i] = rows[i]->label ? 1 : 0;
    v.failing_rows += label[i];
    const auto [it, inserted] =
        run_index.try_emplace({rows[i]->scenario, rows[i]->seed}, static_cast<uint32_t>(run_index.size()));
    run[i] = it->second;
    if (inserted) run_fails.push_back(0);
    run_fails[run[i]] = static_cast<uint8_t>(run_fails[run[i]] | label[i]);
  }
  v.runs = run_index.size();
  for (const uint8_t f : run_fails) v.failing_runs += f;
  const Ranking model_rank = rank(model), feature_rank = rank(feature);
  std::vector<double> weight(v.runs, 1.0);
  v.model_pr_auc = weighted_pr_auc(model_rank, label, run, weight);
  v.feature_pr_auc = weighted_pr_auc(feature_rank, label, run, weight);
  if (v.failing_rows == 0) return v;  // undecided: nothing to rank
  std::vector<double> differences(kVerdictResamples);
  uint64_t state = 0x5EED'0F'7E57ull;
  for (double& d : differences) {
    std::fill(weight.begin(), weight.end(), 0.0);
    for (size_t k = 0; k < v.runs; ++k) weight[splitmix(state) % v.runs] += 1.0;
    d = weighted_pr_auc(model_rank, label, run, weight) - weighted_pr_auc(feature_rank, label, run, weight);
  }
  std::sort(differences.begin(), differences.end());
  v.difference_low = differences[kVerdictResamples / 20];
  v.difference_high = differences[kVerdictResamples - 1 - kVerdictResamples / 20];
  const double point = v.model_pr_auc - v.feature_pr_auc;
  if (v.difference_low > 0.0 && point > kVerdictMargin) v.outcome = VerdictOutcome::model_better;
  else if (v.difference_high < 0.0 && point < -kVerdictMargin) v.outcome = VerdictOutcome::feature_better;
  return v;
}

std::vector<Verdict> judge(const FailureModel& model, const Dataset& data,
                           const std::vector<SingleFeatureRule>& single_features) {
  std::vector<Verdict> out;
  for (const SingleFeatureRule& rule : single_features) {
    if (model.of(rule.cls).kind == ModelKind::none) continue;
    std::vector<const DatasetRow*> rows;
    for (const auto& row : data.rows)
      if (row.component.cls == rule.cls) rows.push_back(&row);
    if (rows.empty()) continue;
    std::vector<double> score(rows.size()), feature(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      score[i] = failure_probability(model, rule.cls, rows[i]->features);
      feature[i] = rule.score(*rows[i]);
    }
    out.push_back(compare_scores(rule.cls, rows, score, feature, rule.name()));
  }
  return out;
}

std::string format_verdicts(const std::vector<Verdict>& verdicts) {
  std::string out;
  char line[256];
  for (const Verdict& v : verdicts) {
    const char* what = v.outcome == VerdictOutcome::model_better     ? "the model beats it"
                       : v.outcome == VerdictOutcome::feature_better ? "the model does NOT beat it: the feature is better"
                       : v.failing_rows == 0                         ? "undecided: no failing rows"
                                                                     : "undecided: these runs cannot tell them apart";
    std::snprintf(line, sizeof line,
                  "verdict %-8s model PR-AUC %.4f vs best single feature %s %.4f (difference 90%% [%+.4f, %+.4f] over "
                  "%zu runs, %zu failing): %s\n",
                  to_string(v.cls), v.model_pr_auc, v.feature.c_str(), v.feature_pr_auc, v.difference_low,
                  v.difference_high, v.runs, v.failing_runs, what);
    out += line;
  }
  return out;
}

nlohmann::json verdicts_json(const std::vector<Verdict>& verdicts) {
  nlohmann::json out = nlohmann::json::array();
  for (const Verdict& v : verdicts)
    out.push_back({{"class", to_string(v.cls)},
                   {"feature", v.feature},
                   {"failing_rows", v.failing_rows},
                   {"runs", v.runs},
                   {"failing_runs", v.failing_runs},
                   {"model_pr_auc", v.model_pr_auc},
                   {"feature_pr_auc", v.feature_pr_auc},
                   {"difference_90", {v.difference_low, v.difference_high}},
                   {"outcome", to_string(v.outcome)},
                   {"model_beats_feature", v.model_beats_feature()}});
  return out;
}

}  // namespace crashtwin::training
