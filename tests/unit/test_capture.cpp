#include <catch2/catch.hpp>

#include <vector>

#include "platform/capture/capture.h"
#include "platform/cper/pcie_error.h"
#include "platform/cper/record.h"
#include "platform/cper/vendor_sections.h"
#include "tests/support/memory_hal.h"
#include "tests/unit/test_capture_board.h"

using namespace crashtwin;
using namespace crashtwin::test_board;
using cper::CaptureOutcome;

namespace {

constexpr size_t kHistory = 20;

struct Fixture {
  MemoryHal hal{kDramBytes, kDramBase};
  std::vector<SensorReading> readings = history(kHistory);
  std::vector<std::byte> scratch = std::vector<std::byte>(capture_scratch_bytes(kRegionBytes));
  Fixture() { populate(hal); }

  SliceEntry slice(uint64_t size, uint64_t used = 0) const {
    SliceEntry s;
    s.base = kRegionBase + kHeaderAreaBytes;
    s.size = size;
    s.used_bytes = used;
    return s;
  }
  BoardFacts facts() const { return test_board::facts(kHistory); }
  // Captures `type` into a big slice and returns section `index` of the record.
  cper::SectionView captured_section(ErrorType type, uint16_t index) {
    const SliceEntry s = slice(256 * 1024);
    CaptureResult r;
    REQUIRE(capture_error(hal, event_for(type), /*record_id=*/1, s, readings, scratch, r, facts()) == Status::ok);
    cper::RecordView view;
    parse_written(s, r, view);
    cper::SectionView sv;
    REQUIRE(view.section(index, sv) == Status::ok);
    return sv;
  }
  // Parses the record capture wrote, straight from simulated memory.
  void parse_written(const SliceEntry& s, const CaptureResult& r, cper::RecordView& view) {
    auto bytes = hal.bytes(s.base + r.record_offset, r.record_bytes);
    cper::Diagnostic d;
    REQUIRE(view.parse(bytes, &d) == Status::ok);
  }
};

const ErrorType kAllTypes[] = {ErrorType::page_fault,       ErrorType::invalid_opcode, ErrorType::machine_check,
                               ErrorType::memory_uncorrectable, ErrorType::thermal_shutdown,
                               ErrorType::disk_timeout,      ErrorType::disk_media_error, ErrorType::nic_fatal,
                               ErrorType::watchdog_hang};

}  // namespace

TEST_CASE("catalog entries are in priority order and cover every error type", "[capture][catalog]") {
  for (ErrorType t : kAllTypes) {
    const CatalogEntry& e = catalog_entry(t);
    INFO(to_string(t));
    CHECK(e.type == t);
    REQUIRE(e.section_count >= 2);
    REQUIRE(e.section_count <= kMaxPlanSections);
    for (uint8_t i = 1; i < e.section_count; ++i) CHECK(e.sections[i - 1].priority < e.sections[i].priority);
  }
  // The examples of docs/design.md "Selective capture", in their order.
  const CatalogEntry& mem = catalog_entry(ErrorType::memory_uncorrectable);
  CHECK(mem.sections[0].source == cper::CaptureSource::memory_error);
  CHECK(mem.sections[1].source == cper::CaptureSource::memory_rows);
  CHECK(mem.sections[2].source == cper::CaptureSource::error_history);
  const CatalogEntry& thermal = catalog_entry(ErrorType::thermal_shutdown);
  // A thermal trip names the processor in a UEFI section first.
  CHECK(thermal.sections[0].source == cper::CaptureSource::processor_error);
  CHECK(thermal.sections[1].source == cper::CaptureSource::sensor_history);
  CHECK(thermal.sections[2].source == cper::CaptureSource::core_power);
}

