// The grid of `crashtwin sweep --vary` (scenarios/schema/sweep_grid.h).
// Properties over grids drawn from a seeded generator: a valid grid expands
// to the product of its axes' lengths, every range is strictly increasing
// from LO to HI with the values the loader will read, and every malformed
// --vary is refused with a message naming the option.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "platform/core/units.h"
#include "scenarios/schema/sweep_grid.h"

using namespace crashtwin;
using namespace crashtwin::scenario;

namespace {

std::vector<SweepAxis> parsed(const std::vector<std::string>& args) {
  std::string problem;
  auto axes = parse_vary(args, problem);
  INFO(problem);
  REQUIRE(axes);
  return *axes;
}

std::string refused(const std::vector<std::string>& args) {
  std::string problem;
  const auto axes = parse_vary(args, problem);
  CHECK_FALSE(axes);
  return problem;
}

uint64_t bytes(const std::string& text) {
  uint64_t n = 0;
  REQUIRE(ok(parse_size_bytes(text, n)));
  return n;
}

}  // namespace

TEST_CASE("a size range gives N geometric points from LO to HI, rounded to clean values", "[sweep][grid]") {
  const auto axes = parsed({"agent.budget=4MiB..1GiB", "x8"});
  REQUIRE(axes.size() == 1);
  CHECK(axes[0].key == "agent.budget");
  CHECK(axes[0].values == std::vector<std::string>{"4 MiB", "8.83 MiB", "19.5 MiB", "43.1 MiB", "95.1 MiB",
                                                   "210 MiB", "464 MiB", "1 GiB"});
  // The quoted form and a list give the same kinds of axes.
  CHECK(parsed({"agent.budget=4 MiB..1 GiB x8"})[0].values == axes[0].values);
  CHECK(parsed({"agent.minimum_partition_size=4KiB, 64KiB,1MiB"})[0].values ==
        std::vector<std::string>{"4KiB", "64KiB", "1MiB"});
  CHECK(parsed({"duration=1min..4h x3"})[0].values == std::vector<std::string>{"1 min", "15.5 min", "4 h"});
  CHECK(parsed({"agent.count=1..100 x3"})[0].values == std::vector<std::string>{"1", "10", "100"});
  CHECK(parsed({"x.ratio=0.01..1 x3"})[0].values == std::vector<std::string>{"0.01", "0.1", "1"});
}

TEST_CASE("several --vary expand to their cartesian product, last axis fastest", "[sweep][grid]") {
  const auto axes = parsed({"agent.budget=4MiB..16MiB", "x3", "agent.minimum_partition_size=4KiB,1MiB"});
  const auto points = expand_grid(axes);
  REQUIRE(points.size() == 6);
  CHECK(points[0].id == "agent.budget=4MiB,agent.minimum_partition_size=4KiB");
  CHECK(points[1].id == "agent.budget=4MiB,agent.minimum_partition_size=1MiB");
  CHECK(points[2].settings[0].second == "8 MiB");
  CHECK(points[5].id == "agent.budget=16MiB,agent.minimum_partition_size=1MiB");
}

