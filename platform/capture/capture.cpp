#include "platform/capture/capture.h"

#include <cstring>

#include "platform/capture/memory_error_log.h"
#include "platform/core/fixed_text.h"
#include "platform/capture/register_file.h"
#include "platform/cper/mca_error_code.h"
#include "platform/cper/memory_error.h"
#include "platform/cper/pcie_error.h"
#include "platform/cper/processor_generic.h"
#include "platform/cper/processor_ia32x64.h"
#include "platform/cper/record.h"
#include "platform/cper/timestamp.h"

namespace crashtwin {
namespace {

using cper::CaptureOutcome;
using Src = cper::CaptureSource;

// Core power is read live, two readings per core; cores beyond this are left
// out of the section (the manifest's needed bytes still count them).
constexpr uint32_t kMaxCapturedCores = 64;
// Simulated PCIe devices: a vendor id the twin's disks and NICs report.
constexpr uint16_t kSimulatedPciVendorId = 0xC7C7;
// AER uncorrectable error status bits (PCIe base spec 7.8.4.2).
constexpr uint32_t kAerCompletionTimeout = 1u << 14;
constexpr uint32_t kAerInternalError = 1u << 22;
// A partial section must carry at least this much payload to be worth its
// 72-byte descriptor.
constexpr size_t kMinPartialPayload = 64;

struct CaptureContext {
  Hal& hal;
  const ErrorEvent& event;
  const CatalogEntry& entry;
  std::span<const SensorReading> history;
  BoardFacts facts;
  std::byte regs[kMaxStateBlockBytes] = {};
  size_t regs_length = 0;
  bool regs_ok = false;       // the core answered: its bytes go into the register-file section
  bool regs_decoded = false;  // and they are a register file: rip and rsp can be trusted
  CoreRegisterFile decoded = {};
};

// One section's gathered data, before it is committed to the record.
struct Gathered {
  bool available = true;  // false: the Hal could not provide it (read_failed)
  uint64_t full_bytes = 0;
  size_t written = 0;     // body bytes placed at body_area()
  bool partial = false;
  // Partial because the data ended (a page walk that stopped, a core that
  // did not answer), not because the slice did: later sections still go in.
  bool data_ended = false;
};

bool needs_registers(const CatalogEntry& e) {
  for (uint8_t i = 0; i < e.section_count; ++i) {
    const Src s = e.sections[i].source;
    if (s == Src::processor_error || s == Src::processor_ia32x64 || s == Src::stack_snapshot || s == Src::code_page || s == Src::page_tables) {
      return true;
    }
  }
  return false;
}

void fru_text_for(ComponentId c, cper::SectionDescriptor& d) {
  constexpr const char* kPrefix[kComponentClassCount] = {"cpu", "dimm", "disk", "nic"};
  char text[cper::kFruTextBytes] = {};
  FixedText(text) << kPrefix[static_cast<size_t>(c.cls) % kComponentClassCount] << uint32_t{c.instance};
  cper::set_fru_text(d, text);
}

size_t fit(uint64_t want, size_t room) { return want < room ? static_cast<size_t>(want) : room; }

// Fixed-size UEFI sections are all or nothing: their encoders refuse a body
// that is too small, which is exactly "no space".
Gathered fixed_section(Status encoded, size_t bytes) {
  Gathered g;
  g.full_bytes = bytes;
  g.written = ok(encoded) ? bytes : 0;
  return g;
}

// Memory snapshot of up to `requested` bytes at `address`, partial allowed:
// when cut, the captured window is centred on `focus`.
Gathered snapshot(Hal& hal, uint64_t address, uint32_t requested, uint64_t focus, cper::SnapshotPurpose purpose,
                  std::span<std::byte> body) {
  Gathered g;
  g.full_bytes = cper::kMemorySnapshotHeaderBytes + uint64_t{requested};
  if (body.size() < cper::kMemorySnapshotHeaderBytes + kMinPartialPayload && g.full_bytes > body.size()) return g;
  const size_t n = fit(requested, body.size() - cper::kMemorySnapshotHeaderBytes);
  uint64_t start = address;
  if (n < requested) {
    const uint64_t centred = focus > n / 2 ? (focus - n / 2) & ~uint64_t{63} : 0;
    const uint64_t last_start = address + requested - n;
    start = centred < address ? address : (centred > last_start ? last_start : centred);
  }
  if (!ok(hal.phys_read(start, body.subspan(cper::kMemorySnapshotHeaderBytes, n)))) {
    g.available = false;
    return g;
  }
  (void)cper::encode_memory_snapshot_header(start, requested, static_cast<uint32_t>(n), purpose, body);
  g.written = cper::kMemorySnapshotHeaderBytes + n;
  g.partial = n < requested;
  return g;
}

// One memory range of a list section (kernel stacks, page-table pages,
// device queues).
struct Range {
  uint64_t address = 0;
  uint32_t bytes = 0;
  cper::SnapshotPurpose purpose = cper::SnapshotPurpose::other;
  bool known = true;  // false: where it is could not be learnt (a core without registers)
};

// A section of consecutive memory snapshots, one per range, in order. When
// the body runs out the last range that starts is cut (partial) and the rest
// are left out. `full_bytes` is the whole list's size.
template <typename RangeAt>
Gathered snapshot_list(Hal& hal, uint32_t count, RangeAt range_at, std::span<std::byte> body) {
  Gathered g;
  for (uint32_t i = 0; i < count; ++i) g.full_bytes += cper::kMemorySnapshotHeaderBytes + uint64_t{range_at(i).bytes};
  for (uint32_t i = 0; i < count; ++i) {
    const Range r = range_at(i);
    const Gathered one = r.known ? snapshot(hal, r.address, r.bytes, r.address, r.purpose, body.subspan(g.written))
                                 : Gathered{false};
    if (!one.available) {
      // An unreadable range (a core with no stack pointer) is left out.
      g.partial = g.data_ended = true;
      continue;
    }
    g.written += one.written;
    if (one.written == 0 || one.partial) {
      g.partial = true;
      g.data_ended = false;
      return g;
    }
  }
  g.available = g.written > 0 || count == 0;
  return g;
}

// Device state block read into `spare` (which begins where the body goes).
Gathered device_block(Hal& hal, ComponentId component, StateKind kind, uint32_t nominal, std::span<std::byte> spare,
                      size_t room) {
  Gathered g;
  g.full_bytes = cper::kDeviceBlockHeaderBytes + uint64_t{nominal};
  if (spare.size() <= cper::kDeviceBlockHeaderBytes) {
    g.available = false;
    return g;
  }
  auto payload = spare.subspan(cper::kDeviceBlockHeaderBytes);
  if (payload.size() > kMaxStateBlockBytes) payload = payload.first(kMaxStateBlockBytes);
  size_t length = 0;
  const Status s = hal.read_state(component, kind, payload, length);
  if (!ok(s) && s != Status::truncated) {
    g.available = false;
    return g;
  }
  g.full_bytes = cper::kDeviceBlockHeaderBytes + length;
  if (room < cper::kDeviceBlockHeaderBytes + kMinPartialPayload && g.full_bytes > room) return g;
  const size_t kept = fit(length, room - cper::kDeviceBlockHeaderBytes);
  (void)cper::encode_device_block_header(component, static_cast<uint32_t>(kept), spare);
  g.written = cper::kDeviceBlockHeaderBytes + kept;
  g.partial = kept < length;
  return g;
}

Gathered history_section(std::span<const SensorReading> readings, cper::HistoryPurpose purpose,
                         std::span<std::byte> body) {
  Gathered g;
  g.full_bytes = cper::sensor_history_bytes(readings.size());
  if (g.full_bytes > body.size() && body.size() < cper::sensor_history_bytes(1)) return g;
  const Status s = cper::encode_sensor_history(readings, purpose, body, g.written);
  g.partial = s == Status::truncated;
  return g;
}

// Reads and decodes core `core`'s register file (false: the core did not
// answer with one).
bool core_registers(Hal& hal, uint32_t core, CoreRegisterFile& out) {
  std::byte block[kMaxStateBlockBytes];
  size_t length = 0;
  const ComponentId id{ComponentClass::cpu, static_cast<uint16_t>(core)};
  if (!ok(hal.read_state(id, StateKind::register_file, block, length))) return false;
  return decode_register_file(std::span<const std::byte>(block, length), out);
}

// The register file of every core, each as a device block, in core order.
Gathered register_state_section(CaptureContext& c, std::span<std::byte> body) {
  Gathered g;
  g.full_bytes = section_body_bytes(SectionPlan{Src::register_file}, c.facts);
  const size_t per_core = cper::kDeviceBlockHeaderBytes + register_file_bytes(c.facts.mca_banks_per_core);
  for (uint32_t core = 0; core < c.facts.cpu_cores; ++core) {
    if (body.size() - g.written < per_core) {
      g.partial = true;
      g.data_ended = false;  // the slice ran out: everything after is no_space
      break;
    }
    const auto block = body.subspan(g.written);
    size_t length = 0;
    const ComponentId id{ComponentClass::cpu, static_cast<uint16_t>(core)};
    const Status s = c.hal.read_state(id, StateKind::register_file,
                                    block.subspan(cper::kDeviceBlockHeaderBytes, per_core - cper::kDeviceBlockHeaderBytes),
                                    length);
    if (!ok(s) && s != Status::truncated) {
      // A core that does not answer leaves its block out; the rest are kept.
      g.partial = g.data_ended = true;
      continue;
    }
    (void)cper::encode_device_block_header(id, static_cast<uint32_t>(length), block);
    g.written += cper::kDeviceBlockHeaderBytes + length;
  }
  // Out of room before the first block is no_space; no core answering at
  // all is read_failed.
  g.available = g.written > 0 || (g.partial && !g.data_ended);
  return g;
}

// The kernel stack of every core: the THREAD_SIZE-aligned block holding its
// stack pointer. A kernel rsp lies in [end_of_stack, top): the top holds
// the entry's pt_regs, and a stack that overflowed leaves rsp at
// end_of_stack itself.
Gathered kernel_stacks_section(CaptureContext& c, std::span<std::byte> body) {
  const uint64_t stack = c.facts.kernel_stack_bytes;
  CoreRegisterFile regs[1];
  return snapshot_list(
      c.hal, c.facts.cpu_cores,
      [&](uint32_t core) {
        const bool known = core_registers(c.hal, core, regs[0]) && stack > 0;
        const uint64_t base = known ? regs[0].rsp() / stack * stack : 0;
        return Range{base, static_cast<uint32_t>(stack), cper::SnapshotPurpose::stack, known};
      },
      body);
}

// The page-table pages a 4-level (or 5-level) walk of `address` reads,
// from cr3 down. A walk that ends early (entry not present, or a large
// page) leaves the lower levels out: the section is then partial.
Gathered page_tables_section(CaptureContext& c, std::span<std::byte> body) {
  Gathered g;
  g.full_bytes = section_body_bytes(SectionPlan{Src::page_tables}, c.facts);
  CoreRegisterFile regs;
  const bool cpu_error = c.event.component.cls == ComponentClass::cpu;
  if (cpu_error ? !c.regs_decoded : !core_registers(c.hal, 0, regs)) {
    g.available = false;
    return g;
  }
  if (cpu_error) regs = c.decoded;
  // The failing address: cr2 of a page fault (0 for a NULL dereference),
  // the rip of an invalid opcode, the MCA or ECC address.
  const uint64_t address = c.event.address;
  constexpr uint64_t kFrameMask = 0x000F'FFFF'FFFF'F000ull;
  constexpr uint64_t kPresent = 1, kLargePage = 1u << 7;
  uint64_t table = regs.cr3 & kFrameMask;
  for (uint32_t level = c.facts.page_table_levels; level >= 1; --level) {
    const Gathered one = snapshot(c.hal, table, kPageBytes, table, cper::SnapshotPurpose::page_table,
                                  body.subspan(g.written));
    if (!one.available) {
      g.available = g.written > 0;
      g.partial = g.data_ended = true;
      return g;
    }
    g.written += one.written;
    if (one.partial || one.written == 0 || level == 1) {
      g.partial = one.partial || one.written == 0;
      return g;
    }
    const size_t index = (address >> (12 + 9 * (level - 1))) & 511;
    const auto page = body.subspan(g.written - kPageBytes, kPageBytes);
    uint64_t entry = 0;
    for (size_t b = 0; b < 8; ++b) entry |= static_cast<uint64_t>(page[index * 8 + b]) << (8 * b);
    if ((entry & kPresent) == 0 || (entry & kLargePage) != 0) {
      g.partial = g.data_ended = true;
      return g;
    }
    table = entry & kFrameMask;
  }
  return g;
}

// The queues the driver keeps in host memory for the failed device: per
// NVMe queue pair its submission then completion queue; per NIC ring its
// descriptors.
Gathered device_queues_section(CaptureContext& c, std::span<std::byte> body) {
  const BoardFacts& f = c.facts;
  const uint64_t base = device_queue_address(c.event.component, c.hal.component_count(ComponentClass::disk), f);
  if (c.event.component.cls == ComponentClass::disk) {
    const uint64_t sq = uint64_t{f.nvme_queue_depth} * kNvmeSqEntryBytes;
    const uint64_t cq = uint64_t{f.nvme_queue_depth} * kNvmeCqEntryBytes;
    return snapshot_list(
        c.hal, 2 * f.nvme_queues,
        [&](uint32_t i) {
          const uint64_t pair = base + (i / 2) * (sq + cq);
          return i % 2 == 0 ? Range{pair, static_cast<uint32_t>(sq), cper::SnapshotPurpose::submission_queue}
                            : Range{pair + sq, static_cast<uint32_t>(cq), cper::SnapshotPurpose::completion_queue};
        },
        body);
  }
  const uint64_t ring = uint64_t{f.nic_ring_descriptors} * kNicDescriptorBytes;
  return snapshot_list(
      c.hal, f.nic_rings,
      [&](uint32_t i) { return Range{base + i * ring, static_cast<uint32_t>(ring), cper::SnapshotPurpose::submission_queue}; },
      body);
}

// What the processor sections say about a CPU error, from the error event
// (the ground truth: page-fault error code, MCA status) and the failing
// core's registers.
struct ProcessorFacts {
  uint8_t error_type = cper::kMcaNone;  // generic section encodings (N.2.4.1)
  uint8_t operation = cper::kMcaNone;
  uint8_t level = cper::kMcaNone;
  uint8_t flags = 0;
  bool has_target = false;
  uint64_t target = 0;
  cper::Guid check_type = cper::guids::kIaMsCheck;  // IA32/X64 error structure
  cper::CheckFields check;
  bool machine_check = false;
};

// Page-fault error code bits (Intel SDM vol. 3A, 4.7).
constexpr uint64_t kPfWrite = 1u << 1;
constexpr uint64_t kPfInstructionFetch = 1u << 4;
// IA32/X64 check operations (N.2.4.2.1) a page fault can be.
constexpr uint8_t kCheckDataRead = 3, kCheckDataWrite = 4, kCheckInstructionFetch = 5;
// MS check error type of an instruction the core could not execute.
constexpr uint8_t kMsUnclassified = 1;

void set_precise(ProcessorFacts& f, bool restartable) {
  f.flags |= cper::kProcFlagPreciseIp | (restartable ? cper::kProcFlagRestartable : 0);
  f.check.has_precise_ip = f.check.precise_ip = true;
  f.check.has_restartable_ip = true;
  f.check.restartable_ip = restartable;
}

ProcessorFacts machine_check_facts(const CaptureContext& c) {
  ProcessorFacts f;
  f.machine_check = true;
  const uint64_t status = c.event.detail;
  const cper::McaErrorCode code = cper::decode_mca_error_code(static_cast<uint16_t>(status & 0xFFFF));
  const cper::GenericProcessorView view = cper::generic_view(code);
  f.error_type = view.error_type;
  f.operation = view.operation;
  f.level = view.level;
  const bool uc = (status & kMciStatusUc) != 0, over = (status & kMciStatusOver) != 0;
  f.flags = (uc ? 0 : cper::kProcFlagCorrected) | (over ? cper::kProcFlagOverflow : 0);
  if (c.regs_decoded) {
    f.flags |= ((c.decoded.mcg_status & kMcgStatusEipv) != 0 ? cper::kProcFlagPreciseIp : 0) |
               ((c.decoded.mcg_status & kMcgStatusRipv) != 0 ? cper::kProcFlagRestartable : 0);
  }
  f.has_target = (status & kMciStatusAddrv) != 0;
  f.target = c.event.address;
  cper::CheckFields& k = f.check;
  switch (code.cls) {
    case cper::McaCodeClass::generic_cache:
    case cper::McaCodeClass::cache: f.check_type = cper::guids::kIaCacheCheck; break;
    case cper::McaCodeClass::tlb: f.check_type = cper::guids::kIaTlbCheck; break;
    case cper::McaCodeClass::memory_controller:
    case cper::McaCodeClass::bus: f.check_type = cper::guids::kIaBusCheck; break;
    default: f.check_type = cper::guids::kIaMsCheck; break;
  }
  k.has_transaction_type = code.transaction_type != cper::kMcaNone;
  k.transaction_type = code.transaction_type;
  k.has_operation = code.operation != cper::kMcaNone;
  k.operation = code.operation;
  k.has_level = code.level != cper::kMcaNone;
  k.level = code.level;
  k.has_ms_error_type = code.ms_error_type != cper::kMcaNone;
  k.ms_error_type = code.ms_error_type;
  if (code.cls == cper::McaCodeClass::bus) {
    k.has_participation = k.has_timeout = k.has_address_space = true;
    k.participation = code.participation;
    k.timeout = code.timeout;
    k.address_space = code.address_space;
  }
  k.has_pcc = k.has_uncorrected = k.has_overflow = true;
  k.pcc = (status & kMciStatusPcc) != 0;
  k.uncorrected = uc;
  k.overflow = over;
  if (c.regs_decoded) {
    k.has_precise_ip = k.has_restartable_ip = true;
    k.precise_ip = (c.decoded.mcg_status & kMcgStatusEipv) != 0;
    k.restartable_ip = (c.decoded.mcg_status & kMcgStatusRipv) != 0;
  }
  return f;
}

ProcessorFacts processor_facts(const CaptureContext& c) {
  ProcessorFacts f;
  switch (c.event.type) {
    case ErrorType::page_fault: {
      // The error code says what the access was; cr2 holds the address.
      const uint64_t code = c.event.detail;
      const bool fetch = (code & kPfInstructionFetch) != 0, write = (code & kPfWrite) != 0;
      f.error_type = cper::kProcErrorTlb;
      f.operation = fetch ? cper::kProcOpInstructionExecution
                          : write ? cper::kProcOpDataWrite : cper::kProcOpDataRead;
      f.has_target = true;
      f.target = c.regs_decoded ? c.decoded.cr2 : c.event.address;
      f.check_type = cper::guids::kIaTlbCheck;
      f.check.has_transaction_type = f.check.has_operation = true;
      f.check.transaction_type = fetch ? 0 : 1;
      f.check.operation = fetch ? kCheckInstructionFetch : write ? kCheckDataWrite : kCheckDataRead;
      set_precise(f, true);
      return f;
    }
    case ErrorType::invalid_opcode:
      // The failing address is the instruction pointer itself, which has
      // its own field: no target address.
      f.error_type = cper::kProcErrorMicroArch;
      f.operation = cper::kProcOpInstructionExecution;
      f.check.has_ms_error_type = true;
      f.check.ms_error_type = kMsUnclassified;
      set_precise(f, false);
      return f;
    case ErrorType::machine_check: return machine_check_facts(c);
    case ErrorType::thermal_shutdown:
      // A thermal trip is no cache, TLB or bus error and has no MCA bank
      // error in the model: the generic section names the processor and
      // the class only.
      f.error_type = cper::kProcErrorMicroArch;
      return f;
    case ErrorType::watchdog_hang:
      // A hang has no error class, operation or target: the NMI interrupted
      // the stuck loop at an instruction boundary, so the IP is precise.
      set_precise(f, true);
      return f;
    default: return f;
  }
}

Gathered processor_section(const CaptureContext& c, std::span<std::byte> body) {
  const ProcessorFacts f = processor_facts(c);
  cper::ProcessorGenericSection p;
  p.validation_bits = cper::kProcValidType | cper::kProcValidIsa | cper::kProcValidFlags | cper::kProcValidId |
                      cper::kProcValidBrand;
  if (f.error_type != cper::kMcaNone) {
    p.validation_bits |= cper::kProcValidErrorType;
    p.error_type = f.error_type;
  }
  if (f.operation != cper::kMcaNone) {
    p.validation_bits |= cper::kProcValidOperation;
    p.operation = f.operation;
  }
  if (f.level != cper::kMcaNone) {
    p.validation_bits |= cper::kProcValidLevel;
    p.level = f.level;
  }
  p.flags = f.flags;
  p.processor_id = c.event.component.instance;
  const char brand[] = "crashtwin simulated x86-64 core";
  std::memcpy(p.cpu_brand, brand, sizeof(brand));
  if (f.has_target) {
    p.validation_bits |= cper::kProcValidTargetAddress;
    p.target_address = f.target;
  }
  if (c.regs_decoded) {
    p.validation_bits |= cper::kProcValidIp;
    p.instruction_ip = c.decoded.rip;
  }
  return fixed_section(cper::encode_processor_generic(p, body), cper::kProcessorGenericBytes);
}

cper::X64RegisterState x64_state(const CoreRegisterFile& r) {
  cper::X64RegisterState x;
  x.rax = r.gpr[Gpr::rax];
  x.rbx = r.gpr[Gpr::rbx];
  x.rcx = r.gpr[Gpr::rcx];
  x.rdx = r.gpr[Gpr::rdx];
  x.rsi = r.gpr[Gpr::rsi];
  x.rdi = r.gpr[Gpr::rdi];
  x.rbp = r.gpr[Gpr::rbp];
  x.rsp = r.gpr[Gpr::rsp];
  for (size_t i = 0; i < 8; ++i) x.r[i] = r.gpr[Gpr::r8 + i];
  x.rflags = r.rflags;
  x.rip = r.rip;
  x.cr0 = r.cr0;
  x.cr2 = r.cr2;
  x.cr3 = r.cr3;
  x.cr4 = r.cr4;
  x.cr8 = r.cr8;
  x.cs = r.cs;
  x.ds = r.ds;
  x.ss = r.ss;
  x.es = r.es;
  x.fs = r.fs;
  x.gs = r.gs;
  // GDTR and IDTR as SGDT/SIDT store them: limit in the low 16 bits of the
  // first quadword, base after it (UEFI gives the field 16 bytes).
  x.gdtr[0] = r.gdtr_limit | (r.gdtr_base << 16);
  x.gdtr[1] = r.gdtr_base >> 48;
  x.idtr[0] = r.idtr_limit | (r.idtr_base << 16);
  x.idtr[1] = r.idtr_base >> 48;
  x.ldtr = r.ldtr;
  x.tr = r.tr;
  return x;
}

// IA32/X64 section: one error information structure with the check the
// error is, then the failing core's registers (and for a machine check the
// MCA MSRs). Needs the register file: without it, read_failed.
Gathered ia32x64_section(const CaptureContext& c, const SectionPlan& plan, std::span<std::byte> body) {
  const bool mca = plan.count != 0;
  Gathered g;
  g.full_bytes = ia32x64_section_bytes(mca);
  if (!c.regs_decoded) {
    g.available = false;
    return g;
  }
  if (body.size() < g.full_bytes) return g;
  const ProcessorFacts f = processor_facts(c);
  cper::Ia32X64Header h;
  h.validation_bits = cper::kIaValidLocalApicId;
  h.local_apic_id = c.event.component.instance;
  // CPUID leaf 1 as the core reported it (a register file without one,
  // all zero, leaves the CPUID info invalid).
  if (c.decoded.cpuid1[0] != 0) {
    h.validation_bits |= cper::kIaValidCpuid;
    for (size_t i = 0; i < 4; ++i) h.cpuid[i] = c.decoded.cpuid1[i];
  }
  h.error_info_count = 1;
  h.context_count = mca ? 3 : 1;
  cper::Ia32X64ErrorInfo info;
  info.type = f.check_type;
  info.check_info = cper::pack_check_info(f.check_type, f.check);
  info.validation_bits = cper::kIaInfoValidCheck | cper::kIaInfoValidIp | (f.has_target ? cper::kIaInfoValidTarget : 0);
  info.target_id = f.has_target ? f.target : 0;
  info.instruction_ip = c.decoded.rip;
  size_t at = 0;
  (void)cper::encode_ia32x64_header(h, body);
  at += cper::kIa32X64HeaderBytes;
  (void)cper::encode_ia32x64_error_info(info, body.subspan(at));
  at += cper::kIa32X64ErrorInfoBytes;
  (void)cper::encode_ia32x64_x64_context(x64_state(c.decoded), body.subspan(at));
  at += cper::ia32x64_context_bytes(cper::kX64RegisterStateBytes);
  if (mca) {
    const uint64_t mcg[1] = {c.decoded.mcg_status};
    (void)cper::encode_ia32x64_msr_context(cper::kMsrMcgStatus, mcg, body.subspan(at));
    at += cper::ia32x64_context_bytes(sizeof(mcg));
    // The bank that logged the machine check (MCi_STATUS as the error
    // reported it), bank 0 when none matches: its STATUS, ADDR and MISC
    // from MCi_STATUS's MSR (0x401 + 4 i), which names the bank.
    uint32_t bank = 0;
    McaBankRegisters logged{~uint64_t{0}, c.decoded.mc_status, c.decoded.mc_addr, c.decoded.mc_misc};
    const std::span<const std::byte> block(c.regs, c.regs_length);
    for (uint32_t i = 1; i < mca_banks_in(block); ++i) {
      McaBankRegisters candidate;
      if (read_mca_bank(block, i, candidate) && (candidate.status & kMciStatusUc) != 0 &&
          candidate.status == c.event.detail && logged.status != c.event.detail) {
        bank = i;
        logged = candidate;
        break;
      }
    }
    const uint64_t mci[3] = {logged.status, logged.addr, logged.misc};
    (void)cper::encode_ia32x64_msr_context(cper::kMsrMc0Status + 4 * bank, mci, body.subspan(at));
    at += cper::ia32x64_context_bytes(sizeof(mci));
  }
  g.written = at;
  return g;
}

// DDR error status (UEFI N.2.5 "Error Status"): type 4, an error in the
// memory storage, detected in the data (bit 18).
constexpr uint64_t kErrorStatusMemStorage = 4u << 8;
constexpr uint64_t kErrorStatusData = 1u << 18;

// Platform memory section: the address, and where on the DIMM the memory
// controller logged it (rank, bank, row, column from its error log), the
// DIMM and its NUMA node.
// The error log is read into `spare` past the section's own bytes.
Gathered memory_error_section(CaptureContext& c, std::span<std::byte> body, std::span<std::byte> spare) {
  const ErrorEvent& e = c.event;
  cper::MemoryErrorSection m;
  m.validation_bits = cper::kMemValidErrorStatus | cper::kMemValidPhysicalAddress |
                      cper::kMemValidPhysicalAddressMask | cper::kMemValidModule | cper::kMemValidErrorType;
  m.error_status = kErrorStatusMemStorage | kErrorStatusData;
  m.physical_address = e.address;
  m.physical_address_mask = ~uint64_t{63};  // cache-line granularity
  m.module = e.component.instance;
  m.error_type = cper::kMemErrorMultiBitEcc;
  const uint32_t dimms = c.hal.component_count(ComponentClass::memory);
  if (dimms > 0 && c.facts.numa_nodes > 0 && e.component.instance < dimms) {
    m.validation_bits |= cper::kMemValidNode;
    m.node = static_cast<uint16_t>(uint64_t{e.component.instance} * c.facts.numa_nodes / dimms);
  }
  size_t length = 0;
  MemoryErrorLogEntry logged;
  auto log = spare.size() > cper::kMemoryErrorBytes ? spare.subspan(cper::kMemoryErrorBytes) : std::span<std::byte>{};
  if (log.size() > kMaxStateBlockBytes) log = log.first(kMaxStateBlockBytes);
  const Status read = log.empty() ? Status::no_memory : c.hal.read_state(e.component, StateKind::error_log, log, length);
  if ((ok(read) || read == Status::truncated) && newest_uncorrectable_at(log.first(length), e.address, logged)) {
    m.validation_bits |= cper::kMemValidRankNumber | cper::kMemValidBank | cper::kMemValidColumn;
    m.rank = logged.rank;
    m.bank = logged.bank;
    m.column = static_cast<uint16_t>(logged.column);
    if (logged.column > 0xFFFF) m.validation_bits &= ~cper::kMemValidColumn;
    if (logged.row <= 0x3FFFF) {
      // Rows above 16 bits carry bits 16..17 in the extended field.
      m.validation_bits |= cper::kMemValidRow | (logged.row > 0xFFFF ? cper::kMemValidRowExtension : 0);
      m.row = static_cast<uint16_t>(logged.row);
      m.extended = static_cast<uint8_t>((logged.row >> 16) & cper::kMemExtendedRowMask);
    }
    // The DRAM device and bit the ECC named, when it could (one bad device;
    // one bad bit). The board has no memory cards (risers): Card stays invalid.
    if (logged.device != MemoryErrorLogEntry::kUnknownDevice) {
      m.validation_bits |= cper::kMemValidDevice;
      m.device = logged.device;
    }
    if (logged.bit_position != MemoryErrorLogEntry::kUnknownBitPosition) {
      m.validation_bits |= cper::kMemValidBitPosition;
      m.bit_position = logged.bit_position;
    }
  }
  // The DIMM's SMBIOS Type 17 handle, where the board's tables declare one:
  // what a decoder turns into the slot's silkscreen name ("DIMM_A1").
  if (uint16_t handle = 0; ok(c.hal.read_smbios_handle(e.component, handle))) {
    m.validation_bits |= cper::kMemValidModuleHandle;
    m.module_handle = handle;
  }
  return fixed_section(cper::encode_memory_error(m, body), cper::kMemoryErrorBytes);
}

// AER extended capability (PCIe base spec 7.8.4) as the PCIe section's AER
// info carries it: byte offsets of the registers.
namespace aer {
constexpr size_t header = 0, uncorrectable_status = 4, uncorrectable_mask = 8, uncorrectable_severity = 12,
                 correctable_mask = 20, control = 24, header_log = 28;
constexpr uint32_t kCapabilityHeader = 0x0001 | (2u << 16);  // id 0x0001 (AER), version 2, last capability
// Reset values: DLP, SDES, FCP, RO, MTLP and internal errors fatal; the
// advisory non-fatal error masked.
constexpr uint32_t kDefaultSeverity = 0x00462030;
constexpr uint32_t kDefaultCorrectableMask = 0x00002000;
constexpr uint32_t kCompletionTimeoutHeaderLogCapable = 1u << 12;
}  // namespace aer

// The function's PCI Express Capability structure (PCIe base spec 7.5.3) as
// the PCIe section's capability field carries it (60 bytes from the
// capability id): a PCIe 4.0 endpoint with error reporting enabled, at
// 16 GT/s, x4 (an NVMe drive) or x8 (a NIC), its Device Status reporting the
// uncorrectable error the record is of.
namespace pcie_cap {
constexpr size_t capabilities = 2, device_capabilities = 4, device_control = 8, device_status = 10,
                 link_capabilities = 12, link_status = 18, device_capabilities2 = 36, link_capabilities2 = 44,
                 link_control2 = 48;
constexpr uint8_t kId = 0x10;
constexpr uint16_t kVersion2Endpoint = 0x0002;  // capability version 2, device/port type 0 (endpoint)
// Max payload 256 B supported, role-based error reporting, FLR capable.
constexpr uint32_t kDeviceCapabilities = 0x1 | (1u << 15) | (1u << 28);
// Correctable, non-fatal, fatal and UR reporting enabled; relaxed ordering;
// max payload 256 B; max read request 512 B.
constexpr uint16_t kDeviceControl = 0x000F | 0x0010 | (1u << 5) | (2u << 12);
constexpr uint16_t kFatalErrorDetected = 1u << 2;
constexpr uint32_t kSpeed16GT = 4;  // link speed vector index of 16.0 GT/s
// Completion timeout ranges A-D supported, and disabling it.
constexpr uint32_t kDeviceCapabilities2 = 0xF | (1u << 4);
constexpr uint32_t kSupportedSpeeds = 0x1E;  // 2.5, 5, 8 and 16 GT/s (bits 1..4)
}  // namespace pcie_cap

// PCI command and status registers (PCI local bus spec 6.2.2-6.2.3).
constexpr uint16_t kCommandMemorySpace = 1u << 1, kCommandBusMaster = 1u << 2, kCommandSerr = 1u << 8;
constexpr uint16_t kStatusCapabilitiesList = 1u << 4, kStatusSignaledSystemError = 1u << 14;

void put_u32(uint8_t* bytes, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) bytes[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

void put_u16(uint8_t* bytes, size_t at, uint16_t v) {
  bytes[at] = static_cast<uint8_t>(v);
  bytes[at + 1] = static_cast<uint8_t>(v >> 8);
}

uint32_t lowest_bit(uint32_t v) {
  uint32_t bit = 0;
  while (bit < 31 && (v & (1u << bit)) == 0) ++bit;
  return bit;
}

// The PCIe section of the failed controller: its identity and its AER
// registers as the error left them. A disk timeout is the controller's
// completion timeout on the fetch of submission queue 0 (its header is
// logged); a NIC's fatal error is the uncorrectable status the NIC raised
// (the event's detail), an internal error if none; a disk media error is no
// link error: the AER status stays clear (the NVMe status section has it).
Gathered pcie_section(const CaptureContext& c, std::span<std::byte> body) {
  const ErrorEvent& e = c.event;
  cper::PcieErrorSection p;
  p.validation_bits = cper::kPcieValidPortType | cper::kPcieValidVersion | cper::kPcieValidDeviceId |
                      cper::kPcieValidSerialNumber | cper::kPcieValidAerInfo;
  p.port_type = cper::kPciePortEndpoint;
  p.version_major = 4;
  p.vendor_id = kSimulatedPciVendorId;
  const bool disk = e.component.cls == ComponentClass::disk;
  p.device_id = disk ? 0x0001 : 0x0002;
  // Class code in config-space order: programming interface, subclass, class.
  const uint8_t nvme[3] = {0x02, 0x08, 0x01}, ethernet[3] = {0x00, 0x00, 0x02};
  std::memcpy(p.class_code, disk ? nvme : ethernet, 3);
  p.bus = static_cast<uint8_t>((disk ? 0x10 : 0x20) + (e.component.instance & 0x0F));
  p.serial_number = e.component.instance;

  uint32_t status = 0;
  if (e.type == ErrorType::disk_timeout) status = kAerCompletionTimeout;
  if (e.type == ErrorType::nic_fatal) status = e.detail != 0 && e.detail <= 0xFFFFFFFFu ? static_cast<uint32_t>(e.detail) : kAerInternalError;
  uint32_t control = 0;
  if (status != 0) control = lowest_bit(status);  // first error pointer
  put_u32(p.aer_info, aer::header, aer::kCapabilityHeader);
  put_u32(p.aer_info, aer::uncorrectable_status, status);
  put_u32(p.aer_info, aer::uncorrectable_mask, 0);
  // The record is fatal: every error it reports is fatal severity.
  put_u32(p.aer_info, aer::uncorrectable_severity, aer::kDefaultSeverity | status);
  put_u32(p.aer_info, aer::correctable_mask, aer::kDefaultCorrectableMask);
  if (e.type == ErrorType::disk_timeout) {
    // MRd, 64-bit address (Fmt 001, Type 0), 16 DW: one submission queue
    // entry, requested by the controller (bus/device 0/function 0), all
    // byte enables.
    const uint64_t sq = device_queue_address(e.component, c.hal.component_count(ComponentClass::disk), c.facts);
    control |= aer::kCompletionTimeoutHeaderLogCapable;
    put_u32(p.aer_info, aer::header_log, 0x20000000u | (kNvmeSqEntryBytes / 4));
    put_u32(p.aer_info, aer::header_log + 4, (uint32_t{p.bus} << 24) | 0xFF);
    put_u32(p.aer_info, aer::header_log + 8, static_cast<uint32_t>(sq >> 32));
    put_u32(p.aer_info, aer::header_log + 12, static_cast<uint32_t>(sq));
  }
  put_u32(p.aer_info, aer::control, control);

  // A function that sends ERR_FATAL with SERR# enabled sets Signaled System
  // Error, and its Device Status says Fatal Error Detected (the record's
  // errors are all of fatal severity, above).
  p.validation_bits |= cper::kPcieValidCommandStatus | cper::kPcieValidCapability;
  p.command = kCommandMemorySpace | kCommandBusMaster | kCommandSerr;
  p.status = kStatusCapabilitiesList | (status != 0 ? kStatusSignaledSystemError : 0);
  const uint32_t width = disk ? 4 : 8;
  p.capability[0] = pcie_cap::kId;
  put_u16(p.capability, pcie_cap::capabilities, pcie_cap::kVersion2Endpoint);
  put_u32(p.capability, pcie_cap::device_capabilities, pcie_cap::kDeviceCapabilities);
  put_u16(p.capability, pcie_cap::device_control, pcie_cap::kDeviceControl);
  put_u16(p.capability, pcie_cap::device_status, status != 0 ? pcie_cap::kFatalErrorDetected : 0);
  put_u32(p.capability, pcie_cap::link_capabilities, pcie_cap::kSpeed16GT | (width << 4));
  put_u16(p.capability, pcie_cap::link_status, static_cast<uint16_t>(pcie_cap::kSpeed16GT | (width << 4)));
  put_u32(p.capability, pcie_cap::device_capabilities2, pcie_cap::kDeviceCapabilities2);
  put_u32(p.capability, pcie_cap::link_capabilities2, pcie_cap::kSupportedSpeeds);
  put_u16(p.capability, pcie_cap::link_control2, static_cast<uint16_t>(pcie_cap::kSpeed16GT));
  return fixed_section(cper::encode_pcie_error(p, body), cper::kPcieErrorBytes);
}

// The NVMe status of the failed command: the event's detail is the status
// field (SCT in bits 8..10, SC in 0..7), its address the command's LBA.
Gathered nvme_status_section(const ErrorEvent& e, std::span<std::byte> body) {
  cper::NvmeStatus n;
  n.status_code_type = static_cast<uint8_t>((e.detail >> 8) & 0x7);
  n.status_code = static_cast<uint8_t>(e.detail & 0xFF);
  n.disk = e.component.instance;
  n.lba = e.address;
  return fixed_section(cper::encode_nvme_status(n, body), cper::kNvmeStatusBytes);
}

Gathered core_power_section(CaptureContext& c, std::span<std::byte> body) {
  SensorReading readings[2 * kMaxCapturedCores];
  const uint32_t cores = c.facts.cpu_cores < kMaxCapturedCores ? c.facts.cpu_cores : kMaxCapturedCores;
  size_t n = 0;
  const uint64_t now = c.hal.now_ns();
  for (uint32_t core = 0; core < cores; ++core) {
    const ComponentId id{ComponentClass::cpu, static_cast<uint16_t>(core)};
    for (Metric m : {Metric::cpu_power, Metric::cpu_temperature}) {
      uint64_t value = 0;
      if (ok(c.hal.read_metric(id, m, value))) readings[n++] = SensorReading{now, id, m, value};
    }
  }
  Gathered g = history_section(std::span<const SensorReading>(readings, n), cper::HistoryPurpose::core_power, body);
  g.full_bytes = cper::sensor_history_bytes(2 * size_t{c.facts.cpu_cores});
  g.partial = g.partial || (g.written > 0 && g.written < g.full_bytes);
  return g;
}

// `reserve`: body bytes kept free behind the section (room for sealing it).
Gathered gather(CaptureContext& c, const SectionPlan& plan, cper::RecordBuilder& builder, size_t reserve = 0) {
  const auto area = builder.body_area();
  const auto body = area.first(area.size() > reserve ? area.size() - reserve : 0);
  switch (plan.source) {
    case Src::processor_error: return processor_section(c, body);
    case Src::register_file: return register_state_section(c, body);
    case Src::stack_snapshot:
    case Src::code_page: {
      if (!c.regs_decoded) {
        Gathered g;
        g.available = false;
        g.full_bytes = section_body_bytes(plan, c.facts);
        return g;
      }
      const bool stack = plan.source == Src::stack_snapshot;
      const uint64_t rip = c.decoded.rip;
      const uint64_t at = stack ? c.decoded.rsp() : rip & ~uint64_t{kCodePageBytes - 1};
      const uint64_t focus = stack ? at : rip;
      return snapshot(c.hal, at, plan.bytes, focus,
                      stack ? cper::SnapshotPurpose::stack : cper::SnapshotPurpose::code_page, body);
    }
    case Src::memory_error: return memory_error_section(c, body, builder.spare_area());
    case Src::processor_ia32x64: return ia32x64_section(c, plan, body);
    case Src::nvme_status: return nvme_status_section(c.event, body);
    case Src::memory_rows: {
      const uint64_t row = c.facts.memory_row_bytes == 0 ? 1 : c.facts.memory_row_bytes;
      const uint64_t own_row = c.event.address / row * row;
      const uint64_t before = c.facts.memory_snapshot_rows / 2 * row;
      const uint64_t start = own_row > before ? own_row - before : 0;
      return snapshot(c.hal, start, static_cast<uint32_t>(c.facts.memory_snapshot_rows * row), c.event.address,
                      cper::SnapshotPurpose::memory_rows, body);
    }
    case Src::error_history:
      return device_block(c.hal, c.event.component, StateKind::error_log, c.facts.error_log_bytes,
                          builder.spare_area(), body.size());
    case Src::io_queue_state:
      return device_block(c.hal, c.event.component, StateKind::queue_state, c.facts.queue_state_bytes,
                          builder.spare_area(), body.size());
    case Src::sensor_history: return history_section(c.history, cper::HistoryPurpose::precursor_window, body);
    case Src::core_power: return core_power_section(c, body);
    case Src::pcie_error: return pcie_section(c, body);
    case Src::kernel_log:
      return snapshot(c.hal, c.facts.log_buf_address, static_cast<uint32_t>(c.facts.log_buf_len),
                      c.facts.log_buf_address, cper::SnapshotPurpose::kernel_log, body);
    case Src::kernel_stacks: return kernel_stacks_section(c, body);
    case Src::page_tables: return page_tables_section(c, body);
    case Src::device_queues: return device_queues_section(c, body);
  }
  Gathered none;
  none.available = false;
  return none;
}

const cper::Guid& section_type(Src s) {
  switch (s) {
    case Src::processor_error: return cper::guids::kProcessorGeneric;
    case Src::processor_ia32x64: return cper::guids::kProcessorIa32X64;
    case Src::nvme_status: return cper::guids::kNvmeStatus;
    case Src::memory_error: return cper::guids::kPlatformMemory;
    case Src::pcie_error: return cper::guids::kPcieError;
    case Src::register_file: return cper::guids::kRegisterFile;
    case Src::stack_snapshot:
    case Src::code_page:
    case Src::memory_rows:
    case Src::kernel_log:
    case Src::kernel_stacks:
    case Src::page_tables:
    case Src::device_queues: return cper::guids::kMemorySnapshot;
    case Src::error_history: return cper::guids::kErrorLog;
    case Src::io_queue_state: return cper::guids::kIoQueueState;
    case Src::sensor_history:
    case Src::core_power: return cper::guids::kSensorHistory;
  }
  return cper::guids::kCaptureManifest;
}

bool is_memory_snapshot(Src s) { return section_type(s) == cper::guids::kMemorySnapshot; }
bool is_register_section(Src s) { return s == Src::register_file || s == Src::processor_ia32x64; }

// The section holds something the confidentiality policy protects: a memory
// snapshot (its secret pages, if any), or register contents when registers
// are secret.
bool protectable(const CaptureConfidentiality* conf, Src s) {
  return conf != nullptr && conf->active() && (is_memory_snapshot(s) || (conf->registers_secret && is_register_section(s)));
}

// Calls visit(address, data) for each memory snapshot of a snapshot section
// (one or several back to back).
template <typename Visit>
void for_each_snapshot(std::span<std::byte> body, Visit visit) {
  size_t at = 0;
  while (body.size() - at >= cper::kMemorySnapshotHeaderBytes) {
    const auto header = body.subspan(at, cper::kMemorySnapshotHeaderBytes);
    uint64_t address = 0;
    uint32_t captured = 0;
    for (size_t b = 0; b < 8; ++b) address |= static_cast<uint64_t>(header[b]) << (8 * b);
    for (size_t b = 0; b < 4; ++b) captured |= static_cast<uint32_t>(header[12 + b]) << (8 * b);
    at += cper::kMemorySnapshotHeaderBytes;
    if (captured > body.size() - at) captured = static_cast<uint32_t>(body.size() - at);
    visit(address, body.subspan(at, captured));
    at += captured;
  }
}

bool snapshots_hold_secret(const CaptureConfidentiality& conf, std::span<std::byte> body) {
  bool secret = false;
  for_each_snapshot(body, [&](uint64_t address, std::span<std::byte> data) {
    secret = secret || conf.overlaps(address, data.size());
  });
  return secret;
}

// Register contents written as zeros: every register-file payload, or the
// register bytes of every IA32/X64 context. Headers, counts and the error
// information structure stay.
void redact_registers(Src source, std::span<std::byte> body) {
  if (source == Src::register_file) {
    size_t at = 0;
    cper::DeviceBlock block;
    while (at < body.size() && ok(cper::decode_device_block(body.subspan(at), block))) {
      const size_t payload_at = at + cper::kDeviceBlockHeaderBytes;
      std::memset(body.data() + payload_at, 0, block.payload.size());
      at = payload_at + block.payload.size();
    }
    return;
  }
  cper::Ia32X64Header header;
  if (!ok(cper::decode_ia32x64_header(body, header))) return;
  for (uint8_t i = 0; i < header.context_count; ++i) {
    cper::Ia32X64Context context;
    if (!ok(cper::decode_ia32x64_context(body, i, context))) return;
    const size_t at = static_cast<size_t>(context.registers.data() - body.data());
    std::memset(body.data() + at, 0, context.registers.size());
  }
}

// Applies the confidentiality policy to the section just gathered into
// `area` (its first g.written bytes); in seal mode `area` has
// kSealedSectionOverheadBytes more room. Updates g.written and the section
// type when the section is sealed. A seal that fails leaves nothing of the
// section (written 0, read_failed): it is never written in the clear.
cper::SectionProtection protect_section(const CaptureConfidentiality& conf, Src source, std::span<std::byte> area,
                                        Gathered& g, cper::Guid& type) {
  const auto body = area.first(g.written);
  const bool registers = is_register_section(source);
  if (conf.mode == ConfidentialityMode::redact) {
    if (registers) {
      redact_registers(source, body);
      return cper::SectionProtection::redacted;
    }
    uint64_t zeroed = 0;
    for_each_snapshot(body, [&](uint64_t address, std::span<std::byte> data) { zeroed += conf.redact(address, data); });
    return zeroed > 0 ? cper::SectionProtection::redacted : cper::SectionProtection::clear;
  }
  if (!registers && !snapshots_hold_secret(conf, body)) return cper::SectionProtection::clear;
  const size_t plain = g.written;
  std::memmove(area.data() + cper::kSealedSectionHeaderBytes, area.data(), plain);
  std::memset(area.data(), 0, cper::kSealedSectionHeaderBytes);
  const auto box = area.subspan(cper::kSealedSectionHeaderBytes, plain + cper::kSealedBoxExtraBytes);
  if (conf.sealer == nullptr || !ok(conf.sealer->seal(box, plain))) {
    std::memset(area.data(), 0, cper::kSealedSectionOverheadBytes + plain);
    g.written = 0;
    g.available = false;
    return cper::SectionProtection::sealed;
  }
  (void)cper::encode_sealed_section_header(static_cast<uint8_t>(source), type, static_cast<uint32_t>(plain), area);
  type = cper::guids::kSealedSection;
  g.written = plain + cper::kSealedSectionOverheadBytes;
  return cper::SectionProtection::sealed;
}

}  // namespace

Status capture_error(Hal& hal, const ErrorEvent& event, uint64_t record_id, const SliceEntry& slice,
                     std::span<const SensorReading> sensor_history, std::span<std::byte> scratch,
                     CaptureResult& out, const BoardFacts& facts, const CaptureConfidentiality* confidentiality) {
  out = CaptureResult{};
  out.record_id = record_id;
  if (slice.used_bytes > slice.size || static_cast<size_t>(event.type) >= kErrorTypeCount ||
      component_class_of(event.type) != event.component.cls) {
    return Status::invalid_argument;
  }
  const CatalogEntry& entry = catalog_entry(event.type);
  CaptureContext c{hal, event, entry, sensor_history, facts, {}, 0, false, false, CoreRegisterFile{}};
  c.facts.cpu_cores = hal.component_count(ComponentClass::cpu);
  c.facts.sensor_history_entries = static_cast<uint32_t>(sensor_history.size());
  if (needs_registers(entry)) {
    c.regs_ok = ok(hal.read_state(event.component, StateKind::register_file, c.regs, c.regs_length));
    c.regs_decoded = c.regs_ok && decode_register_file(std::span<const std::byte>(c.regs, c.regs_length), c.decoded);
  }

  cper::CaptureManifest& manifest = out.manifest;
  manifest.component = event.component;
  manifest.error_type = event.type;
  manifest.time_ns = event.time_ns;
  manifest.address = event.address;
  manifest.detail = event.detail;
  manifest.entry_count = entry.section_count;

  const uint64_t free_bytes = slice.size - slice.used_bytes;
  cper::RecordBuilder builder(scratch, static_cast<uint16_t>(1 + entry.section_count),
                              static_cast<size_t>(free_bytes < scratch.size() ? free_bytes : scratch.size()));
  // An operator's dump reports no error: informational, not the catalog's.
  const auto severity = event.detail == kOperatorDumpDetail ? cper::Severity::informational : entry.severity;
  cper::SectionDescriptor descriptor;
  descriptor.severity = severity;
  fru_text_for(event.component, descriptor);

  // The manifest goes first so the BMC can always name the failure; its body
  // is filled in once the totals are known.
  const size_t manifest_size = cper::manifest_bytes(entry.section_count);
  if (builder.room() < manifest_size) {
    out.truncated = true;
    return Status::no_memory;
  }
  const auto manifest_body = builder.body_area().first(manifest_size);
  descriptor.section_type = cper::guids::kCaptureManifest;
  (void)builder.add_section(descriptor, manifest_size);

  uint64_t needed = cper::kRecordHeaderBytes + cper::kSectionDescriptorBytes + manifest_size;
  bool stopped = false;
  for (uint8_t i = 0; i < entry.section_count; ++i) {
    const SectionPlan& plan = entry.sections[i];
    cper::ManifestEntry& m = manifest.entries[i];
    const bool sealing = protectable(confidentiality, plan.source) && confidentiality->mode == ConfidentialityMode::seal;
    m.source = plan.source;
    m.priority = plan.priority;
    Gathered g;
    if (stopped) {
      // Nothing lower in priority is written once a section did not fit; the
      // full size is still learnt so needed bytes do not depend on the slice.
      cper::RecordBuilder probe(builder.spare_area(), 1, builder.spare_area().size());
      g = gather(c, plan, probe);
      g.written = 0;
    } else {
      g = gather(c, plan, builder, sealing ? cper::kSealedSectionOverheadBytes : 0);
    }
    m.needed_bytes = static_cast<uint32_t>(g.full_bytes);
    needed += cper::kSectionDescriptorBytes + g.full_bytes;
    cper::Guid type = section_type(plan.source);
    // The manifest counts the section's own bytes; sealing's header and box
    // overhead is the record's.
    const size_t plain = g.written;
    if (!stopped && g.available && g.written > 0 && protectable(confidentiality, plan.source)) {
      m.protection = protect_section(*confidentiality, plan.source, builder.body_area(), g, type);
      // Sealing adds its header and the box's key and tag to the record.
      if (g.written > plain) needed += g.written - plain;
      if (!g.available) hal.log(LogLevel::error, "capture: sealing a section failed; it is left out");
    }
    if (!g.available) {
      m.outcome = CaptureOutcome::read_failed;
      continue;
    }
    if (stopped || g.written == 0) {
      m.outcome = CaptureOutcome::no_space;
      stopped = true;
      continue;
    }
    // Cut by the slice: partial (Overflow). Short because some of its data
    // could not be read (a walk that ended, a core that did not answer):
    // written as far as it goes, read_failed.
    const bool cut = g.partial && !g.data_ended;
    descriptor.section_type = type;
    descriptor.flags = (i == 0 ? cper::kSectionFlagPrimary : 0) | (cut ? cper::kSectionFlagOverflow : 0);
    (void)builder.add_section(descriptor, g.written);
    m.captured_bytes = static_cast<uint32_t>(plain);
    m.outcome = cut ? CaptureOutcome::partial : g.data_ended ? CaptureOutcome::read_failed : CaptureOutcome::complete;
    stopped = g.partial && !g.data_ended;
  }

  out.truncated = false;
  for (uint8_t i = 0; i < entry.section_count; ++i) {
    const CaptureOutcome o = manifest.entries[i].outcome;
    out.truncated = out.truncated || o == CaptureOutcome::partial || o == CaptureOutcome::no_space;
  }
  manifest.truncated = out.truncated;
  manifest.needed_bytes = needed;
  manifest.captured_bytes = builder.record_length();
  (void)cper::encode_capture_manifest(manifest, manifest_body);

  cper::RecordHeader header;
  header.severity = severity;
  header.validation_bits = cper::kRecordValidPlatformId | cper::kRecordValidTimestamp;
  header.timestamp = cper::timestamp_from_sim_ns(event.time_ns);
  header.platform_id = cper::guids::kCrashtwinPlatform;
  header.creator_id = cper::guids::kCrashtwinCreator;
  header.notification_type = entry.notification_type;
  header.record_id = record_id;
  // A truncated record says so where UEFI lets it: the Overflow flag of the
  // manifest's descriptor (the cut section has its own); the record header
  // flags have no such bit.
  if (out.truncated) (void)builder.add_section_flags(0, cper::kSectionFlagOverflow);
  size_t record_bytes = 0;
  Status s = builder.finish(header, record_bytes);
  if (!ok(s)) return s;

  if (!ok(hal.phys_write(slice.base + slice.used_bytes, scratch.first(record_bytes)))) return Status::io_error;
  out.needed_bytes = needed;
  out.captured_bytes = record_bytes;
  out.record_offset = slice.used_bytes;
  out.record_bytes = record_bytes;
  out.sections_written = builder.section_count();
  return out.truncated ? Status::truncated : Status::ok;
}

}  // namespace crashtwin
