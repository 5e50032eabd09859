// The capture strategies wired into real runs, through the `crashtwin`
// executable: kdump's failed dump when the crashkernel is too small, fadump's
// memory returned over time, time_to_production_s for every strategy, the
// oracle bounding every other policy on the library, and the generated
// comparison table of docs/policies.md.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "traces/config_dump.h"
#include "traces/event_log.h"
#include "traces/io.h"
#include "traces/results/results.h"
#include "traces/summary.h"
#include "tests/support/library_batch.h"
#include "tests/support/oracle_bound.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::CliResult;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kSkeleton = kSource / "scenarios/examples/skeleton.yaml";
constexpr uint64_t kBoardDram = 4ull << 30;  // the board's default DRAM

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "strategies" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

std::vector<Event> recovery_events(const std::vector<Event>& events, const std::string& phase) {
  std::vector<Event> out;
  for (const Event& e : events)
    if (e.kind == EventKind::phase && e.track.starts_with("host.recovery") && e.fields.value("phase", "") == phase)
      out.push_back(e);
  return out;
}

// The library batch (tests/support/library_batch.h), loaded once for the
// tests that compare across it, without the fleets' runs.
const results::Batch& library_batch() {
  static const results::Batch batch = [] {
    results::Batch all = results::load_batch(test::library_batch_to_read("strategies"), results::RunParts::summary);
    std::erase_if(all.runs, [](const results::Run& run) { return test::is_library_fleet_run(run.summary); });
    return all;
  }();
  return batch;
}

}  // namespace

