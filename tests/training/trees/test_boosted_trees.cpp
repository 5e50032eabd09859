// Gradient-boosted trees (xgboost) against the logistic regression: on rows
// whose label is an interaction no weighted sum can express (CRC errors XOR
// a hot NIC), trees rank them and the logistic regression cannot, and the
// comparison tool's verdict says so; the fit is deterministic, a missing
// (non-finite) feature is a missing value, and a bad dataset exits 2 naming
// the file.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/predictor/predictor.h"
#include "scenarios/training/boosted_trees.h"
#include "scenarios/training/dataset.h"
#include "scenarios/training/evaluation.h"
#include "scenarios/training/metrics.h"
#include "scenarios/training/trainer.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using namespace crashtwin::training;

namespace {

// Network rows (feature set: throughput, latency EWMA and slope, CRC errors,
// link flaps, drops, temperature and its slope) from a fixed LCG: failing
// exactly when the NIC sees CRC errors or runs hot, but not both.
Dataset xor_rows(uint64_t runs_per_family) {
  Dataset d;
  d.horizon_ns = 10'000'000'000ull;
  uint64_t state = 12345;
  const auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
  };
  for (const char* family : {"xor_a", "xor_b"})
    for (uint64_t seed = 1; seed <= runs_per_family; ++seed)
      for (uint64_t i = 0; i < 200; ++i) {
        DatasetRow r;
        r.scenario = family;
        r.family = family;
        r.seed = seed;
        r.component = {ComponentClass::network, 0};
        r.time_ns = (i + 1) * 100'000'000ull;
        r.features.count = static_cast<uint8_t>(feature_count(ComponentClass::network));
        const double crc = std::floor(next() * 5.0);
        const double temperature = 30.0 + 20.0 * next();
        // The network features in features.h order; the rest (feature set
        // 5's CRC rates) stay 0.
        const float noise[kMaxFeatures] = {static_cast<float>(300.0 * next()), static_cast<float>(5.0 + next()), 0.0f,
                                           static_cast<float>(crc), 0.0f, static_cast<float>(next()),
                                           static_cast<float>(temperature), 0.0f};
        for (size_t f = 0; f < r.features.count; ++f) r.features.value[f] = noise[f];
        r.label = (crc >= 2.0) != (temperature >= 40.0);
        if (r.label) r.time_to_failure_ns = 1'000'000'000ull;  // within the horizon
        d.rows.push_back(r);
      }
  return d;
}

std::vector<const DatasetRow*> pointers(const Dataset& d, const char* family) {
  std::vector<const DatasetRow*> out;
  for (const DatasetRow& r : d.rows)
    if (r.family == family) out.push_back(&r);
  return out;
}

}  // namespace

TEST_CASE("trees rank an interaction the logistic regression cannot, and the verdict says so", "[trees]") {
  const Dataset data = xor_rows(10);
  const std::vector<const DatasetRow*> train = pointers(data, "xor_a"), test = pointers(data, "xor_b");
  TreeOptions options;
  options.rounds = 50;
  const BoostedTrees trees(train, options);
  const std::vector<double> tree_score = trees.predict(test);
  Dataset train_set;
  train_set.horizon_ns = data.horizon_ns;
  for (const DatasetRow* r : train) train_set.rows.push_back(*r);
  const TrainedModel logistic = train_failure_model(train_set, TrainOptions{});
  std::vector<double> logistic_score(test.size());
  std::vector<uint8_t> label(test.size());
  for (size_t i = 0; i < test.size(); ++i) {
    logistic_score[i] = failure_probability(logistic.model, ComponentClass::network, test[i]->features);
    label[i] = test[i]->label ? 1 : 0;
  }
  const double base_rate = [&] {
    double p = 0;
    for (const uint8_t l : label) p += l;
    return p / static_cast<double>(label.size());
  }();
  CHECK(pr_auc(tree_score, label) > 0.97);
  CHECK(pr_auc(logistic_score, label) < base_rate + 0.15);  // no better than a weak guess
  const Verdict v = compare_scores(ComponentClass::network, test, tree_score, logistic_score, "logistic");
  CHECK(v.outcome == VerdictOutcome::model_better);
  CHECK(v.runs == 10);
  CHECK(trees.trees() == 50);
  CHECK(trees.nodes() > trees.trees());

  // Deterministic: the same rows give the same bits.
  const BoostedTrees again(train, options);
  CHECK(again.predict(test) == tree_score);
}

TEST_CASE("a non-finite feature is a missing value, not a crash or a NaN probability", "[trees]") {
  Dataset data = xor_rows(2);
  for (size_t i = 0; i < data.rows.size(); i += 7) data.rows[i].features.value[6] = std::numeric_limits<float>::quiet_NaN();
  for (size_t i = 3; i < data.rows.size(); i += 11)
    data.rows[i].features.value[3] = std::numeric_limits<float>::infinity();
  const std::vector<const DatasetRow*> rows = pointers(data, "xor_a");
  TreeOptions options;
  options.rounds = 10;
  const BoostedTrees trees(rows, options);
  for (const double p : trees.predict(rows)) {
    CHECK(std::isfinite(p));
    CHECK(p >= 0.0);
    CHECK(p <= 1.0);
  }
}

TEST_CASE("crashtwin-compare-trees: the held-out table and JSON, and a bad dataset exits 2", "[trees]") {
  const fs::path dir = test::fresh_test_dir("trees", "compare");
  write_dataset_file((dir / "xor.csv").string(), xor_rows(6));
  const test::CliResult r = test::run_shell("'" + std::string(CRASHTWIN_COMPARE_TREES) + "' " +
                                            test::quoted(dir / "xor.csv") + " --rounds 50 --json " +
                                            test::quoted(dir / "trees.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("held out: xor_b") != std::string::npos);
  CHECK(r.output.find("trees better") != std::string::npos);
  const nlohmann::json doc = nlohmann::json::parse(test::read_text(dir / "trees.json"));
  REQUIRE(doc.at("classes").size() == 1);
  const nlohmann::json& network = doc.at("classes").at(0);
  CHECK(network.at("class") == "network");
  CHECK(network.at("trees").at("pr_auc").get<double>() > 0.97);
  CHECK(network.at("logistic").at("pr_auc").get<double>() < 0.8);
  CHECK(network.at("outcome") == "trees better");

  const test::CliResult missing =
      test::run_shell("'" + std::string(CRASHTWIN_COMPARE_TREES) + "' " + test::quoted(dir / "absent.csv"));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("absent.csv") != std::string::npos);
  const test::CliResult bad_option = test::run_shell("'" + std::string(CRASHTWIN_COMPARE_TREES) + "' " +
                                                     test::quoted(dir / "xor.csv") + " --rounds 0");
  CHECK(bad_option.exit_code != 0);
  CHECK(bad_option.output.find("--rounds") != std::string::npos);
}