TEST_CASE("needed_bytes follows the size formulas", "[capture][catalog]") {
  BoardFacts f;
  f.cpu_cores = 8;
  f.sensor_history_entries = 10;
  // thermal_shutdown: header + manifest(4 entries) + processor generic +
  // history(10) + core power(16 readings) + kernel log (1 MiB default), 5
  // descriptors.
  CHECK(needed_bytes(ErrorType::thermal_shutdown, f) ==
        128 + 5 * 72 + (64 + 4 * 16) + 192 + (16 + 24 * 10) + (16 + 24 * 16) + (24 + 1048576));
  // memory_uncorrectable: memory error, 3 rows of 8 KiB, error log, 4 page
  // tables, history, log.
  CHECK(needed_bytes(ErrorType::memory_uncorrectable, f) ==
        128 + 7 * 72 + (64 + 6 * 16) + 80 + (24 + 3 * 8192) + (8 + 4096) + 4 * (24 + 4096) + (16 + 24 * 10) +
            (24 + 1048576));
  // page_fault: the processor sections (IA32/X64: header, one error info,
  // the x64 register state), every core's registers with 20 MCA banks
  // (0x130 + 19 * 32 bytes each), the code page, the walk, every core's
  // 16 KiB stack, the log.
  CHECK(needed_bytes(ErrorType::page_fault, f) == 128 + 8 * 72 + (64 + 7 * 16) + 192 + (64 + 64 + 16 + 244) +
                                                      8 * (8 + 0x130 + 19 * 32) +
                                                      (24 + 4096) + 4 * (24 + 4096) + 8 * (24 + 16384) +
                                                      (24 + 1048576));
  // disk_timeout: 8 NVMe queue pairs of 1024 entries (64 B SQE + 16 B CQE).
  CHECK(section_body_bytes(SectionPlan{cper::CaptureSource::device_queues}, f, ComponentClass::disk) ==
        8 * (24 + 1024 * 64) + 8 * (24 + 1024 * 16));
  // nic_fatal: 16 rings of 1024 16-byte descriptors.
  CHECK(section_body_bytes(SectionPlan{cper::CaptureSource::device_queues}, f, ComponentClass::network) ==
        16 * (24 + 1024 * 16));
  BoardFacts more_cores = f;
  more_cores.cpu_cores = 16;
  CHECK(needed_bytes(ErrorType::thermal_shutdown, more_cores) - needed_bytes(ErrorType::thermal_shutdown, f) ==
        8 * 2 * 24);
  CHECK(needed_bytes(ErrorType::watchdog_hang, more_cores) - needed_bytes(ErrorType::watchdog_hang, f) ==
        8 * ((8 + 0x130 + 19 * 32) + (24 + 16384) + 2 * 24));
  BoardFacts big_log = f;
  big_log.log_buf_len = 16ull << 20;
  for (ErrorType t : kAllTypes)
    CHECK(needed_bytes(t, big_log) - needed_bytes(t, f) == (16ull << 20) - (1ull << 20));
}

