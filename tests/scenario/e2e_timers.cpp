// Issue 17 items 1, 2 and 6 through the real `crashtwin`: the library's
// stress-matrix scenario shows larger tick jitter, skew and missed ticks
// under its stress phases than at rest in timer_jitter.json; the firmware
// detected the misses; the file is deterministic; a batch writes
// timer_jitter.csv (one row per run and phase) and plots it in report.html;
// a board without per-core timers writes no phases.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>

#include "tests/support/run_cli.h"
#include "traces/io.h"
#include "traces/timer_jitter.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kStress = kSource / "scenarios/library/timer_jitter_stress.yaml";

fs::path scratch(const std::string& name) { return test::fresh_test_dir("timers", name); }

const TimerJitterPhase& phase(const TimerJitter& t, const std::string& name) {
  for (const TimerJitterPhase& p : t.phases)
    if (p.name == name) return p;
  FAIL("no phase " << name);
  return t.phases.front();
}

}  // namespace

TEST_CASE("the stress matrix jitters and misses ticks where rest does not", "[e2e][timers]") {
  const fs::path out = scratch("stress");
  const auto r = run_cli("run " + quoted(kStress) + " --policy proportional --out " + quoted(out / "a"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const TimerJitter t = read_timer_jitter(out / "a" / "timer_jitter.json");
  CHECK(t.period_ns == 1'000'000);
  CHECK(t.cores == 4);
  REQUIRE(t.phases.size() == 6);
  const TimerJitterPhase& rest = phase(t, "rest");
  // Synchronized ticks at rest: every core ticks at every boundary, about
  // one period apart, the cores together.
  CHECK(rest.missed_ticks == 0);
  CHECK(rest.ticks >= 4 * 9'999);  // 10 s of 1 ms boundaries, the first after the boot
  CHECK(rest.delta_mean_ns == Approx(1e6).epsilon(1e-4));
  uint64_t stress_missed = 0;
  for (const char* name : {"cpu_scheduler", "memory_cache", "timer_1000hz", "io_syscall", "lock_contention"}) {
    INFO("phase " << name);
    const TimerJitterPhase& p = phase(t, name);
    CHECK(p.delta_stddev_ns > rest.delta_stddev_ns);
    CHECK(p.delta_max_ns - p.delta_min_ns > rest.delta_max_ns - rest.delta_min_ns);
    CHECK(p.latency_mean_ns > rest.latency_mean_ns);
    CHECK(p.skew_mean_ns > rest.skew_mean_ns);
    CHECK(p.missed_ticks >= rest.missed_ticks);
    stress_missed += p.missed_ticks;
  }
  // Lock holds longer than the period: missed ticks (a delta spans two periods).
  const TimerJitterPhase& lock = phase(t, "lock_contention");
  CHECK(lock.missed_ticks > 0);
  CHECK(lock.delta_max_ns > 2e6);
  CHECK(stress_missed > rest.missed_ticks);

  // The distribution of |delta - period|: every sample in one bin; at rest
  // all but the deltas that straddle the phase change within 1 us, the lock
  // phase's missed ticks a period (1 ms) or more away, so its curve lies to
  // the right of rest's.
  REQUIRE(t.deviation_edges_ns.size() == 19);
  const auto share_below = [&](const TimerJitterPhase& p, uint64_t edge_ns) {
    uint64_t below = 0;
    for (size_t e = 0; e < t.deviation_edges_ns.size() && t.deviation_edges_ns[e] <= edge_ns; ++e)
      below += p.deviation_counts[e];
    return static_cast<double>(below) / static_cast<double>(p.samples);
  };
  for (const TimerJitterPhase& p : t.phases) {
    INFO("phase " << p.name);
    REQUIRE(p.deviation_counts.size() == 20);
    uint64_t total = 0;
    for (uint64_t c : p.deviation_counts) total += c;
    CHECK(total == p.samples);
  }
  CHECK(share_below(rest, 1'000) > 0.999);
  CHECK(share_below(lock, 1'000'000) < 1.0);
  CHECK(share_below(lock, 1'000) < share_below(rest, 1'000));
  // The firmware saw the boot core's misses and the cores' overruns.
  CHECK(t.firmware.missed_ticks > 0);
  CHECK(t.firmware.core_overruns == stress_missed + rest.missed_ticks);
  CHECK(t.firmware.skew_max_ns > 0);

  // The same scenario and seed: the same file, byte for byte.
  const auto again = run_cli("run " + quoted(kStress) + " --policy proportional --out " + quoted(out / "b"));
  REQUIRE(again.exit_code == 0);
  CHECK(read_file(out / "a" / "timer_jitter.json") == read_file(out / "b" / "timer_jitter.json"));
}

TEST_CASE("a batch writes timer_jitter.csv, one row per run and phase, and plots it", "[e2e][timers]") {
  const fs::path out = scratch("batch");
  const auto r = run_cli("batch " + quoted(kStress) + " " + quoted(kSource / "scenarios/library/idle_system.yaml") +
                         " --policy proportional --strategy predictive-bmc --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  std::istringstream csv(read_file(out / "timer_jitter.csv"));
  std::string line;
  REQUIRE(std::getline(csv, line));
  CHECK(line.rfind("scenario,policy,strategy,seed,run,phase,", 0) == 0);
  int stress_rows = 0, idle_rows = 0;
  while (std::getline(csv, line)) {
    if (line.rfind("timer_jitter_stress,", 0) == 0) ++stress_rows;
    if (line.rfind("idle_system,", 0) == 0) ++idle_rows;
  }
  CHECK(stress_rows == 6);
  CHECK(idle_rows == 1);  // one phase, ticks on their boundaries
  const std::string html = read_file(out / "report.html");
  CHECK(html.find("id=\"timer-jitter\"") != std::string::npos);
  CHECK(html.find("lock_contention · min to max") != std::string::npos);
  CHECK(html.find("Tick deltas within x of the period") != std::string::npos);
}

TEST_CASE("without per-core timers the agent keeps its own ideal timer and no phase is recorded", "[e2e][timers]") {
  const fs::path out = scratch("off");
  const auto r = run_cli("run " + quoted(kStress) + " --policy proportional --set board.cpu.timer.enabled=false --out " +
                         quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const TimerJitter t = read_timer_jitter(out / "timer_jitter.json");
  CHECK(t.period_ns == 0);
  CHECK(t.phases.empty());
  CHECK(t.firmware.missed_ticks == 0);
  CHECK(t.firmware.late_ticks == 0);
}
