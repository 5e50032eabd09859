// crashtwin-compare-trees: does a gradient-boosted tree class beat the
// shipped logistic regression on held-out scenario families? Splits a
// dataset as `crashtwin train` does, fits both per component class on the
// training rows and scores the held-out rows: PR-AUC, ROC-AUC, recall at
// 1 % false-positive rate, and the same paired run-bootstrap verdict
// `evaluate` gives model against single feature (trees judged against the
// logistic regression). Ranking figures only: the failure-rate correction
// of accelerated training shifts a class's log-odds by a constant, which
// changes no ranking. Also the wall time of each fit and xgboost's
// prediction time per row. docs/training.md has the figures.
//
//   crashtwin-compare-trees DATASET [--holdout-family F]... [--rounds N]
//                           [--depth D] [--eta E] [--json OUT]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "platform/predictor/predictor.h"
#include "scenarios/replay/csv_reader.h"
#include "scenarios/training/boosted_trees.h"
#include "scenarios/training/evaluation.h"
#include "scenarios/training/metrics.h"
#include "scenarios/training/split.h"
#include "scenarios/training/trainer.h"

using namespace crashtwin;
using namespace crashtwin::training;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<const DatasetRow*> rows_of(const Dataset& data, ComponentClass cls) {
  std::vector<const DatasetRow*> out;
  for (const DatasetRow& row : data.rows)
    if (row.component.cls == cls) out.push_back(&row);
  return out;
}

struct Scores {
  double pr_auc = 0, roc_auc = 0, recall_at_1pct = 0;
};

Scores score(const std::vector<double>& s, const std::vector<uint8_t>& label) {
  return {training::pr_auc(s, label), roc_auc(s, label), recall_at_fpr(s, label, 0.01).recall};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Gradient-boosted trees (xgboost) against the logistic regression on held-out families"};
  std::string dataset_path, json_path;
  SplitOptions split_options;
  TreeOptions tree;
  app.add_option("dataset", dataset_path, "dataset CSV (crashtwin dataset)")->required();
  app.add_option("--holdout-family", split_options.holdout_families,
                 "family to hold out (repeatable; default: the last of the sorted names, as train)");
  app.add_option("--rounds", tree.rounds, "boosting rounds")->check(CLI::Range(1u, 10000u));
  app.add_option("--depth", tree.max_depth, "maximum tree depth")->check(CLI::Range(1u, 16u));
  app.add_option("--eta", tree.learning_rate, "learning rate")->check(CLI::Range(1e-4, 1.0));
  app.add_option("--json", json_path, "also write the figures as JSON");
  CLI11_PARSE(app, argc, argv);

  try {
    const Dataset data = read_dataset_file(dataset_path);
    const SplitPlan plan = plan_split(data, split_options);
    const SplitData split = apply_split(data, plan);
    std::printf("%s; held out:", xgboost_version().c_str());
    for (const std::string& f : plan.test_families) std::printf(" %s", f.c_str());
    std::printf(" (%zu training rows, %zu held out)\n", split.train.rows.size(), split.test.rows.size());

    const auto lr_start = Clock::now();
    const TrainedModel lr = train_failure_model(split.train, TrainOptions{});
    const double lr_fit_s = seconds_since(lr_start);

    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    std::printf("%-8s %8s %5s | %-24s | %-24s | %-30s | %9s %9s %8s\n", "class", "rows", "pos",
                "logistic PR/ROC/rec@1%", "trees PR/ROC/rec@1%", "trees - logistic PR-AUC (90 %)", "trees fit",
                "nodes", "ns/row");
    for (size_t c = 0; c < kComponentClassCount; ++c) {
      const auto cls = static_cast<ComponentClass>(c);
      const std::vector<const DatasetRow*> train_rows = rows_of(split.train, cls);
      const std::vector<const DatasetRow*> test_rows = rows_of(split.test, cls);
      size_t train_pos = 0, test_pos = 0;
      for (const DatasetRow* r : train_rows) train_pos += r->label ? 1 : 0;
      for (const DatasetRow* r : test_rows) test_pos += r->label ? 1 : 0;
      if (lr.model.of(cls).kind == ModelKind::none || train_pos == 0 || train_pos == train_rows.size() ||
          test_rows.empty()) {
        std::printf("%-8s no comparison: the training rows need both labels and the held-out rows some rows\n",
                    to_string(cls));
        continue;
      }
      const auto fit_start = Clock::now();
      const BoostedTrees trees(train_rows, tree);
      const double trees_fit_s = seconds_since(fit_start);
      const auto predict_start = Clock::now();
      const std::vector<double> tree_score = trees.predict(test_rows);
      const double ns_per_row = seconds_since(predict_start) * 1e9 / static_cast<double>(test_rows.size());
      std::vector<double> lr_score(test_rows.size());
      std::vector<uint8_t> label(test_rows.size());
      for (size_t i = 0; i < test_rows.size(); ++i) {
        lr_score[i] = failure_probability(lr.model, cls, test_rows[i]->features);
        label[i] = test_rows[i]->label ? 1 : 0;
      }
      const Scores l = score(lr_score, label), t = score(tree_score, label);
      const Verdict v = compare_scores(cls, test_rows, tree_score, lr_score, "logistic");
      const char* outcome = v.outcome == VerdictOutcome::model_better     ? "trees better"
                            : v.outcome == VerdictOutcome::feature_better ? "logistic better"
                                                                          : "undecided";
      const size_t nodes = trees.nodes();
      std::printf("%-8s %8zu %5zu | %.3f / %.3f / %.3f    | %.3f / %.3f / %.3f    | [%+.3f, %+.3f] %-14s | %8.1fs %9zu %8.0f\n",
                  to_string(cls), test_rows.size(), test_pos, l.pr_auc, l.roc_auc, l.recall_at_1pct, t.pr_auc,
                  t.roc_auc, t.recall_at_1pct, v.difference_low, v.difference_high, outcome, trees_fit_s, nodes,
                  ns_per_row);
      out.push_back({{"class", to_string(cls)},
                     {"held_out_rows", test_rows.size()},
                     {"held_out_positives", test_pos},
                     {"failing_runs", v.failing_runs},
                     {"runs", v.runs},
                     {"logistic", {{"pr_auc", l.pr_auc}, {"roc_auc", l.roc_auc}, {"recall_at_1pct_fpr", l.recall_at_1pct}}},
                     {"trees",
                      {{"pr_auc", t.pr_auc},
                       {"roc_auc", t.roc_auc},
                       {"recall_at_1pct_fpr", t.recall_at_1pct},
                       {"trees", trees.trees()},
                       {"nodes", nodes},
                       {"fit_s", trees_fit_s},
                       {"predict_ns_per_row", ns_per_row}}},
                     {"difference_90", {v.difference_low, v.difference_high}},
                     {"outcome", outcome}});
    }
    std::printf("logistic regression fit, every class: %.1f s\n", lr_fit_s);
    if (!json_path.empty()) {
      nlohmann::ordered_json doc = {{"xgboost", xgboost_version()},
                                    {"held_out_families", plan.test_families},
                                    {"rounds", tree.rounds},
                                    {"max_depth", tree.max_depth},
                                    {"eta", tree.learning_rate},
                                    {"logistic_fit_s", lr_fit_s},
                                    {"classes", out}};
      std::ofstream(json_path) << doc.dump(2) << '\n';
    }
  } catch (const csv::InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crashtwin-compare-trees: %s\n", e.what());
    return 3;
  }
  return 0;
}
