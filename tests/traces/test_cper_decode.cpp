// `crashtwin cper decode`'s decoder against the board's ground truth, per
// error type, and against golden records: tests/traces/golden/cper/<type>.cper
// are the records capture writes on the test board into a 4 KiB slice (the
// standard sections come first, so they fit), <type>.json their expected
// decodings. A change to either shows as a diff of these files; to accept an
// intended one, run this test with CRASHTWIN_UPDATE_GOLDEN=1 and review the
// diff.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "platform/capture/capture.h"
#include "tests/support/memory_hal.h"
#include "tests/unit/test_capture_board.h"
#include "traces/cper_decode.h"
#include "traces/io.h"

using namespace crashtwin;
using namespace crashtwin::test_board;
using ojson = nlohmann::ordered_json;

namespace {

const std::filesystem::path kGolden = std::filesystem::path(CRASHTWIN_SOURCE_DIR) / "tests/traces/golden/cper";

// The event each golden record is of: the models' default details (MCA code
// 0x0134 with ADDRV, page-fault error code 0x2, NVMe SCT 2 / SC 0x81, AER
// surprise down), on the test board's components.
ErrorEvent golden_event(ErrorType type) {
  ErrorEvent e = event_for(type);
  switch (type) {
    case ErrorType::page_fault: e.detail = 0x2; break;
    case ErrorType::invalid_opcode: e.detail = 0x0B0F; e.address = kRip + 1; break;
    case ErrorType::machine_check:
      e.detail = kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc | kMciStatusAddrv | 0x0134;
      break;
    case ErrorType::memory_uncorrectable: e.detail = 0xBEEF; break;
    case ErrorType::thermal_shutdown: e.address = 0; e.detail = 105000; break;
    case ErrorType::disk_timeout: e.detail = 0x0007; e.address = 4242; break;
    case ErrorType::disk_media_error: e.detail = 0x0281; e.address = 4242; break;
    case ErrorType::nic_fatal: e.detail = 0x20; e.address = 0; break;
    case ErrorType::watchdog_hang: e.detail = 10'000'000'000ull; break;
  }
  return e;
}

std::vector<std::byte> capture_record(ErrorType type, uint64_t slice_bytes) {
  MemoryHal hal(kDramBytes, kDramBase);
  populate(hal);
  const std::vector<SensorReading> readings = history(4);
  std::vector<std::byte> scratch(capture_scratch_bytes(kRegionBytes));
  SliceEntry s;
  s.base = kRegionBase + kHeaderAreaBytes;
  s.size = slice_bytes;
  CaptureResult r;
  const Status status = capture_error(hal, golden_event(type), /*record_id=*/0x100000001ull, s, readings, scratch, r,
                                      test_board::facts(4));
  REQUIRE((status == Status::ok || status == Status::truncated));
  const auto bytes = hal.bytes(s.base, r.record_bytes);
  return {bytes.begin(), bytes.end()};
}

const ojson& body_of(const ojson& record, const std::string& type_name) {
  for (const ojson& s : record["sections"])
    if (s["type_name"] == type_name) return s["body"];
  FAIL("no " << type_name << " section");
  static const ojson none;
  return none;
}

const ErrorType kAll[] = {ErrorType::page_fault,       ErrorType::invalid_opcode, ErrorType::machine_check,
                          ErrorType::memory_uncorrectable, ErrorType::thermal_shutdown,
                          ErrorType::disk_timeout,      ErrorType::disk_media_error, ErrorType::nic_fatal,
                          ErrorType::watchdog_hang};

}  // namespace

