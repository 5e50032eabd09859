// timer_jitter.json: written and read back, and the reader's refusals of a
// histogram that does not fit its edges or its samples.
#include <catch2/catch.hpp>

#include <string>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/timer_jitter.h"

using namespace crashtwin;

namespace {

TimerJitter two_bin_jitter() {
  TimerJitter t;
  t.period_ns = 1'000'000;
  t.cores = 2;
  t.deviation_edges_ns = {100, 1'000};
  TimerJitterPhase p;
  p.name = "rest";
  p.end_ns = 1'000'000'000;
  p.ticks = 2'000;
  p.samples = 1'998;
  p.delta_min_ns = p.delta_max_ns = p.delta_mean_ns = 1e6;
  p.deviation_counts = {1'990, 6, 2};
  t.phases.push_back(p);
  return t;
}

std::string refusal_of(const std::string& json) {
  const auto path = test::scratch_dir("timer_jitter_bad") / "timer_jitter.json";
  write_file_atomically(path, json);
  try {
    read_timer_jitter(path);
  } catch (const format_error& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("timer_jitter.json reads back what was written, histogram included", "[traces][timers]") {
  const auto path = test::scratch_dir("timer_jitter_round") / "timer_jitter.json";
  write_timer_jitter(two_bin_jitter(), path);
  const TimerJitter t = read_timer_jitter(path);
  CHECK(t.deviation_edges_ns == std::vector<uint64_t>{100, 1'000});
  REQUIRE(t.phases.size() == 1);
  CHECK(t.phases[0].deviation_counts == std::vector<uint64_t>{1'990, 6, 2});
  CHECK(t.phases[0].samples == 1'998);
}

TEST_CASE("timer_jitter.json without a histogram (older runs) still reads", "[traces][timers]") {
  TimerJitter old = two_bin_jitter();
  old.deviation_edges_ns.clear();
  old.phases[0].deviation_counts.clear();
  const auto path = test::scratch_dir("timer_jitter_old") / "timer_jitter.json";
  std::string text;
  {
    write_timer_jitter(old, path);
    text = read_file(path);
  }
  // Drop both keys as an older writer would not have written them.
  for (const std::string key : {"  \"deviation_edges_ns\": [],\n", "      \"deviation_counts\": []\n"}) {
    const auto at = text.find(key);
    REQUIRE(at != std::string::npos);
    text.erase(at, key.size());
  }
  const auto comma = text.find("\"skew_max_ns\": 0.0,");
  REQUIRE(comma != std::string::npos);
  text.replace(comma, std::string("\"skew_max_ns\": 0.0,").size(), "\"skew_max_ns\": 0.0");
  write_file_atomically(path, text);
  const TimerJitter t = read_timer_jitter(path);
  CHECK(t.deviation_edges_ns.empty());
  CHECK(t.phases.at(0).deviation_counts.empty());
}

TEST_CASE("a histogram that does not fit its edges or samples is refused, naming the field", "[traces][timers]") {
  const auto path = test::scratch_dir("timer_jitter_src") / "timer_jitter.json";
  write_timer_jitter(two_bin_jitter(), path);
  const std::string good = read_file(path);
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  CHECK_THAT(refusal_of(replaced("\"deviation_edges_ns\": [\n    100,\n    1000\n  ]",
                                 "\"deviation_edges_ns\": [\n    1000,\n    100\n  ]")),
             Catch::Contains("deviation_edges_ns is not increasing"));
  CHECK_THAT(refusal_of(replaced("1990,", "1990, 1,")), Catch::Contains("deviation_counts has 4 bins"));
  CHECK_THAT(refusal_of(replaced("1990,", "1991,")), Catch::Contains("not samples (1998)"));
  CHECK_THAT(refusal_of(replaced("1990,", "-1,")), Catch::Contains("deviation_counts"));
  CHECK_THAT(refusal_of(replaced("\"deviation_edges_ns\": [", "\"deviation_edges_ns\": {\"a\": [")),
             Catch::Contains("timer_jitter.json"));
}