TEST_CASE("kdump with a crashkernel smaller than the capture kernel needs shows the failed dump",
          "[e2e][strategies]") {
  const fs::path out = scratch("kdump_oom");
  // 512 MiB of capture-kernel memory against the 256 MiB crashkernel the
  // RHEL table gives a 4 GiB board.
  const CliResult r = run_cli("run " + quoted(kSkeleton) + " --policy static --strategy kdump --set 'strategy={capture_kernel: {memory: \"512 MiB\"}}' --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);  // the skeleton's expectations judge predictive-bmc only
  const RunSummary s = read_summary(out / "summary.json");
  CHECK(s.strategy == "kdump");
  CHECK(s.valid);
  CHECK(*s.metric("failures_injected") == 1);
  CHECK(*s.metric("dumps_failed") == 1);
  CHECK(*s.metric("capture_completeness") == 0);
  CHECK(*s.metric("failures_identified") == 0);
  CHECK(*s.metric("failures_reported") == 0);
  CHECK_FALSE(s.metric("alert_to_report_s.mean").has_value());
  // kexec 0.5 s + capture kernel boot 15 s, out of memory, POST 60 s + OS 45 s.
  CHECK(*s.metric("time_to_production_s.mean") == Approx(120.5).epsilon(1e-6));
  // The crashkernel is held all run (the recovery holds it too).
  CHECK(*s.metric("reserved_bytes_peak") == 256.0 * (1 << 20));
  CHECK(*s.metric("reserved_byte_seconds") == Approx(256.0 * (1 << 20) * 20.0).epsilon(1e-9));

  const std::vector<Event> events = read_events_jsonl(out / "events.jsonl");
  const std::vector<Event> recovery = recovery_events(events, "recovery");
  REQUIRE(recovery.size() == 1);
  CHECK(recovery[0].fields["dump_succeeded"] == false);
  CHECK(recovery[0].fields["failure_reason"].get<std::string>().find("out of memory") != std::string::npos);
  CHECK(recovery[0].fields["reservation_bytes"] == 256ull << 20);
  CHECK(recovery_events(events, "kexec").size() == 1);
  CHECK(recovery_events(events, "dump").empty());

  // config.yaml carries every strategy parameter: the override as written,
  // the rest at their defaults, so the run's timings reproduce from it.
  std::map<std::string, ConfigEntry> config;
  for (const ConfigEntry& e : read_config_yaml(out / "config.yaml")) config[e.name] = e;
  REQUIRE(config.count("strategy.capture_kernel.memory") == 1);
  CHECK(config["strategy.capture_kernel.memory"].value == "512 MiB");
  REQUIRE(config.count("strategy.dump.compress_bandwidth") == 1);
  CHECK(config["strategy.dump.compress_bandwidth"].value == "300 MB/s");
  // Defaults say so in their comment; the override does not.
  const std::string text = read_file(out / "config.yaml");
  const auto line_with = [&](const std::string& what) {
    const size_t at = text.find(what);
    REQUIRE(at != std::string::npos);
    return text.substr(at, text.find('\n', at) - at);
  };
  CHECK(line_with("memory: 512 MiB").find("(default)") == std::string::npos);
  CHECK(line_with("compress_bandwidth: 300 MB/s").find("(default)") != std::string::npos);

  SECTION("with the default capture kernel the same run dumps") {
    const fs::path ok_out = scratch("kdump_ok");
    const CliResult ok = run_cli("run " + quoted(kSkeleton) + " --policy static --strategy kdump --out " + quoted(ok_out));
    INFO(ok.output);
    REQUIRE(ok.exit_code == 0);
    const RunSummary good = read_summary(ok_out / "summary.json");
    CHECK(*good.metric("dumps_failed") == 0);
    CHECK(*good.metric("capture_completeness") > 0);
    CHECK(*good.metric("failures_identified") == 1);
    CHECK(*good.metric("time_to_production_s.mean") > 120.5);  // the dump itself takes time
  }
}

TEST_CASE("fadump returns memory region by region, monotonic up to all of DRAM", "[e2e][strategies]") {
  const fs::path out = scratch("fadump");
  const CliResult r = run_cli("run " + quoted(kSkeleton) + " --policy static --strategy fadump --set 'duration=\"120 s\"' --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const results::Run run = results::load_run(out);
  const RunSummary& s = run.summary;
  CHECK(*s.metric("dumps_failed") == 0);
  CHECK(*s.metric("time_to_production_s.mean") > *s.metric("time_to_service_s.mean"));

  // The release steps as events: non-decreasing, first the boot memory,
  // last all of DRAM.
  const std::vector<Event> steps = recovery_events(run.events, "memory_returned");
  REQUIRE(steps.size() > 2);
  CHECK(steps.front().fields["available_bytes"] == 256ull << 20);
  CHECK(steps.back().fields["available_bytes"] == kBoardDram);
  for (size_t i = 1; i < steps.size(); ++i) {
    CHECK(steps[i].t_ns >= steps[i - 1].t_ns);
    CHECK(steps[i].fields["available_bytes"].get<uint64_t>() >= steps[i - 1].fields["available_bytes"].get<uint64_t>());
    CHECK(steps[i].fields["held_bytes"].get<uint64_t>() <= steps[i - 1].fields["held_bytes"].get<uint64_t>());
  }

  // The same curve sampled in timeseries.csv: all of DRAM before the crash,
  // nothing while the machine is down, then non-decreasing back to DRAM.
  const std::vector<double>* available = run.timeseries.find("available_bytes");
  const std::vector<double>* held = run.timeseries.find("held_bytes");
  REQUIRE(available != nullptr);
  REQUIRE(held != nullptr);
  const std::vector<double>& t = run.timeseries.t_s;
  bool saw_down = false;
  double last = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    INFO("t = " << t[i] << " s");
    const double v = (*available)[i];
    if (!saw_down && v == 0 && t[i] >= 10.0) saw_down = true;  // the crash: the kernel is down
    else if (!saw_down) CHECK(v == static_cast<double>(kBoardDram));
    else CHECK(v >= last);
    last = v;
  }
  CHECK(saw_down);
  CHECK(available->back() == static_cast<double>(kBoardDram));
}

TEST_CASE("library: every strategy gives time_to_production_s, the oracle bounds completeness",
          "[e2e][strategies][library_batch]") {
  const results::Batch& batch = library_batch();
  REQUIRE(batch.problems.empty());
  std::map<std::string, size_t> runs_per_strategy;
  for (const results::Run& run : batch.runs) {
    const RunSummary& s = run.summary;
    INFO(run.dir.string());
    CHECK(s.valid);
    ++runs_per_strategy[s.strategy];
    if (s.strategy != "predictive-bmc") CHECK(s.policy == "static");  // baselines: their natural policy only
    if (s.metric("failures_injected").value_or(0) > 0) {
      REQUIRE(s.metric("time_to_production_s.mean").has_value());
      CHECK(*s.metric("time_to_production_s.mean") > 0);
      CHECK(*s.metric("time_to_production_s.max") >= *s.metric("time_to_production_s.mean"));
    }
  }
  // 18 scenarios under 5 policies and the 3 baselines; tight_budget (no
  // static: its budget is below kdump's table) under 4 policies only;
  // timer_jitter_stress and rdt_workloads under proportional only.
  CHECK(runs_per_strategy["predictive-bmc"] == 18 * 5 + 4 + 1 + 1);
  for (const char* baseline : {"kdump", "cma-crashkernel", "fadump"}) CHECK(runs_per_strategy[baseline] == 18);

  // The oracle bounds the partitioning policies on the same capture path.
  // Not the baselines: a memory dump holds a CPU error's kernel state whole.
  test::check_oracle_bounds(read_summary_csv(batch.dir / "summary.csv"));
}

TEST_CASE("report --policies-doc regenerates the comparison table from a batch", "[e2e][strategies][docs]") {
  const fs::path dir = scratch("policy_table");
  // Hand-made runs: two valid proportional/predictive-bmc runs (completeness
  // 0.5 and 1.0, production 100 s and 200 s), an invalid one that must
  // not count, and a machine of a fleet, which the table leaves out.
  const auto write_run = [&](const std::string& name, bool valid, double completeness, double production,
                             uint64_t fleet_machines = 1) {
    RunSummary s;
    s.scenario = name;
    s.policy = "proportional";
    s.strategy = "predictive-bmc";
    s.seed = 1;
    s.valid = valid;
    if (!valid) s.invalid_reason = "never fired";
    s.metrics["capture_completeness"] = completeness;
    s.metrics["time_to_production_s"] = {{"mean", production}, {"max", production}};
    s.metrics["reserved_bytes_mean"] = 64.0 * (1 << 20);
    fs::create_directories(dir / name);
    write_summary(s, dir / name / "summary.json");
    const ConfigEntry fleet{"scenario.fleet_machines", std::to_string(fleet_machines), ""};
    write_config_yaml(std::span(&fleet, 1), dir / name / "config.yaml");
  };
  write_run("a.proportional.predictive-bmc.seed1", true, 0.5, 100.0);
  write_run("b.proportional.predictive-bmc.seed1", true, 1.0, 200.0);
  write_run("c.proportional.predictive-bmc.seed1", false, 0.0, 900.0);
  write_run("d.proportional.predictive-bmc.seed9200", true, 0.0, 5000.0, 2);
  const fs::path doc = dir.parent_path() / "policies.md";
  fs::copy_file(kSource / "docs/policies.md", doc, fs::copy_options::overwrite_existing);

  const CliResult r = run_cli("report " + quoted(dir) + " --policies-doc " + quoted(doc));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string text = read_file(doc);
  CHECK(text.find("| proportional | predictive-bmc | 2 | 0.750 | - | 150.0 |") != std::string::npos);
  CHECK(text.find("| 64.0 |") != std::string::npos);
  CHECK(text.find("`dump.compress_bandwidth`") != std::string::npos);  // the parameter table is regenerated too
  CHECK(text.find("Not generated yet") == std::string::npos);

  SECTION("a document without the markers is bad input") {
    const fs::path bare = dir.parent_path() / "bare.md";
    std::ofstream(bare) << "# no markers\n";
    const CliResult bad = run_cli("report " + quoted(dir) + " --policies-doc " + quoted(bare));
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("missing marker") != std::string::npos);
  }
}

TEST_CASE("unknown strategy parameters and strategies are bad input naming the field", "[e2e][strategies][errors]") {
  const fs::path out = scratch("bad_strategy");
  CliResult r = run_cli("run " + quoted(kSkeleton) + " --strategy kdump --policy static --set 'strategy={dump: {bandwith: \"1 GB/s\"}}' --out " + quoted(out));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("strategy.dump.bandwith") != std::string::npos);
  CHECK(r.output.find("dump.compress_bandwidth") != std::string::npos);  // the allowed names

  r = run_cli("run " + quoted(kSkeleton) + " --set 'strategy={dump: {filter_ratio: \"150 %\"}}' --out " + quoted(out));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("strategy.dump.filter_ratio") != std::string::npos);

  r = run_cli("run " + quoted(kSkeleton) + " --strategy netdump --out " + quoted(out));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("'netdump' is not a capture strategy") != std::string::npos);
}
