// The chassis fans (board.sensors.fans, models/sensors/fans.h), end to end
// through the example scenarios/examples/fan_failure.yaml, read from the
// feature rows `crashtwin dataset` records: until the fan stops the runs
// are the same whatever the fan control; after it, every part is warmer
// when the other fans hold their speed and cooler when they boost, by the
// airflow's square root. Bad fan settings are refused naming the field.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/dataset_rows.h"
#include "traces/bmc_report.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::quoted;
using crashtwin::test::read_text;
using crashtwin::test::run_cli;

namespace {

const fs::path kExample = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/fan_failure.yaml";

// temperature_c of each class's instance 0 at its last row before 4 min
// (the fan stops then) and at its last row.
struct Temperatures {
  std::map<std::string, double> before, end;
};

Temperatures record(const fs::path& dir, const std::string& control) {
  std::string text = read_text(kExample);
  const std::string hold = "fan_control: hold,";  // the board line, not the description
  const size_t at = text.find(hold);
  REQUIRE(at != std::string::npos);
  text.replace(at, hold.size(), "fan_control: " + control + ",");
  Temperatures t;
  for (const auto& sample : crashtwin::test::record_temperatures(dir, text, "--stride 10")) {
    if (sample.time_ns < 240'000'000'000ull) t.before[sample.component_class] = sample.celsius;
    t.end[sample.component_class] = sample.celsius;
  }
  return t;
}

}  // namespace

TEST_CASE("fans: a stopped fan warms every part when the others hold, cools it when they boost",
          "[e2e][thermal][fans]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "fans";
  const Temperatures hold = record(root / "hold", "hold");
  const Temperatures boost = record(root / "boost", "boost");
  for (const char* cls : {"cpu", "memory", "disk", "network"}) {
    INFO(cls);
    REQUIRE(hold.before.count(cls) == 1);
    REQUIRE(boost.end.count(cls) == 1);
    // The same board until the fan stops.
    CHECK(hold.before.at(cls) == boost.before.at(cls));
    CHECK(hold.end.at(cls) > hold.before.at(cls) + 0.3);
    CHECK(boost.end.at(cls) < boost.before.at(cls) - 0.3);
  }
  // A core (tau 10 s: settled by the end) at 60 %: 3 + 9 x 0.6 = 8.4 W
  // through 4 C/W over the 25 C inlet, times 1/sqrt(airflow): 5/6 of the
  // design air under hold, 5/3.6 under boost.
  CHECK(hold.before.at("cpu") == Approx(25.0 + 8.4 * 4.0).margin(0.01));
  CHECK(hold.end.at("cpu") == Approx(25.0 + 8.4 * 4.0 / std::sqrt(5.0 / 6.0)).margin(0.01));
  CHECK(boost.end.at("cpu") == Approx(25.0 + 8.4 * 4.0 / std::sqrt(5.0 / 3.6)).margin(0.01));
}

TEST_CASE("fans: a fan curve closes the loop on the hottest sensor, in service and after a fan stops",
          "[e2e][thermal][fans]") {
  // fan_control: curve with the default curve ("30 % at 45 C, 100 % at
  // 75 C", 2 C hysteresis down). The hottest sensor is a core: at 60 % load
  // 8.4 W through 4 C/W at the design airflow, times 1/sqrt(airflow); six
  // fans at duty d move 6 d / 3.6 of the design air, five 5 d / 3.6.
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "fans";
  const Temperatures curve = record(root / "curve", "curve");
  const Temperatures hold = record(root / "curve_hold", "hold");
  const Temperatures boost = record(root / "curve_boost", "boost");
  const auto curve_duty = [](double celsius) { return std::clamp(0.3 + 0.7 * (celsius - 45.0) / 30.0, 0.3, 1.0); };
  // The duty that holds a core at `celsius` with `working` fans.
  const auto duty_of = [](double celsius, int working) {
    const double airflow = std::pow(8.4 * 4.0 / (celsius - 25.0), 2.0);
    return airflow * 3.6 / working;
  };
  for (const auto& [cls, celsius] : curve.before) {
    INFO(cls);
    if (cls != "cpu") CHECK(celsius < curve.before.at("cpu"));
  }
  // In service the loop sits at its fixed point: the PWM step at or just
  // above what the curve asks for the temperature that step's air holds.
  const double before = curve.before.at("cpu");
  const double d0 = duty_of(before, 6);
  CHECK(d0 * 255.0 == Approx(std::round(d0 * 255.0)).margin(0.05));  // a PWM step
  CHECK(d0 >= curve_duty(before) - 1e-3);
  CHECK(d0 <= curve_duty(before) + 1.0 / 255.0 + 1e-3);
  // After the stop the loop raises the others' duty until the curve and
  // the air agree again (within the PWM step and the hysteresis band):
  // warmer than before, less warm than with the others held, warmer than
  // with them boosted to full speed.
  const double end = curve.end.at("cpu");
  const double d1 = duty_of(end, 5);
  CHECK(d1 * 255.0 == Approx(std::round(d1 * 255.0)).margin(0.05));
  CHECK(d1 > d0);
  CHECK(d1 >= curve_duty(end) - 1.0 / 255.0 - 1e-3);
  CHECK(d1 <= curve_duty(end + 2.0) + 1.0 / 255.0 + 1e-3);
  CHECK(end > before + 0.5);
  CHECK(end < hold.end.at("cpu") - 0.5);
  CHECK(end > boost.end.at("cpu") + 0.5);
}

TEST_CASE("fans: bad settings are refused naming the field", "[e2e][fans]") {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "fans" / "bad";
  fs::remove_all(dir);
  const struct {
    const char* set;
    const char* field;
    const char* why;
  } cases[] = {
      {"board.sensors.fan_fail_at=1 min, 2 min, 3 min, 4 min, 5 min, 6 min, 7 min", "board.sensors.fan_fail_at",
       "7 times for 6 fans"},
      {"board.sensors.fan_fail_at=soon", "board.sensors.fan_fail_at", "'soon' is not a duration"},
      {"board.sensors.fan_fail_at=5 min, 1 min", "board.sensors.fan_fail_at", "must not go back"},
      {"board.sensors.fan_fail_at=1 min,, 2 min", "board.sensors.fan_fail_at", "an empty entry"},
      {"board.sensors.fan_control=max", "board.sensors.fan_control", "'max' is not boost, hold or curve"},
      {"board.sensors.fan_curve=100 % at 75 C, 30 % at 45 C", "board.sensors.fan_curve", "temperatures must rise"},
      {"board.sensors.fan_curve=30 % at 45 C, 100 % at hot", "board.sensors.fan_curve", "'hot' is not a temperature"},
      {"board.sensors.fan_curve=30 % 45 C", "board.sensors.fan_curve", "'30 % 45 C' is not a point"},
      {"board.sensors.fan_curve=0 % at 45 C", "board.sensors.fan_curve", "'0 %' is not a duty above 0 %"},
      {"board.sensors.fan_curve=30 % at 45 C,, 100 % at 75 C", "board.sensors.fan_curve", "'' is not a point"},
      {"board.sensors.fan_control_period=0 s", "board.sensors.fan_control_period", "must be above 0"},
      {"board.sensors.fan_duty=0 %", "board.sensors.fan_duty", "out of range"},
      {"board.sensors.fan_annual_failure_rate=100 %", "board.sensors.fan_annual_failure_rate", "out of range"},
      {"board.sensors.fan_fault_acceleration=-1", "board.sensors.fan_fault_acceleration", "out of range"},
  };
  for (const auto& c : cases) {
    INFO(c.set);
    const CliResult r =
        run_cli("run " + quoted(kExample) + " --set '" + c.set + "' --out " + quoted(dir / "out"));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.field) != std::string::npos);
    CHECK(r.output.find(c.why) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out" / "summary.json"));
  }
}

