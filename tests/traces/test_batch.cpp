#include <catch2/catch.hpp>

#include "tests/traces/synthetic_run.h"
#include "traces/batch.h"
#include "traces/fleet.h"
#include "traces/io.h"

using namespace crashtwin;

TEST_CASE("summary.csv has the fixed columns then every metric", "[traces][batch]") {
  auto dir = test::scratch_dir("batch_csv");
  RunSummary a;
  a.scenario = "s1";
  a.policy = "proportional";
  a.strategy = "predictive_bmc";
  a.seed = 1;
  a.metrics["capture_completeness"] = 0.5;
  a.metrics["alert_to_report_s"] = {{"mean", 0.25}, {"max", 0.5}};
  RunSummary b = a;
  b.scenario = "odd, \"quoted\" name";
  b.valid = false;
  b.metrics = nlohmann::ordered_json::object();
  b.metrics["repartitions"] = 3;
  std::vector<BatchRow> rows = {batch_row(a, "s1/run1", 0), batch_row(b, "s2/run1", 2)};
  BatchRow crashed;
  crashed.scenario = "s3";
  crashed.status = RunStatus::crashed;
  crashed.exit_code = 3;
  crashed.run = "s3/run1";
  rows.push_back(crashed);
  BatchTable table = batch_table(rows);
  write_summary_csv(table, dir / "summary.csv");
  CHECK(read_file(dir / "summary.csv") ==
        "scenario,policy,strategy,seed,status,exit_code,run,capture_completeness,alert_to_report_s.mean,"
        "alert_to_report_s.max,repartitions\n"
        "s1,proportional,predictive_bmc,1,ok,0,s1/run1,0.5,0.25,0.5,\n"
        "\"odd, \"\"quoted\"\" name\",proportional,predictive_bmc,1,invalid,2,s2/run1,,,,3\n"
        "s3,,,0,crashed,3,s3/run1,,,,\n");

  BatchTable back = read_summary_csv(dir / "summary.csv");
  CHECK(back.metric_columns == table.metric_columns);
  REQUIRE(back.rows.size() == 3);
  CHECK(back.rows[1].scenario == "odd, \"quoted\" name");
  CHECK(back.rows[1].status == RunStatus::invalid);
  CHECK(back.rows[1].metric("repartitions") == 3);
  CHECK_FALSE(back.rows[1].metric("capture_completeness"));
  CHECK(back.rows[0].metric("alert_to_report_s.max") == 0.5);
  CHECK(back.rows[2].status == RunStatus::crashed);
  CHECK(summary_csv(back) == summary_csv(table));
}

TEST_CASE("status follows validity and expectations", "[traces][batch]") {
  RunSummary s;
  CHECK(status_of(s) == RunStatus::ok);
  s.expectations.push_back({"m", ">", 1, 0, false});
  CHECK(status_of(s) == RunStatus::expectations_failed);
  s.valid = false;
  CHECK(status_of(s) == RunStatus::invalid);
}

TEST_CASE("summary.csv reader names the bad line", "[traces][batch]") {
  auto dir = test::scratch_dir("batch_bad");
  const std::string header = "scenario,policy,strategy,seed,status,exit_code,run,m\n";
  auto expect_line = [&](const std::string& body, size_t line) {
    write_file_atomically(dir / "summary.csv", header + body);
    try {
      read_summary_csv(dir / "summary.csv");
      FAIL("expected format_error for " << body);
    } catch (const format_error& e) {
      INFO(e.what());
      CHECK(e.line() == line);
    }
  };
  expect_line("a,b,c,1,ok,0,r,1\na,b,c,x,ok,0,r,1\n", 3);
  expect_line("a,b,c,1,fine,0,r,1\n", 2);
  expect_line("a,b,c,1,ok,0,r\n", 2);
  expect_line("a,b,c,1,ok,0,r,abc\n", 2);
  expect_line("\"a\nb\",b,c,1,ok,0,r,1\na,b,c,1,ok,0,r,z\n", 4);
  expect_line("\"unterminated,b,c,1,ok,0,r,1\n", 2);
  write_file_atomically(dir / "summary.csv", "scenario,policy\n");
  CHECK_THROWS_AS(read_summary_csv(dir / "summary.csv"), format_error);
}

TEST_CASE("a run that refused its input has its own status, not crashed", "[traces][batch][hostile]") {
  crashtwin::RunStatus s = crashtwin::RunStatus::ok;
  REQUIRE(crashtwin::parse("invalid_input", s));
  CHECK(s == crashtwin::RunStatus::invalid_input);
  CHECK(std::string(crashtwin::to_string(crashtwin::RunStatus::invalid_input)) == "invalid_input");
}

