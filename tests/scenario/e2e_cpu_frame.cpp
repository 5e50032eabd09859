// End to end: a CPU fault's record describes the fault, not the core as it
// stood when the capture ran. The library's invalid-opcode scenario runs on
// the board; the drained record's standard sections (decoded as `crashtwin
// cper decode` does) must carry the faulting RIP the CPU model raised, and
// the code-page snapshot must hold the faulting instruction at that RIP.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "platform/cper/guid.h"
#include "platform/cper/record.h"
#include "platform/cper/vendor_sections.h"
#include "traces/bmc_report.h"
#include "traces/cper_decode.h"
#include "tests/support/run_cli.h"

namespace fs = std::filesystem;
using namespace crashtwin;

namespace {

const nlohmann::ordered_json* section_body(const nlohmann::ordered_json& record, const std::string& type_name) {
  for (const auto& s : record["sections"])
    if (s["type_name"] == type_name) return &s["body"];
  return nullptr;
}

}  // namespace

TEST_CASE("an invalid-opcode record carries the faulting RIP and the instruction at it", "[e2e][cper]") {
  const fs::path out = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "scenario" / "cpu_frame";
  fs::remove_all(out);
  const fs::path scenario = fs::path(CRASHTWIN_SOURCE_DIR) / "scenarios/library/cpu_invalid_opcode.yaml";
  const test::CliResult ran =
      test::run_cli("run " + test::quoted(scenario) + " --policy static --out " + test::quoted(out));
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  const BmcReport report = read_bmc_report(out / "bmc");
  REQUIRE_FALSE(report.records.empty());
  const std::vector<std::byte>& bytes = report.records[0].cper;

  const nlohmann::ordered_json decoded = traces::decode_cper(bytes);
  const auto& record = decoded["records"][0];
  const auto* manifest = section_body(record, "crashtwin capture manifest");
  REQUIRE(manifest != nullptr);
  REQUIRE((*manifest)["error_type"] == "invalid_opcode");
  // The CPU model's error status: where the fault was (the event's address).
  const std::string rip_text = (*manifest)["address"];
  const uint64_t rip = std::stoull(rip_text, nullptr, 16);
  CHECK((*manifest)["detail"] == "0xb0f");  // UD2

  // The standard sections alone name it: the generic processor section's
  // instruction IP, the IA32/X64 error information's IP and the processor
  // context's RIP, all the faulting instruction (the core ran on for the
  // capture's whole latency; its saved frame did not move).
  const auto* generic = section_body(record, "processor generic");
  const auto* ia32 = section_body(record, "IA32/X64 processor");
  REQUIRE(generic != nullptr);
  REQUIRE(ia32 != nullptr);
  CHECK((*generic)["instruction_ip"] == rip_text);
  CHECK((*ia32)["error_info"][0]["instruction_ip"] == rip_text);
  CHECK((*ia32)["contexts"][0]["registers"]["rip"] == rip_text);
  // A core in the kernel: kernel code and stack selectors, the TSS, the
  // CPUID signature the CPU model declares, its APIC id in EBX.
  CHECK((*ia32)["contexts"][0]["registers"]["cs"] == 0x10);
  CHECK((*ia32)["contexts"][0]["registers"]["ss"] == 0x18);
  CHECK((*ia32)["contexts"][0]["registers"]["tr"] == 0x40);
  CHECK((*ia32)["cpuid"][0] == "0x606a6");
  CHECK((*ia32)["cpuid"][1] == "0x1040800");  // core 1 of 4, 64-byte CLFLUSH lines

  // The code-page snapshot (a vendor section) holds the page around RIP with
  // the instruction bytes 0F 0B at RIP.
  cper::RecordView view;
  REQUIRE(view.parse(bytes) == Status::ok);
  bool found = false;
  for (uint16_t i = 0; i < view.section_count(); ++i) {
    cper::SectionView s;
    REQUIRE(view.section(i, s) == Status::ok);
    if (s.descriptor.section_type != cper::guids::kMemorySnapshot) continue;
    cper::MemorySnapshot snap;
    REQUIRE(cper::decode_memory_snapshot(s.body, snap) == Status::ok);
    if (snap.purpose != cper::SnapshotPurpose::code_page) continue;
    found = true;
    REQUIRE(rip >= snap.address);
    REQUIRE(rip + 2 <= snap.address + snap.data.size());
    CHECK(snap.data[rip - snap.address] == std::byte{0x0F});
    CHECK(snap.data[rip - snap.address + 1] == std::byte{0x0B});
  }
  CHECK(found);
}
