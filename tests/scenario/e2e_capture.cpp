// Capture needs end to end: the scenario's `capture:` sizes reach the agent's
// capture and the BMC's report, the kernel log the host kernel wrote is in
// the record, bad sizes exit 2 naming the field, and docs/capture-needs.md's
// table matches the code.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "traces/summary.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::CliResult;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kSkeleton = kSource / "scenarios/examples/skeleton.yaml";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "capture" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

nlohmann::json section(const fs::path& run, const std::string& type) {
  std::ifstream in(run / "bmc" / "report.json");
  const nlohmann::json report = nlohmann::json::parse(in);
  for (const nlohmann::json& s : report["records"][0]["sections"])
    if (s["type"] == type) return s;
  return {};
}

std::string file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("capture: log_buf_len changes the needs and the record holds the kernel's log", "[e2e][capture]") {
  const fs::path base = scratch("default_log");
  const CliResult a = run_cli("run " + quoted(kSkeleton) + " --policy proportional --out " + quoted(base));
  INFO(a.output);
  REQUIRE(a.exit_code == 0);
  const nlohmann::json log = section(base, "kernel_log");
  REQUIRE(log.is_object());
  CHECK(log["needed"] == 24 + (1 << 20));
  // The ring holds the host kernel's lines: the boot banner and the EDAC
  // line of the uncorrectable error.
  const std::string record = file_text(base / "bmc" / "record-0.cper");
  CHECK(record.find("Linux version") != std::string::npos);
  CHECK(record.find("EDAC MC0: 1 UE memory read error on DIMM0") != std::string::npos);

  const fs::path big = scratch("big_log");
  const CliResult b = run_cli("run " + quoted(kSkeleton) + " --policy proportional --set 'capture={log_buf_len: \"8 MiB\"}' --out " +
                              quoted(big));
  INFO(b.output);
  REQUIRE(b.exit_code == 0);
  CHECK(section(big, "kernel_log")["needed"] == 24 + (8 << 20));
  const std::string config = file_text(big / "config.yaml");
  CHECK(config.find("log_buf_len: 8 MiB") != std::string::npos);
  CHECK(config.find("nvme_queue_depth: 1024") != std::string::npos);
}

TEST_CASE("capture: a bad size exits 2 naming the field", "[e2e][capture]") {
  const fs::path out = scratch("bad");
  const CliResult r = run_cli("run " + quoted(kSkeleton) + " --policy proportional --set 'capture={nic_rings: 0}' --out " +
                              quoted(out));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("capture.nic_rings") != std::string::npos);
  CHECK(r.output.find("from 1 to 256") != std::string::npos);
}

TEST_CASE("docs/capture-needs.md's table is what the code computes", "[e2e][capture]") {
  const CliResult r = run_cli("capture-needs " + quoted(kSource / "scenarios/library") + " " +
                              quoted(kSource / "scenarios/examples/capture_small_board.yaml") + " " +
                              quoted(kSource / "scenarios/examples/capture_large_server.yaml") + " --check " +
                              quoted(kSource / "docs/capture-needs.md"));
  INFO(r.output);
  CHECK(r.exit_code == 0);
}
