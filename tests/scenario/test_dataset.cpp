// `crashtwin dataset` end to end through the real executable: rows of every
// component class labelled from the failures the board raised, the merge
// deterministic whatever the parallelism, and bad input rejected with exit 2.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include "platform/predictor/model_blob.h"
#include "scenarios/training/dataset.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::CliResult;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kTrainingScenario = kSource / "data/failure-models/training/train_a_steady.yaml";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "dataset" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("dataset: labelled windows of every class, byte-identical for -j 1 and -j 2", "[dataset]") {
  const fs::path dir = scratch("two_seeds");
  const std::string common = "dataset '" + kTrainingScenario.string() + "' --seeds 2 --first-seed 7 --horizon 10";
  const CliResult parallel = run_cli(common + " -j 2 --out '" + (dir / "parallel.csv").string() + "'");
  INFO(parallel.output);
  REQUIRE(parallel.exit_code == 0);
  const CliResult serial = run_cli(common + " -j 1 --out '" + (dir / "serial.csv").string() + "'");
  INFO(serial.output);
  REQUIRE(serial.exit_code == 0);
  CHECK(file_bytes(dir / "parallel.csv") == file_bytes(dir / "serial.csv"));
  CHECK_FALSE(fs::exists(dir / "parallel.csv.runs"));  // work directory removed after the merge

  // The reader re-checks every rule (labels against time to failure, feature
  // cells of the row's class only).
  const training::Dataset data = training::read_dataset_file((dir / "parallel.csv").string());
  CHECK(data.horizon_ns == 10'000'000'000ull);
  std::set<uint64_t> seeds;
  std::set<int> classes, failing_classes;
  for (const auto& row : data.rows) {
    CHECK(row.scenario == "train_a_steady");
    CHECK(row.family == "workload_a");  // the scenario's family: key
    seeds.insert(row.seed);
    classes.insert(static_cast<int>(row.component.cls));
    if (row.label) {
      failing_classes.insert(static_cast<int>(row.component.cls));
      REQUIRE(row.time_to_failure_ns.has_value());
      CHECK(*row.time_to_failure_ns <= data.horizon_ns);
    }
  }
  CHECK(seeds == std::set<uint64_t>{7, 8});
  CHECK(classes.size() == kComponentClassCount);
  // The scenario fails one instance of each class: each class has failing rows.
  CHECK(failing_classes.size() == kComponentClassCount);
  // The healthy DIMM (memory.0) never fails: no time to failure on its rows.
  for (const auto& row : data.rows)
    if (row.component == ComponentId{ComponentClass::memory, 0}) CHECK_FALSE(row.time_to_failure_ns.has_value());
}