TEST_CASE("capture with a big slice is complete for every error type", "[capture]") {
  for (ErrorType type : kAllTypes) {
    Fixture fx;
    const ErrorEvent event = event_for(type);
    const SliceEntry s = fx.slice(256 * 1024, 4096);
    CaptureResult r;
    INFO(to_string(type));
    REQUIRE(capture_error(fx.hal, event, /*record_id=*/1, s, fx.readings, fx.scratch, r, fx.facts()) == Status::ok);
    CHECK_FALSE(r.truncated);
    CHECK(r.captured_bytes == r.needed_bytes);
    CHECK(r.needed_bytes == needed_bytes(type, fx.facts()));
    CHECK(r.record_offset == 4096);
    CHECK(r.record_bytes == r.captured_bytes);
    CHECK(r.sections_written == 1 + catalog_entry(type).section_count);

    cper::RecordView view;
    fx.parse_written(s, r, view);
    CHECK(view.header().severity == cper::Severity::fatal);
    CHECK(view.header().flags == 0);  // no reserved record flag bits
    CHECK_FALSE(cper::record_overflowed(view));
    CHECK(view.header().creator_id == cper::guids::kCrashtwinCreator);
    cper::SectionView manifest_section;
    REQUIRE(view.section(0, manifest_section) == Status::ok);
    CHECK(manifest_section.descriptor.section_type == cper::guids::kCaptureManifest);
    cper::CaptureManifest m;
    REQUIRE(cper::decode_capture_manifest(manifest_section.body, m) == Status::ok);
    CHECK(m.component == event.component);
    CHECK(m.error_type == type);
    CHECK(m.needed_bytes == r.needed_bytes);
    CHECK(m.captured_bytes == r.captured_bytes);
    CHECK_FALSE(m.truncated);
    for (uint16_t i = 0; i < m.entry_count; ++i) {
      CHECK(m.entries[i].outcome == CaptureOutcome::complete);
      CHECK(m.entries[i].captured_bytes == m.entries[i].needed_bytes);
      cper::SectionView sv;
      REQUIRE(view.section(static_cast<uint16_t>(i + 1), sv) == Status::ok);
      CHECK(sv.body.size() == m.entries[i].captured_bytes);
    }
  }
}

