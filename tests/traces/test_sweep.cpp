// sweep.csv (a summary table led by the varied parameters) and what the
// report and docs/policies.md say of it (traces/results/sweep.h): curves in
// budget order, the smallest budget at which every run captures 99 %, and
// the report's sweep section.
#include <catch2/catch.hpp>

#include "tests/traces/synthetic_run.h"
#include "traces/batch.h"
#include "traces/io.h"
#include "traces/report/sweep_section.h"
#include "traces/report_html.h"
#include "traces/results/sweep.h"

using namespace crashtwin;

namespace {

BatchRow row(std::string budget, std::string partition, std::string policy, double completeness, double reserved,
             RunStatus status = RunStatus::ok, std::string scenario = "s1") {
  BatchRow r;
  r.scenario = std::move(scenario);
  r.policy = std::move(policy);
  r.strategy = "predictive-bmc";
  r.status = status;
  r.run = budget + "/" + r.scenario;
  r.parameters = {std::move(budget), std::move(partition)};
  if (status == RunStatus::ok) {
    r.metrics = {{"capture_completeness", completeness}, {"reserved_bytes_mean", reserved}};
  }
  return r;
}

BatchTable sample_sweep() {
  std::vector<BatchRow> rows = {
      // Text order differs from size order: 64 MiB < 512 MiB < 1 GiB.
      row("1 GiB", "4 KiB", "static", 1.0, 1073741824.0),
      row("64 MiB", "4 KiB", "static", 0.5, 67108864.0),
      row("512 MiB", "4 KiB", "static", 1.0, 536870912.0),
      row("512 MiB", "4 KiB", "static", 0.98, 536870912.0, RunStatus::ok, "s2"),
      row("64 MiB", "4 KiB", "proportional", 0.995, 8388608.0),
      row("512 MiB", "4 KiB", "proportional", 1.0, 9388608.0),
      row("1 GiB", "4 KiB", "proportional", 1.0, 9388608.0),
      row("64 MiB", "4 KiB", "uniform", 0.2, 67108864.0),
      row("512 MiB", "4 KiB", "uniform", 1.0, 536870912.0, RunStatus::crashed),
      row("1 GiB", "4 KiB", "uniform", 0.9, 1073741824.0),
  };
  BatchTable t = batch_table(std::move(rows));
  t.parameter_columns = {"agent.budget", "agent.minimum_partition_size"};
  return t;
}

}  // namespace

TEST_CASE("sweep.csv leads with the parameter columns and reads back", "[traces][sweep]") {
  const auto dir = test::scratch_dir("sweep_csv");
  const BatchTable t = sample_sweep();
  write_summary_csv(t, dir / "sweep.csv");
  const std::string text = read_file(dir / "sweep.csv");
  CHECK(text.rfind("agent.budget,agent.minimum_partition_size,scenario,policy,strategy,seed,status,exit_code,run,"
                   "capture_completeness,reserved_bytes_mean\n1 GiB,4 KiB,s1,static,",
                   0) == 0);
  const BatchTable back = read_summary_csv(dir / "sweep.csv");
  CHECK(back.parameter_columns == t.parameter_columns);
  REQUIRE(back.rows.size() == t.rows.size());
  CHECK(back.rows[1].parameters == std::vector<std::string>{"64 MiB", "4 KiB"});
  CHECK(back.rows[1].parameter(back.parameter_columns, "agent.budget") == "64 MiB");
  CHECK(back.rows[8].status == RunStatus::crashed);
  CHECK(summary_csv(back) == text);
}