TEST_CASE("property: random valid grids expand to the product of their axes with increasing ranges",
          "[sweep][grid][property]") {
  std::mt19937_64 rng(20261204);
  const std::vector<std::string> units = {"B", "KiB", "MiB", "GiB"};
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<std::string> args;
    std::vector<size_t> lengths;
    std::vector<std::pair<uint64_t, uint64_t>> size_ranges;  // per axis; {0,0} for a list
    const size_t n_axes = 1 + rng() % 3;
    for (size_t a = 0; a < n_axes; ++a) {
      const std::string key = "k" + std::to_string(a) + ".v";
      if (rng() % 2 == 0) {
        const size_t n = 1 + rng() % 5;
        std::string list;
        for (size_t i = 0; i < n; ++i) list += (i ? "," : "") + std::to_string(i * 7 + 1) + "KiB";
        args.push_back(key + "=" + list);
        lengths.push_back(n);
        size_ranges.emplace_back(0, 0);
      } else {
        const uint64_t lo_n = 1 + rng() % 100;
        const std::string lo = std::to_string(lo_n) + " " + units[1 + rng() % 2];
        const std::string hi = std::to_string(lo_n * (2 + rng() % 500)) + " " + units[2 + rng() % 2];
        const size_t n = 2 + rng() % 9;
        if (rng() % 2 == 0) {
          args.push_back(key + "=" + lo + ".." + hi);
          args.push_back("x" + std::to_string(n));
        } else {
          args.push_back(key + "=" + lo + ".." + hi + " x" + std::to_string(n));
        }
        lengths.push_back(n);
        size_ranges.emplace_back(bytes(lo), bytes(hi));
      }
    }
    INFO(args.size() << " arguments, first " << args.front());
    const auto axes = parsed(args);
    REQUIRE(axes.size() == n_axes);
    size_t product = 1;
    for (size_t a = 0; a < n_axes; ++a) {
      REQUIRE(axes[a].values.size() == lengths[a]);
      product *= lengths[a];
      if (size_ranges[a].first == 0) continue;
      CHECK(bytes(axes[a].values.front()) == size_ranges[a].first);
      CHECK(bytes(axes[a].values.back()) == size_ranges[a].second);
      for (size_t i = 1; i < axes[a].values.size(); ++i)
        CHECK(bytes(axes[a].values[i - 1]) < bytes(axes[a].values[i]));
    }
    const auto points = expand_grid(axes);
    REQUIRE(points.size() == product);
    std::set<std::string> ids;
    for (const SweepPoint& p : points) {
      CHECK(p.settings.size() == n_axes);
      ids.insert(p.id);
    }
    CHECK(ids.size() == product);  // one directory per point
  }
}

TEST_CASE("malformed grids are refused with a message naming --vary", "[sweep][grid]") {
  const std::vector<std::vector<std::string>> bad = {
      {},                                         // no grid
      {"agent.budget"},                           // no '='
      {"=4MiB,8MiB"},                             // no key
      {"agent.budget="},                          // no values
      {"agent.budget=4MiB,,8MiB"},                // empty list item
      {"agent.budget=4MiB,4MiB"},                 // repeated value
      {"agent.budget=4MiB..1GiB"},                // range without a count
      {"agent.budget=4MiB..1GiB", "x1"},          // N < 2
      {"agent.budget=4MiB..1GiB", "x0"},
      {"agent.budget=1GiB..4MiB", "x4"},          // LO > HI
      {"agent.budget=4MiB..10s", "x4"},           // kinds differ
      {"agent.budget=lots..more", "x4"},          // not quantities
      {"agent.budget=0B..4MiB", "x4"},            // geometric from zero
      {"agent.budget=1B..3B", "x10"},             // would repeat whole bytes
      {"agent.budget=4MiB", "x4"},                // a count after a list
      {"x4"},                                     // a count alone
      {"agent.budget=4MiB,8MiB", "agent.budget=16MiB"},  // key twice
      {"agent.budget=4MiB..8MiB", "x100000"},     // too many points
  };
  for (const auto& args : bad) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    INFO(joined);
    CHECK(refused(args).rfind("--vary", 0) == 0);
  }
  // Random text never crashes the parser: it gives axes or a --vary message.
  std::mt19937_64 rng(7);
  const std::string chars = "ax=.,0123456789 KMGiBsmin.";
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text;
    for (size_t i = 0, n = rng() % 24; i < n; ++i) text += chars[rng() % chars.size()];
    std::string problem;
    const auto axes = parse_vary({text}, problem);
    INFO(text);
    if (!axes) CHECK(problem.rfind("--vary", 0) == 0);
  }
}

TEST_CASE("a point's directory name is stable, readable and bounded", "[sweep][grid]") {
  CHECK(point_id({{"agent.budget", "8.83 MiB"}, {"failures[0].at", "10 s"}}) ==
        "agent.budget=8.83MiB,failures_0_.at=10s");
  const std::string long_value(400, 'v');
  const std::string id = point_id({{"k", long_value}});
  CHECK(id.size() == 180);
  CHECK(id != point_id({{"k", long_value + "w"}}));
  CHECK(id == point_id({{"k", long_value}}));
}
