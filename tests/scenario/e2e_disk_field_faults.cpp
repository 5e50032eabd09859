// The disk field fault process end to end: the example scenario declares no
// failure, yet drives drawn at Backblaze's failure rate (accelerated) fail
// on their own, the run captures and reports each as an undeclared disk
// failure, the same seed gives the same bytes, and a bad parameter is
// refused at its file:line:column.
#include <catch2/catch.hpp>

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

const fs::path kExample = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/disk_field_faults.yaml";

}  // namespace

TEST_CASE("field disk faults: drives fail on their own, captured, identified and reported", "[field-faults][disk]") {
  const fs::path root = crashtwin::test::fresh_test_dir("disk_field_faults", "run");
  // Reproducible, and off by default: without the acceleration the same
  // board raises nothing.
  std::string off_sets;
  for (int disk = 0; disk < 8; ++disk)
    off_sets += " --set board.disk" + std::to_string(disk) + ".field_fault_acceleration=0";
  const nlohmann::json summary = crashtwin::test::run_field_example(kExample, root, off_sets);
  CHECK(summary.at("valid") == true);
  // Drives failing on their own, at most once each (a failed drive leaves
  // the process): this seed fails five of the eight.
  const auto& undeclared = summary.at("undeclared_failures");
  CHECK(undeclared.size() == 5);
  std::set<std::string> drives;
  for (const auto& f : undeclared) {
    const std::string text = f.get<std::string>();
    INFO(text);
    CHECK((text.rfind("disk_timeout on disk.", 0) == 0 || text.rfind("disk_media_error on disk.", 0) == 0));
    drives.insert(text.substr(text.find(" on ") + 4, text.find(" at ") - text.find(" on ") - 4));
  }
  CHECK(drives.size() == undeclared.size());
  CHECK(summary.at("metrics").at("failures_injected") == 0);
  CHECK(summary.at("metrics").at("failures") == undeclared.size());
  // The BMC decoded a record of each and identified the failed drive.
  const nlohmann::json report = nlohmann::json::parse(read_text(root / "a/bmc/report.json"));
  // One file per record (a later drain reads the earlier failures' records again).
  std::set<uint64_t> record_ids;
  std::string record_files;
  for (const auto& record : report.at("records")) {
    const std::string error = record.at("error").get<std::string>();
    CHECK((error == "disk_timeout" || error == "disk_media_error"));
    if (record_ids.insert(record.at("record_id").get<uint64_t>()).second)
      record_files += " '" + (root / "a/bmc" / record.at("file").get<std::string>()).string() + "'";
  }
  CHECK(record_ids.size() == undeclared.size());
  REQUIRE(report.at("verdicts").size() == undeclared.size());
  for (const auto& verdict : report.at("verdicts")) CHECK(verdict.at("identified") == true);

  // The agent read the SMART attributes: the sensor history each record
  // carries (docs/crash-region.md: 24-byte entries from offset 16, metric
  // number @9, value @16) holds the eleven disk metrics, and counts of a
  // drive that warned.
  constexpr int kFirstSmartMetric = 27, kLastSmartMetric = 31;  // disk_reallocated_sectors..offline_uncorrectable
  const CliResult decoded = run_cli("cper decode" + record_files);
  REQUIRE(decoded.exit_code == 0);
  int histories = 0, with_smart = 0;
  for (const auto& file : nlohmann::json::parse(decoded.output)) {
    const std::string raw = read_text(root / "a/bmc" / file.at("file").get<std::string>());
    for (const auto& record : file.at("records"))
      for (const auto& section : record.at("sections")) {
        if (section.at("type_name") != "crashtwin sensor history") continue;
        const size_t at = section.at("offset").get<size_t>();
        const auto byte = [&](size_t i) { return static_cast<uint8_t>(raw.at(at + i)); };
        const auto u64 = [&](size_t i) {
          uint64_t v = 0;
          for (size_t k = 0; k < 8; ++k) v |= uint64_t{byte(i + k)} << (8 * k);
          return v;
        };
        const uint32_t entries = byte(0) | byte(1) << 8 | byte(2) << 16 | uint32_t{byte(3)} << 24;
        CHECK(entries == 16 * 11);  // eleven disk metrics over the agent's 16-sample window
        ++histories;
        bool smart = false;
        for (uint32_t e = 0; e < entries; ++e) {
          const size_t entry_at = 16 + 24 * size_t{e};
          if (byte(entry_at + 9) >= kFirstSmartMetric && byte(entry_at + 9) <= kLastSmartMetric)
            smart |= u64(entry_at + 16) > 0;
        }
        with_smart += smart ? 1 : 0;
      }
  }
  CHECK(histories == static_cast<int>(undeclared.size()));
  CHECK(with_smart > 0);

  // Bad values are refused where they were written (validate checks each file).
  const fs::path bad_dir = root / "bad";
  fs::create_directories(bad_dir);
  const auto variant = [&](const std::string& name, const std::string& disk3) {
    std::string text = read_text(kExample);
    const std::string from = "disk3: {field_fault_acceleration: 4e5}";
    text.replace(text.find(from), from.size(), "disk3: {" + disk3 + "}");
    std::ofstream(bad_dir / name) << text;
  };
  variant("a_rate.yaml", "field_fault_acceleration: 4e5, annual_failure_rate: \"150 %\"");
  variant("b_lead.yaml", "field_fault_acceleration: 4e5, lead_time_min: \"2 d\", lead_time_max: \"1 d\"");
  variant("c_off.yaml", "field_fault_acceleration: -1");
  const CliResult bad = run_cli("validate '" + bad_dir.string() + "'");
  INFO(bad.output);
  CHECK(bad.exit_code == 2);
  using Catch::Contains;
  CHECK_THAT(bad.output, Contains("a_rate.yaml:21:63: board.disk3.annual_failure_rate: '150 %' is not a valid ratio"));
  CHECK_THAT(bad.output, Contains("b_lead.yaml:21:79: board.disk3.lead_time_max: must not be below lead_time_min"));
  CHECK_THAT(bad.output, Contains("c_off.yaml:21:37: board.disk3.field_fault_acceleration: '-1' is out of range"));
}
