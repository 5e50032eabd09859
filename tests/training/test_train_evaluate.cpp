#include <catch2/catch.hpp>

#include <cmath>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "platform/predictor/predictor.h"
#include "scenarios/cli/parse_exit.h"
#include "scenarios/cli/training_commands.h"
#include "scenarios/training/evaluation.h"
#include "scenarios/training/metrics.h"
#include "scenarios/training/split.h"
#include "scenarios/training/summary.h"
#include "scenarios/training/trainer.h"
#include "tests/training/synthetic_fleet.h"

using namespace crashtwin;
using namespace crashtwin::training;

namespace {

constexpr uint64_t kHorizonNs = 10'000'000'000;  // 10 s

// Three workloads x 8 seeds of a 12-DIMM fleet: failing DIMMs with rising
// error rate and temperature; stuck-bit DIMMs and bursts that fool counts.
const Dataset& fleet_dataset() {
  static const Dataset data = [] {
    Dataset d;
    const struct {
      const char* name;
      double stuck_rate, burst;
    } workloads[] = {{"bursty", 1.0, 0.8}, {"steady", 2.0, 0.2}, {"noisy", 4.0, 0.5}};
    for (const auto& w : workloads)
      for (uint64_t seed = 1; seed <= 8; ++seed) {
        DatasetBuilderOptions options;
        options.horizon_ns = kHorizonNs;
        options.stride = 5;
        DatasetBuilder builder(w.name, seed, options);
        testing::FleetOptions o;
        o.scenario = w.name;
        o.seed = seed;
        o.dimms = 12;
        o.failing = 3;
        o.stuck_bit = 2;
        o.stuck_bit_rate = w.stuck_rate;
        o.burst_probability = w.burst;
        testing::simulate_memory_fleet(o, builder);
        builder.finish(d);
      }
    return d;
  }();
  return data;
}

std::vector<SingleFeatureRule> single_features(const TrainedModel& trained) {
  std::vector<SingleFeatureRule> out;
  for (const auto& c : trained.classes)
    if (c.best_single_feature) out.push_back(*c.best_single_feature);
  return out;
}

const DetectorReport& find(const std::vector<DetectorReport>& reports, const std::string& name) {
  for (const auto& r : reports)
    if (r.detector == name) return r;
  FAIL("no detector " << name);
  return reports.front();
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int run_cli(std::vector<std::string> args) {
  CLI::App app{"crashtwin"};
  app.require_subcommand(1);
  cli::add_training_commands(app);
  std::vector<const char*> argv{"crashtwin"};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    return cli::exit_code_of_parse(app, e);
  }
  return -1;  // a command must end the parse with its exit code
}

}  // namespace

TEST_CASE("trained on synthetic fleets, the model beats mcelog and rasdaemon thresholds on held-out seeds and "
          "scenarios",
          "[training][end-to-end]") {
  const Dataset& data = fleet_dataset();
  const SplitPlan plan = plan_split(data, {});
  const SplitData split = apply_split(data, plan);
  REQUIRE(find_leakage(split.train, split.test, true).empty());
  REQUIRE(split.test.rows.size() > 1000);

  const TrainedModel trained = train_failure_model(split.train, {});
  const ClassTraining& memory = trained.classes[static_cast<size_t>(ComponentClass::memory)];
  REQUIRE(memory.skipped.empty());
  CHECK(memory.fit.converged);
  CHECK(memory.fit.gradient_norm < 1e-8);
  CHECK(trained.classes[static_cast<size_t>(ComponentClass::cpu)].skipped == "no rows");
  CHECK(trained.model.of(ComponentClass::cpu).kind == ModelKind::none);

  FailureModel shipped;
  REQUIRE(parse_model(encode_model_blob(trained.model), shipped) == Status::ok);
  REQUIRE(check_compatible(shipped) == Status::ok);
  const auto reports = evaluate_detectors(shipped, split.test, single_features(trained));
  const DetectorReport& model = find(reports, "model");
  INFO(format_reports(reports));
  CHECK(model.pr_auc > 0.6);
  CHECK(model.roc_auc > 0.9);
  for (const char* baseline : {"mcelog_dimm", "mcelog_page", "rasdaemon_page"}) {
    const DetectorReport& b = find(reports, baseline);
    CHECK(model.pr_auc > b.pr_auc);
    CHECK(model.recall_at_1pct_fpr > b.recall_at_1pct_fpr);
    CHECK(model.precision > b.precision);
  }
  CHECK(model.lead.failures > 0);
  CHECK(model.lead.detected * 10 >= model.lead.failures * 8);
  CHECK(model.lead.mean_lead_s > 2.0);
}

