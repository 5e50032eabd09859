// End to end: kernel stacks. The library's stack-overflow scenario drives
// core 2's stack past THREAD_SIZE: the run reports the overflow (event,
// summary metric, the kernel's guard-page line in the record's log) and the
// BMC-side reading of the drained record names it from the captured stack,
// with the high-water the model computed. A plain page fault is no overflow.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "traces/bmc_report.h"
#include "traces/cper_decode.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;

namespace {

struct Ran {
  fs::path out;
  nlohmann::json summary;
  std::string events;
  nlohmann::ordered_json record;  // the first drained record, decoded
  std::string record_bytes;
};

Ran run(const std::string& scenario, const std::string& name) {
  Ran r;
  r.out = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "scenario" / name;
  fs::remove_all(r.out);
  const test::CliResult ran = test::run_cli("run " + test::quoted(fs::path(CRASHTWIN_SOURCE_DIR) / scenario) +
                                            " --policy static --out " + test::quoted(r.out));
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  r.summary = nlohmann::json::parse(std::ifstream(r.out / "summary.json"));
  std::ifstream events(r.out / "events.jsonl");
  r.events.assign(std::istreambuf_iterator<char>(events), {});
  const BmcReport report = read_bmc_report(r.out / "bmc");
  REQUIRE_FALSE(report.records.empty());
  const auto& bytes = report.records[0].cper;
  r.record = traces::decode_cper(bytes)["records"][0];
  r.record_bytes.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return r;
}

}  // namespace

TEST_CASE("a stack overflow is reported by the run and named from the captured stack", "[e2e][stacks]") {
  const Ran r = run("scenarios/library/cpu_stack_overflow.yaml", "stack_overflow");
  const auto& stacks = r.summary["metrics"]["kernel_stacks"];
  CHECK(stacks["overflows"] == 1);
  CHECK(stacks["high_water_bytes"] == 16384 - 8);
  CHECK(r.events.find("\"kind\":\"stack_overflow\",\"component\":\"cpu.2\"") != std::string::npos);
  // The kernel said so in its log, which the record carries.
  CHECK(r.record_bytes.find("BUG: TASK stack guard page was hit at") != std::string::npos);

  const auto& captured = r.record["kernel_stacks"];
  REQUIRE(captured.size() == 4);
  for (const auto& s : captured) {
    INFO(s.dump());
    const int core = s["core"];
    const bool overflowed = core == 2;
    CHECK(s["overflow"] == overflowed);
    CHECK(s["end_magic"] == (overflowed ? "overwritten" : "intact"));
    CHECK(s["return_addresses"].size() >= 1);
    CHECK(s.contains("diagnosis") == overflowed);
    // stack_not_used() skips the magic word: a full stack reads THREAD_SIZE - 8.
    if (!overflowed) CHECK(s["high_water_bytes"].get<uint64_t>() >= s["depth_bytes"].get<uint64_t>());
  }
  // The faulting core stopped at the fault: the BMC's figure is the model's.
  CHECK(captured[2]["high_water_bytes"] == stacks["high_water_bytes"]);
  CHECK(captured[2]["depth_bytes"] == 16384);
  // bmc/report.json carries the BMC's reading of the same stacks.
  const BmcReport report = read_bmc_report(r.out / "bmc");
  REQUIRE(report.records[0].kernel_stacks.size() == 4);
  for (const BmcStack& s : report.records[0].kernel_stacks) {
    CHECK(s.overflow == (s.core == 2));
    CHECK(s.high_water_bytes == captured[static_cast<size_t>(s.core)]["high_water_bytes"].get<uint64_t>());
  }
}

TEST_CASE("a plain page fault leaves every captured stack intact", "[e2e][stacks]") {
  const Ran r = run("scenarios/library/cpu_page_fault.yaml", "stack_plain_fault");
  const auto& stacks = r.summary["metrics"]["kernel_stacks"];
  CHECK(stacks["overflows"] == 0);
  CHECK(stacks["high_water_bytes"].get<uint64_t>() > 0);
  CHECK(stacks["high_water_bytes"].get<uint64_t>() < 16384 / 2);
  CHECK(r.events.find("stack_overflow") == std::string::npos);
  CHECK(r.record_bytes.find("stack guard page") == std::string::npos);
  const auto& captured = r.record["kernel_stacks"];
  REQUIRE(captured.size() == 4);
  for (const auto& s : captured) {
    INFO(s.dump());
    CHECK(s["overflow"] == false);
    CHECK(s["end_magic"] == "intact");
    CHECK(s["high_water_bytes"].get<uint64_t>() > 0);
    CHECK(s["return_addresses"].size() >= 1);
  }
  // The timeseries has each core's depth and high-water.
  std::ifstream csv(r.out / "timeseries.csv");
  std::string header;
  std::getline(csv, header);
  CHECK(header.find("stack_depth_bytes.cpu.0") != std::string::npos);
  CHECK(header.find("stack_high_water_bytes.cpu.3") != std::string::npos);
}