TEST_CASE("captured sections carry the board's data", "[capture]") {
  Fixture fx;
  SECTION("invalid_opcode: every core's registers, the code page holding RIP, every core's stack") {
    // Sections: manifest, processor, registers, code page, stacks, page tables, log.
    cper::MemorySnapshot code;
    REQUIRE(cper::decode_memory_snapshot(fx.captured_section(ErrorType::invalid_opcode, 4).body, code) == Status::ok);
    CHECK(code.purpose == cper::SnapshotPurpose::code_page);
    CHECK(code.address == ((kRip + 1) & ~uint64_t{4095}));
    CHECK(std::equal(code.data.begin(), code.data.end(), fx.hal.bytes(code.address, 4096).begin()));
    // One THREAD_SIZE-aligned stack per core, in core order.
    const cper::SectionView stacks = fx.captured_section(ErrorType::invalid_opcode, 5);
    REQUIRE(stacks.body.size() == kCores * (24 + kStackBytes));
    for (uint32_t core = 0; core < kCores; ++core) {
      cper::MemorySnapshot stack;
      REQUIRE(cper::decode_memory_snapshot(stacks.body.subspan(core * (24 + kStackBytes), 24 + kStackBytes), stack) ==
              Status::ok);
      CHECK(stack.purpose == cper::SnapshotPurpose::stack);
      CHECK(stack.address == kStackTop - kStackBytes + uint64_t{kStackBytes} * core);
      CHECK(std::equal(stack.data.begin(), stack.data.end(), fx.hal.bytes(stack.address, kStackBytes).begin()));
    }
    const cper::SectionView regs_section = fx.captured_section(ErrorType::invalid_opcode, 3);
    REQUIRE(regs_section.body.size() == kCores * (8 + kRegisterFileBytes));
    for (uint16_t core = 0; core < kCores; ++core) {
      cper::DeviceBlock regs;
      REQUIRE(cper::decode_device_block(regs_section.body.subspan(core * (8 + kRegisterFileBytes)), regs) ==
              Status::ok);
      CHECK(regs.component == ComponentId{ComponentClass::cpu, core});
      CoreRegisterFile decoded;
      REQUIRE(decode_register_file(regs.payload.first(kRegisterFileBytes), decoded));
      CHECK(decoded == registers_for(core));
    }
  }
  SECTION("page_fault: the page-table walk of the address, and the kernel log ring") {
    const cper::SectionView walk = fx.captured_section(ErrorType::page_fault, 5);
    REQUIRE(walk.body.size() == 4 * (24 + 4096));
    uint64_t table = registers_for(1).cr3;
    for (uint32_t level = 0; level < 4; ++level) {
      cper::MemorySnapshot page;
      REQUIRE(cper::decode_memory_snapshot(walk.body.subspan(level * (24 + 4096), 24 + 4096), page) == Status::ok);
      CHECK(page.purpose == cper::SnapshotPurpose::page_table);
      CHECK(page.address == table);
      table += 4096;  // write_page_walk's tables follow each other
    }
    cper::MemorySnapshot log;
    REQUIRE(cper::decode_memory_snapshot(fx.captured_section(ErrorType::page_fault, 7).body, log) == Status::ok);
    CHECK(log.purpose == cper::SnapshotPurpose::kernel_log);
    CHECK(log.address == kLogBase);
    CHECK(std::equal(log.data.begin(), log.data.end(), fx.hal.bytes(kLogBase, kLogBytes).begin()));
  }
  SECTION("disk_timeout: each NVMe queue pair's submission and completion queue") {
    const cper::SectionView queues = fx.captured_section(ErrorType::disk_timeout, 4);
    const uint64_t sq = 64 * 64, cq = 64 * 16;
    REQUIRE(queues.body.size() == 2 * (24 + sq) + 2 * (24 + cq));
    // Order: SQ 0, CQ 0, SQ 1, CQ 1; a pair's CQ follows its SQ in memory.
    cper::MemorySnapshot cq1;
    REQUIRE(cper::decode_memory_snapshot(queues.body.subspan(2 * (24 + sq) + (24 + cq), 24 + cq), cq1) == Status::ok);
    CHECK(cq1.purpose == cper::SnapshotPurpose::completion_queue);
    CHECK(cq1.address == kQueueBase + (sq + cq) + sq);
  }
  SECTION("memory_uncorrectable: rows around the address and the DIMM's error log") {
    cper::MemorySnapshot rows;
    REQUIRE(cper::decode_memory_snapshot(fx.captured_section(ErrorType::memory_uncorrectable, 2).body, rows) ==
            Status::ok);
    CHECK(rows.address <= kBadAddress);
    CHECK(rows.address + rows.data.size() > kBadAddress);
    CHECK(rows.data.size() == 3 * BoardFacts{}.memory_row_bytes);
    cper::DeviceBlock log;
    REQUIRE(cper::decode_device_block(fx.captured_section(ErrorType::memory_uncorrectable, 3).body, log) ==
            Status::ok);
    CHECK(log.payload.size() == kErrorLogBytes);
    CHECK(log.component == event_for(ErrorType::memory_uncorrectable).component);
  }
  SECTION("thermal_shutdown: live power and temperature of every core") {
    cper::SensorHistoryView power;
    REQUIRE(cper::decode_sensor_history(fx.captured_section(ErrorType::thermal_shutdown, 3).body, power) ==
            Status::ok);
    CHECK(power.purpose == cper::HistoryPurpose::core_power);
    REQUIRE(power.count == 2 * kCores);
    SensorReading reading;
    REQUIRE(cper::sensor_history_entry(power, 2, reading) == Status::ok);
    CHECK(reading.component == ComponentId{ComponentClass::cpu, 1});
    CHECK(reading.metric == Metric::cpu_power);
    CHECK(reading.value == 15001);
  }
  SECTION("disk_timeout: PCIe section of an NVMe endpoint with completion timeout") {
    cper::PcieErrorSection pcie;
    REQUIRE(cper::decode_pcie_error(fx.captured_section(ErrorType::disk_timeout, 1).body, pcie) == Status::ok);
    CHECK(pcie.class_code[2] == 0x01);  // mass storage
    CHECK(pcie.aer_info[5] == 0x40);    // uncorrectable status bit 14
  }
}

