// End to end through the real `crashtwin` executable: the walking skeleton,
// determinism, exit codes and messages for bad input, an invalid run, and the
// scenario library's expectations as regression tests.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/predictor/features.h"
#include "traces/bmc_report.h"
#include "traces/config_dump.h"
#include "traces/io.h"
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

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "scenario" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("walking skeleton: the BMC report names the failed component and error type", "[e2e]") {
  const fs::path out = scratch("skeleton");
  const CliResult r = run_cli("run '" + (kSource / "scenarios/examples/skeleton.yaml").string() + "' --out '" + out.string() + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const BmcReport report = read_bmc_report(out / "bmc");
  REQUIRE(report.verdicts.size() == 1);
  CHECK(report.verdicts[0].identified);
  CHECK(report.verdicts[0].bytes_drained > 0);
  CHECK(report.verdicts[0].records.size() == report.records.size());
  CHECK(report.verdicts[0].failed_component == ComponentId{ComponentClass::memory, 0});
  CHECK(report.verdicts[0].error == ErrorType::memory_uncorrectable);
  REQUIRE_FALSE(report.records.empty());
  CHECK_FALSE(report.records[0].cper.empty());
  const RunSummary s = read_summary(out / "summary.json");
  CHECK(s.valid);
  CHECK(*s.metric("failures_injected") == 1);
  CHECK(*s.metric("failures_identified") == 1);
  CHECK(*s.metric("capture_completeness") > 0);
  CHECK(*s.metric("reserved_bytes_peak") > 0);
  for (const char* f : {"perf.json", "timeseries.csv", "events.jsonl", "trace.vcd", "trace.json", "config.yaml"})
    CHECK(fs::exists(out / f));
}

TEST_CASE("config.yaml names the failure model and the horizon and window the agent ran it with", "[e2e]") {
  const auto config_of = [](const fs::path& out) {
    std::map<std::string, std::string> config;
    for (const ConfigEntry& e : read_config_yaml(out / "config.yaml")) config[e.name] = e.value;
    return config;
  };
  // The skeleton sets neither: the embedded default model's own.
  const fs::path plain = scratch("config-model-default");
  REQUIRE(run_cli("run " + quoted(kSource / "scenarios/examples/skeleton.yaml") + " --out " + quoted(plain)).exit_code == 0);
  std::map<std::string, std::string> config = config_of(plain);
  CHECK(config["model.feature_set"] == std::to_string(kFeatureSetVersion));
  CHECK(std::stoul(config["model.generation"]) > 0);
  CHECK(config["agent.horizon"] == config["model.horizon"]);
  CHECK(config["agent.feature_window"] == config["model.window"]);

  // Overridden by the scenario: the override, with the model's beside it.
  const fs::path dir = scratch("config-model-override");
  std::string text = read_file(kSource / "scenarios/examples/skeleton.yaml");
  const std::string agent = "agent:\n";
  const size_t at = text.find(agent);
  REQUIRE(at != std::string::npos);
  text.insert(at + agent.size(), "  horizon: \"90 s\"\n  feature_window: \"2 min\"\n");
  write_text(dir / "override.yaml", text);
  const CliResult r = run_cli("run " + quoted(dir / "override.yaml") + " --out " + quoted(dir / "out"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  config = config_of(dir / "out");
  CHECK(config["agent.horizon"] == "90 s");
  CHECK(config["agent.feature_window"] == "2 min");
  CHECK(config["model.horizon"] != "90 s");
}

TEST_CASE("crashtwin cper decode prints the drained record's standard sections as JSON", "[e2e][cper]") {
  const fs::path out = scratch("cper_decode");
  REQUIRE(run_cli("run " + quoted(kSource / "scenarios/examples/skeleton.yaml") + " --out " + quoted(out)).exit_code == 0);
  const CliResult r = run_cli("cper decode " + quoted(out / "bmc/record-0.cper"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto decoded = nlohmann::json::parse(r.output);
  REQUIRE(decoded.size() == 1);
  const auto& record = decoded[0]["records"][0];
  CHECK(record["header"]["revision"] == "1.1");
  const auto& sections = record["sections"];
  const auto& manifest = sections[0]["body"];
  CHECK(manifest["error_type"] == "memory_uncorrectable");
  // The memory section says where the DRAM model put the error: the failing
  // address, the DIMM, and the location its controller logged.
  REQUIRE(sections[1]["type_name"] == "platform memory");
  const auto& memory = sections[1]["body"];
  CHECK(memory["physical_address"] == manifest["address"]);
  CHECK(memory["module"] == manifest["component"]["instance"]);
  CHECK(memory["error_status_type"] == 4);
  CHECK(memory["error_type_name"] == "multi_bit_ecc");
  for (const char* field : {"node", "module", "rank_number", "bank", "row", "column"}) {
    INFO(field);
    CHECK(std::find(memory["valid"].begin(), memory["valid"].end(), field) != memory["valid"].end());
  }
  // No SMBIOS tables declared on this board: no module handle.
  CHECK(std::find(memory["valid"].begin(), memory["valid"].end(), "module_handle") == memory["valid"].end());
  CHECK(run_cli("cper decode " + quoted(out / "summary.json")).exit_code == 2);  // not a CPER record

  // A board whose SMBIOS tables declare the DIMMs' Type 17 handles
  // (0x1100 on): the record names the failed DIMM's.
  const fs::path declared = scratch("cper_decode_smbios");
  REQUIRE(run_cli("run " + quoted(kSource / "scenarios/examples/skeleton.yaml") +
                  " --set board.dram.smbios_first_handle=4352 --out " + quoted(declared))
              .exit_code == 0);
  const CliResult d = run_cli("cper decode " + quoted(declared / "bmc/record-0.cper"));
  REQUIRE(d.exit_code == 0);
  const auto with_handles = nlohmann::json::parse(d.output);
  const auto& declared_memory = with_handles[0]["records"][0]["sections"][1]["body"];
  CHECK(declared_memory["module_handle"] == 0x1100 + declared_memory["module"].get<int>());
  CHECK(std::find(declared_memory["valid"].begin(), declared_memory["valid"].end(), "module_handle") !=
        declared_memory["valid"].end());
}

TEST_CASE("same scenario and seed give byte-identical results", "[e2e][determinism]") {
  const std::string scenario = (kSource / "scenarios/library/false_alarms.yaml").string();
  const fs::path a = scratch("determinism-a");
  const fs::path b = scratch("determinism-b");
  REQUIRE(run_cli("run '" + scenario + "' --policy smoothed --out '" + a.string() + "'").exit_code == 0);
  REQUIRE(run_cli("run '" + scenario + "' --policy smoothed --out '" + b.string() + "'").exit_code == 0);
  for (const char* f : {"summary.json", "timeseries.csv", "events.jsonl", "trace.json", "trace.vcd", "config.yaml",
                        "bmc/report.json"}) {
    INFO(f);
    CHECK(read_file(a / f) == read_file(b / f));
  }
  // A different seed is a different run.
  const fs::path c = scratch("determinism-c");
  REQUIRE(run_cli("run '" + scenario + "' --policy smoothed --seed 7 --out '" + c.string() + "'").exit_code == 0);
  CHECK(read_file(a / "events.jsonl") != read_file(c / "events.jsonl"));
}

TEST_CASE("bad input exits 2 and names file:line:column or the field", "[e2e][errors]") {
  const fs::path dir = scratch("bad-input");
  const fs::path bad = dir / "bad.yaml";
  write_text(bad, "schema_version: 1\nname: bad\nduration: \"10 parsecs\"\nboard: {}\nagent: {budgit: \"1 GiB\"}\n");
  CliResult r = run_cli("validate '" + bad.string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(bad.string() + ":3:11: duration: '10 parsecs' is not a duration") != std::string::npos);
  CHECK(r.output.find(bad.string() + ":5:9: agent.budgit: unknown key") != std::string::npos);

  r = run_cli("run '" + bad.string() + "'");
  CHECK(r.exit_code == 2);

  const std::string skeleton = (kSource / "scenarios/examples/skeleton.yaml").string();
  r = run_cli("run '" + skeleton + "' --set agent.budget=lots --out '" + (dir / "x").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("(--set agent.budget): agent.budget: 'lots' is not a size") != std::string::npos);

  r = run_cli("run '" + skeleton + "' --set board.dram.sise=1 --out '" + (dir / "y").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("board.dram.sise") != std::string::npos);

  r = run_cli("run '" + skeleton + "' --policy nonsense");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("'nonsense' is not a known policy") != std::string::npos);

  r = run_cli("run '" + skeleton + "' --no-such-flag");
  CHECK(r.exit_code == 2);

  write_text(dir / "ghost.yaml",
             "schema_version: 1\nname: ghost\nduration: \"5 s\"\nboard: {}\n"
             "injections:\n  failures:\n    - {name: f, component: disk.3, error: disk_timeout, at: \"1 s\"}\n");
  r = run_cli("run '" + (dir / "ghost.yaml").string() + "' --policy uniform --out '" + (dir / "z").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("ghost.yaml:7:7: injections.failures[0].component: the board has no disk.3") != std::string::npos);
}

TEST_CASE("a declared failure that never fires makes the run invalid (exit 1)", "[e2e]") {
  const fs::path dir = scratch("never-fires");
  // The watchdog reports a hang only after its 10 s timeout: past the run's end.
  write_text(dir / "late.yaml",
             "schema_version: 1\nname: late\nduration: \"5 s\"\nboard: {}\n"
             "injections:\n  failures:\n    - {name: hang, component: cpu.0, error: watchdog_hang, at: \"4 s\"}\n");
  const CliResult r = run_cli("run '" + (dir / "late.yaml").string() + "' --policy proportional --out '" + (dir / "out").string() + "'");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  const RunSummary s = read_summary(dir / "out" / "summary.json");
  CHECK_FALSE(s.valid);
  CHECK(s.invalid_reason.find("failure hang (watchdog_hang on cpu.0) never fired") != std::string::npos);
}

// The setup of the ctest fixture `library_batch` (tests/support/library_batch.h):
// the tests tagged [library_batch] read the batch this writes.
TEST_CASE("the scenario library meets its expectations under every policy", "[e2e][library][library_batch_setup]") {
  const fs::path out = test::shared_library_batch_dir();
  fs::remove_all(out);
  fs::create_directories(out.parent_path());
  const CliResult r = run_cli(test::library_batch_arguments(out));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("0 not ok, 0 crashed or timed out") != std::string::npos);
  CHECK(fs::exists(out / "summary.csv"));
  CHECK(fs::exists(out / "report.html"));
  test::check_oracle_bounds(read_summary_csv(out / "summary.csv"));

  // A rerun keeps every finished run and gives the same table.
  const std::string first_table = read_file(out / "summary.csv");
  const CliResult again = run_cli(test::library_batch_arguments(out));
  CHECK(again.output.find("(156 kept from before)") != std::string::npos);
  CHECK(read_file(out / "summary.csv") == first_table);
}

TEST_CASE("stdout holds results only: log lines and SystemC's messages go to stderr, exactly worded",
          "[e2e][cli]") {
  const fs::path out = test::fresh_test_dir("cli", "streams");
  const fs::path scenario = kSource / "scenarios/library/memory_uncorrectable.yaml";
  // stdout alone: the run's verdict lines, no log line.
  const test::CliResult stdout_only = test::run_shell("(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '" +
                                                      test::crashtwin_executable().string() + "' run " +
                                                      test::quoted(scenario) + " --policy proportional --out " +
                                                      test::quoted(out / "run") + " 2>/dev/null)");
  INFO(stdout_only.output);
  REQUIRE(stdout_only.exit_code == 0);
  CHECK(stdout_only.output.find("Info:") == std::string::npos);
  CHECK(stdout_only.output.find("info:") == std::string::npos);
  CHECK(stdout_only.output.find("passed ->") != std::string::npos);
  // The headline figures follow the verdict.
  CHECK(stdout_only.output.find("  completeness 1.000, identified 1.000, reserved ") != std::string::npos);
  CHECK(stdout_only.output.find("time to production 105.0 s") != std::string::npos);
  // stderr: the firmware's line through SystemC, and the duration exact.
  const test::CliResult both = test::run_cli("run " + test::quoted(scenario) + " --policy proportional --out " +
                                             test::quoted(out / "run"));
  CHECK(both.output.find("failure model loaded") != std::string::npos);
  CHECK(both.output.find("for 1 min of simulated time") != std::string::npos);
  // An unknown policy lists the known ones; one scenario is "1 scenario".
  const test::CliResult unknown = test::run_cli("run " + test::quoted(scenario) + " --policy nope --out " +
                                                test::quoted(out / "nope"));
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("expected static, uniform, proportional, smoothed, oracle or all") != std::string::npos);
  const test::CliResult batch = test::run_cli("batch " + test::quoted(scenario) +
                                              " --policy proportional --strategy predictive-bmc --out " +
                                              test::quoted(out / "batch"));
  CHECK(batch.output.find("batch: 1 scenario, 1 run into") != std::string::npos);
  // --help says what the exit codes mean.
  const test::CliResult help = test::run_cli("--help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("Exit codes: 0 done") != std::string::npos);
  CHECK(help.output.find("2 bad input") != std::string::npos);
}

TEST_CASE("a storage server's board with 40 disks gives the firmware every disk", "[e2e][board]") {
  // More unit devices than a small fixed table would hold: the firmware's
  // board map has room for one per slice.
  std::ifstream in(kSource / "scenarios/examples/skeleton.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string disks;
  for (int i = 0; i < 40; ++i) disks += "  disk" + std::to_string(i) + ": {}\n";
  text.replace(text.find("  disk0: {}\n"), std::string("  disk0: {}\n").size(), disks);
  const fs::path dir = scratch("forty_disks");
  write_text(dir / "forty_disks.yaml", text);
  const CliResult r = run_cli("run " + quoted(dir / "forty_disks.yaml") + " --out " + quoted(dir / "out"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const RunSummary s = read_summary(dir / "out/summary.json");
  CHECK(s.valid);
  CHECK(*s.metric("failures_identified") == 1);
}
