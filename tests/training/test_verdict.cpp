// The yardsticks of `evaluate`: the best single feature chosen on training
// rows, the verdict against it, the model that ships only when it wins, lead
// time percentiles and false alarms per machine-month, on rows built by hand
// so every expected figure can be counted.
#include <catch2/catch.hpp>

#include "platform/predictor/predictor.h"
#include "scenarios/replay/csv_reader.h"
#include "scenarios/training/evaluation.h"
#include "scenarios/training/single_feature.h"
#include "scenarios/training/trainer.h"

using namespace crashtwin;
using namespace crashtwin::training;

namespace {

constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t kHorizon = 10 * kSecond;
const uint32_t kTemperature = 5;  // temperature_c in the memory feature set

DatasetRow memory_row(const std::string& scenario, uint64_t seed, uint16_t dimm, uint64_t t_s,
                      std::optional<uint64_t> fails_at_s) {
  DatasetRow r;
  r.scenario = r.family = scenario;
  r.seed = seed;
  r.component = {ComponentClass::memory, dimm};
  r.time_ns = t_s * kSecond;
  if (fails_at_s && *fails_at_s > t_s) r.time_to_failure_ns = (*fails_at_s - t_s) * kSecond;
  r.label = r.time_to_failure_ns && *r.time_to_failure_ns <= kHorizon;
  r.features.count = static_cast<uint8_t>(feature_count(ComponentClass::memory));
  return r;
}

// DIMMs whose temperature alone tells failing from healthy (hot in their
// last 10 s); the other features are noise from a fixed LCG, the same for
// both labels.
Dataset thermometer_fleet(const std::string& scenario, uint64_t seeds) {
  Dataset d;
  d.horizon_ns = kHorizon;
  uint64_t lcg = 12345;
  const auto noise = [&] {
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>((lcg >> 40) % 1000) / 100.0f;
  };
  for (uint64_t seed = 1; seed <= seeds; ++seed)
    for (uint16_t dimm = 0; dimm < 4; ++dimm) {
      const std::optional<uint64_t> fails = dimm == 0 ? std::optional<uint64_t>(60) : std::nullopt;
      for (uint64_t t = 1; t < 60; ++t) {
        DatasetRow r = memory_row(scenario, seed, dimm, t, fails);
        for (uint32_t f = 0; f < r.features.count; ++f) r.features.value[f] = noise();
        r.features.value[kTemperature] = r.label ? 60.0f + noise() : 45.0f + noise();
        d.rows.push_back(r);
      }
    }
  return d;
}

}  // namespace

TEST_CASE("the best single feature is chosen on the training rows, with its direction and F1 threshold",
          "[training][verdict]") {
  Dataset d = thermometer_fleet("hot", 3);
  std::vector<SingleFeatureRule> rules = choose_single_features(d);
  REQUIRE(rules.size() == 1);
  CHECK(rules[0].cls == ComponentClass::memory);
  CHECK(rules[0].feature == kTemperature);
  CHECK(rules[0].direction == 1);
  CHECK(rules[0].name() == "feature:temperature_c");
  CHECK(rules[0].train_pr_auc == Approx(1.0));
  CHECK(rules[0].threshold >= 60.0);  // the coolest failing row
  CHECK(rules[0].threshold < 60.0 + 10.0);

  // A class whose failing rows run cold: the negated feature.
  for (DatasetRow& r : d.rows) r.features.value[kTemperature] = -r.features.value[kTemperature];
  rules = choose_single_features(d);
  REQUIRE(rules.size() == 1);
  CHECK(rules[0].direction == -1);
  CHECK(rules[0].name() == "feature:-temperature_c");

  // Without both labels a class has no rule.
  for (DatasetRow& r : d.rows) r.label = false, r.time_to_failure_ns.reset();
  CHECK(choose_single_features(d).empty());
}

TEST_CASE("a model that cannot beat one feature on held-out rows ships that feature alone", "[training][verdict]") {
  const Dataset train = thermometer_fleet("hot", 4);
  const Dataset test = thermometer_fleet("hot_later", 2);
  TrainedModel trained = train_failure_model(train, {});
  const ClassTraining& memory = trained.classes[static_cast<size_t>(ComponentClass::memory)];
  REQUIRE(memory.best_single_feature);
  const auto reports = evaluate_detectors(trained.model, test, {*memory.best_single_feature});
  const std::vector<Verdict> v = verdicts(reports);
  REQUIRE(v.size() == 1);
  INFO(format_reports(reports) << format_verdicts(v));
  // Temperature separates the held-out rows perfectly: the full model can at
  // best tie it, and a tie is not a win.
  CHECK(v[0].feature_pr_auc == Approx(1.0));
  CHECK_FALSE(v[0].model_beats_feature);
  CHECK(format_verdicts(v).find("the model does NOT beat it") != std::string::npos);

  refit_on_single_feature(train, *memory.best_single_feature, {}, trained);
  const ClassModel& m = trained.model.of(ComponentClass::memory);
  CHECK(memory.ships_single_feature);
  for (uint32_t f = 0; f < m.feature_count; ++f) CHECK((f == kTemperature ? m.weight[f] > 0 : m.weight[f] == 0));
  // It ranks the held-out rows as the feature does.
  const auto refitted = evaluate_detectors(trained.model, test, {});
  CHECK(refitted.front().pr_auc == Approx(1.0));
}