TEST_CASE("fans: when every fan stops the cores overheat into a thermal shutdown, from physics alone",
          "[e2e][thermal][fans]") {
  // Fans stopping at their field rate accelerated 10^9 times (a mean of
  // about two seconds each): no forced air is left, every core's resistance
  // goes to 1/sqrt(5 %) of its design value, and the cores cross their trip
  // temperature together. Nothing is declared; the run is reproducible.
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "fans" / "all_stopped";
  fs::remove_all(root);
  std::string summaries[2];
  for (int i = 0; i < 2; ++i) {
    const fs::path out = root / std::to_string(i);
    const CliResult r = run_cli("run " + quoted(kExample) +
                                " --policy proportional --set board.sensors.fan_fault_acceleration=1e9 --out " +
                                quoted(out));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    summaries[i] = read_text(out / "summary.json");
  }
  CHECK(summaries[0] == summaries[1]);
  const nlohmann::json summary = nlohmann::json::parse(summaries[0]);
  CHECK(summary.at("valid") == true);
  const auto& undeclared = summary.at("undeclared_failures");
  REQUIRE(undeclared.size() == 4);  // the four cores
  for (const auto& f : undeclared) CHECK(f.get<std::string>().rfind("thermal_shutdown on cpu.", 0) == 0);
  CHECK(summary.at("metrics").at("failures_injected") == 0);

  // Each stop is on the board's record (events.jsonl, the sensors' track):
  // fans_stopped counts up to six, one fan each, and airflow_ppm (the
  // AIRFLOW register's reading) falls to natural convection's floor.
  std::ifstream events(root / "0" / "events.jsonl");
  REQUIRE(events);
  std::vector<uint64_t> stopped, airflow;
  std::vector<uint64_t> fans;
  uint64_t last_t_ns = 0;
  for (std::string line; std::getline(events, line);) {
    const nlohmann::json e = nlohmann::json::parse(line);
    if (e.at("track") != "board.sensors") continue;
    CHECK(e.at("kind") == "counter");
    CHECK(e.at("t_ns").get<uint64_t>() >= last_t_ns);
    last_t_ns = e.at("t_ns").get<uint64_t>();
    if (e.at("counter") == "fans_stopped") {
      stopped.push_back(e.at("value").get<uint64_t>());
      fans.push_back(e.at("fan").get<uint64_t>());
    } else {
      CHECK(e.at("counter") == "airflow_ppm");
      airflow.push_back(e.at("value").get<uint64_t>());
    }
  }
  CHECK(stopped == std::vector<uint64_t>{1, 2, 3, 4, 5, 6});
  std::sort(fans.begin(), fans.end());
  CHECK(fans == std::vector<uint64_t>{0, 1, 2, 3, 4, 5});
  REQUIRE(airflow.size() == 6);
  // Under hold (the example's control) each stop takes a sixth of the air.
  // The BMC polls its sensor bus (every 10 s): its event log (the SEL)
  // holds the six stops, then each core crossing its critical temperature
  // (90 C) on the way to its trip (100 C), with the reading and the
  // threshold; each thermal shutdown's report names those ten as what it
  // may follow from. After the shutdowns the cores cool (going low) and,
  // with no air, the DIMMs reach their 85 C: not related to any verdict.
  // The host firmware's predictive-failure alarms are in the same log
  // (their own entries, at the agent's ticks): each core's alarm is up
  // before its shutdown, which its report relates and calls announced.
  const crashtwin::BmcReport bmc = crashtwin::read_bmc_report(root / "0" / "bmc");
  std::vector<uint32_t> polled;  // indices of the sensor poll's entries
  for (uint32_t i = 0; i < bmc.event_log.size(); ++i)
    if (!bmc.event_log[i].component) polled.push_back(i);
  REQUIRE(polled.size() >= 10);
  for (const uint32_t i : polled) CHECK(bmc.event_log[i].t_ns % 10'000'000'000ull < 1'000'000ull);  // at a poll
  for (size_t k = 0; k < 6; ++k) {
    CHECK(bmc.event_log[polled[k]].event == "stopped");
    CHECK_FALSE(bmc.event_log[polled[k]].reading_c.has_value());
  }
  REQUIRE(bmc.verdicts.size() == 4);
  for (size_t k = 6; k < 10; ++k) {
    const auto& e = bmc.event_log[polled[k]];
    CHECK(e.sensor == "board.cpu.core" + std::to_string(k - 6));
    CHECK(e.event == "upper critical going high");
    REQUIRE(e.reading_c.has_value());
    CHECK(*e.reading_c >= 90.0);
    CHECK(*e.reading_c < 100.0);
    CHECK(e.threshold_c == 90.0);
    CHECK(e.t_ns <= bmc.verdicts.front().alert_t_ns);
  }
  for (size_t k = 10; k < polled.size(); ++k) {
    CHECK(bmc.event_log[polled[k]].t_ns > bmc.verdicts.back().alert_t_ns);
    CHECK(bmc.event_log[polled[k]].event != "stopped");
  }
  const std::vector<uint32_t> first_ten(polled.begin(), polled.begin() + 10);
  for (const auto& v : bmc.verdicts) {
    CHECK(v.error == crashtwin::ErrorType::thermal_shutdown);
    std::vector<uint32_t> expected = first_ten;
    for (uint32_t i = 0; i < bmc.event_log.size(); ++i)
      if (bmc.event_log[i].component == v.failed_component && bmc.event_log[i].t_ns <= v.alert_t_ns)
        expected.push_back(i);
    std::sort(expected.begin(), expected.end());
    CHECK(v.related_events == expected);
    // Announced or not, by the log: an alarm up at the alert is its
    // component's last related entry, an assertion. (With the default
    // model, generation 20, each core's alarm asserts 17-19 s before its
    // trip; docs/models.md, bmc.)
    const auto last = std::find_if(v.related_events.rbegin(), v.related_events.rend(),
                                   [&](uint32_t i) { return bmc.event_log[i].component.has_value(); });
    const bool up = last != v.related_events.rend() && bmc.event_log[*last].event == "predictive failure asserted";
    CHECK(v.alarm_asserted_t_ns.has_value() == up);
    if (up) CHECK(*v.alarm_asserted_t_ns == bmc.event_log[*last].t_ns);
  }
  for (size_t i = 0; i + 1 < airflow.size(); ++i)
    CHECK(airflow[i] == static_cast<uint64_t>(std::llround(1e6 * (5.0 - static_cast<double>(i)) / 6.0)));
  CHECK(airflow.back() == 50'000);
}

TEST_CASE("fans: the field model, trained on fleets whose fans stop, raises no alert when one does",
          "[e2e][fans][field]") {
  // scenarios/examples/fan_failure_field.yaml: two days of a healthy machine
  // at the field's sampling, read by data/failure-models/field.ctpm; fan 0
  // stops at 12 h. Generations trained without fans read this as a failing
  // NIC (boost) (docs/training.md, "Fans: a look-alike for the predictors").
  const fs::path example = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/fan_failure_field.yaml";
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "fans" / "field_model";
  fs::remove_all(root);
  for (const char* control : {"boost", "hold"}) {
    INFO(control);
    const fs::path out = root / control;
    const CliResult r = run_cli("run " + quoted(example) + " --policy proportional --set board.sensors.fan_control=" +
                                control + " --out " + quoted(out));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const nlohmann::json summary = nlohmann::json::parse(read_text(out / "summary.json"));
    CHECK(summary.at("valid") == true);
    CHECK(summary.at("metrics").at("model_rejections") == 0);
    CHECK(summary.at("metrics").at("prediction").at("alert_episodes") == 0);
    CHECK(read_text(out / "events.jsonl").find("\"counter\":\"fans_stopped\",\"value\":1,\"fan\":0") !=
          std::string::npos);
    // The BMC logs the stop at its next poll; nothing failed, no verdict.
    const crashtwin::BmcReport bmc = crashtwin::read_bmc_report(out / "bmc");
    REQUIRE(bmc.event_log.size() == 1);
    CHECK(bmc.event_log[0].sensor == "fan0");
    CHECK(bmc.event_log[0].t_ns >= 12ull * 3600 * 1'000'000'000);
    CHECK(bmc.event_log[0].t_ns <= 12ull * 3600 * 1'000'000'000 + 10'001'000'000ull);
    CHECK(bmc.verdicts.empty());
  }
}
