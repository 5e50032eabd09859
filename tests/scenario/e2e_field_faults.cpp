// The DRAM model's field fault processes end to end: the example scenario
// declares no failure, yet faults drawn at the field FIT rates (accelerated)
// end in uncorrectable errors that the board raises on its own, the run
// captures and reports them as undeclared failures, and the same seed gives
// the same bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/support/field_fault_runs.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::read_text;
using crashtwin::test::run_cli;

namespace {

const fs::path kExample = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/dram_field_faults.yaml";

}  // namespace

TEST_CASE("field DRAM faults: uncorrectable errors from physics are raised, captured and reported", "[field-faults]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "field_faults";
  // Reproducible, and off by default: without the acceleration the same
  // board raises nothing.
  const nlohmann::json summary =
      crashtwin::test::run_field_example(kExample, root, "--set board.dram.field_fault_acceleration=0");
  CHECK(summary.at("valid") == true);
  const auto& undeclared = summary.at("undeclared_failures");
  REQUIRE(undeclared.size() >= 1);
  // At most one per DIMM: a DIMM that failed is out of service.
  CHECK(undeclared.size() <= 4);
  for (const auto& f : undeclared) CHECK(f.get<std::string>().rfind("memory_uncorrectable on memory.", 0) == 0);
  CHECK(summary.at("metrics").at("failures_injected") == 0);
  CHECK(summary.at("metrics").at("failures") == undeclared.size());
  // The BMC decoded a record of each (a later drain reads the earlier
  // failures' records again: count distinct record ids) and identified it.
  const nlohmann::json report = nlohmann::json::parse(read_text(root / "a/bmc/report.json"));
  std::set<uint64_t> record_ids;
  for (const auto& record : report.at("records")) {
    CHECK(record.at("error") == "memory_uncorrectable");
    record_ids.insert(record.at("record_id").get<uint64_t>());
  }
  CHECK(record_ids.size() == undeclared.size());
  REQUIRE(report.at("verdicts").size() == undeclared.size());
  for (const auto& verdict : report.at("verdicts")) CHECK(verdict.at("identified") == true);

  // The standard memory sections say what the ECC could name: an
  // uncorrectable word has two or more bad bits, so never one bit position;
  // the device only when one device holds them all (SECDED fails on a
  // single-word fault of one x4 chip); no memory card on this board.
  int records_decoded = 0;
  crashtwin::test::for_each_decoded_section(root / "a/bmc", "platform memory", [&](const nlohmann::json& body) {
    const auto& valid = body["valid"];
    auto has = [&](const char* field) { return std::find(valid.begin(), valid.end(), field) != valid.end(); };
    CHECK_FALSE(has("bit_position"));
    CHECK_FALSE(has("card"));
    if (has("device")) CHECK(body["device"].get<int>() < 18);
    ++records_decoded;
  });
  CHECK(records_decoded >= static_cast<int>(undeclared.size()));

  // A bad ECC name is refused with the parameter named.
  const CliResult bad = run_cli("run '" + kExample.string() + "' --set board.dram.ecc=parity --out '" +
                                (root / "bad").string() + "'");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("ecc") && Catch::Contains("'parity' is not chipkill or secded"));
}

TEST_CASE("DIMM-level faults fail every DIMM at a high rate, and their lead range is checked", "[field-faults]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "dimm_level_faults";
  fs::remove_all(root);
  // Device modes at their field rate (nothing in ten minutes), DIMM-level
  // faults at 60 an hour per DIMM, none warned: each of the four DIMMs fails
  // once (a failed DIMM is out of service) with no corrected error before.
  const std::string sets =
      " --set board.dram.field_fault_acceleration=1 --set 'board.dram.dimm_fault_rate=60 /h'"
      " --set board.dram.dimm_fault_warned_fraction=0";
  const CliResult r = run_cli("run '" + kExample.string() + "'" + sets + " --out '" + (root / "a").string() + "'");
  REQUIRE(r.exit_code == 0);
  const nlohmann::json summary = nlohmann::json::parse(read_text(root / "a/summary.json"));
  std::set<std::string> failed;
  for (const auto& f : summary.at("undeclared_failures")) {
    const std::string text = f.get<std::string>();
    CHECK(text.rfind("memory_uncorrectable on memory.", 0) == 0);
    failed.insert(text.substr(0, text.find(" at ")));
  }
  CHECK(failed.size() == 4);
  CHECK(summary.at("undeclared_failures").size() == 4);

  // A lead range the wrong way round is bad input naming the parameter.
  const CliResult bad = run_cli("run '" + kExample.string() + "' --set 'board.dram.dimm_fault_lead_max=10 min' --out '" +
                                (root / "bad").string() + "'");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("board.dram.dimm_fault_lead_max") &&
                             Catch::Contains("must not be below dimm_fault_lead_min"));
  CHECK_FALSE(fs::exists(root / "bad/summary.json"));
}
