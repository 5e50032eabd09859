// Telemetry replay: how a trace's metrics become precursor hook calls
// (replay_plan), the scenario's `replay:` section (located errors for bad
// traces), and a run whose only precursors come from a recorded trace.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/replay/replay_plan.h"
#include "scenarios/replay/telemetry_trace.h"
#include "traces/timeseries_writer.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using replay::ReplayHook;
using replay::ReplayStep;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kExample = kSource / "scenarios/examples/replay_dimm.yaml";

std::vector<ReplayStep> plan(const std::string& csv) {
  std::istringstream in("timestamp,component,metric,value\n" + csv);
  const replay::TelemetryTrace trace = replay::TelemetryTrace::read(in, "t.csv");
  return replay::plan_replay(trace.samples());
}

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "replay" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string diagnostics_text(const scenario::LoadResult& r) { return r.diagnostics.to_string(); }

}  // namespace

TEST_CASE("replay plan: counters replay their increases after the first sample", "[replay]") {
  const auto steps = plan(
      "100,memory1,mem_corrected_errors,40\n"  // baseline: the log's count before the twin existed
      "101,memory1,mem_corrected_errors,43\n"
      "102,memory1,mem_corrected_errors,43\n"
      "103.5,memory1,mem_corrected_errors,50\n"
      "104,network0,net_link_flaps,2\n"
      "105,network0,net_link_flaps,4\n");
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].hook == ReplayHook::inject_corrected_errors);
  CHECK(steps[0].time_ns == 1'000'000'000);
  CHECK(steps[0].value == 3);
  CHECK(steps[1].time_ns == 3'500'000'000);
  CHECK(steps[1].value == 7);
  CHECK(steps[2].hook == ReplayHook::link_flaps);
  CHECK(steps[2].component == ComponentId{ComponentClass::network, 0});
  CHECK(steps[2].value == 2);
}

TEST_CASE("replay plan: error counters become the rate that reaches the next sample", "[replay]") {
  const auto steps = plan(
      "0,disk0,disk_media_errors,0\n"
      "2,disk0,disk_media_errors,4\n"
      "2,disk0,disk_media_errors,6\n"  // same time: one record, the last value counts
      "4,disk0,disk_media_errors,6\n");
  REQUIRE(steps.size() == 3);
  for (const ReplayStep& s : steps) CHECK(s.hook == ReplayHook::io_error_rate);
  CHECK(steps[0].rate == Approx(3.0));  // 6 errors over 2 s
  CHECK(steps[1].time_ns == 2'000'000'000);
  CHECK(steps[1].rate == 0.0);  // no increase to the next sample
  CHECK(steps[2].time_ns == 4'000'000'000);
  CHECK(steps[2].rate == 0.0);  // after the last sample nothing more arrives
}

TEST_CASE("replay plan: gauges set temperatures and latency changes, in time order", "[replay]") {
  const auto steps = plan(
      "10,memory0,mem_temperature,45000\n"
      "10,disk0,disk_latency,200000\n"
      "11,disk0,disk_latency,950000\n"
      "11,network0,net_temperature,52000\n"
      "12,disk0,disk_latency,150000\n");
  REQUIRE(steps.size() == 5);
  CHECK(std::is_sorted(steps.begin(), steps.end(),
                       [](const ReplayStep& a, const ReplayStep& b) { return a.time_ns < b.time_ns; }));
  const auto latency = [&](uint64_t t_ns) {
    for (const ReplayStep& s : steps)
      if (s.hook == ReplayHook::latency_offset && s.time_ns == t_ns) return s.value;
    FAIL("no latency step at " << t_ns);
    return uint64_t{0};
  };
  CHECK(latency(0) == 0);                  // the series' first value is the device's own latency
  CHECK(latency(1'000'000'000) == 750'000);
  CHECK(latency(2'000'000'000) == 0);      // below the first value: no negative offset
  const auto dimm = std::find_if(steps.begin(), steps.end(),
                                 [](const ReplayStep& s) { return s.hook == ReplayHook::dimm_temperature; });
  REQUIRE(dimm != steps.end());
  CHECK(dimm->value == 45000);
  CHECK(std::count_if(steps.begin(), steps.end(),
                      [](const ReplayStep& s) { return s.hook == ReplayHook::inlet_temperature; }) == 1);
  CHECK_FALSE(replay::is_replayable(Metric::cpu_utilization));
  CHECK(replay::replayable_metric_names().find("mem_corrected_errors") != std::string::npos);
}

TEST_CASE("replay section: the example loads with its trace planned", "[replay]") {
  const scenario::LoadResult r = scenario::load_scenario(kExample);
  INFO(diagnostics_text(r));
  REQUIRE(r.scenario);
  REQUIRE(r.scenario->replay);
  const scenario::ReplaySettings& replay = *r.scenario->replay;
  CHECK(replay.start_ns == 1'000'000'000);
  CHECK(replay.trace_duration_ns == 31'000'000'000);
  CHECK(fs::path(replay.trace_path) == kSource / "scenarios/examples/replay_dimm_mcelog.csv");
  CHECK(replay.components.size() == 3);
  uint64_t injected = 0;
  for (const ReplayStep& s : replay.steps)
    if (s.hook == ReplayHook::inject_corrected_errors) injected += s.value;
  CHECK(injected == 234);  // the trace's last count minus its first
}

TEST_CASE("replay section: bad traces are errors located at replay.trace", "[replay][errors]") {
  const fs::path dir = scratch("bad");
  const auto load = [&](const std::string& csv, const std::string& extra = "") {
    write_text(dir / "t.csv", "timestamp,component,metric,value\n" + csv);
    write_text(dir / "s.yaml",
               "schema_version: 1\nname: s\nduration: \"10 s\"\nboard: {}\nreplay:\n  trace: t.csv\n" + extra);
    return scenario::load_scenario(dir / "s.yaml");
  };
  const std::string where = (dir / "s.yaml").string() + ":6:10: replay.trace: ";

  scenario::LoadResult r = load("0,cpu0,cpu_utilization,5\n");
  CHECK_FALSE(r.scenario);
  CHECK_THAT(diagnostics_text(r), Catch::Contains(where) && Catch::Contains("cpu0 cpu_utilization cannot be replayed") &&
                                      Catch::Contains("replayable metrics: mem_corrected_errors"));

  r = load("0,memory1,mem_corrected_errors,5\n11,memory1,mem_corrected_errors,6\n");
  CHECK_FALSE(r.scenario);
  CHECK_THAT(diagnostics_text(r), Catch::Contains(where) && Catch::Contains("past the scenario's duration"));

  r = load("0,memory1,mem_corrected_errors,5\n1,memory1,mem_corrected_errors,3\n");
  CHECK_FALSE(r.scenario);
  CHECK_THAT(diagnostics_text(r), Catch::Contains(where) && Catch::Contains("t.csv:3"));  // the CSV line

  r = load("0,memory1,mem_corrected_errors,5\n", "  start: \"2 s\"\n  speed: 2\n");
  CHECK_FALSE(r.scenario);
  CHECK_THAT(diagnostics_text(r), Catch::Contains("replay.speed: unknown key"));

  write_text(dir / "s.yaml", "schema_version: 1\nname: s\nduration: \"10 s\"\nboard: {}\nreplay: {trace: missing.csv}\n");
  r = scenario::load_scenario(dir / "s.yaml");
  CHECK_FALSE(r.scenario);
  CHECK_THAT(diagnostics_text(r), Catch::Contains("replay.trace") && Catch::Contains("cannot open telemetry trace"));
}

TEST_CASE("replay run: the recorded corrected-error burst raises the failing DIMM's probability", "[replay][e2e]") {
  const fs::path out = scratch("run");
  const test::CliResult ran =
      test::run_cli("run " + test::quoted(kExample) + " --policy static --out " + test::quoted(out));
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);

  const Timeseries ts = read_timeseries_csv(out / "timeseries.csv");
  const std::vector<double>* failing = ts.find("probability.memory.1");
  const std::vector<double>* healthy = ts.find("probability.memory.0");
  REQUIRE(failing != nullptr);
  REQUIRE(healthy != nullptr);
  // Before the recorded burst (trace 20 s = scenario 21 s) DIMM 1 looks like
  // DIMM 0; during it, it stands out.
  double quiet = 0, burst = 0, other = 0;
  for (size_t i = 0; i < ts.row_count(); ++i) {
    const double t = ts.t_s[i];
    if (t > 5 && t < 20) quiet = std::max(quiet, (*failing)[i]);
    if (t > 26 && t < 32) burst = std::max(burst, (*failing)[i]);
    if (t > 26 && t < 32) other = std::max(other, (*healthy)[i]);
  }
  CHECK(burst > 0.5);
  CHECK(burst > 10 * quiet);
  CHECK(burst > 10 * other);

  std::ifstream events(out / "events.jsonl");
  const std::string text((std::istreambuf_iterator<char>(events)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"precursor\":\"replay\"") != std::string::npos);
}
