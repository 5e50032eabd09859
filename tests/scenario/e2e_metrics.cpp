// Metrics that mean what they say, through the real `crashtwin`: undeclared
// failures, production and recovery memory, one source for the BMC's timing,
// static's reservation (test_metrics.cpp has the synthetic-facts tests).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/oracle_bound.h"
#include "tests/support/other_feature_set_model.h"
#include "tests/support/run_cli.h"
#include "traces/batch.h"
#include "traces/bmc_report.h"
#include "traces/event_log.h"
#include "traces/io.h"
#include "traces/summary.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kMemoryScenario = kSource / "scenarios/library/memory_uncorrectable.yaml";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "metrics" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

}  // namespace

TEST_CASE("the library's temperature ramp trips a thermal shutdown that is counted and named", "[metrics][e2e]") {
  const fs::path out = scratch("false_alarms");
  const auto r = run_cli("run " + quoted(kSource / "scenarios/library/false_alarms.yaml") +
                         " --policy proportional --out " + quoted(out));
  REQUIRE(r.exit_code == 0);
  const RunSummary s = read_summary(out / "summary.json");
  CHECK(s.metric("failures_undeclared") == 1.0);
  REQUIRE(s.undeclared_failures.size() == 1);
  CHECK(s.undeclared_failures[0].rfind("thermal_shutdown on cpu.", 0) == 0);
}

TEST_CASE("crash memory is split into production and recovery at the first failure", "[metrics][e2e]") {
  const fs::path out = scratch("production");
  const auto r = run_cli("run " + quoted(kMemoryScenario) + " --policy proportional --out " + quoted(out));
  REQUIRE(r.exit_code == 0);
  const RunSummary s = read_summary(out / "summary.json");
  const double total = *s.metric("reserved_byte_seconds");
  const double production = *s.metric("reserved_byte_seconds_in_production");
  const double recovery = *s.metric("reserved_byte_seconds_in_recovery");
  CHECK(production + recovery == Approx(total));
  CHECK(production > 0);
  CHECK(recovery > 0);
  // The DIMM fails at 30 s of 60: the mean in production is over those 30 s.
  const double mean_in_production = *s.metric("reserved_bytes_mean_in_production");
  CHECK(production / mean_in_production == Approx(30.0).epsilon(0.01));
}

TEST_CASE("predictive_bmc's timing parameters drive the simulated BMC", "[metrics][e2e][regression]") {
  const fs::path fast = scratch("bmc_default");
  const fs::path slow = scratch("bmc_slow_report");
  REQUIRE(run_cli("run " + quoted(kMemoryScenario) + " --policy proportional --out " + quoted(fast)).exit_code == 0);
  REQUIRE(run_cli("run " + quoted(kMemoryScenario) +
                  " --policy proportional --set 'strategy.predictive_bmc.report=\"450 ms\"' --out " + quoted(slow))
              .exit_code == 0);
  const double a = *read_summary(fast / "summary.json").metric("alert_to_report_s.mean");
  const double b = *read_summary(slow / "summary.json").metric("alert_to_report_s.mean");
  CHECK(b - a == Approx(0.4).margin(1e-6));  // 450 ms instead of the default 50 ms
  const BmcReport report = read_bmc_report(slow / "bmc");
  REQUIRE(report.verdicts.size() == 1);
  CHECK(report.verdicts[0].record_found);
  CHECK(report.verdicts[0].failure_sequence == 1);
}

TEST_CASE("the BMC's timing cannot be set a second time on the board", "[metrics][e2e][errors]") {
  const auto r = run_cli("run " + quoted(kMemoryScenario) +
                         " --policy proportional --set 'board.bmc.link_bandwidth=\"1 GB/s\"' --out " +
                         quoted(scratch("bmc_twice")));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("strategy.predictive_bmc.link_bandwidth") != std::string::npos);
}