TEST_CASE("verdict: a win needs a higher PR-AUC and failing rows", "[training][verdict]") {
  DetectorReport model, feature;
  model.detector = "model";
  feature.detector = "feature:temperature_c";
  model.cls = feature.cls = ComponentClass::memory;
  model.positives = feature.positives = 5;
  model.pr_auc = 0.41, feature.pr_auc = 0.39;
  CHECK(verdicts({model, feature}).at(0).model_beats_feature);
  model.pr_auc = 0.39;
  CHECK_FALSE(verdicts({model, feature}).at(0).model_beats_feature);
  model.pr_auc = 0.39 + kVerdictMargin / 2;  // rounding, not a better ranking
  CHECK_FALSE(verdicts({model, feature}).at(0).model_beats_feature);
  model.pr_auc = 0.5, model.positives = 0;
  const auto none = verdicts({model, feature});
  CHECK_FALSE(none.at(0).model_beats_feature);
  CHECK(format_verdicts(none).find("no failing rows") != std::string::npos);
  // A class without a single feature report has no verdict.
  feature.cls = ComponentClass::disk;
  CHECK(verdicts({model, feature}).empty());
}

TEST_CASE("lead time percentiles and false alarms per machine-month are counted per instance and run",
          "[training][verdict]") {
  // Run A: DIMM 0 fails at 100 s, alarmed from 95 s (lead 5 s); DIMM 1
  // healthy, two alarm episodes. Run B: DIMM 0 fails at 100 s, alarmed at
  // 98 s (lead 2 s) and in an earlier episode at 80 s, beyond the horizon
  // (a false alarm). Each run observed from 1 s to 99 s.
  std::vector<DatasetRow> rows;
  std::vector<uint8_t> alarm;
  const auto add = [&](const std::string& run, uint16_t dimm, std::optional<uint64_t> fails,
                       std::initializer_list<uint64_t> alarmed) {
    for (uint64_t t = 1; t < 100; ++t) {
      rows.push_back(memory_row(run, 1, dimm, t, fails));
      alarm.push_back(std::find(alarmed.begin(), alarmed.end(), t) != alarmed.end() ? 1 : 0);
    }
  };
  add("a", 0, 100, {95, 96, 97, 98, 99});
  add("a", 1, std::nullopt, {10, 11, 50});
  add("b", 0, 100, {80, 81, 98, 99});
  std::vector<const DatasetRow*> pointers;
  for (const DatasetRow& r : rows) pointers.push_back(&r);

  const LeadTime lead = lead_time(pointers, alarm);
  CHECK(lead.failures == 2);
  CHECK(lead.detected == 2);
  CHECK(lead.mean_lead_s == Approx(3.5));
  CHECK(lead.p10_lead_s == Approx(2.0));
  CHECK(lead.median_lead_s == Approx(2.0));
  CHECK(lead.p90_lead_s == Approx(5.0));

  const FalseAlarms fa = false_alarms(pointers, alarm);
  CHECK(fa.episodes == 3);  // two on the healthy DIMM, one too early in run b
  const double months = 2 * 98.0 / (30.0 * 24 * 3600);
  CHECK(fa.machine_months == Approx(months));
  CHECK(fa.per_machine_month == Approx(3 / months));
}

TEST_CASE("a summary's best single feature is read back, and a bad one is refused by name", "[training][verdict]") {
  SingleFeatureRule rule{ComponentClass::memory, kTemperature, -1, 51.5, 0.75};
  const nlohmann::json j = single_feature_json(rule);
  const SingleFeatureRule back = single_feature_from_json(j, ComponentClass::memory, "m.json");
  CHECK(back.feature == rule.feature);
  CHECK(back.direction == -1);
  CHECK(back.threshold == 51.5);
  CHECK(back.train_pr_auc == 0.75);
  nlohmann::json bad = j;
  bad["feature"] = "no_such_feature";
  CHECK_THROWS_WITH(single_feature_from_json(bad, ComponentClass::memory, "m.json"),
                    Catch::Contains("m.json") && Catch::Contains("'no_such_feature'"));
  bad = j;
  bad["direction"] = 2;
  CHECK_THROWS_WITH(single_feature_from_json(bad, ComponentClass::memory, "m.json"), Catch::Contains("direction"));
  bad.erase("threshold");
  CHECK_THROWS_AS(single_feature_from_json(bad, ComponentClass::memory, "m.json"), csv::InputError);
}
