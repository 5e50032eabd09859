#include "scenarios/training/trainer.h"

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <numeric>
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "platform/core/exact_math.h"
#include "platform/predictor/predictor.h"
#include "scenarios/training/metrics.h"
#include "scenarios/replay/csv_reader.h"

namespace crashtwin::training {
namespace {

// Standardisation in the blob's float precision, so the training matrix is
// exactly what the firmware computes from the rounded mean and scale.
void standardise(const std::vector<const DatasetRow*>& rows, uint32_t d, ClassModel& m, Eigen::MatrixXd& x) {
  const auto n = static_cast<Eigen::Index>(rows.size());
  x.resize(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (uint32_t f = 0; f < d; ++f) x(i, f) = rows[static_cast<size_t>(i)]->features.value[f];
  for (uint32_t f = 0; f < d; ++f) {
    // Sums in row order (see logistic.cpp: reproducible on any machine).
    double sum = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) sum += x(i, f);
    const double mean = sum / static_cast<double>(n);
    double squares = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) squares += (x(i, f) - mean) * (x(i, f) - mean);
    const double variance = squares / static_cast<double>(n);
    m.mean[f] = static_cast<float>(mean);
    const auto scale = static_cast<float>(std::sqrt(variance));
    // A constant feature carries no information: scale 1 keeps it at 0.
    m.scale[f] = (std::isfinite(scale) && scale > 1e-12f) ? scale : 1.0f;
    x.col(f) = (x.col(f).array() - static_cast<double>(m.mean[f])) / static_cast<double>(m.scale[f]);
  }
}

// `only_feature`: fit that feature alone (the others weigh 0). `l2`: the
// ridge strength of this fit (options.solver's is ignored).
void train_class(ComponentClass cls, const std::vector<const DatasetRow*>& rows, const TrainOptions& options,
                 double l2, std::optional<uint32_t> only_feature, FailureModel& model, ClassTraining& report) {
  report = ClassTraining{};
  report.cls = cls;
  report.l2 = l2;
  report.rows = rows.size();
  for (const auto* r : rows) report.positives += r->label ? 1 : 0;
  const size_t negatives = report.rows - report.positives;
  if (report.positives == 0 || negatives == 0) {
    report.skipped = report.rows == 0 ? "no rows" : (report.positives == 0 ? "no failures in the training rows"
                                                                           : "no healthy rows in the training rows");
    return;
  }
  const uint32_t d = feature_count(cls);
  ClassModel& m = model.of(cls);
  m.kind = ModelKind::logistic;
  m.feature_count = static_cast<uint8_t>(d);
  Eigen::MatrixXd x;
  standardise(rows, d, m, x);

  const double n = static_cast<double>(report.rows);
  if (options.balance_classes) {
    report.positive_weight = n / (2.0 * static_cast<double>(report.positives));
    report.negative_weight = n / (2.0 * static_cast<double>(negatives));
  }
  Eigen::VectorXd y(x.rows()), s(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const bool positive = rows[static_cast<size_t>(i)]->label;
    y[i] = positive ? 1.0 : 0.0;
    s[i] = positive ? report.positive_weight : report.negative_weight;
  }
  LogisticOptions solver = options.solver;
  solver.l2 = l2;
  if (only_feature) {
    const Eigen::MatrixXd column = x.col(*only_feature);
    report.fit = fit_logistic(column, y, s, solver);
    for (uint32_t f = 0; f < d; ++f) m.weight[f] = f == *only_feature ? static_cast<float>(report.fit.weight[0]) : 0.0f;
  } else {
    report.fit = fit_logistic(x, y, s, solver);
    for (uint32_t f = 0; f < d; ++f) m.weight[f] = static_cast<float>(report.fit.weight[f]);
  }
  // Weighting multiplies the fitted odds by positive_weight / negative_weight
  // (the fit sees as many failing rows as healthy ones); take that back out
  // of the intercept (prior correction, King & Zeng 2001) so the blob
  // predicts the probability at the real failure rate. Policies size slices
  // by it: uncorrected, a class with 2 % failing rows started every
  // instance near p = 0.3. The ranking, and so the F1 threshold's operating
  // point, precision and recall, do not change.
  report.prior_correction = exact::log(report.positive_weight / report.negative_weight);
  const double rate_scale = options.failure_rate_scale[static_cast<size_t>(cls)];
  report.rate_correction = rate_scale == 1.0 ? 0.0 : exact::log(rate_scale);
  m.bias = static_cast<float>(report.fit.bias - report.prior_correction - report.rate_correction);

  // The threshold is chosen on what the firmware will compute: the float
  // model through the platform's own inference.
  std::vector<double> score(rows.size());
  std::vector<uint8_t> label(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    score[i] = failure_probability(model, cls, rows[i]->features);
    label[i] = rows[i]->label ? 1 : 0;
  }
  m.threshold = static_cast<float>(f1_threshold(score, label, 1.0 / rate_scale));
}

bool has_both_labels(const std::vector<const DatasetRow*>& rows) {
  bool positive = false, negative = false;
  for (const auto* r : rows) (r->label ? positive : negative) = true;
  return positive && negative;
}

// The cross-validation folds of a class's training rows: one per family, or
// one per seed when the rows come from one family. Sorted keys, rows in
// dataset order: deterministic.
std::vector<std::vector<const DatasetRow*>> folds_of(const std::vector<const DatasetRow*>& rows, bool& by_family) {
  std::set<std::string> families;
  for (const auto* r : rows) families.insert(r->family);
  by_family = families.size() >= 2;
  std::map<std::string, std::vector<const DatasetRow*>> of_family;
  std::map<uint64_t, std::vector<const DatasetRow*>> of_seed;
  for (const auto* r : rows) {
    if (by_family)
      of_family[r->family].push_back(r);
    else
      of_seed[r->seed].push_back(r);
  }
  std::vector<std::vector<const DatasetRow*>> folds;
  for (auto& [family, fold] : of_family) folds.push_back(std::move(fold));
  for (auto& [seed, fold] : of_seed) folds.push_back(std::move(fold));
  return folds;
}

// TrainOptions::choose_l2 for one class: every candidate's mean held-out
// PR-AUC over the folds, and the winner (no candidates when no fold has
// both labels on both sides).
L2Selection cross_validate_l2(ComponentClass cls, const std::vector<const DatasetRow*>& rows,
                              const TrainOptions& options) {
  L2Selection selection;
  const auto folds = folds_of(rows, selection.folds_by_family);
  std::vector<L2Candidate>& candidates = selection.candidates;
  for (const double per_row : kL2PerRowGrid) candidates.push_back({per_row, 0.0, 0});
  for (size_t k = 0; k < folds.size(); ++k) {
    std::vector<const DatasetRow*> fit_rows;
    for (size_t other = 0; other < folds.size(); ++other)
      if (other != k) fit_rows.insert(fit_rows.end(), folds[other].begin(), folds[other].end());
    if (!has_both_labels(folds[k]) || !has_both_labels(fit_rows)) continue;
    std::vector<uint8_t> label(folds[k].size());
    for (size_t i = 0; i < folds[k].size(); ++i) label[i] = folds[k][i]->label ? 1 : 0;
    for (L2Candidate& candidate : candidates) {
      FailureModel fold_model;
      ClassTraining fold_report;
      train_class(cls, fit_rows, options, candidate.l2_per_row * static_cast<double>(fit_rows.size()), std::nullopt,
                  fold_model, fold_report);
      // Scored as the firmware computes it, from the float model.
      std::vector<double> score(folds[k].size());
      for (size_t i = 0; i < folds[k].size(); ++i) score[i] = failure_probability(fold_model, cls, folds[k][i]->features);
      candidate.mean_pr_auc += pr_auc(score, label);
      ++candidate.folds;
    }
  }
  if (candidates.front().folds == 0) return {};  // L2Selection{}: no candidates
  // Strongest first, so a tie keeps the stronger ridge (the simpler model).
  const L2Candidate* best = nullptr;
  for (L2Candidate& candidate : candidates) candidate.mean_pr_auc /= static_cast<double>(candidate.folds);
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it)
    if (best == nullptr || it->mean_pr_auc > best->mean_pr_auc) best = &*it;
  selection.chosen_per_row = best->l2_per_row;
  return selection;
}

}  // namespace