TEST_CASE("class weighting is taken back out of the bias: probabilities at the real failure rate",
          "[training][end-to-end]") {
  // Calibration in the large: the mean predicted probability over the
  // training rows is close to the fraction of failing rows. Without the
  // prior correction it is several times that (the fit saw the classes as
  // equally frequent), and policies sizing slices by it over-reserve.
  const Dataset& data = fleet_dataset();
  const SplitData split = apply_split(data, plan_split(data, {}));
  const TrainedModel weighted = train_failure_model(split.train, {});
  TrainOptions plain;
  plain.balance_classes = false;
  const TrainedModel unweighted = train_failure_model(split.train, plain);
  const ClassTraining& memory = weighted.classes[static_cast<size_t>(ComponentClass::memory)];
  REQUIRE(memory.skipped.empty());
  CHECK(memory.prior_correction == Approx(std::log(memory.positive_weight / memory.negative_weight)));
  CHECK(memory.prior_correction > 1.0);  // failures are rare here

  double base_rate = 0, mean_p = 0, mean_p_unweighted = 0, rows = 0;
  for (const DatasetRow& row : split.train.rows) {
    if (row.component.cls != ComponentClass::memory) continue;
    rows += 1;
    base_rate += row.label ? 1 : 0;
    mean_p += failure_probability(weighted.model, ComponentClass::memory, row.features);
    mean_p_unweighted += failure_probability(unweighted.model, ComponentClass::memory, row.features);
  }
  base_rate /= rows, mean_p /= rows, mean_p_unweighted /= rows;
  INFO("base rate " << base_rate << ", mean p " << mean_p << ", unweighted fit " << mean_p_unweighted);
  CHECK(mean_p < 2.0 * base_rate);
  CHECK(mean_p > 0.5 * base_rate);
  // The correction removes what the weighting added, not the ranking.
  const auto reports_w = evaluate_detectors(weighted.model, split.test, {});
  CHECK(find(reports_w, "model").pr_auc > 0.6);
}

TEST_CASE("a failure-rate scale puts accelerated training back at the field's rate", "[training][field]") {
  // Training runs that failed 100 times as often as the field: the same fit,
  // the odds divided by 100, and a threshold chosen as if each failing row
  // were a hundredth of one, so the field sees fewer, surer alarms.
  const Dataset& data = fleet_dataset();
  const SplitData split = apply_split(data, plan_split(data, {}));
  const TrainedModel as_trained = train_failure_model(split.train, {});
  TrainOptions field;
  field.failure_rate_scale[static_cast<size_t>(ComponentClass::memory)] = 100.0;
  const TrainedModel at_field = train_failure_model(split.train, field);
  constexpr auto kMemory = ComponentClass::memory;
  const ClassModel& a = as_trained.model.of(kMemory);
  const ClassModel& b = at_field.model.of(kMemory);
  for (size_t f = 0; f < a.feature_count; ++f) CHECK(b.weight[f] == a.weight[f]);
  CHECK(at_field.classes[static_cast<size_t>(kMemory)].rate_correction == Approx(std::log(100.0)));
  CHECK(a.bias - b.bias == Approx(std::log(100.0)).epsilon(1e-5));
  // Fewer training rows at or above the threshold, and every one of them
  // at or above the as-trained threshold's rank.
  size_t flagged_a = 0, flagged_b = 0;
  for (const DatasetRow& row : split.train.rows) {
    if (row.component.cls != kMemory) continue;
    const double pa = failure_probability(as_trained.model, kMemory, row.features);
    const double pb = failure_probability(at_field.model, kMemory, row.features);
    CHECK(pb <= pa);
    flagged_a += pa >= a.threshold ? 1 : 0;
    flagged_b += pb >= b.threshold ? 1 : 0;
  }
  CHECK(flagged_b < flagged_a);
  CHECK(flagged_b > 0);
  // The ranking is untouched but for float rounding (probabilities a
  // hundred times smaller tie more often near 0): held-out PR-AUC as good.
  CHECK(find(evaluate_detectors(at_field.model, split.test, {}), "model").pr_auc ==
        Approx(find(evaluate_detectors(as_trained.model, split.test, {}), "model").pr_auc).epsilon(0.01));
  // The summary says so only when a scale was given.
  const auto summary_of = [&](const TrainedModel& t) {
    const SplitPlan plan = plan_split(data, {});
    return training_summary({t, {}, plan, split, {}, {}}).dump();
  };
  CHECK_THAT(summary_of(at_field), Catch::Contains("failure_rate_correction"));
  CHECK_THAT(summary_of(as_trained), !Catch::Contains("failure_rate_correction"));
  // Unweighted F1 is what it always was.
  const std::vector<double> score = {0.9, 0.8, 0.7, 0.2, 0.1};
  const std::vector<uint8_t> label = {1, 0, 1, 0, 0};
  CHECK(f1_threshold(score, label) == f1_threshold(score, label, 1.0));
  CHECK(f1_threshold(score, label) == 0.7);
  CHECK(f1_threshold(score, label, 0.01) == 0.9);  // rare failures: only the surest alarm pays
}

