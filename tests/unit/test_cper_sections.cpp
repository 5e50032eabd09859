// The standard sections capture writes, field by field against the board's
// ground truth: the MCA status and page-fault error code of the event, the
// failing core's registers, the DIMM geometry the memory controller logged,
// and the PCIe/NVMe status of the failed device.
#include <catch2/catch.hpp>

#include <vector>

#include "platform/capture/capture.h"
#include "platform/capture/memory_error_log.h"
#include "platform/cper/byte_order.h"
#include "platform/cper/mca_error_code.h"
#include "platform/cper/memory_error.h"
#include "platform/cper/pcie_error.h"
#include "platform/cper/processor_generic.h"
#include "platform/cper/processor_ia32x64.h"
#include "platform/cper/record.h"
#include "tests/support/memory_hal.h"
#include "tests/unit/test_capture_board.h"

using namespace crashtwin;
using namespace crashtwin::test_board;
using namespace crashtwin::cper;

namespace {

struct Board {
  MemoryHal hal{kDramBytes, kDramBase};
  std::vector<SensorReading> readings = history(8);
  std::vector<std::byte> scratch = std::vector<std::byte>(capture_scratch_bytes(kRegionBytes));
  std::vector<std::byte> record;
  RecordView view;
  Board() { populate(hal); }

  // Captures `e` into a big slice and parses the record.
  void capture(const ErrorEvent& e, BoardFacts f = test_board::facts(8)) {
    SliceEntry s;
    s.base = kRegionBase + kHeaderAreaBytes;
    s.size = 256 * 1024;
    CaptureResult r;
    REQUIRE(capture_error(hal, e, /*record_id=*/1, s, readings, scratch, r, f) == Status::ok);
    const auto bytes = hal.bytes(s.base + r.record_offset, r.record_bytes);
    record.assign(bytes.begin(), bytes.end());
    REQUIRE(view.parse(record) == Status::ok);
  }
  SectionView section(const Guid& type) {
    SectionView sv;
    REQUIRE(view.find_section(type, sv) == Status::ok);
    return sv;
  }
  ProcessorGenericSection generic() {
    ProcessorGenericSection p;
    REQUIRE(decode_processor_generic(section(guids::kProcessorGeneric).body, p) == Status::ok);
    return p;
  }
  Ia32X64ErrorInfo ia_info() {
    Ia32X64ErrorInfo info;
    REQUIRE(decode_ia32x64_error_info(section(guids::kProcessorIa32X64).body, 0, info) == Status::ok);
    return info;
  }
  PcieErrorSection pcie() {
    PcieErrorSection p;
    REQUIRE(decode_pcie_error(section(guids::kPcieError).body, p) == Status::ok);
    return p;
  }
};

uint32_t aer_register(const PcieErrorSection& p, size_t offset) {
  return le::load_u32(std::as_bytes(std::span(p.aer_info)), offset);
}

// Check-information fields (UEFI N.2.4.2.1.1).
uint64_t bits(uint64_t v, unsigned lo, unsigned width) { return (v >> lo) & ((uint64_t{1} << width) - 1); }

// A fatal #MC as the CPU model raises it: bank 0 holds VAL|UC|EN|PCC|ADDRV
// and the MCA error code; MCG_STATUS has MCIP and EIPV.
constexpr uint64_t kMcStatus = kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc | kMciStatusAddrv | 0x0134;

void set_machine_check_registers(MemoryHal& hal, uint16_t core, uint64_t address) {
  CoreRegisterFile r = registers_for(core);
  r.mcg_status = kMcgStatusMcip | kMcgStatusEipv;
  r.mc_status = kMcStatus;
  r.mc_addr = address;
  r.mc_misc = 0x86;
  std::vector<std::byte> bytes(kRegisterFileBytes);
  REQUIRE(encode_register_file(r, bytes) == kRegisterFileBytes);
  hal.set_state(ComponentId{ComponentClass::cpu, core}, StateKind::register_file, bytes);
}

}  // namespace

