// Golden-byte tests: every expected byte is placed by hand at the offset the
// UEFI specification (appendix N) gives for the field, independently of the
// encoder's own offset constants. GUID byte strings are the wire form
// (Data1..3 little-endian), as Linux's GUID_INIT produces them.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "platform/cper/capture_manifest.h"
#include "platform/cper/memory_error.h"
#include "platform/cper/pcie_error.h"
#include "platform/cper/processor_generic.h"
#include "platform/cper/record.h"
#include "platform/cper/timestamp.h"
#include "platform/cper/vendor_sections.h"

using namespace crashtwin;
using namespace crashtwin::cper;

namespace {

using Bytes = std::vector<uint8_t>;

void put(Bytes& b, size_t offset, uint64_t value, size_t size) {
  for (size_t i = 0; i < size; ++i) b[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}
void put_bytes(Bytes& b, size_t offset, std::initializer_list<uint8_t> bytes) {
  std::copy(bytes.begin(), bytes.end(), b.begin() + static_cast<std::ptrdiff_t>(offset));
}
Bytes to_bytes(std::span<const std::byte> s) {
  Bytes b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

// Wire forms of the GUIDs used below.
const std::initializer_list<uint8_t> kProcGenericWire = {0xAD, 0xCC, 0x76, 0x98, 0xB4, 0x47, 0xDB, 0x4B,
                                                         0xB6, 0x5E, 0x16, 0xF1, 0x93, 0xC4, 0xF3, 0xDB};
const std::initializer_list<uint8_t> kMceWire = {0xFE, 0x6F, 0xF5, 0xE8, 0x9C, 0x91, 0xC5, 0x4C,
                                                 0xBA, 0x88, 0x65, 0xAB, 0xE1, 0x49, 0x13, 0xBB};
const std::initializer_list<uint8_t> kPlatformMemWire = {0x14, 0x11, 0xBC, 0xA5, 0x64, 0x6F, 0xDE, 0x4E,
                                                         0xB8, 0x63, 0x3E, 0x83, 0xED, 0x7C, 0x83, 0xB1};

}  // namespace

TEST_CASE("GUIDs are stored Data1..3 little-endian then Data4 in order", "[cper][golden]") {
  std::vector<std::byte> out(16);
  store_guid(out, 0, guids::kProcessorGeneric);
  CHECK(to_bytes(out) == Bytes(kProcGenericWire));
  CHECK(load_guid(out, 0) == guids::kProcessorGeneric);
  char text[37];
  REQUIRE(format_guid(guids::kPlatformMemory, text));
  CHECK(std::string(text) == "a5bc1114-6f64-4ede-b863-3e83ed7c83b1");
  char small[10];
  CHECK_FALSE(format_guid(guids::kPlatformMemory, small));
}

TEST_CASE("record header golden bytes (UEFI N.2.1)", "[cper][golden]") {
  RecordHeader h;
  h.section_count = 3;
  h.severity = Severity::fatal;
  h.validation_bits = kRecordValidPlatformId | kRecordValidTimestamp;
  h.record_length = 0x1234;
  h.timestamp = 0x2024010112304501ull;
  h.platform_id = guids::kProcessorGeneric;  // any GUID: checks the offset
  h.partition_id = Guid{};
  h.creator_id = guids::kPlatformMemory;
  h.notification_type = guids::kNotifyMachineCheck;
  h.record_id = 0x0102030405060708ull;
  h.flags = kRecordFlagSimulated | kRecordFlagRecovered;
  h.persistence_information = 0xAABBCCDDEEFF0011ull;
  std::vector<std::byte> out(kRecordHeaderBytes);
  REQUIRE(encode_record_header(h, out) == Status::ok);

  Bytes expected(128, 0);
  put_bytes(expected, 0, {'C', 'P', 'E', 'R'});    // signature start
  put(expected, 4, 0x0101, 2);                     // revision 1.1, as EDK2 writes
  put(expected, 6, 0xFFFFFFFF, 4);                 // signature end
  put(expected, 10, 3, 2);                         // section count
  put(expected, 12, 1, 4);                         // error severity: fatal
  put(expected, 16, 0x3, 4);                       // validation bits
  put(expected, 20, 0x1234, 4);                    // record length
  put(expected, 24, 0x2024010112304501ull, 8);     // timestamp
  put_bytes(expected, 32, kProcGenericWire);       // platform id
  // partition id at 48: zero
  put_bytes(expected, 64, kPlatformMemWire);       // creator id
  put_bytes(expected, 80, kMceWire);               // notification type
  put(expected, 96, 0x0102030405060708ull, 8);     // record id
  put(expected, 104, 0x5, 4);                      // flags: recovered, simulated (no reserved bits)
  put(expected, 108, 0xAABBCCDDEEFF0011ull, 8);    // persistence information
  // reserved 12 bytes at 116: zero
  CHECK(to_bytes(out) == expected);

  RecordHeader back;
  REQUIRE(decode_record_header(out, back) == Status::ok);
  CHECK(back.record_id == h.record_id);
  CHECK(back.notification_type == guids::kNotifyMachineCheck);
  CHECK(back.flags == h.flags);
  CHECK(encode_record_header(h, std::span(out).first(127)) == Status::invalid_argument);
}

TEST_CASE("section descriptor golden bytes (UEFI N.2.2)", "[cper][golden]") {
  SectionDescriptor d;
  d.section_offset = 0x200;
  d.section_length = 0xC0;
  d.flags = kSectionFlagPrimary | kSectionFlagOverflow;
  d.section_type = guids::kProcessorGeneric;
  d.severity = Severity::corrected;
  set_fru_text(d, "cpu3");
  std::vector<std::byte> out(kSectionDescriptorBytes);
  REQUIRE(encode_section_descriptor(d, out) == Status::ok);

  Bytes expected(72, 0);
  put(expected, 0, 0x200, 4);                  // section offset
  put(expected, 4, 0xC0, 4);                   // section length
  put(expected, 8, 0x0100, 2);                 // revision
  put(expected, 10, 0x02, 1);                  // validation: FRU string valid
  // reserved at 11: zero
  put(expected, 12, 0x81, 4);                  // flags: primary | overflow
  put_bytes(expected, 16, kProcGenericWire);   // section type
  // FRU id at 32: zero
  put(expected, 48, 2, 4);                     // severity: corrected
  put_bytes(expected, 52, {'c', 'p', 'u', '3'});  // FRU text (20 bytes, zero padded)
  CHECK(to_bytes(out) == expected);

  SectionDescriptor back;
  REQUIRE(decode_section_descriptor(out, back) == Status::ok);
  CHECK(back.section_type == guids::kProcessorGeneric);
  CHECK(std::string(back.fru_text) == "cpu3");
}

TEST_CASE("processor generic section golden bytes (UEFI N.2.4.1)", "[cper][golden]") {
  ProcessorGenericSection p;
  p.validation_bits = kProcValidType | kProcValidIsa | kProcValidErrorType | kProcValidIp;
  p.processor_type = kProcTypeIa32X64;
  p.isa = kProcIsaX64;
  p.error_type = kProcErrorTlb;
  p.operation = kProcOpDataRead;
  p.flags = kProcFlagPreciseIp;
  p.level = 2;
  p.cpu_version = 0x000906EA;
  std::memcpy(p.cpu_brand, "twin", 4);
  p.processor_id = 5;
  p.target_address = 0xDEAD000;
  p.requestor_id = 0x11;
  p.responder_id = 0x22;
  p.instruction_ip = 0xFFFF800000101234ull;
  std::vector<std::byte> out(kProcessorGenericBytes);
  REQUIRE(encode_processor_generic(p, out) == Status::ok);

  Bytes expected(192, 0);
  put(expected, 0, 0x1007, 8);               // validation bits
  put(expected, 8, 0x00, 1);                 // processor type: IA32/X64
  put(expected, 9, 0x02, 1);                 // ISA: X64
  put(expected, 10, 0x02, 1);                // error type: TLB
  put(expected, 11, 0x01, 1);                // operation: data read
  put(expected, 12, 0x02, 1);                // flags: precise IP
  put(expected, 13, 2, 1);                   // level
  put(expected, 16, 0x000906EA, 8);          // CPU version info
  put_bytes(expected, 24, {'t', 'w', 'i', 'n'});  // brand string (128 bytes)
  put(expected, 152, 5, 8);                  // processor id
  put(expected, 160, 0xDEAD000, 8);          // target address
  put(expected, 168, 0x11, 8);               // requestor id
  put(expected, 176, 0x22, 8);               // responder id
  put(expected, 184, 0xFFFF800000101234ull, 8);  // instruction IP
  CHECK(to_bytes(out) == expected);

  ProcessorGenericSection back;
  REQUIRE(decode_processor_generic(out, back) == Status::ok);
  CHECK(back.instruction_ip == p.instruction_ip);
  CHECK(decode_processor_generic(std::span(out).first(191), back) == Status::corrupt);
}

TEST_CASE("platform memory error section golden bytes (UEFI N.2.5)", "[cper][golden]") {
  MemoryErrorSection m;
  m.validation_bits = kMemValidPhysicalAddress | kMemValidModule | kMemValidErrorType;
  m.error_status = 0x0400;
  m.physical_address = 0x12345640;
  m.physical_address_mask = ~uint64_t{63};
  m.node = 1;
  m.card = 2;
  m.module = 3;
  m.bank = 4;
  m.device = 5;
  m.row = 6;
  m.column = 7;
  m.bit_position = 8;
  m.requestor_id = 9;
  m.responder_id = 10;
  m.target_id = 11;
  m.error_type = kMemErrorMultiBitEcc;
  m.extended = 0x12;
  m.rank = 13;
  m.card_handle = 14;
  m.module_handle = 15;
  std::vector<std::byte> out(kMemoryErrorBytes);
  REQUIRE(encode_memory_error(m, out) == Status::ok);

  Bytes expected(80, 0);
  put(expected, 0, 0x4022, 8);  // validation bits
  put(expected, 8, 0x0400, 8);  // error status
  put(expected, 16, 0x12345640, 8);
  put(expected, 24, ~uint64_t{63}, 8);
  for (size_t i = 0; i < 8; ++i) put(expected, 32 + 2 * i, i + 1, 2);  // node .. bit position
  put(expected, 48, 9, 8);
  put(expected, 56, 10, 8);
  put(expected, 64, 11, 8);
  put(expected, 72, 3, 1);     // memory error type: multi-bit ECC
  put(expected, 73, 0x12, 1);  // extended
  put(expected, 74, 13, 2);    // rank
  put(expected, 76, 14, 2);    // card handle
  put(expected, 78, 15, 2);    // module handle
  CHECK(to_bytes(out) == expected);

  MemoryErrorSection back;
  REQUIRE(decode_memory_error(out, back) == Status::ok);
  CHECK(back.physical_address == m.physical_address);
  CHECK(back.module_handle == 15);
}

TEST_CASE("PCIe error section golden bytes (UEFI N.2.7)", "[cper][golden]") {
  PcieErrorSection p;
  p.validation_bits = kPcieValidPortType | kPcieValidDeviceId | kPcieValidAerInfo;
  p.port_type = 4;  // root port
  p.version_minor = 1;
  p.version_major = 4;
  p.command = 0x0406;
  p.status = 0x0010;
  p.vendor_id = 0x8086;
  p.device_id = 0x0953;
  p.class_code[0] = 0x02;
  p.class_code[1] = 0x08;
  p.class_code[2] = 0x01;
  p.function = 1;
  p.device = 2;
  p.segment = 0x0003;
  p.bus = 0x41;
  p.secondary_bus = 0x42;
  p.slot = 9;
  p.serial_number = 0x1122334455667788ull;
  p.bridge_secondary_status = 0x0A0B;
  p.bridge_control = 0x0C0D;
  p.capability[0] = 0x10;
  p.aer_info[4] = 0x00;
  p.aer_info[5] = 0x40;  // uncorrectable status bit 14: completion timeout
  std::vector<std::byte> out(kPcieErrorBytes);
  REQUIRE(encode_pcie_error(p, out) == Status::ok);

  Bytes expected(208, 0);
  put(expected, 0, 0x89, 8);       // validation bits
  put(expected, 8, 4, 4);          // port type
  put(expected, 12, 1, 1);         // version minor
  put(expected, 13, 4, 1);         // version major
  put(expected, 16, 0x0406, 2);    // command
  put(expected, 18, 0x0010, 2);    // status
  put(expected, 24, 0x8086, 2);    // device id block: vendor id
  put(expected, 26, 0x0953, 2);    // device id
  put_bytes(expected, 28, {0x02, 0x08, 0x01});  // class code
  put(expected, 31, 1, 1);         // function
  put(expected, 32, 2, 1);         // device
  put(expected, 33, 3, 2);         // segment
  put(expected, 35, 0x41, 1);      // primary bus
  put(expected, 36, 0x42, 1);      // secondary bus
  put(expected, 37, 9 << 3, 2);    // slot number in bits 3..15
  put(expected, 40, 0x1122334455667788ull, 8);  // serial number
  put(expected, 48, 0x0A0B, 2);    // bridge secondary status
  put(expected, 50, 0x0C0D, 2);    // bridge control
  put(expected, 52, 0x10, 1);      // capability structure (60 bytes)
  put(expected, 112 + 5, 0x40, 1); // AER info (96 bytes)
  CHECK(to_bytes(out) == expected);

  PcieErrorSection back;
  REQUIRE(decode_pcie_error(out, back) == Status::ok);
  CHECK(back.slot == 9);
  CHECK(back.serial_number == p.serial_number);
}

TEST_CASE("crashtwin vendor sections golden bytes (docs/crash-region.md)", "[cper][golden]") {
  SECTION("register file / I/O queue state device block") {
    std::vector<std::byte> out(8 + 4);
    for (size_t i = 0; i < 4; ++i) out[8 + i] = static_cast<std::byte>(0xA0 + i);
    REQUIRE(encode_device_block_header(ComponentId{ComponentClass::disk, 0x0102}, 4, out) == Status::ok);
    Bytes expected(12, 0);
    put(expected, 0, 2, 1);       // class: disk
    put(expected, 2, 0x0102, 2);  // instance
    put(expected, 4, 4, 4);       // payload length
    put_bytes(expected, 8, {0xA0, 0xA1, 0xA2, 0xA3});
    CHECK(to_bytes(out) == expected);
    DeviceBlock back;
    REQUIRE(decode_device_block(out, back) == Status::ok);
    CHECK(back.payload.size() == 4);
    CHECK(decode_device_block(std::span(out).first(11), back) == Status::corrupt);
  }
  SECTION("memory snapshot") {
    std::vector<std::byte> out(24 + 2);
    out[24] = std::byte{0x55};
    out[25] = std::byte{0x66};
    REQUIRE(encode_memory_snapshot_header(0x7000, 4096, 2, SnapshotPurpose::code_page, out) == Status::ok);
    Bytes expected(26, 0);
    put(expected, 0, 0x7000, 8);  // address
    put(expected, 8, 4096, 4);    // requested
    put(expected, 12, 2, 4);      // captured
    put(expected, 16, 2, 1);      // purpose: code page
    put_bytes(expected, 24, {0x55, 0x66});
    CHECK(to_bytes(out) == expected);
    MemorySnapshot back;
    REQUIRE(decode_memory_snapshot(out, back) == Status::ok);
    CHECK(back.requested_bytes == 4096);
    CHECK(back.data.size() == 2);
  }
  SECTION("sensor history keeps the newest readings") {
    const SensorReading readings[] = {
        {100, ComponentId{ComponentClass::cpu, 1}, Metric::cpu_temperature, 70000},
        {200, ComponentId{ComponentClass::memory, 2}, Metric::mem_corrected_errors, 12},
    };
    std::vector<std::byte> out(16 + 24);  // room for one entry only
    size_t written = 0;
    CHECK(encode_sensor_history(readings, HistoryPurpose::precursor_window, out, written) == Status::truncated);
    CHECK(written == 40);
    Bytes expected(40, 0);
    put(expected, 0, 1, 4);    // entry count
    put(expected, 4, 24, 2);   // entry bytes
    put(expected, 6, 0, 1);    // purpose
    put(expected, 8, 1, 4);    // readings left out
    put(expected, 16, 200, 8); // time_ns
    put(expected, 24, 1, 1);   // class: memory
    put(expected, 25, static_cast<uint8_t>(Metric::mem_corrected_errors), 1);
    put(expected, 26, 2, 2);   // instance
    put(expected, 32, 12, 8);  // value
    CHECK(to_bytes(out) == expected);
    SensorHistoryView view;
    REQUIRE(decode_sensor_history(out, view) == Status::ok);
    SensorReading r;
    REQUIRE(sensor_history_entry(view, 0, r) == Status::ok);
    CHECK(r.value == 12);
    CHECK(r.component == ComponentId{ComponentClass::memory, 2});
  }
  SECTION("capture manifest") {
    CaptureManifest m;
    m.component = ComponentId{ComponentClass::memory, 1};
    m.error_type = ErrorType::memory_uncorrectable;
    m.time_ns = 5'000'000'000ull;
    m.address = 0x4000;
    m.detail = 0x99;
    m.needed_bytes = 30000;
    m.captured_bytes = 9000;
    m.truncated = true;
    m.entry_count = 2;
    m.entries[0] = ManifestEntry{CaptureSource::memory_error, CaptureOutcome::complete, 0, 80, 80};
    m.entries[1] = ManifestEntry{CaptureSource::memory_rows, CaptureOutcome::partial, 10, 24600, 8000};
    std::vector<std::byte> out(manifest_bytes(2));
    REQUIRE(encode_capture_manifest(m, out) == Status::ok);
    Bytes expected(64 + 32, 0);
    put(expected, 0, 1, 2);                 // version
    put(expected, 2, 1, 1);                 // class: memory
    put(expected, 3, 1, 1);                 // flags: truncated
    put(expected, 4, 1, 2);                 // instance
    put(expected, 6, 3, 2);                 // error type: memory_uncorrectable
    put(expected, 8, 5'000'000'000ull, 8);  // time
    put(expected, 16, 0x4000, 8);           // address
    put(expected, 24, 0x99, 8);             // detail
    put(expected, 32, 30000, 8);            // needed
    put(expected, 40, 9000, 8);             // captured
    put(expected, 48, 2, 2);                // entry count
    put(expected, 50, 16, 2);               // entry bytes
    put(expected, 64, 4, 1);                // entry 0: memory_error
    put(expected, 64 + 8, 80, 4);
    put(expected, 64 + 12, 80, 4);
    put(expected, 80, 5, 1);                // entry 1: memory_rows
    put(expected, 81, 1, 1);                // partial
    put(expected, 82, 10, 2);               // priority
    put(expected, 80 + 8, 24600, 4);
    put(expected, 80 + 12, 8000, 4);
    CHECK(to_bytes(out) == expected);
    CaptureManifest back;
    REQUIRE(decode_capture_manifest(out, back) == Status::ok);
    CHECK(back.truncated);
    CHECK(back.entries[1].outcome == CaptureOutcome::partial);
    CHECK(back.error_type == ErrorType::memory_uncorrectable);
  }
}

TEST_CASE("the capture sources and snapshot purposes of real capture sizes keep their numbers", "[cper][golden]") {
  // On-media numbers (docs/crash-region.md): appended after io_queue_state
  // and memory_rows, never renumbered.
  CHECK(static_cast<int>(CaptureSource::kernel_log) == 11);
  CHECK(static_cast<int>(CaptureSource::kernel_stacks) == 12);
  CHECK(static_cast<int>(CaptureSource::page_tables) == 13);
  CHECK(static_cast<int>(CaptureSource::device_queues) == 14);
  CHECK(static_cast<int>(CaptureSource::processor_ia32x64) == 15);
  CHECK(static_cast<int>(CaptureSource::nvme_status) == 16);
  CHECK(kCaptureSourceCount == 17);
  CHECK(std::string(to_string(CaptureSource::nvme_status)) == "nvme_status");
  CHECK(std::string(to_string(CaptureSource::device_queues)) == "device_queues");
  // A manifest entry of a cut kernel log section.
  CaptureManifest m;
  m.entry_count = 1;
  m.entries[0] = ManifestEntry{CaptureSource::kernel_log, CaptureOutcome::partial, 50, 24 + (1u << 20), 4096};
  std::vector<std::byte> out(manifest_bytes(1));
  REQUIRE(encode_capture_manifest(m, out) == Status::ok);
  const Bytes bytes = to_bytes(out);
  CHECK(bytes[64] == 11);
  CHECK(bytes[65] == 1);
  CHECK(bytes[66] == 50);
  CHECK((bytes[72] | bytes[73] << 8 | bytes[74] << 16) == 24 + (1 << 20));
  CaptureManifest back;
  REQUIRE(decode_capture_manifest(out, back) == Status::ok);
  CHECK(back.entries[0].source == CaptureSource::kernel_log);
  // Snapshot purposes 4..7, and 8 is refused.
  std::vector<std::byte> snap(kMemorySnapshotHeaderBytes + 8);
  REQUIRE(encode_memory_snapshot_header(0x4000000, 8, 8, SnapshotPurpose::completion_queue, snap) == Status::ok);
  CHECK(to_bytes(snap)[16] == 7);
  MemorySnapshot view;
  REQUIRE(decode_memory_snapshot(snap, view) == Status::ok);
  CHECK(view.purpose == SnapshotPurpose::completion_queue);
  snap[16] = std::byte{8};
  CHECK(decode_memory_snapshot(snap, view) == Status::corrupt);
}

TEST_CASE("timestamps are BCD dates from the simulation epoch", "[cper][golden]") {
  // Bytes: seconds, minutes, hours, flags (precise), day, month, year, century.
  CHECK(timestamp_from_sim_ns(0) == 0x2024010101000000ull);  // 2024-01-01 00:00:00
  // 1 day + 1 h 2 min 3 s later: 2024-01-02 01:02:03.
  const uint64_t t = (86400ull + 3723ull) * 1'000'000'000ull;
  CHECK(timestamp_from_sim_ns(t) == 0x2024010201010203ull);
  uint64_t seconds = 0;
  REQUIRE(sim_seconds_from_timestamp(timestamp_from_sim_ns(t), seconds));
  CHECK(seconds == 86400 + 3723);
  // Leap day 2024-02-29.
  const uint64_t leap = (31ull + 28ull) * 86400ull * 1'000'000'000ull;
  CHECK((timestamp_from_sim_ns(leap) >> 32) == 0x20240229ull);
  CHECK_FALSE(sim_seconds_from_timestamp(0x2024130100000000ull, seconds));  // month 13
  CHECK_FALSE(sim_seconds_from_timestamp(0x202401010000005Aull, seconds));  // not BCD
}
