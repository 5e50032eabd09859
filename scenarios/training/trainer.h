// `crashtwin train`: one L2-regularised logistic regression per component
// class, on standardised features with balanced class weights (failures are
// rare: without weighting the fit would settle for "never fails"), written
// as the model blob the firmware parses (platform/predictor/model_blob.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "platform/predictor/model_blob.h"
#include "scenarios/training/dataset.h"
#include "scenarios/training/logistic.h"
#include "scenarios/training/single_feature.h"

namespace crashtwin::training {

// Per-row ridge strengths tried when TrainOptions::choose_l2 is set: the
// fit's l2 is one of these times the rows it fits, since the data term of
// the objective grows with the rows (class weights sum to n) and a fixed l2
// would regularise a small dataset hard and a large one not at all.
inline constexpr double kL2PerRowGrid[] = {1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1};

struct TrainOptions {
  // Its l2 is the ridge strength of every class unless choose_l2 is set.
  LogisticOptions solver;
  // Choose each class's ridge strength on the training rows alone, by
  // leave-one-family-out cross-validation (leave-one-seed-out with one
  // family): per candidate of kL2PerRowGrid, fit on all folds but one and
  // score the one left out, as the firmware would (PR-AUC); the candidate
  // with the best mean over the folds wins, the stronger on a tie. The
  // held-out families of the split play no part in it.
  bool choose_l2 = false;
  // Weight each class's samples by n / (2 * count of that label), so
  // positives and negatives weigh the same in the objective.
  bool balance_classes = true;
  uint32_t generation = 1;  // FailureModel::generation of the blob
  // Per class, how many times the field's failure rate the training runs
  // failed at (their scenarios' field_fault_acceleration): the blob
  // predicts at the field's rate. The fitted odds are divided by it (a prior
  // correction for a known sampling rate, King and Zeng 2001), and the
  // threshold is chosen with failing rows counted 1/scale each, as the field
  // would see them. 1: the training runs fail at the field's rate.
  double failure_rate_scale[kComponentClassCount] = {1.0, 1.0, 1.0, 1.0};
};

// One candidate ridge strength of the cross-validation and how it scored.
struct L2Candidate {
  double l2_per_row = 0.0;
  double mean_pr_auc = 0.0;  // over the folds scored
  size_t folds = 0;          // folds with both labels on both sides
};

// TrainOptions::choose_l2's result for a class: every candidate, in grid
// order, and the winner (no candidates: not chosen, or no fold had both
// labels on both sides, and the class was fitted at the solver's l2).
struct L2Selection {
  std::vector<L2Candidate> candidates;
  double chosen_per_row = 0.0;
  bool folds_by_family = true;  // else one fold per seed (one family)
};

struct ClassTraining {
  ComponentClass cls = ComponentClass::cpu;
  double l2 = 0.0;  // the ridge strength the class was fitted with
  // A class refitted on its best single feature keeps its selection on
  // record but is fitted at the solver's l2.
  L2Selection l2_selection;
  size_t rows = 0, positives = 0;
  double positive_weight = 1.0, negative_weight = 1.0;
  // log(positive_weight / negative_weight), subtracted from the fitted bias
  // so the blob's probabilities are at the data's failure rate.
  double prior_correction = 0.0;
  // log(TrainOptions::failure_rate_scale), subtracted from the bias too.
  double rate_correction = 0.0;
  LogisticFit fit;       // in double, before rounding into the blob's floats
  std::string skipped;   // why the class has no model (kind none), or empty
  // Chosen on the training rows (absent without both labels there).
  std::optional<SingleFeatureRule> best_single_feature;
  // The class model was refitted on the best single feature alone (the full
  // model did not beat it on the held-out rows).
  bool ships_single_feature = false;
};

struct TrainedModel {
  FailureModel model;
  std::vector<ClassTraining> classes;  // one per ComponentClass, in order
};

// Deterministic: the same rows (in the same order) and options give the same
// model bit for bit. A class without both labels gets ModelKind::none.
TrainedModel train_failure_model(const Dataset& train, const TrainOptions& options);

// Refits the rule's class of `trained` as a logistic regression on that one
// feature (every other weight 0, same standardisation, weighting, prior
// correction and F1 threshold), replacing the class's model and report and
// marking it ships_single_feature.
void refit_on_single_feature(const Dataset& train, const SingleFeatureRule& rule, const TrainOptions& options,
                             TrainedModel& trained);

// The operating threshold: the probability (one of `score`) maximising F1 on
// the given rows; the highest such when several tie. 1 when no positive.
// `positive_weight`: what each failing row counts for (1 / the failure-rate
// scale of accelerated training runs).
double f1_threshold(const std::vector<double>& score, const std::vector<uint8_t>& label,
                    double positive_weight = 1.0);

// encode_model into a buffer of the right size; std::runtime_error if the
// platform encoder rejects the model (a trainer bug, not bad input).
std::vector<std::byte> encode_model_blob(const FailureModel& model);
// Reads and parse_model's a blob file; csv::InputError naming the file and
// the Status on failure.
FailureModel read_model_blob_file(const std::string& path);

}  // namespace crashtwin::training
