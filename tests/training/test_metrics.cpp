#include <catch2/catch.hpp>

#include <vector>

#include "scenarios/training/metrics.h"
#include "scenarios/training/trainer.h"

using namespace crashtwin::training;

TEST_CASE("ROC-AUC of hand-computed rankings, ties counted as one half", "[training][metrics]") {
  // Perfect, reversed.
  CHECK(roc_auc(std::vector<double>{0.9, 0.8, 0.2, 0.1}, std::vector<uint8_t>{1, 1, 0, 0}) == 1.0);
  CHECK(roc_auc(std::vector<double>{0.1, 0.2, 0.8, 0.9}, std::vector<uint8_t>{1, 1, 0, 0}) == 0.0);
  // Pairs (pos, neg): (0.8,0.7) win, (0.8,0.4) win, (0.4,0.7) loss, (0.4,0.4) tie -> 2.5 / 4.
  CHECK(roc_auc(std::vector<double>{0.8, 0.7, 0.4, 0.4}, std::vector<uint8_t>{1, 0, 1, 0}) == Approx(0.625));
  // Every score tied: 1/2 whatever the labels.
  CHECK(roc_auc(std::vector<double>{3, 3, 3, 3, 3}, std::vector<uint8_t>{1, 0, 0, 1, 0}) == Approx(0.5));
  // One class only: undefined, reported as chance.
  CHECK(roc_auc(std::vector<double>{1, 2}, std::vector<uint8_t>{0, 0}) == 0.5);
}

TEST_CASE("PR-AUC (average precision) of hand-computed rankings with ties", "[training][metrics]") {
  // Ranked 1,0,1,0: AP = 1/2 * 1 + 1/2 * 2/3.
  CHECK(pr_auc(std::vector<double>{4, 3, 2, 1}, std::vector<uint8_t>{1, 0, 1, 0}) == Approx(0.5 + 1.0 / 3.0));
  // A tie group {pos, neg} at the top: one operating point, precision 1/2.
  // Then the second positive alone: precision 2/3. AP = 1/2*1/2 + 1/2*2/3.
  CHECK(pr_auc(std::vector<double>{5, 5, 3, 1}, std::vector<uint8_t>{1, 0, 1, 0}) ==
        Approx(0.25 + 1.0 / 3.0));
  // Everything tied: precision = base rate.
  CHECK(pr_auc(std::vector<double>{1, 1, 1, 1}, std::vector<uint8_t>{1, 0, 0, 0}) == Approx(0.25));
  CHECK(pr_auc(std::vector<double>{1, 2}, std::vector<uint8_t>{0, 0}) == 0.0);
}

TEST_CASE("confusion at a threshold flags score >= threshold", "[training][metrics]") {
  const std::vector<double> s{0.9, 0.5, 0.5, 0.1};
  const std::vector<uint8_t> l{1, 0, 1, 0};
  const Confusion c = confusion_at(s, l, 0.5);
  CHECK(c.true_positives == 2);
  CHECK(c.false_positives == 1);
  CHECK(c.true_negatives == 1);
  CHECK(c.false_negatives == 0);
  CHECK(c.precision() == Approx(2.0 / 3.0));
  CHECK(c.recall() == 1.0);
  CHECK(confusion_at(s, l, 2.0).precision() == 0.0);  // nothing flagged
}

TEST_CASE("recall at a false-alarm budget never splits a tie group", "[training][metrics]") {
  // 100 negatives, 4 positives. Scores: positives 10, 9, 5, 5; one negative
  // at 9.5, one at 5, the rest at 0.
  std::vector<double> s{10, 9, 5, 5, 9.5, 5};
  std::vector<uint8_t> l{1, 1, 1, 1, 0, 0};
  for (int i = 0; i < 98; ++i) s.push_back(0), l.push_back(0);
  // 1% of 100 = 1 false positive: threshold 9 flags {10, 9.5, 9} -> recall 2/4.
  // Threshold 5 would flag 2 negatives (2%).
  const RecallAtFpr r = recall_at_fpr(s, l, 0.01);
  CHECK(r.recall == Approx(0.5));
  CHECK(r.threshold == 9.0);
  CHECK(recall_at_fpr(s, l, 0.02).recall == 1.0);
  CHECK(recall_at_fpr(s, l, 0.0).recall == Approx(0.25));
}

TEST_CASE("the F1 threshold is the best operating point of the training scores", "[training][metrics]") {
  // Flag >= 0.8: P 1, R 1/2 (F1 2/3); >= 0.6: P 2/3 R 1 (F1 0.8); >= 0.2: P 1/2 R 1 (F1 2/3).
  CHECK(f1_threshold({0.8, 0.7, 0.6, 0.2}, {1, 0, 1, 0}) == 0.6);
  CHECK(f1_threshold({0.8, 0.7}, {0, 0}) == 1.0);
}
