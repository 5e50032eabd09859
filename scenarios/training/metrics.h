// Detection metrics over scored rows (score: higher = more likely to fail;
// label: fails within the horizon). Tied scores are one operating point: a
// detector cannot separate rows it scores equally, so curves step over a tie
// group at once (ROC-AUC counts a tied positive/negative pair as 1/2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin::training {

// Probability that a random positive outscores a random negative (ties 1/2).
// 0.5 when either class is absent (undefined: no ranking to judge).
double roc_auc(std::span<const double> score, std::span<const uint8_t> label);

// Area under the precision-recall curve as average precision:
// sum over tie groups, by descending score, of (recall gain) x (precision
// after the group). 0 when there is no positive.
double pr_auc(std::span<const double> score, std::span<const uint8_t> label);

struct Confusion {
  size_t true_positives = 0, false_positives = 0, false_negatives = 0, true_negatives = 0;
  double precision() const;  // 0 when nothing is flagged
  double recall() const;     // 0 when there is no positive
  double false_positive_rate() const;
};

// Rows with score >= threshold are flagged.
Confusion confusion_at(std::span<const double> score, std::span<const uint8_t> label, double threshold);

// Best recall of any threshold whose false-positive rate is <= max_fpr
// (ties flagged together), and that threshold (+inf when none flags a row).
struct RecallAtFpr {
  double recall = 0.0;
  double threshold = 0.0;
};
RecallAtFpr recall_at_fpr(std::span<const double> score, std::span<const uint8_t> label, double max_fpr);

}  // namespace crashtwin::training