TEST_CASE("small slices truncate in priority order and never overflow", "[capture][property]") {
  for (ErrorType type : kAllTypes) {
    Fixture probe;
    CaptureResult full;
    REQUIRE(capture_error(probe.hal, event_for(type), /*record_id=*/1, probe.slice(256 * 1024), probe.readings, probe.scratch, full, probe.facts()) ==
            Status::ok);
    const uint64_t needed = full.needed_bytes;
    // Free space from "not even the manifest" to just under a full capture.
    Fixture& fx = probe;  // capture leaves the slice entry alone: reuse the board
    for (uint64_t free_bytes = 200; free_bytes < needed; free_bytes += 1 + free_bytes / 7) {
      const SliceEntry s = fx.slice(64 * 1024 * 4, 64 * 1024 * 4 - free_bytes);
      CaptureResult r;
      INFO(to_string(type) << " free " << free_bytes << " needed " << needed);
      const uint64_t writes_before = fx.hal.write_calls();
      const Status status = capture_error(fx.hal, event_for(type), /*record_id=*/1, s, fx.readings, fx.scratch, r, fx.facts());
      if (status == Status::no_memory) {
        CHECK(free_bytes < 128 + 72 + cper::manifest_bytes(catalog_entry(type).section_count));
        CHECK(fx.hal.write_calls() == writes_before);
        continue;
      }
      REQUIRE(status == Status::truncated);
      CHECK(r.truncated);
      CHECK(r.captured_bytes <= free_bytes);
      CHECK(r.captured_bytes < r.needed_bytes);
      CHECK(r.needed_bytes == needed);  // needed does not depend on the slice

      cper::RecordView view;
      fx.parse_written(s, r, view);
      // Truncation is told by the manifest descriptor's Overflow flag (UEFI
      // N.2.2), not by a reserved record header bit.
      CHECK(view.header().flags == 0);
      CHECK(cper::record_overflowed(view));
      cper::SectionView ms;
      REQUIRE(view.section(0, ms) == Status::ok);
      CHECK((ms.descriptor.flags & cper::kSectionFlagOverflow) != 0);
      cper::CaptureManifest m;
      REQUIRE(cper::decode_capture_manifest(ms.body, m) == Status::ok);
      CHECK(m.truncated);
      CHECK(m.needed_bytes == needed);
      // Outcomes: complete..., at most one partial, then no_space only.
      bool cut = false;
      uint16_t written = 0;
      for (uint16_t i = 0; i < m.entry_count; ++i) {
        const CaptureOutcome o = m.entries[i].outcome;
        if (cut) {
          CHECK(o == CaptureOutcome::no_space);
          CHECK(m.entries[i].captured_bytes == 0);
        } else if (o != CaptureOutcome::complete) {
          CHECK((o == CaptureOutcome::partial || o == CaptureOutcome::no_space));
          cut = true;
        }
        if (o == CaptureOutcome::complete || o == CaptureOutcome::partial) {
          ++written;
          cper::SectionView sv;
          REQUIRE(view.section(written, sv) == Status::ok);
          CHECK(sv.body.size() == m.entries[i].captured_bytes);
          CHECK(((sv.descriptor.flags & cper::kSectionFlagOverflow) != 0) == (o == CaptureOutcome::partial));
        }
        CHECK(m.entries[i].needed_bytes == full.manifest.entries[i].needed_bytes);
      }
      CHECK(cut);
      CHECK(view.section_count() == written + 1);
    }
  }
}

TEST_CASE("a partial memory snapshot keeps the bytes around the faulting address", "[capture]") {
  Fixture fx;
  const ErrorEvent e = event_for(ErrorType::memory_uncorrectable);
  // Room for the manifest, memory error section and ~5 KiB of rows.
  const uint64_t free_bytes = 128 + 3 * 72 + 128 + 80 + 24 + 5000;
  const SliceEntry s = fx.slice(1 << 20, (1 << 20) - free_bytes);
  CaptureResult r;
  REQUIRE(capture_error(fx.hal, e, /*record_id=*/1, s, fx.readings, fx.scratch, r, fx.facts()) == Status::truncated);
  cper::RecordView view;
  fx.parse_written(s, r, view);
  cper::SectionView sv;
  REQUIRE(view.section(2, sv) == Status::ok);
  cper::MemorySnapshot rows;
  REQUIRE(cper::decode_memory_snapshot(sv.body, rows) == Status::ok);
  CHECK(rows.data.size() < rows.requested_bytes);
  CHECK(rows.address <= kBadAddress);
  CHECK(rows.address + rows.data.size() > kBadAddress);
  CHECK(std::equal(rows.data.begin(), rows.data.end(), fx.hal.bytes(rows.address, rows.data.size()).begin()));
}