TEST_CASE("MCA error codes decode per the SDM's simple and compound encodings", "[cper][mca]") {
  // 0x0134: cache hierarchy 0001 RRRR TTLL = DRD, data, L0.
  McaErrorCode c = decode_mca_error_code(0x0134);
  CHECK(c.cls == McaCodeClass::cache);
  CHECK(c.operation == 3);
  CHECK(c.transaction_type == 1);
  CHECK(c.level == 0);
  GenericProcessorView g = generic_view(c);
  CHECK(g.error_type == kProcErrorCache);
  CHECK(g.operation == kProcOpDataRead);
  CHECK(g.level == 0);
  // The corrected-error filtering bit (12) does not change the meaning.
  CHECK(decode_mca_error_code(0x1134).cls == McaCodeClass::cache);
  // Instruction fetch on L2.
  g = generic_view(decode_mca_error_code(0x0152));
  CHECK(g.operation == kProcOpInstructionExecution);
  CHECK(g.level == 2);
  // A data write, generic level: the level is not known.
  g = generic_view(decode_mca_error_code(0x0147));
  CHECK(g.operation == kProcOpDataWrite);
  CHECK(g.level == kMcaNone);
  // TLB 0000 0001 TTLL: data, L1.
  c = decode_mca_error_code(0x0015);
  CHECK(c.cls == McaCodeClass::tlb);
  CHECK(c.transaction_type == 1);
  CHECK(c.level == 1);
  CHECK(generic_view(c).error_type == kProcErrorTlb);
  // Memory controller 0000 1MMM CCCC: read, channel unspecified.
  c = decode_mca_error_code(0x009F);
  CHECK(c.cls == McaCodeClass::memory_controller);
  CHECK(c.operation == 1);
  CHECK(generic_view(c).error_type == kProcErrorBus);
  CHECK(generic_view(c).operation == kProcOpDataRead);
  // Bus 1PPT RRRR IILL: originated, timeout, snoop, I/O, L1.
  c = decode_mca_error_code(0x0989);
  CHECK(c.cls == McaCodeClass::bus);
  CHECK(c.participation == 0);
  CHECK(c.timeout);
  CHECK(c.operation == 8);
  CHECK(c.address_space == 2);
  CHECK(c.level == 1);
  // Generic cache hierarchy 0000 0000 11LL.
  CHECK(decode_mca_error_code(0x000E).cls == McaCodeClass::generic_cache);
  CHECK(decode_mca_error_code(0x000E).level == 2);
  // Simple codes: MS check error types.
  CHECK(decode_mca_error_code(0x0001).ms_error_type == 1);
  CHECK(decode_mca_error_code(0x0002).ms_error_type == 2);
  CHECK(decode_mca_error_code(0x0003).ms_error_type == 3);
  CHECK(decode_mca_error_code(0x0004).ms_error_type == 4);
  CHECK(decode_mca_error_code(0x0402).ms_error_type == 5);  // internal unclassified
  CHECK(decode_mca_error_code(0x0E0B).cls == McaCodeClass::simple);  // I/O error, not a bus code
  CHECK(decode_mca_error_code(0x0000).cls == McaCodeClass::no_error);
  CHECK(decode_mca_error_code(0x2000).cls == McaCodeClass::unknown);
  CHECK(generic_view(decode_mca_error_code(0x2000)).error_type == kMcaNone);
}

