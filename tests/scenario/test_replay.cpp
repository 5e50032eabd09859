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

#include "platform/predictor/features.h"
#include "scenarios/loader/loader.h"
#include "scenarios/replay/replay_plan.h"
#include "scenarios/replay/telemetry_trace.h"
#include "scenarios/training/dataset.h"
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

// `crashtwin run` of scenarios/examples/<name>.yaml under the static
// policy, and the events it logged.
struct ExampleRun {
  fs::path out;
  test::CliResult cli;
  std::string events;
};
ExampleRun run_example(const std::string& name, const std::string& dir) {
  ExampleRun r;
  r.out = scratch(dir);
  r.cli = test::run_cli("run " + test::quoted(kSource / "scenarios/examples" / (name + ".yaml")) +
                        " --policy static --out " + test::quoted(r.out));
  std::ifstream events(r.out / "events.jsonl");
  r.events.assign(std::istreambuf_iterator<char>(events), std::istreambuf_iterator<char>());
  return r;
}

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
  for (const ReplayStep& s : steps) CHECK(s.hook == ReplayHook::counter_rate);
  CHECK(steps[0].rate == Approx(3.0));  // 6 errors over 2 s
  CHECK(steps[1].time_ns == 2'000'000'000);
  CHECK(steps[1].rate == 0.0);  // no increase to the next sample
  CHECK(steps[2].time_ns == 4'000'000'000);
  CHECK(steps[2].rate == 0.0);  // after the last sample nothing more arrives
}

TEST_CASE("replay plan: a core's corrected errors and exceptions are rates, its temperature an inlet", "[replay]") {
  const auto steps = plan(
      "0,cpu2,cpu_corrected_errors,100\n"
      "0,cpu2,cpu_temperature,41000\n"
      "5,cpu2,cpu_corrected_errors,150\n"
      "5,cpu2,cpu_exceptions,0\n"
      "7,cpu2,cpu_exceptions,4000\n");
  REQUIRE(steps.size() == 5);
  for (const ReplayStep& s : steps) CHECK(s.component == ComponentId{ComponentClass::cpu, 2});
  const auto at = [&](Metric m, uint64_t t_s) {
    for (const ReplayStep& s : steps)
      if (s.metric == m && s.time_ns == t_s * 1'000'000'000) return s;
    FAIL("no " << to_string(m) << " step at " << t_s << " s");
    return ReplayStep{};
  };
  CHECK(at(Metric::cpu_corrected_errors, 0).hook == ReplayHook::counter_rate);
  CHECK(at(Metric::cpu_corrected_errors, 0).rate == Approx(10.0));  // 50 over 5 s (the log's 100 is its baseline)
  CHECK(at(Metric::cpu_corrected_errors, 5).rate == 0.0);            // nothing after the last record
  CHECK(at(Metric::cpu_temperature, 0).hook == ReplayHook::inlet_temperature);
  CHECK(at(Metric::cpu_temperature, 0).value == 41000);
  CHECK(at(Metric::cpu_exceptions, 5).rate == Approx(2000.0));  // 4000 over 2 s
  CHECK(replay::is_replayable(Metric::cpu_temperature));
  CHECK_FALSE(replay::is_replayable(Metric::cpu_utilization));
  CHECK_FALSE(replay::is_replayable(Metric::cpu_interrupts));
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

TEST_CASE("replay section: time_scale plays recorded time faster or slower, counts as logged", "[replay]") {
  const fs::path dir = scratch("time_scale");
  const auto load = [&](const std::string& trace, const std::string& format, const std::string& duration,
                        const std::string& scale) {
    write_text(dir / "s.yaml", "schema_version: 1\nname: s\nduration: \"" + duration +
                                   "\"\nboard: {disk0: {}, nic0: {}}\nreplay:\n  trace: " +
                                   (kSource / "scenarios/examples" / trace).string() + "\n  format: " + format +
                                   "\n  start: \"1 s\"\n" + (scale.empty() ? "" : "  time_scale: " + scale + "\n"));
    return scenario::load_scenario(dir / "s.yaml");
  };
  const scenario::LoadResult recorded = load("replay_dimm_mcelog.csv", "csv", "40 s", "");
  const scenario::LoadResult doubled = load("replay_dimm_mcelog.csv", "csv", "40 s", "2");
  INFO(diagnostics_text(recorded) << diagnostics_text(doubled));
  REQUIRE(recorded.scenario);
  REQUIRE(doubled.scenario);
  const scenario::ReplaySettings& a = *recorded.scenario->replay;
  const scenario::ReplaySettings& b = *doubled.scenario->replay;
  CHECK(a.time_scale == 1.0);
  CHECK(b.time_scale == 2.0);
  CHECK(b.trace_duration_ns == a.trace_duration_ns / 2);  // 31 s recorded in 15.5 s
  REQUIRE(a.steps.size() == b.steps.size());
  size_t rates = 0;
  for (size_t i = 0; i < a.steps.size(); ++i) {
    CHECK(b.steps[i].time_ns == a.steps[i].time_ns / 2);  // the sample times are whole half-seconds
    CHECK(b.steps[i].hook == a.steps[i].hook);
    CHECK(b.steps[i].value == a.steps[i].value);  // counts and gauges as logged
    if (a.steps[i].hook == ReplayHook::counter_rate) {
      ++rates;
      CHECK(b.steps[i].rate == Approx(2 * a.steps[i].rate));  // the same count in half the time
    }
  }
  CHECK(rates > 0);

  // A memory error log: its uncorrected error (20.5 s after the first EDAC
  // event) fails the DIMM at start + 20.5 s / 4.
  const scenario::LoadResult edac = load("replay_edac_dmesg.log", "edac", "40 s", "4");
  INFO(diagnostics_text(edac));
  REQUIRE(edac.scenario);
  REQUIRE(edac.scenario->failures.size() == 1);
  CHECK(edac.scenario->failures[0].when.at_ns == 1'000'000'000 + 5'125'000'000);
  CHECK(edac.scenario->replay->trace_duration_ns == 20'500'000'000 / 4);

  // Slowed down, the same log no longer fits the run: said with the scale.
  scenario::LoadResult r = load("replay_dimm_mcelog.csv", "csv", "40 s", "0.5");
  CHECK_FALSE(r.scenario);
  CHECK_THAT(diagnostics_text(r), Catch::Contains("spans 62 s at time_scale 0.5") &&
                                      Catch::Contains("past the scenario's duration"));
  r = load("replay_edac_dmesg.log", "edac", "40 s", "0.5");
  CHECK_THAT(diagnostics_text(r), Catch::Contains("at time_scale 0.5") && Catch::Contains("past the scenario's duration"));

  // Out of range or not a number: located at the key.
  const std::string where = (dir / "s.yaml").string() + ":9:15: replay.time_scale: ";
  for (const std::string bad : {"0", "-1", "1e7", "0.0001", ".nan"}) {
    r = load("replay_dimm_mcelog.csv", "csv", "40 s", bad);
    INFO(bad);
    CHECK_FALSE(r.scenario);
    CHECK_THAT(diagnostics_text(r), Catch::Contains(where));
  }
  r = load("replay_dimm_mcelog.csv", "csv", "40 s", "1e7");
  CHECK_THAT(diagnostics_text(r), Catch::Contains("expected recorded seconds per simulated second from 0.001 to 1e+06"));
  r = load("replay_dimm_mcelog.csv", "csv", "40 s", "fast");
  CHECK_THAT(diagnostics_text(r), Catch::Contains(where) && Catch::Contains("is not a number"));
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
                                      Catch::Contains("replayable metrics: cpu_corrected_errors"));

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

TEST_CASE("replay section: counters that jump, rates and gauges beyond physics are bounded", "[replay][errors][hostile]") {
  const fs::path dir = scratch("bounds");
  const auto load = [&](const std::string& csv) {
    write_text(dir / "t.csv", "timestamp,component,metric,value\n" + csv);
    write_text(dir / "s.yaml", "schema_version: 1\nname: s\nduration: \"10 s\"\nboard: {}\nreplay:\n  trace: t.csv\n");
    return scenario::load_scenario(dir / "s.yaml");
  };
  // A counter from 0 to 2^32-1 in one sample was played as four billion
  // corrected errors (hours of looping, then bad_alloc).
  scenario::LoadResult r = load("0,memory0,mem_corrected_errors,0\n1,memory0,mem_corrected_errors,4294967295\n");
  CHECK_FALSE(r.scenario);
  CHECK_THAT(diagnostics_text(r), Catch::Contains("replay.trace") && Catch::Contains("memory0 mem_corrected_errors at 1 s") &&
                                      Catch::Contains("at most 100000 events per sample"));
  r = load("0,network0,net_link_flaps,0\n1,network0,net_link_flaps,4294967295\n");
  CHECK_THAT(diagnostics_text(r), Catch::Contains("at most 100000 events per sample"));
  r = load("0,disk0,disk_media_errors,0\n0.000000001,disk0,disk_media_errors,4294967295\n");
  CHECK_THAT(diagnostics_text(r), Catch::Contains("per second are replayed"));
  r = load("0,memory0,mem_temperature,4294967295\n");
  CHECK_THAT(diagnostics_text(r), Catch::Contains("m°C is above the limit"));
  // Within the bounds a jump is fine.
  r = load("0,memory0,mem_corrected_errors,0\n1,memory0,mem_corrected_errors,100000\n");
  INFO(diagnostics_text(r));
  CHECK(r.scenario);
}

TEST_CASE("telemetry trace: more rows than the limit is a located error", "[replay][errors][hostile]") {
  std::string csv = "timestamp,component,metric,value\n";
  csv.reserve(replay::kMaxTraceRows * 32);
  for (size_t i = 0; i <= replay::kMaxTraceRows; ++i) csv += "0,memory0,mem_temperature,45000\n";
  std::istringstream in(csv);
  try {
    replay::TelemetryTrace::read(in, "big.csv");
    FAIL("a trace over the row limit was accepted");
  } catch (const std::exception& e) {
    CHECK_THAT(e.what(), Catch::Contains("big.csv:" + std::to_string(replay::kMaxTraceRows + 2)) &&
                             Catch::Contains("more than 1000000 rows"));
  }
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

// What the log's corrected errors become (steps at their addresses) is the
// loader's test (test_memory_error_logs.cpp), where the DRAM puts them the
// model's (test_dram.cpp); here the whole run.
TEST_CASE("replay run: an EDAC dmesg extract replays, and its uncorrected error fails the logged DIMM",
          "[replay][e2e]") {
  const ExampleRun run = run_example("replay_edac", "run_edac");
  INFO(run.cli.output);
  REQUIRE(run.cli.exit_code == 0);  // its expectations: the replayed UE fired and was reported
  const std::string& text = run.events;
  // The log's UE, 20.5 s after its first EDAC event, replayed from 1 s.
  CHECK(text.find("\"t_ns\":21500000000,\"track\":\"board.injector\",\"kind\":\"injection\","
                  "\"failure\":\"replayed_ue_1\",\"component\":\"memory.1\"") != std::string::npos);
  // At the logged address (page 0x2f4a1, offset 0x2c0), inside DIMM 1 of
  // the default 4 x 1 GiB board.
  CHECK(text.find("\"address\":" + std::to_string((1ull << 30) + (0x2f4a1ull << 12) + 0x2c0)) != std::string::npos);
}

TEST_CASE("replay run: a log replayed at a time scale fails the DIMM at the scaled time", "[replay][e2e]") {
  const fs::path out = scratch("run_edac_scaled");
  const test::CliResult ran = test::run_cli("run " + test::quoted(kSource / "scenarios/examples/replay_edac.yaml") +
                                            " --policy static --set replay.time_scale=4 --out " + test::quoted(out));
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);  // the example's expectations hold: the UE fired and was reported
  const std::string events = test::read_text(out / "events.jsonl");
  CHECK(events.find("\"precursor\":\"replay\",\"trace\":") != std::string::npos);
  CHECK(events.find("\"state\":\"begin\",\"time_scale\":4.0") != std::string::npos);
  // 20.5 s of log after its first event, at 4 recorded seconds per second,
  // from 1 s.
  CHECK(events.find("\"t_ns\":6125000000,\"track\":\"board.injector\",\"kind\":\"injection\","
                    "\"failure\":\"replayed_ue_1\"") != std::string::npos);
}

TEST_CASE("replay run: an mcelog log replays, and its uncorrected error fails the logged DIMM and is captured",
          "[replay][e2e]") {
  const ExampleRun run = run_example("replay_mcelog", "run_mcelog");
  INFO(run.cli.output);
  REQUIRE(run.cli.exit_code == 0);  // its expectations: the replayed UE fired and was reported
  // The CPU internal parity error is not a memory error: skipped, said so.
  CHECK_THAT(run.cli.output, Catch::Contains("1 of 12 mcelog records skipped as not memory errors"));
  const std::string& text = run.events;
  // The UE record, 20 s after the log's first record, replayed from 1 s, at
  // its ADDR 0x2f4a12c0 inside DIMM 1 of the default 4 x 1 GiB board.
  CHECK(text.find("\"t_ns\":21000000000,\"track\":\"board.injector\",\"kind\":\"injection\","
                  "\"failure\":\"replayed_ue_1\",\"component\":\"memory.1\"") != std::string::npos);
  CHECK(text.find("\"address\":" + std::to_string((1ull << 30) + 0x2f4a12c0)) != std::string::npos);
  // Captured: the BMC's report names the failure.
  std::ifstream report(run.out / "bmc" / "report.json");
  const std::string bmc((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  CHECK(bmc.find("memory_uncorrectable") != std::string::npos);
}

TEST_CASE("replay run: a core's recorded corrected errors and temperature reach the agent's features",
          "[replay][e2e]") {
  // Recorded for cpu.1 only: 40 corrected errors/s from 10 s to 15 s and an
  // inlet 30 °C hotter from 12 s. The agent's windows (recorded by
  // `crashtwin dataset`) must show them on cpu.1 and not on cpu.0.
  const fs::path dir = scratch("cpu");
  write_text(dir / "cpu.csv",
             "timestamp,component,metric,value\n"
             "0,cpu1,cpu_corrected_errors,0\n"
             "10,cpu1,cpu_corrected_errors,0\n"
             "12,cpu1,cpu_temperature,55000\n"
             "15,cpu1,cpu_corrected_errors,200\n");
  write_text(dir / "cpu_replay.yaml",
             "schema_version: 1\nname: cpu_replay\nseed: 3\nduration: \"30 s\"\nboard: {}\n"
             "replay: {trace: cpu.csv}\n");
  const test::CliResult ran = test::run_cli("dataset " + test::quoted(dir / "cpu_replay.yaml") +
                                            " --seeds 1 --horizon 10 --out " + test::quoted(dir / "rows.csv"));
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  const training::Dataset data = training::read_dataset_file((dir / "rows.csv").string());
  const auto feature = [](const char* name) {
    const size_t f = feature_index(ComponentClass::cpu, name);
    if (f == feature_count(ComponentClass::cpu)) FAIL("no cpu feature " << name);
    return f;
  };
  const size_t errors = feature("corrected_errors_in_window"), temperature = feature("temperature_c");
  double errors_of[2] = {0, 0}, hottest_before[2] = {0, 0}, hottest_after[2] = {0, 0};
  for (const training::DatasetRow& row : data.rows) {
    if (row.component.cls != ComponentClass::cpu || row.component.instance > 1) continue;
    const size_t core = row.component.instance;
    const double t = static_cast<double>(row.time_ns) * 1e-9;
    errors_of[core] = std::max(errors_of[core], static_cast<double>(row.features.value[errors]));
    double& hottest = t < 12 ? hottest_before[core] : hottest_after[core];
    if (t < 12 || t > 25) hottest = std::max(hottest, static_cast<double>(row.features.value[temperature]));
  }
  CHECK(errors_of[0] == 0);
  CHECK(errors_of[1] >= 20);  // 40/s for 5 s: every window inside the burst holds dozens
  CHECK(hottest_before[1] == Approx(hottest_before[0]).margin(2.0));
  CHECK(hottest_after[1] > hottest_after[0] + 20.0);
}