TEST_CASE("curves follow the budget and the 99 % budget needs every run of the point", "[traces][sweep]") {
  const BatchTable t = sample_sweep();
  CHECK(results::sweep_axis(t) == "agent.budget");
  CHECK(*results::parameter_magnitude("8.83 MiB") > *results::parameter_magnitude("4 MiB"));
  CHECK(*results::parameter_magnitude("1 h") == 3600e9);
  CHECK_FALSE(results::parameter_magnitude("lots"));

  const auto curves = results::sweep_curves(t);
  REQUIRE(curves.size() == 3);  // proportional, static, uniform (name order)
  CHECK(curves[0].policy == "proportional");
  CHECK(curves[1].others == "agent.minimum_partition_size=4 KiB");
  REQUIRE(curves[1].points.size() == 3);
  CHECK(curves[1].points[0].axis_value == "64 MiB");
  CHECK(curves[1].points[1].axis_value == "512 MiB");
  CHECK(curves[1].points[2].axis_value == "1 GiB");
  // static at 512 MiB: s1 captured all, s2 98 %: the minimum decides.
  CHECK(*curves[1].points[1].completeness_min == Approx(0.98));
  CHECK(*curves[1].points[1].completeness_mean == Approx(0.99));

  CHECK(results::smallest_reaching(curves[0])->axis_value == "64 MiB");
  CHECK(results::smallest_reaching(curves[1])->axis_value == "1 GiB");
  // uniform: 512 MiB had a crashed run, 1 GiB captured 90 %.
  CHECK(results::smallest_reaching(curves[2]) == nullptr);
  // Only s1: static reaches at 512 MiB.
  CHECK(results::smallest_reaching(results::sweep_curves(t, "s1")[1])->axis_value == "512 MiB");

  const std::string md = results::smallest_budget_markdown(t);
  CHECK(md.find("| proportional | predictive-bmc | agent.minimum_partition_size=4 KiB | 64 MiB | 8.0 |") !=
        std::string::npos);
  CHECK(md.find("| static | predictive-bmc | agent.minimum_partition_size=4 KiB | 1 GiB | 1024.0 |") !=
        std::string::npos);
  CHECK(md.find("| uniform | predictive-bmc | agent.minimum_partition_size=4 KiB | not reached | - |") !=
        std::string::npos);
}

TEST_CASE("runs that refused their input are left out of the 99 % rule and counted", "[traces][sweep]") {
  // static refuses a budget below the RHEL table (exit 2, invalid_input) on
  // s2; s1 runs. Only s1 judges the point, and the table says so.
  std::vector<BatchRow> rows = {
      row("64 MiB", "4 KiB", "static", 0, 0, RunStatus::invalid_input, "s1"),
      row("64 MiB", "4 KiB", "static", 0, 0, RunStatus::invalid_input, "s2"),
      row("1 GiB", "4 KiB", "static", 1.0, 268435456.0, RunStatus::ok, "s1"),
      row("1 GiB", "4 KiB", "static", 0, 0, RunStatus::invalid_input, "s2"),
      row("64 MiB", "4 KiB", "uniform", 1.0, 67108864.0, RunStatus::ok, "s1"),
      row("64 MiB", "4 KiB", "uniform", 1.0, 0, RunStatus::crashed, "s2"),
  };
  BatchTable t = batch_table(std::move(rows));
  t.parameter_columns = {"agent.budget", "agent.minimum_partition_size"};
  const auto curves = results::sweep_curves(t);
  REQUIRE(curves.size() == 2);
  CHECK(curves[0].points[0].refused == 2);
  CHECK_FALSE(results::reaches(curves[0].points[0]));  // nothing ran at 64 MiB
  REQUIRE(results::smallest_reaching(curves[0]) != nullptr);
  CHECK(results::smallest_reaching(curves[0])->axis_value == "1 GiB");
  CHECK(results::smallest_reaching(curves[1]) == nullptr);  // a crash is not a refusal
  const std::string md = results::smallest_budget_markdown(t);
  CHECK(md.find("| static | predictive-bmc | agent.minimum_partition_size=4 KiB | 1 GiB (1 of 2 runs refused their "
                "input) | 256.0 |") != std::string::npos);
}

TEST_CASE("the report of a sweep directory has the sweep section with the table and curves", "[traces][sweep]") {
  const auto dir = test::scratch_dir("sweep_report");
  test::write_synthetic_batch(dir, 1);
  write_summary_csv(sample_sweep(), dir / "sweep.csv");
  const results::Batch batch = results::load_batch(dir, results::RunParts::summary);
  REQUIRE(batch.sweep);
  const std::string html = report_html(batch);
  CHECK(html.find("<a href=\"#sweep\">Budget sweep</a>") != std::string::npos);
  CHECK(html.find("<section id=\"sweep\"><h2>Budget sweep</h2>") != std::string::npos);
  CHECK(html.find("not reached") != std::string::npos);
  CHECK(html.find("Pareto front") != std::string::npos);
  CHECK(html.find("Scenario s2") != std::string::npos);
  CHECK(html == report_html(batch));  // deterministic

  // A plain batch has no sweep section.
  const auto plain = test::scratch_dir("sweep_report_plain");
  test::write_synthetic_batch(plain, 1);
  CHECK(report_html(results::load_batch(plain, results::RunParts::summary)).find("id=\"sweep\"") == std::string::npos);
}