TEST_CASE("IA32/X64 section golden bytes (UEFI N.2.4.2)", "[cper][golden]") {
  std::vector<std::byte> out(64 + 64 + 16 + 244 + 16 + 8);
  Ia32X64Header h;
  h.validation_bits = kIaValidLocalApicId;
  h.local_apic_id = 3;
  h.error_info_count = 1;
  h.context_count = 2;
  REQUIRE(encode_ia32x64_header(h, out) == Status::ok);
  CHECK(le::load_u64(out, 0) == (0x1 | (1 << 2) | (2 << 8)));
  CHECK(le::load_u64(out, 8) == 3);
  Ia32X64ErrorInfo info;
  info.type = guids::kIaCacheCheck;
  info.validation_bits = kIaInfoValidCheck | kIaInfoValidIp;
  CheckFields f;
  f.has_transaction_type = f.has_operation = f.has_level = f.has_pcc = f.has_uncorrected = true;
  f.transaction_type = 1;
  f.operation = 3;
  f.level = 2;
  f.pcc = f.uncorrected = true;
  info.check_info = pack_check_info(guids::kIaCacheCheck, f);
  // Valid bits 0..4; TT at 16, operation at 18, level at 22, PCC 25, UC 26.
  CHECK(info.check_info == (0x1Full | (1ull << 16) | (3ull << 18) | (2ull << 22) | (1ull << 25) | (1ull << 26)));
  info.instruction_ip = 0xFFFFFFFF81000000ull;
  REQUIRE(encode_ia32x64_error_info(info, std::span(out).subspan(64)) == Status::ok);
  // The cache check GUID A55701F5-E3EF-43DE-AC72-249B573FAD2C, Data1 little-endian.
  CHECK(static_cast<uint8_t>(out[64]) == 0xF5);
  CHECK(static_cast<uint8_t>(out[67]) == 0xA5);
  CHECK(static_cast<uint8_t>(out[72]) == 0xAC);
  CHECK(le::load_u64(out, 64 + 16) == 0x11);
  CHECK(le::load_u64(out, 64 + 56) == 0xFFFFFFFF81000000ull);
  X64RegisterState regs;
  regs.rax = 0xA;
  regs.rsp = 0x5;
  regs.r[7] = 0xF15;
  regs.rflags = 0x202;
  regs.rip = 0x1234;
  regs.cr3 = 0x1000;
  regs.cr8 = 0x8;
  regs.tr = 0x40;
  REQUIRE(encode_ia32x64_x64_context(regs, std::span(out).subspan(128)) == Status::ok);
  CHECK(le::load_u16(out, 128) == kIaContextX64);
  CHECK(le::load_u16(out, 130) == 244);
  const auto r = std::span<const std::byte>(out).subspan(144);
  CHECK(le::load_u64(r, 0) == 0xA);        // RAX
  CHECK(le::load_u64(r, 56) == 0x5);       // RSP
  CHECK(le::load_u64(r, 120) == 0xF15);    // R15
  CHECK(le::load_u64(r, 144) == 0x202);    // RFLAGS
  CHECK(le::load_u64(r, 152) == 0x1234);   // RIP
  CHECK(le::load_u64(r, 184) == 0x1000);   // CR3
  CHECK(le::load_u64(r, 200) == 0x8);      // CR8
  CHECK(le::load_u16(r, 242) == 0x40);     // TR
  const uint64_t mcg[1] = {0x5};
  REQUIRE(encode_ia32x64_msr_context(kMsrMcgStatus, mcg, std::span(out).subspan(128 + 260)) == Status::ok);
  CHECK(le::load_u16(out, 388) == kIaContextMsr);
  CHECK(le::load_u16(out, 390) == 8);
  CHECK(le::load_u32(out, 392) == 0x17A);
  CHECK(le::load_u64(out, 404) == 0x5);

  Ia32X64Context ctx;
  REQUIRE(decode_ia32x64_context(out, 1, ctx) == Status::ok);
  CHECK(ctx.msr_address == 0x17A);
  REQUIRE(decode_ia32x64_context(out, 0, ctx) == Status::ok);
  X64RegisterState back;
  REQUIRE(decode_x64_register_state(ctx.registers, back) == Status::ok);
  CHECK(back.rip == 0x1234);
  CHECK(back.r[7] == 0xF15);
  CHECK(decode_ia32x64_context(out, 2, ctx) == Status::out_of_range);
  CHECK(decode_ia32x64_context(std::span<const std::byte>(out).first(300), 1, ctx) == Status::corrupt);
}