namespace {

// The rows of `data` that `keep` accepts, in order, as a dataset.
template <typename Keep>
Dataset subset(const Dataset& data, Keep keep) {
  Dataset out;
  out.horizon_ns = data.horizon_ns;
  out.window_ns = data.window_ns;
  for (const DatasetRow& row : data.rows)
    if (keep(row)) out.rows.push_back(row);
  return out;
}

// Mean PR-AUC over the folds (by family, or by seed) of fitting the memory
// class on the other folds at `l2_per_row` times their rows and scoring the
// fold left out: the cross-validation, computed here from the public API.
double cross_validated_pr_auc(const Dataset& train, double l2_per_row, bool by_family, size_t& folds) {
  std::set<std::string> families;
  std::set<uint64_t> seeds;
  for (const DatasetRow& row : train.rows) families.insert(row.family), seeds.insert(row.seed);
  const auto in_fold = [&](const DatasetRow& row, const std::string& family, uint64_t seed) {
    return by_family ? row.family == family : row.seed == seed;
  };
  std::vector<std::pair<std::string, uint64_t>> keys;
  if (by_family)
    for (const auto& f : families) keys.emplace_back(f, 0);
  else
    for (const uint64_t s : seeds) keys.emplace_back("", s);
  double sum = 0.0;
  folds = 0;
  for (const auto& [family, seed] : keys) {
    const Dataset fit = subset(train, [&](const DatasetRow& r) { return !in_fold(r, family, seed); });
    const Dataset held = subset(train, [&](const DatasetRow& r) { return in_fold(r, family, seed); });
    const auto both_labels = [](const Dataset& d) {
      size_t positives = 0;
      for (const DatasetRow& r : d.rows) positives += r.label ? 1 : 0;
      return positives > 0 && positives < d.rows.size();
    };
    if (!both_labels(fit) || !both_labels(held)) continue;
    TrainOptions options;
    options.solver.l2 = l2_per_row * static_cast<double>(fit.rows.size());
    const TrainedModel model = train_failure_model(fit, options);
    std::vector<double> score;
    std::vector<uint8_t> label;
    for (const DatasetRow& r : held.rows) {
      score.push_back(failure_probability(model.model, ComponentClass::memory, r.features));
      label.push_back(r.label ? 1 : 0);
    }
    sum += pr_auc(score, label);
    ++folds;
  }
  return folds == 0 ? 0.0 : sum / static_cast<double>(folds);
}

}  // namespace