TEST_CASE("dataset --window: the agent's windows span that time, the dataset and the model trained on it say so",
          "[dataset][window]") {
  const fs::path dir = scratch("window");
  const std::string scenarios = "'" + kTrainingScenario.string() + "' '" +
                                (kSource / "data/failure-models/training/train_b_busy.yaml").string() + "'";
  const CliResult windowed = run_cli("dataset " + scenarios + " --window 6 --out '" + (dir / "w.csv").string() + "'");
  INFO(windowed.output);
  REQUIRE(windowed.exit_code == 0);
  const CliResult samples = run_cli("dataset " + scenarios + " --out '" + (dir / "s.csv").string() + "'");
  REQUIRE(samples.exit_code == 0);
  CHECK_THAT(file_bytes(dir / "w.csv"), Catch::Contains("horizon_ns=10000000000 window_ns=6000000000\n"));
  CHECK_THAT(file_bytes(dir / "s.csv"), !Catch::Contains("window_ns"));

  // The same samples, seen through a 6 s window instead of the last 16
  // (1.5 s at the 100 ms sampling period): counts over four times the time.
  const training::Dataset w = training::read_dataset_file((dir / "w.csv").string());
  const training::Dataset s = training::read_dataset_file((dir / "s.csv").string());
  CHECK(w.window_ns == 6'000'000'000ull);
  CHECK(s.window_ns == 0);
  REQUIRE(w.rows.size() == s.rows.size());
  const auto counts = feature_defs(ComponentClass::memory);
  size_t larger = 0;
  for (size_t i = 0; i < w.rows.size(); ++i) {
    REQUIRE(w.rows[i].time_ns == s.rows[i].time_ns);
    if (w.rows[i].component.cls != ComponentClass::memory) continue;
    for (size_t f = 0; f < counts.size(); ++f) {
      if (counts[f].kind != FeatureKind::count) continue;
      CHECK(w.rows[i].features.value[f] >= s.rows[i].features.value[f]);
      larger += w.rows[i].features.value[f] > s.rows[i].features.value[f] ? 1 : 0;
    }
  }
  CHECK(larger > 0);

  // The model trained on it carries the window to the agent.
  const CliResult trained =
      run_cli("train '" + (dir / "w.csv").string() + "' --out '" + (dir / "m.ctpm").string() + "'");
  INFO(trained.output);
  REQUIRE(trained.exit_code == 0);
  const std::string blob = file_bytes(dir / "m.ctpm");
  FailureModel model;
  REQUIRE(parse_model(std::as_bytes(std::span(blob.data(), blob.size())), model) == Status::ok);
  CHECK(model.window_ns == 6'000'000'000ull);
  CHECK_THAT(file_bytes(dir / "m.json"), Catch::Contains("\"window_ns\": 6000000000"));

  // Windows a model cannot carry are refused before any run.
  for (const std::string bad : {"0", "0.0005", "1e9", "-3"}) {
    const CliResult refused = run_cli("dataset " + scenarios + " --window " + bad + " --out '" +
                                      (dir / "bad.csv").string() + "'");
    INFO(bad);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.output, Catch::Contains("--window"));
    CHECK_FALSE(fs::exists(dir / "bad.csv"));
  }
}

TEST_CASE("dataset: a scenario that refuses static is recorded under its first compared policy", "[dataset]") {
  // tight_budget's budget is below kdump's crashkernel table, so a run under
  // static is refused; the recorded telemetry does not depend on the policy.
  const fs::path dir = scratch("refuses_static");
  const std::string scenario = (kSource / "scenarios/library/tight_budget.yaml").string();
  const CliResult defaulted = run_cli("dataset '" + scenario + "' --out '" + (dir / "d.csv").string() + "'");
  INFO(defaulted.output);
  REQUIRE(defaulted.exit_code == 0);
  const CliResult uniform =
      run_cli("dataset '" + scenario + "' --policy uniform --out '" + (dir / "u.csv").string() + "'");
  REQUIRE(uniform.exit_code == 0);
  CHECK(file_bytes(dir / "d.csv") == file_bytes(dir / "u.csv"));
  const training::Dataset data = training::read_dataset_file((dir / "d.csv").string());
  REQUIRE_FALSE(data.rows.empty());
  CHECK(data.rows.front().family == "tight_budget");  // no family: key, its own family
  // Asked for explicitly, static is still refused with the scenario's reason.
  const CliResult forced =
      run_cli("dataset '" + scenario + "' --policy static --out '" + (dir / "s.csv").string() + "'");
  CHECK(forced.exit_code == 2);
  CHECK_THAT(forced.output, Catch::Contains("crashkernel reservation"));
}

TEST_CASE("dataset: DRAM field faults' error bits reach the memory features through the registers", "[dataset]") {
  // The DRAM example's faults (row, bank and rank faults among them) log
  // corrected errors spanning the burst's 8 beats; the agent reads the
  // controller's counters and feature set 6 carries them, never more than
  // the DIMM's corrected errors and never decreasing.
  const fs::path dir = scratch("error_bits");
  const CliResult r = run_cli("dataset " + quoted(kSource / "scenarios/examples/dram_field_faults.yaml") +
                              " -j 1 --out " + quoted(dir / "d.csv"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const training::Dataset data = training::read_dataset_file((dir / "d.csv").string());
  const auto index_of = [](std::string_view name) {
    const size_t i = feature_index(ComponentClass::memory, name);
    if (i == feature_count(ComponentClass::memory)) FAIL("no memory feature " << name);
    return i;
  };
  const size_t multi_beat = index_of("ce_multi_beat_total"), multi_dq = index_of("ce_multi_dq_total");
  const size_t rows_total = index_of("ce_rows_total");
  std::map<uint16_t, float> previous;
  float most = 0;
  size_t memory_rows = 0;
  for (const auto& row : data.rows) {
    if (row.component.cls != ComponentClass::memory) continue;
    ++memory_rows;
    const float beats = row.features.value[multi_beat];
    INFO("memory." << row.component.instance << " at " << row.time_ns << " ns");
    CHECK(beats >= previous[row.component.instance]);
    previous[row.component.instance] = beats;
    // The run is ten minutes: the 24 h count is every error since boot.
    CHECK(beats <= static_cast<float>(row.errors_24h));
    CHECK(row.features.value[multi_dq] <= static_cast<float>(row.errors_24h));
    CHECK(row.features.value[rows_total] <= static_cast<float>(row.errors_24h));
    most = std::max(most, beats);
  }
  CHECK(memory_rows > 100);
  CHECK(most >= 10);
}

TEST_CASE("dataset: bad input exits 2 with a message naming it", "[dataset]") {
  const fs::path dir = scratch("bad_input");
  const CliResult missing = run_cli("dataset '" + (dir / "nope.yaml").string() + "' --out '" + (dir / "d.csv").string() + "'");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("nope.yaml") != std::string::npos);
  const CliResult horizon = run_cli("dataset '" + kTrainingScenario.string() + "' --horizon 0 --out '" +
                              (dir / "d.csv").string() + "'");
  CHECK(horizon.exit_code == 2);
  CHECK(horizon.output.find("--horizon") != std::string::npos);
  const CliResult policy = run_cli("dataset '" + kTrainingScenario.string() + "' --policy nosuch --out '" +
                             (dir / "d.csv").string() + "'");
  CHECK(policy.exit_code == 2);
  CHECK(policy.output.find("nosuch") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "d.csv"));
}

TEST_CASE("dataset: every machine of a fleet is recorded, --seeds fleets after one another", "[dataset][fleet]") {
  const fs::path dir = scratch("fleet");
  std::ofstream(dir / "fleet.yaml") << R"(schema_version: 1
name: small_fleet
seed: 30
duration: "3 s"
fleet: {machines: 3}
board: {}
agent: {allocation_frequency: "100 ms"}
)";
  const CliResult r = run_cli("dataset " + quoted(dir / "fleet.yaml") + " --seeds 2 -j 2 --out " + quoted(dir / "d.csv"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("= 6 runs") != std::string::npos);
  std::set<uint64_t> seeds;
  for (const auto& row : training::read_dataset_file((dir / "d.csv").string()).rows) seeds.insert(row.seed);
  CHECK(seeds == std::set<uint64_t>{30, 31, 32, 33, 34, 35});
}