TEST_CASE("a machine check's processor sections carry the MCA status, bank and registers", "[cper][capture]") {
  Board b;
  set_machine_check_registers(b.hal, 1, kBadAddress);
  ErrorEvent e = event_for(ErrorType::machine_check);
  e.detail = kMcStatus;
  b.capture(e);

  const ProcessorGenericSection p = b.generic();
  CHECK((p.validation_bits & (kProcValidErrorType | kProcValidOperation | kProcValidLevel)) ==
        (kProcValidErrorType | kProcValidOperation | kProcValidLevel));
  CHECK(p.error_type == kProcErrorCache);
  CHECK(p.operation == kProcOpDataRead);
  CHECK(p.level == 0);
  CHECK(p.flags == kProcFlagPreciseIp);  // EIPV set, RIPV clear, uncorrected, no overflow
  CHECK(p.target_address == kBadAddress);
  CHECK(p.instruction_ip == kRip + 1);
  CHECK(p.processor_id == 1);

  const SectionView ia = b.section(guids::kProcessorIa32X64);
  CHECK(ia.body.size() == ia32x64_section_bytes(true));
  Ia32X64Header h;
  REQUIRE(decode_ia32x64_header(ia.body, h) == Status::ok);
  CHECK(h.local_apic_id == 1);
  CHECK(h.error_info_count == 1);
  CHECK(h.context_count == 3);
  const Ia32X64ErrorInfo info = b.ia_info();
  CHECK(info.type == guids::kIaCacheCheck);
  CHECK(info.validation_bits == (kIaInfoValidCheck | kIaInfoValidTarget | kIaInfoValidIp));
  CHECK(info.target_id == kBadAddress);
  CHECK(bits(info.check_info, 0, 16) == 0xFF);  // all of TT, op, level, PCC, UC, precise, restartable, overflow
  CHECK(bits(info.check_info, 16, 2) == 1);      // data access
  CHECK(bits(info.check_info, 18, 4) == 3);      // data read
  CHECK(bits(info.check_info, 22, 3) == 0);      // level 0
  CHECK(bits(info.check_info, 25, 1) == 1);      // PCC
  CHECK(bits(info.check_info, 26, 1) == 1);      // uncorrected
  CHECK(bits(info.check_info, 27, 1) == 1);      // precise IP (EIPV)
  CHECK(bits(info.check_info, 28, 1) == 0);      // not restartable (RIPV clear)
  CHECK(bits(info.check_info, 29, 1) == 0);      // no overflow

  Ia32X64Context ctx;
  REQUIRE(decode_ia32x64_context(ia.body, 0, ctx) == Status::ok);
  CHECK(ctx.type == kIaContextX64);
  X64RegisterState regs;
  REQUIRE(decode_x64_register_state(ctx.registers, regs) == Status::ok);
  const CoreRegisterFile truth = registers_for(1);
  CHECK(regs.rip == truth.rip);
  CHECK(regs.rsp == truth.rsp());
  CHECK(regs.rbx == truth.gpr[Gpr::rbx]);
  CHECK(regs.rsi == truth.gpr[Gpr::rsi]);
  CHECK(regs.r[0] == truth.gpr[Gpr::r8]);
  CHECK(regs.cr2 == truth.cr2);
  CHECK(regs.cr3 == truth.cr3);
  REQUIRE(decode_ia32x64_context(ia.body, 1, ctx) == Status::ok);
  CHECK(ctx.type == kIaContextMsr);
  CHECK(ctx.msr_address == 0x17A);
  CHECK(le::load_u64(ctx.registers, 0) == (kMcgStatusMcip | kMcgStatusEipv));
  REQUIRE(decode_ia32x64_context(ia.body, 2, ctx) == Status::ok);
  CHECK(ctx.msr_address == 0x401);
  REQUIRE(ctx.registers.size() == 24);
  CHECK(le::load_u64(ctx.registers, 0) == kMcStatus);
  CHECK(le::load_u64(ctx.registers, 8) == kBadAddress);
  CHECK(le::load_u64(ctx.registers, 16) == 0x86);
}

TEST_CASE("a machine check with a simple or bus error code gets the matching check structure", "[cper][capture]") {
  Board b;
  SECTION("internal error: an MS check with error type internal unclassified") {
    ErrorEvent e = event_for(ErrorType::machine_check);
    e.detail = kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc | 0x0402;  // no ADDRV
    b.capture(e);
    const Ia32X64ErrorInfo info = b.ia_info();
    CHECK(info.type == guids::kIaMsCheck);
    CHECK((info.validation_bits & kIaInfoValidTarget) == 0);
    CHECK(bits(info.check_info, 0, 1) == 1);
    CHECK(bits(info.check_info, 16, 3) == 5);
    CHECK(bits(info.check_info, 19, 1) == 1);  // PCC
    CHECK(bits(info.check_info, 20, 1) == 1);  // uncorrected
    const ProcessorGenericSection p = b.generic();
    CHECK(p.error_type == kProcErrorMicroArch);
    CHECK((p.validation_bits & (kProcValidOperation | kProcValidLevel | kProcValidTargetAddress)) == 0);
  }
  SECTION("bus error: participation, timeout and address space") {
    ErrorEvent e = event_for(ErrorType::machine_check);
    e.detail = kMciStatusVal | kMciStatusUc | kMciStatusOver | 0x0989;
    b.capture(e);
    const Ia32X64ErrorInfo info = b.ia_info();
    CHECK(info.type == guids::kIaBusCheck);
    CHECK(bits(info.check_info, 8, 3) == 0x7);  // participation, timeout, address space valid
    CHECK(bits(info.check_info, 18, 4) == 8);   // snoop
    CHECK(bits(info.check_info, 29, 1) == 1);   // overflow
    CHECK(bits(info.check_info, 30, 2) == 0);   // originated by the local processor
    CHECK(bits(info.check_info, 32, 1) == 1);   // timeout
    CHECK(bits(info.check_info, 33, 2) == 2);   // I/O
    const ProcessorGenericSection p = b.generic();
    CHECK(p.error_type == kProcErrorBus);
    CHECK((p.flags & kProcFlagOverflow) != 0);
  }
}