TEST_CASE("unreadable data is reported, not invented", "[capture]") {
  Fixture fx;
  const SliceEntry s = fx.slice(256 * 1024);
  SECTION("one core's stack unreadable: the others and the sections after it are kept") {
    fx.hal.fail_reads_in(kStackTop + kStackBytes - 0x200 * 2, 1);  // core 1's stack
    CaptureResult r;
    REQUIRE(capture_error(fx.hal, event_for(ErrorType::page_fault), /*record_id=*/1, s, fx.readings, fx.scratch, r, fx.facts()) ==
            Status::ok);
    CHECK(r.captured_bytes == r.needed_bytes - (24 + kStackBytes));
    CHECK_FALSE(r.truncated);
    CHECK(r.manifest.entries[5].source == cper::CaptureSource::kernel_stacks);
    CHECK(r.manifest.entries[5].outcome == CaptureOutcome::read_failed);
    CHECK(r.manifest.entries[5].captured_bytes == (kCores - 1) * (24 + kStackBytes));
    CHECK(r.manifest.entries[6].outcome == CaptureOutcome::complete);  // a read failure does not stop capture
  }
  SECTION("a page walk that ends early keeps the tables it read") {
    auto mem = fx.hal.memory();
    const uint64_t pd = registers_for(1).cr3 + 2 * 4096;
    const uint64_t index = (kBadAddress >> 21) & 511;
    for (size_t b = 0; b < 8; ++b) mem[pd + index * 8 + b] = std::byte{0};  // PD entry not present
    CaptureResult r;
    REQUIRE(capture_error(fx.hal, event_for(ErrorType::page_fault), /*record_id=*/1, s, fx.readings, fx.scratch, r, fx.facts()) ==
            Status::ok);
    CHECK(r.manifest.entries[4].source == cper::CaptureSource::page_tables);
    CHECK(r.manifest.entries[4].outcome == CaptureOutcome::read_failed);
    CHECK(r.manifest.entries[4].captured_bytes == 3 * (24 + 4096));
    CHECK(r.manifest.entries[5].outcome == CaptureOutcome::complete);
  }
  SECTION("no register file: the processor section is still written, without IP") {
    MemoryHal bare(kDramBytes, kDramBase);
    bare.set_component_count(ComponentClass::cpu, 2);
    CaptureResult r;
    REQUIRE(capture_error(bare, event_for(ErrorType::watchdog_hang), /*record_id=*/1, s, fx.readings, fx.scratch, r, fx.facts()) == Status::ok);
    CHECK(r.manifest.entries[0].outcome == CaptureOutcome::complete);
    CHECK(r.manifest.entries[1].outcome == CaptureOutcome::read_failed);  // IA32/X64 needs the registers
    CHECK(r.manifest.entries[2].outcome == CaptureOutcome::read_failed);
    CHECK(r.manifest.entries[3].outcome == CaptureOutcome::read_failed);
  }
}

