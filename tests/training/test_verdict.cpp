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

// Noise in [0, 1) from a fixed LCG: the same for both labels.
class Noise {
 public:
  explicit Noise(uint64_t seed) : state_(seed) {}
  float operator()() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>((state_ >> 40) % 1000) / 1000.0f;
  }

 private:
  uint64_t state_;
};

// DIMMs whose temperature alone tells failing from healthy (hot in their
// last 10 s); the other features are noise from a fixed LCG, the same for
// both labels.
Dataset thermometer_fleet(const std::string& scenario, uint64_t seeds) {
  Dataset d;
  d.horizon_ns = kHorizon;
  Noise unit(12345);
  const auto noise = [&] { return 10.0f * unit(); };
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

TEST_CASE("a model that ties a perfect feature is undecided, and a refit ships the feature alone",
          "[training][verdict]") {
  const Dataset train = thermometer_fleet("hot", 4);
  const Dataset test = thermometer_fleet("hot_later", 2);
  TrainedModel trained = train_failure_model(train, {});
  const ClassTraining& memory = trained.classes[static_cast<size_t>(ComponentClass::memory)];
  REQUIRE(memory.best_single_feature);
  const std::vector<Verdict> v = judge(trained.model, test, {*memory.best_single_feature});
  REQUIRE(v.size() == 1);
  INFO(format_verdicts(v));
  // Temperature separates the held-out rows perfectly: the model can at best
  // tie it, and rows that both rank perfectly cannot tell them apart.
  CHECK(v[0].feature_pr_auc == Approx(1.0));
  CHECK(v[0].outcome == VerdictOutcome::undecided);
  CHECK(v[0].runs == 2);  // two seeds of one scenario; four DIMMs each
  CHECK(v[0].failing_runs == 2);
  CHECK(format_verdicts(v).find("undecided: these runs cannot tell them apart") != std::string::npos);

  refit_on_single_feature(train, *memory.best_single_feature, {}, trained);
  const ClassModel& m = trained.model.of(ComponentClass::memory);
  CHECK(memory.ships_single_feature);
  for (uint32_t f = 0; f < m.feature_count; ++f) CHECK((f == kTemperature ? m.weight[f] > 0 : m.weight[f] == 0));
  // It ranks the held-out rows as the feature does.
  const auto refitted = evaluate_detectors(trained.model, test, {});
  CHECK(refitted.front().pr_auc == Approx(1.0));
}

namespace {

// Runs of one DIMM each, failing in every other run; the model reads
// pressure_ewma (feature 0), the rule temperature_c. `model_signal` and
// `feature_signal` say whose value tells failing rows apart.
Dataset contest(bool model_signal, bool feature_signal, size_t runs) {
  Dataset d;
  d.horizon_ns = kHorizon;
  Noise noise(99);
  for (uint64_t seed = 1; seed <= runs; ++seed) {
    const std::optional<uint64_t> fails = seed % 2 ? std::optional<uint64_t>(60) : std::nullopt;
    for (uint64_t t = 1; t < 60; ++t) {
      DatasetRow r = memory_row("contest", seed, 0, t, fails);
      r.features.value[0] = model_signal && r.label ? 2.0f + noise() : noise() * 1.5f;
      r.features.value[kTemperature] = feature_signal && r.label ? 2.0f + noise() : noise() * 1.5f;
      d.rows.push_back(r);
    }
  }
  return d;
}

FailureModel pressure_model() {
  FailureModel m;
  m.feature_set_version = kFeatureSetVersion;
  ClassModel& c = m.of(ComponentClass::memory);
  c.kind = ModelKind::logistic;
  c.feature_count = static_cast<uint8_t>(feature_count(ComponentClass::memory));
  for (uint32_t f = 0; f < c.feature_count; ++f) c.scale[f] = 1.0f;
  c.weight[0] = 3.0f;
  c.bias = -3.0f;
  return m;
}

}  // namespace

TEST_CASE("verdict: the runs resampled decide which is better, or say they cannot", "[training][verdict]") {
  const SingleFeatureRule temperature{ComponentClass::memory, kTemperature, 1, 1.0, 1.0};
  const auto outcome = [&](bool model_signal, bool feature_signal, size_t runs) {
    const std::vector<Verdict> v = judge(pressure_model(), contest(model_signal, feature_signal, runs), {temperature});
    REQUIRE(v.size() == 1);
    INFO(format_verdicts(v));
    CHECK(v[0].difference_low <= v[0].model_pr_auc - v[0].feature_pr_auc + 1e-12);
    CHECK(v[0].difference_high >= v[0].model_pr_auc - v[0].feature_pr_auc - 1e-12);
    return v[0].outcome;
  };
  CHECK(outcome(true, false, 20) == VerdictOutcome::model_better);
  CHECK(outcome(false, true, 20) == VerdictOutcome::feature_better);
  CHECK(outcome(true, true, 20) == VerdictOutcome::undecided);  // both perfect
  // No failing row: nothing to judge.
  Dataset healthy = contest(true, false, 20);
  for (DatasetRow& r : healthy.rows) r.label = false, r.time_to_failure_ns.reset();
  const std::vector<Verdict> none = judge(pressure_model(), healthy, {temperature});
  CHECK(none.at(0).outcome == VerdictOutcome::undecided);
  CHECK(format_verdicts(none).find("undecided: no failing rows") != std::string::npos);
  // Deterministic: the resampling has its own fixed seed.
  const Dataset d = contest(true, false, 6);
  CHECK(verdicts_json(judge(pressure_model(), d, {temperature})) ==
        verdicts_json(judge(pressure_model(), d, {temperature})));
  // A class without a rule, or without a model, has no verdict.
  SingleFeatureRule disk_rule = temperature;
  disk_rule.cls = ComponentClass::disk;
  CHECK(judge(pressure_model(), d, {disk_rule}).empty());
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

TEST_CASE("alarm_rows walks the agent's alarm per instance in time order: the band merges a hovering score's "
          "flaps into one false alarm and carries an early alarm into the horizon",
          "[training][verdict]") {
  // Run a, DIMM 1 (healthy): the score hovers about the threshold 0.5
  // (0.55, 0.3), never below 0.3 (above the 0.25 clear level) from 20 s to 60 s: 20
  // flaps sample by sample, one alarm with the band. DIMM 0 fails at 100 s
  // (horizon 10 s): its score reaches 0.6 at 85 s and stays at 0.4 from
  // 86 s: sample by sample one early false alarm and no detection; with
  // the band the alarm stays up into the horizon, detected 10 s ahead (the horizon).
  std::vector<DatasetRow> rows;
  std::vector<double> score;
  for (uint64_t t = 99; t >= 1; --t) {  // newest first: the walk must sort
    for (uint16_t dimm : {uint16_t{1}, uint16_t{0}}) {
      rows.push_back(memory_row("a", 1, dimm, t, dimm == 0 ? std::optional<uint64_t>(100) : std::nullopt));
      if (dimm == 1) score.push_back(t >= 20 && t < 60 ? (t % 2 ? 0.3 : 0.55) : 0.1);
      else score.push_back(t == 85 ? 0.6 : t > 85 ? 0.4 : 0.1);
    }
  }
  std::vector<const DatasetRow*> pointers;
  for (const DatasetRow& r : rows) pointers.push_back(&r);

  const std::vector<uint8_t> plain = alarm_rows(pointers, score, 0.5, AlarmConfig{1.0f, 0});
  for (size_t i = 0; i < rows.size(); ++i) CHECK(plain[i] == (score[i] >= 0.5 ? 1 : 0));
  CHECK(false_alarms(pointers, plain).episodes == 21);
  CHECK(lead_time(pointers, plain).detected == 0);

  const std::vector<uint8_t> banded = alarm_rows(pointers, score, 0.5, AlarmConfig{0.5f, 0});
  // Every row at the threshold alarms with the band too.
  for (size_t i = 0; i < rows.size(); ++i)
    if (plain[i]) CHECK(banded[i] == 1);
  CHECK(false_alarms(pointers, banded).episodes == 2);
  const LeadTime lead = lead_time(pointers, banded);
  CHECK(lead.detected == 1);
  CHECK(lead.median_lead_s == Approx(10.0));

  // A clear time longer than the gaps below the clear level: the healthy
  // DIMM's alarm, once up at 20 s, stays up until 60 s + 5 s.
  const std::vector<uint8_t> held = alarm_rows(pointers, score, 0.5, AlarmConfig{0.5f, 5 * kSecond});
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].component.instance == 1)
      CHECK(held[i] == (rows[i].time_ns >= 20 * kSecond && rows[i].time_ns < 65 * kSecond ? 1 : 0));

  // The model's report counts with the band it is given; baselines never.
  FailureModel model = pressure_model();
  ClassModel& memory = model.of(ComponentClass::memory);
  memory.weight[0] = 0.0f;
  memory.bias = 0.0f;
  memory.threshold = 0.5f;
  Dataset d;
  d.horizon_ns = kHorizon;
  d.rows = rows;
  // The model's probability is the row's score: the temperature feature
  // carries its logit, with weight 1.
  memory.weight[kTemperature] = 1.0f;
  for (size_t i = 0; i < d.rows.size(); ++i)
    d.rows[i].features.value[kTemperature] = static_cast<float>(std::log(score[i] / (1.0 - score[i])));
  const auto count = [&](const AlarmConfig& band) {
    return evaluate_detectors(model, d, {}, band).front().false_alarms.episodes;
  };
  CHECK(count(AlarmConfig{1.0f, 0}) == 21);
  CHECK(count(AlarmConfig{0.5f, 0}) == 2);
  CHECK(count(AlarmConfig{}) == 2);  // the agent's default band
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