// (A test name must not start with "--": Catch reads it as an option.)
TEST_CASE("train with choose_l2: each class's ridge strength chosen by leave-one-family-out cross-validation on the "
          "training rows",
          "[training][ridge][slow]") {
  const Dataset& data = fleet_dataset();  // memory rows only
  const SplitPlan plan = plan_split(data, {});
  const SplitData split = apply_split(data, plan);
  REQUIRE(plan.train_families.size() == 2);
  TrainOptions options;
  options.choose_l2 = true;
  const TrainedModel chosen = train_failure_model(split.train, options);
  const ClassTraining& memory = chosen.classes[static_cast<size_t>(ComponentClass::memory)];
  REQUIRE(memory.l2_selection.candidates.size() == std::size(kL2PerRowGrid));
  CHECK(chosen.classes[static_cast<size_t>(ComponentClass::cpu)].l2_selection.candidates.empty());  // no rows

  // Every candidate scored on both training families, as computed here
  // independently; the held-out family takes no part.
  const L2Candidate* best = nullptr;
  for (size_t k = 0; k < memory.l2_selection.candidates.size(); ++k) {
    const L2Candidate& candidate = memory.l2_selection.candidates[k];
    CHECK(candidate.l2_per_row == kL2PerRowGrid[k]);
    size_t folds = 0;
    const double expected = cross_validated_pr_auc(split.train, candidate.l2_per_row, true, folds);
    CHECK(candidate.folds == 2);
    CHECK(folds == 2);
    CHECK(candidate.mean_pr_auc == Approx(expected).epsilon(1e-12));
    CHECK(candidate.mean_pr_auc > 0.0);
    if (best == nullptr || candidate.mean_pr_auc >= best->mean_pr_auc) best = &candidate;  // ties: the stronger
  }
  CHECK(memory.l2_selection.chosen_per_row == best->l2_per_row);
  CHECK(memory.l2 == best->l2_per_row * static_cast<double>(memory.rows));
  // The shipped fit is the plain fit at that strength.
  TrainOptions fixed;
  fixed.solver.l2 = memory.l2;
  CHECK(encode_model_blob(train_failure_model(split.train, fixed).model) == encode_model_blob(chosen.model));
  CHECK(encode_model_blob(train_failure_model(split.train, options).model) == encode_model_blob(chosen.model));

  // The summary records the choice, and only when asked to.
  const auto summary_of = [&](const TrainedModel& t, const TrainOptions& o) {
    return training_summary({t, o, plan, split, {}, {}});
  };
  const auto with = summary_of(chosen, options);
  CHECK(with.at("options").at("choose_l2") == true);
  CHECK(with.at("classes").at(1).at("l2_selection").at("method") == "leave-one-family-out");
  CHECK(with.at("classes").at(1).at("l2") == memory.l2);
  CHECK(with.at("classes").at(1).at("l2_selection").at("candidates").size() == std::size(kL2PerRowGrid));
  CHECK(with.at("classes").at(1).at("l2_selection").at("chosen_l2_per_row") == best->l2_per_row);
  const auto without = summary_of(train_failure_model(split.train, {}), {});
  CHECK_FALSE(without.at("options").contains("choose_l2"));
  CHECK_FALSE(without.at("classes").at(1).contains("l2_selection"));

  SECTION("one family: the folds are its seeds") {
    const Dataset one = subset(split.train, [](const DatasetRow& r) { return r.family == "bursty"; });
    const TrainedModel by_seed = train_failure_model(one, options);
    const ClassTraining& m = by_seed.classes[static_cast<size_t>(ComponentClass::memory)];
    REQUIRE(m.l2_selection.candidates.size() == std::size(kL2PerRowGrid));
    CHECK_FALSE(m.l2_selection.folds_by_family);
    size_t folds = 0;
    const double expected = cross_validated_pr_auc(one, m.l2_selection.candidates[0].l2_per_row, false, folds);
    CHECK(folds >= 2);
    CHECK(m.l2_selection.candidates[0].folds == folds);
    CHECK(m.l2_selection.candidates[0].mean_pr_auc == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("training is deterministic: same rows, same blob and summary bytes", "[training][end-to-end]") {
  const Dataset& data = fleet_dataset();
  const SplitPlan plan = plan_split(data, {});
  const SplitData split = apply_split(data, plan);
  const auto summary_of = [&](const TrainedModel& t) {
    FailureModel shipped;
    REQUIRE(parse_model(encode_model_blob(t.model), shipped) == Status::ok);
    const auto held_out = evaluate_detectors(shipped, split.test, single_features(t));
    return training_summary({t, {}, plan, split, held_out, judge(shipped, split.test, single_features(t))}).dump(2);
  };
  const TrainedModel a = train_failure_model(split.train, {});
  const TrainedModel b = train_failure_model(split.train, {});
  CHECK(encode_model_blob(a.model) == encode_model_blob(b.model));
  CHECK(summary_of(a) == summary_of(b));
  const SplitPlan back = training_split_from_summary(nlohmann::json::parse(summary_of(a)), "model.json");
  CHECK(back.train_seeds == plan.train_seeds);
  CHECK(back.test_families == plan.test_families);
}

TEST_CASE("crashtwin train and evaluate: files, exit codes, no scoring of training rows", "[training][cli]") {
  const auto dir = std::filesystem::path(CRASHTWIN_BINARY_DIR) / "tests" / "training" / "cli-run";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string csv = (dir / "data.csv").string();
  write_dataset_file(csv, fleet_dataset());

  const std::string blob = (dir / "model.bin").string();
  REQUIRE(run_cli({"train", csv, "--out", blob}) == 0);
  const std::string first_blob = slurp(blob), first_summary = slurp(dir / "model.json");
  CHECK(first_blob.size() > 32);
  const auto summary = nlohmann::json::parse(first_summary);
  CHECK(summary.at("split").at("by_family") == true);
  // The model, the memory class's best single feature, three RAS rules.
  CHECK(summary.at("held_out").size() == 5);
  REQUIRE(summary.at("verdicts").size() == 1);

  // Retraining reproduces the model byte for byte.
  REQUIRE(run_cli({"train", csv, "--out", blob}) == 0);
  CHECK(slurp(blob) == first_blob);
  CHECK(slurp(dir / "model.json") == first_summary);

  const std::string eval_json = (dir / "eval.json").string();
  REQUIRE(run_cli({"evaluate", blob, csv, "--json", eval_json}) == 0);
  const auto eval = nlohmann::json::parse(slurp(eval_json));
  CHECK(eval.at("rows") == summary.at("split").at("test_rows"));
  // The held-out rows scored again from the files: the single feature and
  // the RAS rules as in training; the model as the blob ships it (the full
  // model where it won, else the single feature refitted alone, which ranks
  // rows as the feature does).
  const auto& scored = eval.at("detectors");
  const auto& held_out = summary.at("held_out");
  REQUIRE(scored.size() == held_out.size());
  for (size_t i = 1; i < scored.size(); ++i) CHECK(scored[i] == held_out[i]);
  const auto& verdict = summary.at("verdicts").at(0);
  const auto& memory = summary.at("classes").at(1);
  if (verdict.at("outcome") != "feature_better") {
    CHECK(memory.at("ships") == "model");
    CHECK(scored[0] == held_out[0]);
  } else {
    CHECK(memory.at("ships") == "best_single_feature");
    CHECK(scored[0].at("pr_auc") == scored[1].at("pr_auc"));
  }
  CHECK(eval.at("verdicts").at(0).at("feature") == verdict.at("feature"));
  // The model's alarms were counted with the agent's default band, as in
  // training; another band changes only the model's alarm counts.
  CHECK(eval.at("alarm") == nlohmann::json{{"clear_ratio", 0.5}, {"clear_time_s", 0.0}});
  CHECK(summary.at("held_out_alarm") == eval.at("alarm"));
  const std::string plain_json = (dir / "eval-plain.json").string();
  REQUIRE(run_cli({"evaluate", blob, csv, "--json", plain_json, "--alarm-clear-ratio", "1", "--alarm-clear-time",
                   "2 min"}) == 0);
  const auto plain = nlohmann::json::parse(slurp(plain_json));
  CHECK(plain.at("alarm") == nlohmann::json{{"clear_ratio", 1.0}, {"clear_time_s", 120.0}});
  for (size_t i = 1; i < scored.size(); ++i) CHECK(plain.at("detectors")[i] == scored[i]);
  CHECK(plain.at("detectors")[0].at("pr_auc") == scored[0].at("pr_auc"));
  for (const char* bad_ratio : {"0", "-0.5", "1.5", "nan", "half"})
    CHECK(run_cli({"evaluate", blob, csv, "--alarm-clear-ratio", bad_ratio}) == 2);
  for (const char* bad_time : {"5 parsecs", "-1 s", "31 d", ""})
    CHECK(run_cli({"evaluate", blob, csv, "--alarm-clear-time", bad_time}) == 2);

  // Bad input: exit 2 with the file named.
  std::ofstream(dir / "bad.csv") << "not a dataset\n";
  CHECK(run_cli({"train", (dir / "bad.csv").string(), "--out", blob}) == 2);
  CHECK(run_cli({"evaluate", (dir / "bad.csv").string(), csv}) == 2);
  CHECK(run_cli({"evaluate", blob, (dir / "missing.csv").string()}) == 2);
  for (const char* bad : {"cpu", "cpu=", "gpu=10", "cpu=0", "cpu=-2", "cpu=inf", "cpu=1e10", "cpu=10x"})
    CHECK(run_cli({"train", csv, "--out", blob, "--failure-rate-scale", bad}) == 2);
  REQUIRE(run_cli({"train", csv, "--out", blob, "--failure-rate-scale", "memory=100"}) == 0);
  CHECK(slurp(blob) != first_blob);
  REQUIRE(run_cli({"train", csv, "--out", blob, "--choose-l2"}) == 0);
  const auto chosen = nlohmann::json::parse(slurp(dir / "model.json"));
  CHECK(chosen.at("options").at("choose_l2") == true);
  CHECK(chosen.at("classes").at(1).at("l2_selection").at("candidates").size() == std::size(kL2PerRowGrid));
}
