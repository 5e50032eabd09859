#include <catch2/catch.hpp>

#include "scenarios/replay/csv_reader.h"
#include "scenarios/training/split.h"

using namespace crashtwin;
using namespace crashtwin::training;

namespace {

// Each scenario its own family, unless named "family/scenario".
Dataset grid(std::vector<std::string> scenarios, uint64_t seeds) {
  Dataset d;
  d.horizon_ns = 1;
  for (const auto& s : scenarios)
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      DatasetRow r;
      const size_t slash = s.find('/');
      r.scenario = slash == std::string::npos ? s : s.substr(slash + 1);
      r.family = slash == std::string::npos ? s : s.substr(0, slash);
      r.seed = seed;
      r.component = {ComponentClass::memory, 0};
      r.features.count = static_cast<uint8_t>(feature_count(ComponentClass::memory));
      d.rows.push_back(r);
    }
  return d;
}

}  // namespace

TEST_CASE("split by family: whole families held out with every seed", "[training][split]") {
  const Dataset d = grid({"bursty", "idle", "steady", "thermal"}, 8);
  const SplitPlan plan = plan_split(d, SplitOptions{});
  CHECK(plan.by_family);
  CHECK(plan.test_families == std::vector<std::string>{"thermal"});
  CHECK(plan.train_families == std::vector<std::string>{"bursty", "idle", "steady"});
  const SplitData s = apply_split(d, plan);
  CHECK(s.train.rows.size() == 3 * 8);
  CHECK(s.test.rows.size() == 1 * 8);
  CHECK(s.discarded == 0);
  // A seed number in both is two different runs, not a leak.
  CHECK(find_leakage(s.train, s.test, true).empty());
}

TEST_CASE("split: one family splits by seed only, named hold-outs, impossible splits are errors",
          "[training][split]") {
  const SplitPlan one = plan_split(grid({"steady"}, 5), {});
  CHECK_FALSE(one.by_family);
  CHECK(one.test_seeds == std::vector<uint64_t>{5});
  const SplitData by_seed = apply_split(grid({"steady"}, 5), one);
  CHECK(by_seed.train.rows.size() == 4);
  CHECK(by_seed.test.rows.size() == 1);
  CHECK(find_leakage(by_seed.train, by_seed.test, false).empty());
  SplitOptions hold_a;
  hold_a.holdout_families = {"a"};
  const SplitPlan named = plan_split(grid({"a", "b", "c"}, 4), hold_a);
  CHECK(named.test_families == std::vector<std::string>{"a"});
  CHECK(named.train_families == std::vector<std::string>{"b", "c"});
  CHECK_THROWS_WITH(plan_split(grid({"a"}, 1), {}), Catch::Contains("at least 2 are needed"));
  SplitOptions hold_z;
  hold_z.holdout_families = {"z"};
  CHECK_THROWS_WITH(plan_split(grid({"a", "b"}, 4), hold_z), Catch::Contains("'z'"));
  SplitOptions hold_all;
  hold_all.holdout_families = {"a", "b"};
  CHECK_THROWS_WITH(plan_split(grid({"a", "b"}, 4), hold_all), Catch::Contains("every family is held out"));
}

TEST_CASE("split: the scenarios of one family stay on one side", "[training][split]") {
  // Two recipes of three and two scenarios: holding out a family holds out
  // every scenario of it, never one of its siblings alone.
  const Dataset d = grid({"ramp/ramp_fast", "ramp/ramp_slow", "ramp/ramp_noisy", "storm/storm_a", "storm/storm_b"}, 4);
  const SplitPlan plan = plan_split(d, SplitOptions{});
  CHECK(plan.test_families == std::vector<std::string>{"storm"});
  CHECK(plan.train_families == std::vector<std::string>{"ramp"});
  const SplitData s = apply_split(d, plan);
  for (const DatasetRow& r : s.test.rows) CHECK(r.scenario.rfind("storm_", 0) == 0);
  for (const DatasetRow& r : s.train.rows) CHECK(r.scenario.rfind("ramp_", 0) == 0);
  CHECK(s.test.rows.size() == 2 * 4);
  CHECK(s.train.rows.size() == 3 * 4);
  CHECK(find_leakage(s.train, s.test, true).empty());
}

TEST_CASE("the leakage check catches a shared seed, family or scenario", "[training][split]") {
  Dataset train = grid({"a"}, 2), test = grid({"b"}, 3);
  CHECK(find_leakage(train, test, false) == "seed 1 is in both the training and the test set");
  test = grid({"a"}, 0);
  DatasetRow r = train.rows[0];
  r.seed = 99;
  test.rows.push_back(r);
  CHECK(find_leakage(train, test, false).empty());
  CHECK(find_leakage(train, test, true) == "family 'a' is in both the training and the test set");
  test.rows.back().family = "elsewhere";
  CHECK(find_leakage(train, test, true) == "scenario 'a' is in both the training and the test set");
}
