#include <catch2/catch.hpp>

#include <limits>

#include <nlohmann/json.hpp>

#include "tests/traces/synthetic_run.h"
#include "traces/io.h"
#include "traces/summary.h"

using namespace crashtwin;

namespace {
RunSummary sample() {
  RunSummary s;
  s.scenario = "dimm_ue_ramp";
  s.policy = "proportional";
  s.strategy = "predictive_bmc";
  s.seed = 7;
  s.undeclared_failures = {"thermal_shutdown on cpu.0 at 42.5 s"};
  s.metrics["capture_completeness"] = 0.875;
  s.metrics["reserved_byte_seconds"] = 1.5e9;
  s.metrics["alert_to_report_s"] = {{"mean", 0.002}, {"max", 0.003}};
  s.expectations.push_back({"capture_completeness", ">=", 0.9, 0.875, false});
  return s;
}
}  // namespace

TEST_CASE("summary.json has the documented keys in a fixed order and reads back", "[traces][summary]") {
  auto dir = test::scratch_dir("summary");
  RunSummary s = sample();
  write_summary(s, dir / "summary.json");
  std::string text = read_file(dir / "summary.json");
  auto j = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"scenario", "policy", "strategy", "seed", "traces", "valid",
                                         "invalid_reason", "undeclared_failures", "metrics", "expectations"});
  CHECK(j["traces"] == "full");
  CHECK(text.find("wall") == std::string::npos);

  RunSummary back = read_summary(dir / "summary.json");
  CHECK(back.scenario == s.scenario);
  CHECK(back.seed == 7);
  CHECK(back.undeclared_failures == s.undeclared_failures);
  CHECK(back.metric("capture_completeness") == Approx(0.875));
  CHECK(back.metric("alert_to_report_s.max") == Approx(0.003));
  CHECK_FALSE(back.metric("alert_to_report_s"));
  CHECK_FALSE(back.metric("nope.x"));
  REQUIRE(back.expectations.size() == 1);
  CHECK_FALSE(back.expectations_passed());
  CHECK(summary_json(back) == text);  // write(read(x)) == x
}

TEST_CASE("summary.json records the trace level, and older files without it read as full", "[traces][summary]") {
  RunSummary s = sample();
  s.traces = TraceLevel::summary;
  const std::string text = summary_json(s);
  CHECK(text.find("\"traces\": \"summary\"") != std::string::npos);
  CHECK(parse_summary(text, "x/summary.json").traces == TraceLevel::summary);
  const RunSummary old =
      parse_summary(R"({"scenario":"a","policy":"b","strategy":"c","seed":1,"valid":true,"metrics":{}})", "x/summary.json");
  CHECK(old.traces == TraceLevel::full);
}

TEST_CASE("flatten_metrics gives dotted names in file order", "[traces][summary]") {
  auto flat = flatten_metrics(sample().metrics);
  REQUIRE(flat.size() == 4);
  CHECK(flat[2].first == "alert_to_report_s.mean");
  CHECK(flat[3].first == "alert_to_report_s.max");
}

TEST_CASE("summary refuses NaN on write and bad input on read", "[traces][summary]") {
  RunSummary s = sample();
  s.metrics["broken"] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(summary_json(s), std::invalid_argument);

  auto check_bad = [](const std::string& text, const std::string& needle) {
    try {
      parse_summary(text, "x/summary.json");
      FAIL("expected format_error for " << text);
    } catch (const format_error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(needle) != std::string::npos);
    }
  };
  check_bad("{\"scenario\": 1}", "scenario");
  check_bad("{\n\"scenario\":\n", "x/summary.json: 3");
  check_bad(R"({"scenario":"a","policy":"b","strategy":"c","seed":-1,"valid":true,"metrics":{}})", "seed");
  check_bad(R"({"scenario":"a","policy":"b","strategy":"c","seed":1,"valid":true,"metrics":{"m":"high"}})", "\"m\"");
  check_bad(R"({"scenario":"a","policy":"b","strategy":"c","seed":1,"traces":"some","valid":true,"metrics":{}})",
            "\"traces\" must be \"full\" or \"summary\", not \"some\"");
  check_bad(R"({"scenario":"a","policy":"b","strategy":"c","seed":1,"traces":2,"valid":true,"metrics":{}})", "traces");
  check_bad(R"({"scenario":"a","policy":"b","strategy":"c","seed":1,"valid":true,"metrics":{},
               "expectations":[{"metric":"m","op":"~","value":1,"actual":1,"passed":true}]})",
            "expectations[0]");
}

TEST_CASE("perf.json holds the wall-clock figures", "[traces][summary]") {
  auto dir = test::scratch_dir("perf");
  PerfFigures p{1.5, 30, 20, 1000, 666.5, 123 << 20};
  write_perf(p, dir / "perf.json");
  PerfFigures back = read_perf(dir / "perf.json");
  CHECK(back.wall_s == 1.5);
  CHECK(back.real_time_factor == 20);
  CHECK(back.transactions == 1000);
  CHECK(back.peak_rss_bytes == (123u << 20));
  CHECK(peak_rss_bytes_of_this_process() > 1'000'000);
}