double f1_threshold(const std::vector<double>& score, const std::vector<uint8_t>& label, double positive_weight) {
  const size_t positives = static_cast<size_t>(std::count(label.begin(), label.end(), uint8_t{1}));
  if (positives == 0) return 1.0;
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] > score[b]; });
  // Weighted counts; with weight 1 every sum is an exact integer, so the
  // unweighted threshold is what it always was.
  const double weighted_positives = positive_weight * static_cast<double>(positives);
  double best_f1 = -1.0, best = 1.0;
  size_t tp = 0, flagged = 0;
  for (size_t i = 0; i < order.size();) {
    const double s = score[order[i]];
    for (; i < order.size() && score[order[i]] == s; ++i, ++flagged) tp += label[order[i]];
    const double weighted_tp = positive_weight * static_cast<double>(tp);
    const double weighted_flagged = weighted_tp + static_cast<double>(flagged - tp);
    const double f1 = 2.0 * weighted_tp / (weighted_flagged + weighted_positives);
    if (f1 > best_f1) best_f1 = f1, best = s;
  }
  return best;
}

TrainedModel train_failure_model(const Dataset& train, const TrainOptions& options) {
  if (!(options.solver.l2 >= 0.0) || !std::isfinite(options.solver.l2))
    throw csv::InputError("l2 must be a finite number >= 0");
  TrainedModel out;
  out.model.feature_set_version = kFeatureSetVersion;
  out.model.generation = options.generation;
  out.model.horizon_ns = train.horizon_ns;
  out.model.window_ns = train.window_ns;
  std::vector<const DatasetRow*> by_class[kComponentClassCount];
  for (const auto& row : train.rows) by_class[static_cast<size_t>(row.component.cls)].push_back(&row);
  out.classes.resize(kComponentClassCount);
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    // The class's ridge strength: the solver's, or chosen by cross-validation.
    L2Selection selection;
    if (options.choose_l2 && has_both_labels(by_class[c])) selection = cross_validate_l2(cls, by_class[c], options);
    const double l2 = selection.candidates.empty()
                          ? options.solver.l2
                          : selection.chosen_per_row * static_cast<double>(by_class[c].size());
    train_class(cls, by_class[c], options, l2, std::nullopt, out.model, out.classes[c]);
    out.classes[c].l2_selection = std::move(selection);
  }
  for (const SingleFeatureRule& rule : choose_single_features(train))
    out.classes[static_cast<size_t>(rule.cls)].best_single_feature = rule;
  return out;
}