namespace {

BatchRow machine(const std::string& scenario, uint64_t seed, double years, double failures, double identified,
                 std::optional<double> episodes, std::optional<double> precision, double reserved_mean) {
  RunSummary s;
  s.scenario = scenario;
  s.policy = "proportional";
  s.strategy = "predictive_bmc";
  s.seed = seed;
  s.metrics["failures"] = failures;
  s.metrics["failures_undeclared"] = failures;
  if (failures > 0) s.metrics["failures_identified"] = identified;
  s.metrics["reserved_bytes_mean"] = reserved_mean;
  s.metrics["reserved_bytes_peak"] = 2 * reserved_mean;
  s.metrics["duration_s"] = years * 365.25 * 86400.0;
  if (episodes) {
    s.metrics["prediction"] = nlohmann::ordered_json::object();
    if (precision) s.metrics["prediction"]["precision"] = *precision;
    s.metrics["prediction"]["alert_episodes"] = *episodes;
    s.metrics["prediction"]["alerting_s"] = *episodes * 86400.0;  // a day in alarm per episode
  }
  return batch_row(s, scenario + "/seed" + std::to_string(seed), 0);
}

}  // namespace

TEST_CASE("fleet.csv folds each scenario's machines into rates per machine-year and machine-month",
          "[traces][batch][fleet]") {
  // Fleet "f": four machines of half a year, one crashed run (no machine-time).
  std::vector<BatchRow> rows = {
      machine("f", 10, 0.5, 1, 1.0, 4, 0.25, 1000),    // 1 true, 3 false episodes
      machine("f", 11, 0.5, 0, 0.0, 0, std::nullopt, 3000),  // no episode: no precision
      machine("f", 12, 0.5, 2, 0.5, 0, std::nullopt, 2000),
      machine("f", 13, 0.5, 0, 0.0, 1, 0.0, 2000),     // 1 false
      machine("g", 1, 2.0, 0, 0.0, std::nullopt, std::nullopt, 500),  // no failure model
  };
  BatchRow crashed;
  crashed.scenario = "f";
  crashed.policy = "proportional";
  crashed.strategy = "predictive_bmc";
  crashed.status = RunStatus::crashed;
  rows.insert(rows.begin() + 2, crashed);
  const std::string csv = fleet_csv(batch_table(rows));
  CHECK(csv ==
        "scenario,policy,strategy,runs,machines,machine_years,failures,failures_undeclared,"
        "failures_per_machine_year,failures_identified,alert_episodes,false_alert_episodes,"
        "false_alerts_per_machine_month,alerting_share,reserved_bytes_mean,reserved_bytes_peak\n"
        // 2 machine-years, 3 failures (identified 1 + 1 of 3 = 2/3), 4 false of 5 episodes over 24
        // months, 5 days in alarm over 730.5.
        "f,proportional,predictive_bmc,5,4,2,3,3,1.5,0.6666666666666666,5,4,0.16666666666666666,0.006844626967830253,2000,"
        "6000\n"
        "g,proportional,predictive_bmc,1,1,2,0,0,0,,,,,,500,1000\n");
}

TEST_CASE("a sweep's fleet.csv keeps each point apart", "[traces][batch][fleet]") {
  std::vector<BatchRow> rows = {machine("f", 1, 1.0, 1, 1.0, std::nullopt, std::nullopt, 10),
                                machine("f", 1, 1.0, 0, 0.0, std::nullopt, std::nullopt, 20),
                                machine("f", 2, 1.0, 0, 0.0, std::nullopt, std::nullopt, 30)};
  rows[0].parameters = {"4 MiB"};
  rows[1].parameters = {"8 MiB"};
  rows[2].parameters = {"4 MiB"};
  BatchTable table = batch_table(rows);
  table.parameter_columns = {"agent.budget"};
  CHECK(fleet_csv(table) ==
        "agent.budget,scenario,policy,strategy,runs,machines,machine_years,failures,failures_undeclared,"
        "failures_per_machine_year,failures_identified,alert_episodes,false_alert_episodes,"
        "false_alerts_per_machine_month,alerting_share,reserved_bytes_mean,reserved_bytes_peak\n"
        "4 MiB,f,proportional,predictive_bmc,2,2,2,1,1,0.5,1,,,,,20,60\n"
        "8 MiB,f,proportional,predictive_bmc,1,1,1,0,0,0,,,,,,20,40\n");
}