TEST_CASE("capture rejects bad arguments and reports write failures", "[capture]") {
  Fixture fx;
  CaptureResult r;
  ErrorEvent wrong_class = event_for(ErrorType::disk_timeout);
  wrong_class.component.cls = ComponentClass::cpu;
  CHECK(capture_error(fx.hal, wrong_class, /*record_id=*/1, fx.slice(65536), fx.readings, fx.scratch, r, fx.facts()) == Status::invalid_argument);
  CHECK(capture_error(fx.hal, event_for(ErrorType::nic_fatal), /*record_id=*/1, fx.slice(4096, 8192), fx.readings, fx.scratch, r, fx.facts()) ==
        Status::invalid_argument);
  fx.hal.fail_after_writes(0);
  CHECK(capture_error(fx.hal, event_for(ErrorType::nic_fatal), /*record_id=*/1, fx.slice(65536), fx.readings, fx.scratch, r, fx.facts()) ==
        Status::io_error);
}

TEST_CASE("a small scratch buffer lowers the budget instead of overflowing", "[capture]") {
  Fixture fx;
  std::vector<std::byte> small(2000);
  CaptureResult r;
  const Status s = capture_error(fx.hal, event_for(ErrorType::disk_media_error), /*record_id=*/1, fx.slice(256 * 1024), fx.readings,
                                 small, r, fx.facts());
  CHECK(s == Status::truncated);
  CHECK(r.record_bytes <= small.size());
}

TEST_CASE("a register file that is not one leaves the stack and code page unread", "[capture]") {
  // A core answering with bytes that do not decode (wrong magic) must not
  // send capture reading memory at whatever those bytes say.
  Fixture fx;
  std::vector<std::byte> foreign(kRegisterFileBytes, std::byte{0x5A});
  fx.hal.set_state(ComponentId{ComponentClass::cpu, 1}, StateKind::register_file, foreign);
  CaptureResult r;
  const SliceEntry s = fx.slice(256 * 1024);
  // Not truncation (the slice had room): the manifest says what was lost.
  REQUIRE(capture_error(fx.hal, event_for(ErrorType::invalid_opcode), /*record_id=*/1, s, fx.readings, fx.scratch, r, fx.facts()) == Status::ok);
  CHECK(r.captured_bytes < r.needed_bytes);
  // Sections after the manifest: processor, IA32/X64, registers, code page,
  // stacks.
  CHECK(r.manifest.entries[1].outcome == CaptureOutcome::read_failed);  // no registers to put in it
  CHECK(r.manifest.entries[2].outcome == CaptureOutcome::complete);  // raw bytes kept as evidence
  CHECK(r.manifest.entries[3].outcome == CaptureOutcome::read_failed);
  CHECK(r.manifest.entries[4].outcome == CaptureOutcome::read_failed);  // core 1's stack left out
  CHECK(r.manifest.entries[4].captured_bytes == (kCores - 1) * (24 + kStackBytes));
}