TEST_CASE("static refuses a budget or maximum below the RHEL table instead of shrinking", "[metrics][e2e][errors]") {
  const auto budget = run_cli("run " + quoted(kMemoryScenario) + " --policy static --set 'agent.budget=\"64 MiB\"' --out " +
                              quoted(scratch("static_budget")));
  CHECK(budget.exit_code == 2);
  CHECK(budget.output.find("agent.budget: 64 MiB is below the static policy's crashkernel reservation of 256 MiB") !=
        std::string::npos);
  const auto maximum = run_cli("run " + quoted(kMemoryScenario) +
                               " --policy static --set 'agent.maximum_partition_size=\"16 MiB\"' --out " +
                               quoted(scratch("static_maximum")));
  CHECK(maximum.exit_code == 2);
  CHECK(maximum.output.find("agent.maximum_partition_size: 16 MiB is below the 64 MiB") != std::string::npos);
  // Other policies run within any budget.
  CHECK(run_cli("run " + quoted(kMemoryScenario) + " --policy proportional --set 'agent.budget=\"64 MiB\"' --out " +
                quoted(scratch("proportional_budget")))
            .exit_code == 0);
}

TEST_CASE("a model blob of another feature set fails the run with exit 2 instead of running without it",
          "[metrics][e2e][errors][regression]") {
  const fs::path dir = scratch("other_feature_set");
  const fs::path path = dir / "other.ctpm";
  test::write_model_of_other_feature_set(path);
  const auto r = run_cli("run " + quoted(kMemoryScenario) + " --policy proportional --set " +
                         test::quoted(fs::path("agent.failure_prediction_model_path=" + path.string())) + " --out " +
                         quoted(dir / "run"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("agent.failure_prediction_model_path") != std::string::npos);
  const std::string sets = "trained on feature set " + std::to_string(kFeatureSetVersion + 1) +
                           " but the firmware computes feature set " + std::to_string(kFeatureSetVersion);
  CHECK(r.output.find(sets) != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "run" / "summary.json"));
  // `evaluate` refuses it the same way, before reading the dataset.
  const auto evaluated = run_cli("evaluate " + quoted(path) + " " + quoted(dir / "no-such.csv"));
  CHECK(evaluated.exit_code == 2);
  CHECK(evaluated.output.find(path.string() + ": " + sets) != std::string::npos);
  // The shipped model runs, and no blob was refused.
  const fs::path ok_run = scratch("shipped_model");
  REQUIRE(run_cli("run " + quoted(kMemoryScenario) + " --policy proportional --out " + quoted(ok_run)).exit_code == 0);
  CHECK(read_summary(ok_run / "summary.json").metric("model_rejections") == 0.0);
}


