// Confidential dumps end to end through `crashtwin`: the example scenario
// marks the printk ring secret (its first record is the kernel's banner) and
// the registers; in seal and redact mode no secret byte is in any file the
// run writes (the BMC's records and report included), `cper unseal` with the
// operator's key gives the bytes back, another key is refused with exit 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "traces/io.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;
using test::quoted;
using test::run_cli;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kScenario = kSource / "scenarios/examples/confidential_dump.yaml";
const fs::path kDemoKey = kSource / "scenarios/examples/confidential_dump.demo-secret.key";
// The first line the host kernel prints into the (secret) printk ring.
const std::string kSecret = "Linux version 6.1.0-crashtwin";

// The files under `dir` whose bytes hold `text`.
std::vector<std::string> files_holding(const fs::path& dir, const std::string& text) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && read_file(entry.path()).find(text) != std::string::npos)
      out.push_back(entry.path().lexically_relative(dir).string());
  return out;
}

}  // namespace

TEST_CASE("confidential dump: no secret page leaves the host in the clear", "[e2e][confidentiality]") {
  const fs::path dir = test::fresh_test_dir("scenario", "confidential_dump");

  // The control: without the policy the banner is in the BMC's record.
  const auto clear = run_cli("run " + quoted(kScenario) + " --set confidentiality=null --out " + quoted(dir / "clear"));
  REQUIRE(clear.exit_code == 0);
  CHECK_FALSE(files_holding(dir / "clear", kSecret).empty());

  SECTION("sealed: opened with the operator's key only") {
    const auto r = run_cli("run " + quoted(kScenario) + " --out " + quoted(dir / "sealed"));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(files_holding(dir / "sealed", kSecret).empty());
    const std::string report = read_file(dir / "sealed/bmc/report.json");
    CHECK(report.find("\"protection\": \"sealed\"") != std::string::npos);

    // Same scenario and seed: the same sealed bytes.
    REQUIRE(run_cli("run " + quoted(kScenario) + " --out " + quoted(dir / "sealed_again")).exit_code == 0);
    CHECK(read_file(dir / "sealed/bmc/record-0.cper") == read_file(dir / "sealed_again/bmc/record-0.cper"));
    CHECK(read_file(dir / "sealed/summary.json") == read_file(dir / "sealed_again/summary.json"));

    const auto opened = run_cli("cper unseal --key " + quoted(kDemoKey) + " " +
                                quoted(dir / "sealed/bmc/record-0.cper") + " " + quoted(dir / "opened.cper"));
    INFO(opened.output);
    REQUIRE(opened.exit_code == 0);
    CHECK(opened.output.find("3 sealed sections opened") != std::string::npos);
    CHECK(read_file(dir / "opened.cper").find(kSecret) != std::string::npos);
    // The opened record decodes like any other.
    CHECK(run_cli("cper decode " + quoted(dir / "opened.cper")).exit_code == 0);

    REQUIRE(run_cli("cper keygen " + quoted(dir / "other.pub") + " " + quoted(dir / "other.key")).exit_code == 0);
    const auto wrong = run_cli("cper unseal --key " + quoted(dir / "other.key") + " " +
                               quoted(dir / "sealed/bmc/record-0.cper") + " " + quoted(dir / "wrong.cper"));
    CHECK(wrong.exit_code == 2);
    CHECK(wrong.output.find("the key does not open this sealed section") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "wrong.cper"));

    const auto not_a_key = run_cli("cper unseal --key " + quoted(kScenario) + " " +
                                   quoted(dir / "sealed/bmc/record-0.cper") + " " + quoted(dir / "wrong.cper"));
    CHECK(not_a_key.exit_code == 2);
    CHECK(not_a_key.output.find("64 hexadecimal digits") != std::string::npos);
  }

  SECTION("redacted: zeros in the region, marked in the report") {
    const auto r = run_cli("run " + quoted(kScenario) +
                           " --set confidentiality.mode=redact --set confidentiality.operator_public_key=null --out " +
                           quoted(dir / "redacted"));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(files_holding(dir / "redacted", kSecret).empty());
    CHECK(read_file(dir / "redacted/bmc/report.json").find("\"protection\": \"redacted\"") != std::string::npos);
  }

  SECTION("a bad confidentiality section exits 2 naming file:line:column") {
    std::string text = read_file(kScenario);
    const size_t at = text.find("mode: seal");
    REQUIRE(at != std::string::npos);
    text.replace(at, 10, "mode: encrypt");
    const fs::path bad = dir / "bad_confidentiality.yaml";
    std::ofstream(bad) << text;
    const auto r = run_cli("validate " + quoted(bad));
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("bad_confidentiality.yaml:39:9: confidentiality.mode") != std::string::npos);
    CHECK(r.output.find("confidentiality.mode") != std::string::npos);
    CHECK(r.output.find("'encrypt'") != std::string::npos);
  }
}