TEST_CASE("the register file format round-trips and refuses foreign blocks", "[capture]") {
  CoreRegisterFile r = registers_for(3);
  r.cr3 = 0x1003000;
  r.mc_status = kMciStatusVal | kMciStatusUc;
  r.tsc = 123456789;
  r.cs = 0x10;
  r.ss = 0x18;
  r.tr = 0x40;
  r.gs_base = 0x81600000;
  r.gdtr_base = 0x81400000;
  r.gdtr_limit = 127;
  r.idtr_limit = 4095;
  r.cpuid1 = {0x000606A6, 0x03040800, 0x7FFEFBFF, 0xBFEBFBFF};
  std::vector<std::byte> bytes(kRegisterFileBytes);
  REQUIRE(encode_register_file(r, bytes) == kRegisterFileBytes);
  CoreRegisterFile back;
  REQUIRE(decode_register_file(bytes, back));
  CHECK(back == r);
  // Field offsets are the documented ones (what the CPU model serves).
  auto at = [&](size_t offset) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(bytes[offset + i]) << (8 * i);
    return v;
  };
  CHECK(at(0x008) == r.rip);
  CHECK(at(0x038 + 8 * Gpr::rsp) == r.rsp());
  CHECK(at(0x028) == r.cr3);
  CHECK(at(0x0D8) == r.tsc);
  // Version 2: selectors (u16) from 0xE0, bases, descriptor tables, CPUID.
  CHECK((at(0x0E0) & 0xFFFF) == 0x10);          // cs
  CHECK(((at(0x0E0) >> 16) & 0xFFFF) == 0x18);  // ss
  CHECK(((at(0x0E8) >> 48) & 0xFFFF) == 0x40);  // tr
  CHECK(at(0x0F8) == r.gs_base);
  CHECK(at(0x108) == r.gdtr_base);
  CHECK((at(0x118) & 0xFFFFFFFF) == (127u | (4095u << 16)));  // gdtr and idtr limits
  CHECK(at(0x120) == (0x000606A6ull | (0x03040800ull << 32)));
  CHECK(at(0x128) == (0x7FFEFBFFull | (0xBFEBFBFFull << 32)));
  // A version-1 block (the layout before the selectors) is refused.
  std::vector<std::byte> v1 = bytes;
  v1[4] = std::byte{1};
  CHECK_FALSE(decode_register_file(v1, back));
  CHECK_FALSE(decode_register_file(std::span<const std::byte>(bytes).first(kRegisterFileBytes - 1), back));
  bytes[0] ^= std::byte{1};
  CHECK_FALSE(decode_register_file(bytes, back));
  std::vector<std::byte> small(kRegisterFileBytes - 1);
  CHECK(encode_register_file(r, small) == 0);
  // Banks 1..N-1 follow the fixed part: CTL all ones, the rest clear.
  std::vector<std::byte> banked(register_file_bytes(20));
  REQUIRE(banked.size() == 0x130 + 19 * 32);
  REQUIRE(encode_register_file(r, banked, 20) == banked.size());
  bytes = banked;
  CHECK(at(0x130) == ~uint64_t{0});
  CHECK(at(0x138) == 0);
  CHECK(at(banked.size() - 32) == ~uint64_t{0});
  REQUIRE(decode_register_file(banked, back));
  CHECK(back == r);
}

TEST_CASE("MCA banks above 0 carry their registers and read back one by one", "[capture]") {
  CoreRegisterFile r = registers_for(1);
  r.mc_status = kMciStatusVal | kMciStatusEn | (uint64_t{3} << kMciStatusCeCountShift) | 0x0150;
  std::vector<McaBankRegisters> upper(19);
  // Bank 9 (upper[8]): 7 corrected errors, then an uncorrected one.
  upper[8].status = kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc |
                    (uint64_t{7} << kMciStatusCeCountShift) | 0x011A;
  upper[8].addr = 0x1234'5000;
  std::vector<std::byte> block(register_file_bytes(20));
  REQUIRE(encode_register_file(r, block, 20, upper) == block.size());
  CHECK(mca_banks_in(block) == 20);
  McaBankRegisters bank;
  REQUIRE(read_mca_bank(block, 0, bank));
  CHECK(bank.status == r.mc_status);
  CHECK(mci_status_ce_count(bank.status) == 3);
  REQUIRE(read_mca_bank(block, 9, bank));
  CHECK(bank == upper[8]);
  CHECK(mci_status_ce_count(bank.status) == 7);
  REQUIRE(read_mca_bank(block, 19, bank));
  CHECK(bank == McaBankRegisters{});  // reset values: CTL all ones
  CHECK_FALSE(read_mca_bank(block, 20, bank));
  // Fewer banks given than the core has: the rest at their reset values.
  REQUIRE(encode_register_file(r, block, 20, std::span(upper).first(3)) == block.size());
  REQUIRE(read_mca_bank(block, 9, bank));
  CHECK(bank == McaBankRegisters{});
  // A foreign block holds no banks.
  block[0] ^= std::byte{1};
  CHECK(mca_banks_in(block) == 0);
  CHECK_FALSE(read_mca_bank(block, 0, bank));
}