TEST_CASE("the oracle bounds every policy's completeness at every point of a budget sweep",
          "[metrics][e2e][sweep]") {
  const fs::path out = scratch("oracle_sweep");
  std::string scenarios;
  for (const char* name : {"sudden_failures_small_slices", "tight_budget", "close_pair", "concurrent_failures"})
    scenarios += quoted(kSource / "scenarios/library" / (std::string(name) + ".yaml")) + " ";
  const auto r = run_cli("sweep " + scenarios +
                         "--vary 'agent.budget=4MiB,32MiB' --vary 'agent.minimum_partition_size=4KiB,256KiB' "
                         "--policy uniform --policy proportional --policy smoothed --policy oracle "
                         "--strategy predictive-bmc -j 2 --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code <= 1);  // starved budgets fail expectations: that is what a sweep measures
  test::check_oracle_bounds(read_summary_csv(out / "sweep.csv"));
}

TEST_CASE("alert episodes are the agent's alarms: the hysteresis band merges crossings and never splits them",
          "[metrics][e2e][alarm]") {
  // corrected_error_storm: a DIMM's corrected errors rise and fall without a
  // failure, its probability crossing its threshold again and again.
  const fs::path scenario = kSource / "scenarios/library/corrected_error_storm.yaml";
  struct Outcome {
    double episodes, alerting_s;
    std::vector<Event> alarms;
    std::string vcd;
    std::vector<BmcEvent> sel;
  };
  const auto run = [&](const std::string& name, const std::string& ratio) {
    const fs::path out = scratch(name);
    const auto r = run_cli("run " + quoted(scenario) + " --policy proportional --set agent.alarm_clear_ratio=" + ratio +
                           " --out " + quoted(out));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const RunSummary s = read_summary(out / "summary.json");
    Outcome o{*s.metric("prediction.alert_episodes"), *s.metric("prediction.alerting_s"), {}, read_file(out / "trace.vcd"),
              read_bmc_report(out / "bmc").event_log};
    for (const Event& e : read_events_jsonl(out / "events.jsonl"))
      if (e.kind == EventKind::alarm) o.alarms.push_back(e);
    return o;
  };
  const Outcome plain = run("alarm_plain", "1");
  const Outcome band = run("alarm_band", "0.5");
  // The scenario's point: without the band the storm raises several alarms.
  CHECK(plain.episodes >= 3);
  // The band holds an alarm over the crossings: its alarmed ticks are a
  // superset, so never more episodes and never less time in alarm.
  CHECK(band.episodes >= 1);
  CHECK(band.episodes < plain.episodes);
  CHECK(band.alerting_s >= plain.alerting_s);
  for (const Outcome* o : {&plain, &band}) {
    // One `alarm` span per episode, each naming its part and its peak.
    CHECK(static_cast<double>(o->alarms.size()) == o->episodes);
    double alerting_ns = 0;
    for (const Event& e : o->alarms) {
      CHECK(e.track == "board.agent.alarm." + e.fields.at("component").get<std::string>());
      REQUIRE(e.dur_ns.has_value());
      alerting_ns += static_cast<double>(*e.dur_ns);
      CHECK(e.fields.at("component").get<std::string>().rfind("memory.", 0) == 0);
      CHECK(e.fields.at("peak_probability").get<double>() >= e.fields.at("threshold").get<double>());
      CHECK(e.fields.at("cleared").is_boolean());
    }
    CHECK(alerting_ns / 1e9 == Approx(o->alerting_s));
    // The BMC was told of each alarm: its event log holds an assertion per
    // span, from the tick that raised it (the span's start; the write comes
    // after the tick's metric reads, well within 1 ms), and a deassertion
    // per cleared one, from the tick after its last alarmed one (the span's
    // end; the scenario samples every 100 ms).
    std::map<std::string, std::vector<BmcEvent>> told;  // per component, in order
    for (const BmcEvent& e : o->sel)
      if (e.component) told[e.sensor].push_back(e);
    constexpr uint64_t kTickCost = 1'000'000, kPeriod = 100'000'000;
    std::map<std::string, size_t> next;
    for (const Event& alarm : o->alarms) {
      const std::string component = alarm.fields.at("component").get<std::string>();
      const std::vector<BmcEvent>& log = told[component];
      size_t& i = next[component];
      REQUIRE(i < log.size());
      CHECK(log[i].event == "predictive failure asserted");
      CHECK(log[i].t_ns >= alarm.t_ns);
      CHECK(log[i].t_ns < alarm.t_ns + kTickCost);
      CHECK(*log[i].probability >= alarm.fields.at("threshold").get<double>() - 1e-6);
      ++i;
      if (!alarm.fields.at("cleared").get<bool>()) continue;
      REQUIRE(i < log.size());
      const uint64_t end = alarm.t_ns + *alarm.dur_ns;
      CHECK(log[i].event == "predictive failure deasserted");
      CHECK(log[i].t_ns >= end + kPeriod);
      CHECK(log[i].t_ns < end + kPeriod + kTickCost);
      ++i;
    }
    for (const auto& [component, log] : told) CHECK(next[component] == log.size());
    // The VCD has the alarm wires.
    CHECK(o->vcd.find("$scope module alarm $end") != std::string::npos);
  }
}