void refit_on_single_feature(const Dataset& train, const SingleFeatureRule& chosen, const TrainOptions& options,
                             TrainedModel& trained) {
  const SingleFeatureRule rule = chosen;  // `chosen` may be the report's own, which the refit resets
  std::vector<const DatasetRow*> rows;
  for (const auto& row : train.rows)
    if (row.component.cls == rule.cls) rows.push_back(&row);
  ClassTraining& report = trained.classes[static_cast<size_t>(rule.cls)];
  // The feature alone is fitted at the solver's strength: a ridge chosen
  // for the full model says nothing about one feature, whose ranking no
  // ridge changes (a strong one only flattens its probabilities, which
  // policies size slices by). The full model's selection stays on record.
  L2Selection selection = std::move(report.l2_selection);
  trained.model.of(rule.cls) = ClassModel{};
  train_class(rule.cls, rows, options, options.solver.l2, rule.feature, trained.model, report);
  report.l2_selection = std::move(selection);
  report.best_single_feature = rule;
  report.ships_single_feature = true;
}

std::vector<std::byte> encode_model_blob(const FailureModel& model) {
  std::vector<std::byte> blob(encoded_model_size(model));
  size_t length = 0;
  const Status s = encode_model(model, blob, length);
  if (!ok(s)) throw std::runtime_error(std::string("encode_model rejected the trained model: ") + to_string(s));
  blob.resize(length);
  return blob;
}

FailureModel read_model_blob_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw csv::InputError(path + ": cannot open model blob");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  FailureModel model;
  const Status s = parse_model(std::as_bytes(std::span<const char>(bytes)), model);
  if (!ok(s)) throw csv::InputError(path + ": not a valid failure model (" + std::string(to_string(s)) + ")");
  if (const ModelMismatch mismatch = find_mismatch(model); mismatch.kind != ModelMismatch::Kind::none) {
    char why[160];
    describe(mismatch, why);
    throw csv::InputError(path + ": " + why);
  }
  return model;
}

}  // namespace crashtwin::training