TEST_CASE("page faults: the error code's W/R and I/D bits give the operation, cr2 the target", "[cper][capture]") {
  struct Case {
    uint64_t error_code;
    uint8_t operation;
    uint8_t check_operation;
    uint8_t transaction;
  };
  const Case cases[] = {{0x2, kProcOpDataWrite, 4, 1},  // the CPU model's default: a write to a non-present page
                        {0x0, kProcOpDataRead, 3, 1},
                        {0x7, kProcOpDataWrite, 4, 1},  // user-mode write to a present page
                        {0x11, kProcOpInstructionExecution, 5, 0}};
  for (const Case& k : cases) {
    Board b;
    ErrorEvent e = event_for(ErrorType::page_fault);
    e.detail = k.error_code;
    e.address = 0;  // the target comes from the core's cr2 (registers_for: kBadAddress)
    INFO("error code " << k.error_code);
    b.capture(e);
    const ProcessorGenericSection p = b.generic();
    CHECK(p.error_type == kProcErrorTlb);
    CHECK(p.operation == k.operation);
    CHECK((p.validation_bits & kProcValidTargetAddress) != 0);
    CHECK(p.target_address == kBadAddress);
    CHECK(p.instruction_ip == kRip + 1);
    const Ia32X64ErrorInfo info = b.ia_info();
    CHECK(info.type == guids::kIaTlbCheck);
    CHECK(info.target_id == kBadAddress);
    CHECK(bits(info.check_info, 16, 2) == k.transaction);
    CHECK(bits(info.check_info, 18, 4) == k.check_operation);
  }
}

TEST_CASE("invalid opcode and watchdog records have no target address", "[cper][capture]") {
  for (ErrorType type : {ErrorType::invalid_opcode, ErrorType::watchdog_hang}) {
    Board b;
    INFO(to_string(type));
    b.capture(event_for(type));  // the event's address is set: it must not become the target
    const ProcessorGenericSection p = b.generic();
    CHECK((p.validation_bits & kProcValidTargetAddress) == 0);
    CHECK(p.target_address == 0);
    CHECK(p.instruction_ip == kRip + 1);
    const Ia32X64ErrorInfo info = b.ia_info();
    CHECK(info.type == guids::kIaMsCheck);
    CHECK((info.validation_bits & kIaInfoValidTarget) == 0);
    CHECK(info.instruction_ip == kRip + 1);
    CHECK(bits(info.check_info, 21, 1) == 1);  // precise IP
  }
}

TEST_CASE("a thermal shutdown names the processor in a generic processor section", "[cper][capture]") {
  Board b;
  b.capture(event_for(ErrorType::thermal_shutdown));
  SectionView first;
  REQUIRE(b.view.section(1, first) == Status::ok);
  CHECK(first.descriptor.section_type == guids::kProcessorGeneric);
  CHECK((first.descriptor.flags & kSectionFlagPrimary) != 0);
  const ProcessorGenericSection p = b.generic();
  CHECK(p.error_type == kProcErrorMicroArch);
  CHECK(p.processor_id == 1);
  CHECK((p.validation_bits & (kProcValidId | kProcValidType | kProcValidIsa)) ==
        (kProcValidId | kProcValidType | kProcValidIsa));
  CHECK((p.validation_bits & (kProcValidOperation | kProcValidTargetAddress)) == 0);
}

