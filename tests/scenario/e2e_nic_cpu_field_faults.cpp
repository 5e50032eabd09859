// The NIC and CPU field fault processes end to end: the example scenario
// declares no failure, yet the NIC fails (nic_fatal) and a core takes an
// uncorrected machine check on their own; the run captures and identifies
// both as undeclared failures, the machine check's CPER record names the
// MCA bank that logged it (the MSR context at IA32_MCi_STATUS, 0x401 + 4 i,
// with that bank's MCACOD and its corrected error count), and the same
// seed gives the same bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "models/cpu/mca_field_process.h"
#include "platform/capture/register_file.h"
#include "tests/support/field_fault_runs.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using crashtwin::test::CliResult;
using crashtwin::test::read_text;
using crashtwin::test::run_cli;

namespace {

const fs::path kExample = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/examples/nic_cpu_field_faults.yaml";

}  // namespace

TEST_CASE("field NIC and CPU faults: failures the parts raise themselves are captured, identified and reported",
          "[field-faults]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "nic_cpu_field_faults";
  // Reproducible, and off by default: without the accelerations the same
  // board raises nothing.
  const nlohmann::json summary = crashtwin::test::run_field_example(
      kExample, root, "--set board.cpu.field_fault_acceleration=0 --set board.nic0.field_fault_acceleration=0");
  CHECK(summary.at("valid") == true);
  CHECK(summary.at("metrics").at("failures_injected") == 0);
  int nic_failures = 0, cpu_failures = 0;
  for (const auto& f : summary.at("undeclared_failures")) {
    const std::string text = f.get<std::string>();
    nic_failures += text.rfind("nic_fatal on network.0", 0) == 0 ? 1 : 0;
    cpu_failures += text.rfind("machine_check on cpu.", 0) == 0 ? 1 : 0;
  }
  CHECK(nic_failures == 1);  // a failed NIC is out of service
  CHECK(cpu_failures >= 1);
  CHECK(nic_failures + cpu_failures == static_cast<int>(summary.at("undeclared_failures").size()));

  // The BMC identified each failure.
  const nlohmann::json report = nlohmann::json::parse(read_text(root / "a/bmc/report.json"));
  REQUIRE(report.at("verdicts").size() == summary.at("undeclared_failures").size());
  for (const auto& verdict : report.at("verdicts")) CHECK(verdict.at("identified") == true);

  // A decoder reads the bank from the IA32/X64 section: the MSR context of
  // the bank that logged the machine check, uncorrected, with the MCACOD of
  // that bank's role.
  int machine_check_contexts = 0;
  crashtwin::test::for_each_decoded_section(root / "a/bmc", "IA32/X64 processor", [&](const nlohmann::json& body) {
    for (const auto& context : body["contexts"]) {
      if (context["type_name"] != "msr" || context["msr_address"] == "0x17a") continue;
      const auto msr = static_cast<uint32_t>(std::stoul(context["msr_address"].get<std::string>(), nullptr, 16));
      REQUIRE((msr - 0x401) % 4 == 0);
      const uint32_t bank = (msr - 0x401) / 4;
      const uint64_t status = std::stoull(context["registers"][0].get<std::string>(), nullptr, 16);
      INFO("bank " << bank << " status " << std::hex << status);
      CHECK((status & crashtwin::kMciStatusUc) != 0);
      bool known = false;
      for (const crashtwin::McaBankRoleInfo& role : crashtwin::kMcaBankRoles)
        if (role.bank == bank) known = (status & 0xFFFF) == role.mcacod;
      CHECK(known);
      ++machine_check_contexts;
    }
  });
  CHECK(machine_check_contexts >= cpu_failures);

  // A core without the banks the process logs in is refused, naming them.
  const CliResult few = run_cli("run '" + kExample.string() + "' --set board.cpu.mca_banks=9 --out '" +
                                (root / "few").string() + "'");
  CHECK(few.exit_code == 2);
  CHECK_THAT(few.output, Catch::Contains("board.cpu.mca_banks") && Catch::Contains("needs at least 10 banks"));
}

TEST_CASE("a field fault parameter out of range is refused at its file, line and column", "[field-faults]") {
  const fs::path root = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "nic_cpu_field_faults_bad";
  fs::remove_all(root);
  fs::create_directories(root);
  std::string text = read_text(kExample);
  const std::string anchor = "  nic0:\n";
  const size_t at = text.find(anchor);
  REQUIRE(at != std::string::npos);
  text.insert(at + anchor.size(), "    field_warned_fraction: \"150 %\"\n");
  const fs::path bad = root / "bad.yaml";
  std::ofstream(bad) << text;
  // The inserted line's number, and the value's column (after the key).
  const size_t line = static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) + 2;
  const CliResult r = run_cli("run '" + bad.string() + "' --out '" + (root / "out").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(bad.string() + ":" + std::to_string(line) + ":28") &&
                           Catch::Contains("board.nic0.field_warned_fraction") && Catch::Contains("0 to 1"));
  CHECK_FALSE(fs::exists(root / "out/summary.json"));
}
