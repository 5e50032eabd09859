#include "scenarios/training/metrics.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

namespace crashtwin::training {
namespace {

// Row indices by descending score; equal scores keep index order (stable),
// which only matters for determinism, never for the metrics.
std::vector<size_t> by_descending_score(std::span<const double> score) {
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] > score[b]; });
  return order;
}

struct Counts {
  size_t positives = 0, negatives = 0;
};
Counts count(std::span<const uint8_t> label) {
  Counts c;
  for (const uint8_t l : label) (l ? c.positives : c.negatives)++;
  return c;
}

// Calls visit(true_positives, false_positives, threshold) after each tie group.
template <typename Visit>
void walk_tie_groups(std::span<const double> score, std::span<const uint8_t> label, Visit visit) {
  const std::vector<size_t> order = by_descending_score(score);
  size_t tp = 0, fp = 0;
  for (size_t i = 0; i < order.size();) {
    const double s = score[order[i]];
    for (; i < order.size() && score[order[i]] == s; ++i) (label[order[i]] ? tp : fp)++;
    visit(tp, fp, s);
  }
}

}  // namespace

double Confusion::precision() const {
  const size_t flagged = true_positives + false_positives;
  return flagged ? static_cast<double>(true_positives) / static_cast<double>(flagged) : 0.0;
}
double Confusion::recall() const {
  const size_t positives = true_positives + false_negatives;
  return positives ? static_cast<double>(true_positives) / static_cast<double>(positives) : 0.0;
}
double Confusion::false_positive_rate() const {
  const size_t negatives = false_positives + true_negatives;
  return negatives ? static_cast<double>(false_positives) / static_cast<double>(negatives) : 0.0;
}

double roc_auc(std::span<const double> score, std::span<const uint8_t> label) {
  const Counts c = count(label);
  if (c.positives == 0 || c.negatives == 0) return 0.5;
  // Trapezoids between operating points = Mann-Whitney U with ties as 1/2.
  double area = 0.0;
  size_t prev_tp = 0, prev_fp = 0;
  walk_tie_groups(score, label, [&](size_t tp, size_t fp, double) {
    area += static_cast<double>(fp - prev_fp) * static_cast<double>(tp + prev_tp) / 2.0;
    prev_tp = tp;
    prev_fp = fp;
  });
  return area / (static_cast<double>(c.positives) * static_cast<double>(c.negatives));
}

double pr_auc(std::span<const double> score, std::span<const uint8_t> label) {
  const Counts c = count(label);
  if (c.positives == 0) return 0.0;
  double area = 0.0;
  size_t prev_tp = 0;
  walk_tie_groups(score, label, [&](size_t tp, size_t fp, double) {
    if (tp == prev_tp) return;
    const double precision = static_cast<double>(tp) / static_cast<double>(tp + fp);
    area += precision * static_cast<double>(tp - prev_tp) / static_cast<double>(c.positives);
    prev_tp = tp;
  });
  return area;
}

Confusion confusion_at(std::span<const double> score, std::span<const uint8_t> label, double threshold) {
  Confusion c;
  for (size_t i = 0; i < score.size(); ++i) {
    const bool flagged = score[i] >= threshold;
    if (label[i]) (flagged ? c.true_positives : c.false_negatives)++;
    else (flagged ? c.false_positives : c.true_negatives)++;
  }
  return c;
}

RecallAtFpr recall_at_fpr(std::span<const double> score, std::span<const uint8_t> label, double max_fpr) {
  const Counts c = count(label);
  RecallAtFpr best{0.0, std::numeric_limits<double>::infinity()};
  if (c.positives == 0) return best;
  walk_tie_groups(score, label, [&](size_t tp, size_t fp, double s) {
    const double fpr = c.negatives ? static_cast<double>(fp) / static_cast<double>(c.negatives) : 0.0;
    const double recall = static_cast<double>(tp) / static_cast<double>(c.positives);
    if (fpr <= max_fpr && recall > best.recall) best = {recall, s};
  });
  return best;
}

}  // namespace crashtwin::training