TEST_CASE("the platform memory section carries the DIMM geometry the controller logged", "[cper][capture]") {
  Board b;
  // DIMM 1's log: a corrected error elsewhere, then the uncorrectable one.
  std::vector<std::byte> log(kErrorLogHeaderBytes + 2 * kErrorLogEntryBytes);
  le::store_u32(log, 0, 2);
  le::store_u32(log, 4, 2);
  MemoryErrorLogEntry ce{1000, kBadAddress + 64, 1, 0, 3, false, 7, 9, 0x11};
  MemoryErrorLogEntry ue{2000, kBadAddress, 1, 1, 5, true, 0x12345, 77, 0xBAD};
  encode_error_log_entry(ce, std::span(log).subspan(kErrorLogHeaderBytes, kErrorLogEntryBytes));
  encode_error_log_entry(ue, std::span(log).subspan(kErrorLogHeaderBytes + kErrorLogEntryBytes, kErrorLogEntryBytes));
  b.hal.set_state(ComponentId{ComponentClass::memory, 1}, StateKind::error_log, log);
  BoardFacts f = test_board::facts(8);
  f.numa_nodes = 2;  // 2 DIMMs over 2 nodes: DIMM 1 is on node 1
  b.capture(event_for(ErrorType::memory_uncorrectable), f);

  MemoryErrorSection m;
  REQUIRE(decode_memory_error(b.section(guids::kPlatformMemory).body, m) == Status::ok);
  CHECK(m.validation_bits == (kMemValidErrorStatus | kMemValidPhysicalAddress | kMemValidPhysicalAddressMask |
                              kMemValidNode | kMemValidModule | kMemValidBank | kMemValidRow | kMemValidColumn |
                              kMemValidErrorType | kMemValidRankNumber | kMemValidRowExtension));
  CHECK(m.error_status == 0x40400);  // type 4 (memory storage), data signal
  CHECK(m.physical_address == kBadAddress);
  CHECK(m.node == 1);
  CHECK(m.module == 1);
  CHECK(m.rank == 1);
  CHECK(m.bank == 5);
  CHECK(m.row == 0x2345);
  CHECK(m.extended == 0x1);  // row bits 16..17
  CHECK(m.column == 77);
  CHECK(m.error_type == kMemErrorMultiBitEcc);
  // The ECC named no device or bit (an injected error), and the board has no memory cards.
  CHECK((m.validation_bits & (kMemValidBitPosition | kMemValidCard | kMemValidDevice)) == 0);

  SECTION("the DIMM's SMBIOS handle, where the board declares one") {
    CHECK((m.validation_bits & kMemValidModuleHandle) == 0);  // none declared above
    Board declared;
    declared.hal.set_state(ComponentId{ComponentClass::memory, 1}, StateKind::error_log, log);
    declared.hal.set_smbios_handle(ComponentId{ComponentClass::memory, 1}, 0x1101);
    declared.capture(event_for(ErrorType::memory_uncorrectable), f);
    MemoryErrorSection h;
    REQUIRE(decode_memory_error(declared.section(guids::kPlatformMemory).body, h) == Status::ok);
    CHECK((h.validation_bits & kMemValidModuleHandle) != 0);
    CHECK(h.module_handle == 0x1101);
  }

  SECTION("the device and bit the ECC named are in the section") {
    MemoryErrorLogEntry named = ue;
    named.device = 9;           // the tenth x4 chip of the rank
    named.bit_position = 38;    // its third bit: 9 * 4 + 2
    encode_error_log_entry(named,
                           std::span(log).subspan(kErrorLogHeaderBytes + kErrorLogEntryBytes, kErrorLogEntryBytes));
    Board with_device;
    with_device.hal.set_state(ComponentId{ComponentClass::memory, 1}, StateKind::error_log, log);
    with_device.capture(event_for(ErrorType::memory_uncorrectable), f);
    MemoryErrorSection d;
    REQUIRE(decode_memory_error(with_device.section(guids::kPlatformMemory).body, d) == Status::ok);
    CHECK((d.validation_bits & (kMemValidDevice | kMemValidBitPosition)) == (kMemValidDevice | kMemValidBitPosition));
    CHECK((d.validation_bits & kMemValidCard) == 0);
    CHECK(d.device == 9);
    CHECK(d.bit_position == 38);
  }

  SECTION("without a logged location the address, DIMM and node stay") {
    Board bare;
    bare.hal.set_state(ComponentId{ComponentClass::memory, 1}, StateKind::error_log,
                       std::vector<std::byte>(kErrorLogBytes, std::byte{0}));  // an empty log
    bare.capture(event_for(ErrorType::memory_uncorrectable), f);
    MemoryErrorSection n;
    REQUIRE(decode_memory_error(bare.section(guids::kPlatformMemory).body, n) == Status::ok);
    CHECK(n.validation_bits == (kMemValidErrorStatus | kMemValidPhysicalAddress | kMemValidPhysicalAddressMask |
                                kMemValidNode | kMemValidModule | kMemValidErrorType));
    CHECK(n.error_status == 0x40400);
  }
}

