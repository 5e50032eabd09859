// Shard assignment (scenarios/batch/shard.h): disjoint parts covering the
// plan, the longest-processing-time balance, the same parts whatever order
// the runs are listed in, and --shard parsing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <map>
#include <random>
#include <set>

#include "scenarios/batch/shard.h"

using namespace crashtwin::scenario;

namespace {

std::vector<PlannedRun> runs_of(const std::vector<uint64_t>& seconds) {
  std::vector<PlannedRun> runs;
  for (size_t i = 0; i < seconds.size(); ++i) {
    PlannedRun r;
    r.dir = "run" + std::to_string(100 + i);
    r.duration_ns = seconds[i] * 1'000'000'000ULL;
    runs.push_back(r);
  }
  return runs;
}

std::map<std::string, unsigned> parts_by_dir(const std::vector<PlannedRun>& runs, unsigned count) {
  const std::vector<unsigned> part = assign_shards(runs, count);
  std::map<std::string, unsigned> out;
  for (size_t i = 0; i < runs.size(); ++i) out[runs[i].dir] = part[i];
  return out;
}

}  // namespace

TEST_CASE("shards are disjoint, cover the plan and follow the longest-processing-time rule", "[shard]") {
  // LPT on 3 parts: 7 s -> 0, 6 s -> 1, 5 s -> 2, 4 s -> 2 (load 5), 3 s -> 1 (6),
  // 2 s -> 0 (7), 1 s -> 0 (9, 9, 9... the lowest load then the lowest K): 9 / 9 / 10 at most apart by 1.
  const std::vector<PlannedRun> runs = runs_of({3, 7, 1, 5, 2, 6, 4});
  const std::vector<unsigned> part = assign_shards(runs, 3);
  std::vector<uint64_t> load(3, 0);
  for (size_t i = 0; i < runs.size(); ++i) load[part[i]] += runs[i].duration_ns / 1'000'000'000ULL;
  CHECK(part[1] == 0);  // 7 s: the first run to the first part
  CHECK(part[5] == 1);  // 6 s
  CHECK(part[3] == 2);  // 5 s
  CHECK(part[6] == 2);  // 4 s to the least loaded (5)
  CHECK(*std::max_element(load.begin(), load.end()) - *std::min_element(load.begin(), load.end()) <= 1);
  std::set<size_t> seen;
  for (unsigned k = 0; k < 3; ++k)
    for (size_t i : shard_runs(runs, {k, 3})) CHECK(seen.insert(i).second);
  CHECK(seen.size() == runs.size());
}

TEST_CASE("the parts do not depend on the order runs are listed in", "[shard]") {
  std::vector<uint64_t> seconds(200);
  std::mt19937 rng(7);
  for (uint64_t& s : seconds) s = 1 + rng() % 5;  // many ties: the run name decides
  std::vector<PlannedRun> runs = runs_of(seconds);
  const auto before = parts_by_dir(runs, 7);
  std::shuffle(runs.begin(), runs.end(), rng);
  CHECK(parts_by_dir(runs, 7) == before);
  std::reverse(runs.begin(), runs.end());
  CHECK(parts_by_dir(runs, 7) == before);
}

TEST_CASE("the --shard option takes K/N with 0 <= K < N and names itself otherwise", "[shard]") {
  std::string problem;
  const auto ok = parse_shard("2/5", problem);
  REQUIRE(ok);
  CHECK(ok->index == 2);
  CHECK(ok->count == 5);
  for (const char* bad : {"5/5", "0/0", "x/2", "1", "1/", "/3", "-1/3", "1/2/3", " 1/2"}) {
    INFO(bad);
    CHECK_FALSE(parse_shard(bad, problem));
    CHECK(problem.rfind("--shard: ", 0) == 0);
  }
}

TEST_CASE("a fleet's machines are runs with consecutive seeds, --seeds fleets after one another", "[shard][fleet]") {
  Scenario s;
  s.name = "fleet";
  s.seed = 40;
  s.fleet_machines = 3;
  s.policies = {"proportional"};
  s.strategies = {"predictive-bmc"};
  BatchOptions options;
  options.seeds = 2;
  const std::vector<PlannedRun> runs = plan_batch({s}, options);
  REQUIRE(runs.size() == 6);
  for (size_t i = 0; i < runs.size(); ++i) {
    CHECK(runs[i].seed == 40 + i);
    CHECK(runs[i].dir.find("seed" + std::to_string(40 + i)) != std::string::npos);
  }
}
