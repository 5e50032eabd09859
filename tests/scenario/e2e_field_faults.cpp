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
  fs::remove_all(root);
  const CliResult first = run_cli("run '" + kExample.string() + "' --out '" + (root / "a").string() + "'");
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const nlohmann::json summary = nlohmann::json::parse(read_text(root / "a/summary.json"));
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
  for (const auto& entry : fs::directory_iterator(root / "a/bmc")) {
    if (entry.path().extension() != ".cper") continue;
    const CliResult decoded = run_cli("cper decode '" + entry.path().string() + "'");
    REQUIRE(decoded.exit_code == 0);
    const nlohmann::json records = nlohmann::json::parse(decoded.output);
    for (const auto& record : records[0]["records"])
      for (const auto& section : record["sections"]) {
        if (section["type_name"] != "platform memory") continue;
        const auto& valid = section["body"]["valid"];
        auto has = [&](const char* field) { return std::find(valid.begin(), valid.end(), field) != valid.end(); };
        CHECK_FALSE(has("bit_position"));
        CHECK_FALSE(has("card"));
        if (has("device")) CHECK(section["body"]["device"].get<int>() < 18);
        ++records_decoded;
      }
  }
  CHECK(records_decoded >= static_cast<int>(undeclared.size()));

  const CliResult again = run_cli("run '" + kExample.string() + "' --out '" + (root / "b").string() + "'");
  REQUIRE(again.exit_code == 0);
  CHECK(read_text(root / "a/summary.json") == read_text(root / "b/summary.json"));
  CHECK(read_text(root / "a/events.jsonl") == read_text(root / "b/events.jsonl"));

  // Off by default: without the acceleration the same board raises nothing.
  const CliResult off = run_cli("run '" + kExample.string() + "' --set board.dram.field_fault_acceleration=0 --out '" +
                                (root / "off").string() + "'");
  REQUIRE(off.exit_code == 0);
  CHECK(nlohmann::json::parse(read_text(root / "off/summary.json")).at("undeclared_failures").empty());

  // A bad ECC name is refused with the parameter named.
  const CliResult bad = run_cli("run '" + kExample.string() + "' --set board.dram.ecc=parity --out '" +
                                (root / "bad").string() + "'");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("ecc") && Catch::Contains("'parity' is not chipkill or secded"));
}