TEST_CASE("PCIe sections carry a real AER capability consistent with the fatal record", "[cper][capture]") {
  SECTION("disk timeout: completion timeout, fatal, first error, the timed-out read's header") {
    Board b;
    b.capture(event_for(ErrorType::disk_timeout));
    const PcieErrorSection p = b.pcie();
    CHECK(aer_register(p, 0) == 0x00020001);            // AER capability id, version 2
    CHECK(aer_register(p, 4) == (1u << 14));            // uncorrectable status: completion timeout
    CHECK((aer_register(p, 12) & (1u << 14)) != 0);     // its severity: fatal
    CHECK((aer_register(p, 24) & 0x1F) == 14);          // first error pointer
    CHECK(aer_register(p, 28) == 0x20000010);           // MRd, 4 DW header, 16 DW
    CHECK(aer_register(p, 32) >> 16 == uint32_t{p.bus} << 8);  // requester: the controller
    CHECK(aer_register(p, 36) == static_cast<uint32_t>(kQueueBase >> 32));
    CHECK(aer_register(p, 40) == static_cast<uint32_t>(kQueueBase));  // submission queue 0
  }
  SECTION("disk media error: an NVMe status first, no PCIe error") {
    Board b;
    ErrorEvent e = event_for(ErrorType::disk_media_error);
    e.detail = 0x0281;  // the disk model's default: SCT 2 (media), SC 0x81 unrecovered read error
    e.address = 0x123456;
    b.capture(e);
    SectionView first;
    REQUIRE(b.view.section(1, first) == Status::ok);
    CHECK(first.descriptor.section_type == guids::kNvmeStatus);
    NvmeStatus n;
    REQUIRE(decode_nvme_status(first.body, n) == Status::ok);
    CHECK(n.status_code_type == 2);
    CHECK(n.status_code == 0x81);
    CHECK(n.lba == 0x123456);
    CHECK(n.disk == 0);
    const PcieErrorSection p = b.pcie();
    CHECK(aer_register(p, 0) == 0x00020001);
    CHECK(aer_register(p, 4) == 0);  // not a link error: no internal error
    CHECK(aer_register(p, 12) == 0x00462030);
    CHECK(aer_register(p, 28) == 0);
  }
  SECTION("disk timeout: the aborted command's status follows the PCIe section") {
    Board b;
    ErrorEvent e = event_for(ErrorType::disk_timeout);
    e.detail = 0x0007;  // generic status, command abort requested
    b.capture(e);
    SectionView second;
    REQUIRE(b.view.section(2, second) == Status::ok);
    NvmeStatus n;
    REQUIRE(decode_nvme_status(second.body, n) == Status::ok);
    CHECK(n.status_code_type == 0);
    CHECK(n.status_code == 0x07);
  }
  SECTION("NIC fatal: the raised uncorrectable status, fatal severity, first error pointer") {
    Board b;
    ErrorEvent e = event_for(ErrorType::nic_fatal);
    e.detail = 1u << 5;  // surprise down, the NIC model's default
    b.capture(e);
    const PcieErrorSection p = b.pcie();
    CHECK(aer_register(p, 4) == (1u << 5));
    CHECK((aer_register(p, 12) & (1u << 5)) != 0);
    CHECK((aer_register(p, 24) & 0x1F) == 5);
    CHECK(p.class_code[2] == 0x02);  // network controller
    e.detail = 0;
    Board internal;
    internal.capture(e);
    CHECK(aer_register(internal.pcie(), 4) == (1u << 22));  // uncorrectable internal error
    CHECK((aer_register(internal.pcie(), 24) & 0x1F) == 22);
  }
}