TEST_CASE("cper decode prints every standard field, matching the board's ground truth", "[cper][decode]") {
  SECTION("machine check") {
    const ojson d = traces::decode_cper(capture_record(ErrorType::machine_check, 256 * 1024));
    REQUIRE(d["records"].size() == 1);
    const ojson& r = d["records"][0];
    CHECK(r["header"]["revision"] == "1.1");
    CHECK(r["header"]["flags"] == "0x0");
    CHECK(r["header"]["notification_type_name"] == "machine_check");
    CHECK(r["truncated"] == false);
    const ojson& g = body_of(r, "processor generic");
    CHECK(g["error_type_name"] == "cache");
    CHECK(g["operation_name"] == "data_read");
    CHECK(g["level"] == 0);
    CHECK(g["target_address"] == fmt::format("0x{:x}", kBadAddress));
    CHECK(g["processor_id"] == 1);
    const ojson& ia = body_of(r, "IA32/X64 processor");
    CHECK(ia["local_apic_id"] == 1);
    CHECK(ia["error_info"][0]["type_name"] == "cache_check");
    CHECK(ia["error_info"][0]["check_info"]["operation"] == "data_read");
    CHECK(ia["error_info"][0]["check_info"]["uncorrected"] == true);
    CHECK(ia["contexts"][0]["registers"]["rip"] == fmt::format("0x{:x}", kRip + 1));
    CHECK(ia["contexts"][0]["registers"]["cr3"] == fmt::format("0x{:x}", registers_for(1).cr3));
    // Selectors, descriptor tables and CPUID come from the register file.
    CHECK(ia["contexts"][0]["registers"]["cs"] == 0x10);
    CHECK(ia["contexts"][0]["registers"]["ss"] == 0x18);
    CHECK(ia["contexts"][0]["registers"]["tr"] == 0x40);
    CHECK(ia["contexts"][0]["registers"]["gdtr"][0] == fmt::format("0x{:x}", 127 | (registers_for(1).gdtr_base << 16)));
    const ojson ia_valid = ia["valid"];
    CHECK(std::find(ia_valid.begin(), ia_valid.end(), "cpuid_info") != ia_valid.end());
    CHECK(ia["cpuid"][0] == "0x606a6");
    CHECK(ia["cpuid"][1] == "0x1040800");  // APIC id 1 in EBX[31:24]
  }
  SECTION("page fault: a write at CR2") {
    const ojson r = traces::decode_cper(capture_record(ErrorType::page_fault, 256 * 1024))["records"][0];
    const ojson& g = body_of(r, "processor generic");
    CHECK(g["operation_name"] == "data_write");
    CHECK(g["target_address"] == fmt::format("0x{:x}", kBadAddress));
    CHECK(body_of(r, "IA32/X64 processor")["error_info"][0]["check_info"]["operation"] == "data_write");
  }
  SECTION("memory: status type 4, multi-bit ECC, DIMM 1") {
    const ojson r = traces::decode_cper(capture_record(ErrorType::memory_uncorrectable, 256 * 1024))["records"][0];
    const ojson& m = body_of(r, "platform memory");
    CHECK(m["error_status_type"] == 4);
    CHECK(m["error_type_name"] == "multi_bit_ecc");
    CHECK(m["module"] == 1);
    // Where the memory controller logged it (test_board::kDimm1Error).
    CHECK(m["rank"] == kDimm1Error.rank);
    CHECK(m["bank"] == kDimm1Error.bank);
    CHECK(m["row"] == kDimm1Error.row);  // 18 bits: bits 16..17 from the extended field
    CHECK(m["column"] == kDimm1Error.column);
    CHECK(m["physical_address"] == fmt::format("0x{:x}", kBadAddress));
  }
  SECTION("disks and NICs: AER registers and NVMe status") {
    ojson r = traces::decode_cper(capture_record(ErrorType::disk_timeout, 256 * 1024))["records"][0];
    CHECK(body_of(r, "PCIe")["aer"]["capability_id"] == "0x1");
    CHECK(body_of(r, "PCIe")["aer"]["uncorrectable_status"] == "0x4000");
    CHECK(body_of(r, "PCIe")["aer"]["first_error_pointer"] == 14);
    // Command/status and the PCI Express capability are valid and agree
    // with the AER status: SERR# enabled and signalled, Device Status says a
    // fatal error was detected, an x4 link at 16 GT/s (an NVMe drive).
    const ojson& pcie = body_of(r, "PCIe");
    const ojson valid = pcie["valid"];
    CHECK(std::find(valid.begin(), valid.end(), "command_status") != valid.end());
    CHECK(std::find(valid.begin(), valid.end(), "capability") != valid.end());
    CHECK(pcie["command"] == "0x106");
    CHECK(pcie["status"] == "0x4010");
    CHECK(pcie["signaled_system_error"] == true);
    CHECK(pcie["capability"]["capability_id"] == "0x10");
    CHECK(pcie["capability"]["capability_version"] == 2);
    CHECK(pcie["capability"]["device_port_type"] == 0);
    CHECK(pcie["capability"]["fatal_error_detected"] == true);
    CHECK(pcie["capability"]["negotiated_link_width"] == 4);
    CHECK(pcie["capability"]["current_link_speed"] == 4);
    r = traces::decode_cper(capture_record(ErrorType::disk_media_error, 256 * 1024))["records"][0];
    // No link error: nothing signalled, nothing detected on the link.
    CHECK(body_of(r, "PCIe")["status"] == "0x10");
    CHECK(body_of(r, "PCIe")["capability"]["fatal_error_detected"] == false);
    CHECK(r["sections"][1]["type_name"] == "crashtwin NVMe status");
    CHECK(body_of(r, "crashtwin NVMe status")["status_code_type_name"] == "media_and_data_integrity");
    CHECK(body_of(r, "crashtwin NVMe status")["status_code"] == "0x81");
    CHECK(body_of(r, "crashtwin NVMe status")["lba"] == 4242);
    CHECK(body_of(r, "PCIe")["aer"]["uncorrectable_status"] == "0x0");
    r = traces::decode_cper(capture_record(ErrorType::nic_fatal, 256 * 1024))["records"][0];
    CHECK(body_of(r, "PCIe")["aer"]["uncorrectable_status"] == "0x20");
    CHECK(body_of(r, "PCIe")["capability"]["negotiated_link_width"] == 8);
    CHECK(body_of(r, "PCIe")["capability"]["fatal_error_detected"] == true);
  }
  SECTION("a truncated record says so and a corrupt one is an error at its offset") {
    const std::vector<std::byte> bytes = capture_record(ErrorType::page_fault, 4096);
    ojson d = traces::decode_cper(bytes);
    CHECK(d["records"][0]["truncated"] == true);
    CHECK(d["records"][0]["sections"][0]["flag_names"] == ojson::array({"overflow"}));
    std::vector<std::byte> corrupt = bytes;
    corrupt[6] = std::byte{0};  // signature end
    d = traces::decode_cper(corrupt);
    CHECK(d["records"].empty());
    CHECK(d["error"]["offset"] == 6);
  }
}

TEST_CASE("golden CPER records: capture's bytes and their decodings do not drift", "[cper][decode][golden]") {
  const bool update = std::getenv("CRASHTWIN_UPDATE_GOLDEN") != nullptr;
  for (ErrorType type : kAll) {
    INFO(to_string(type));
    const std::vector<std::byte> record = capture_record(type, 4096);
    const std::string bytes(reinterpret_cast<const char*>(record.data()), record.size());
    const std::string decoded = traces::decode_cper(record).dump(2) + "\n";
    const auto cper_path = kGolden / (std::string(to_string(type)) + ".cper");
    const auto json_path = kGolden / (std::string(to_string(type)) + ".json");
    if (update) {
      write_file_atomically(cper_path, bytes);
      write_file_atomically(json_path, decoded);
    }
    CHECK(read_file(cper_path) == bytes);
    CHECK(read_file(json_path) == decoded);
    const std::string golden = read_file(cper_path);
    CHECK(traces::decode_cper(std::as_bytes(std::span(golden.data(), golden.size()))).dump(2) + "\n" ==
          read_file(json_path));
  }
}
