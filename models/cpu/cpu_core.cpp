#include "models/cpu/cpu_core.h"

#include <algorithm>
#include <cmath>

namespace crashtwin {
namespace {
constexpr uint64_t kStackSize = kernel_layout::kStackBytes;
// Page-fault error code: present=0, write=1, kernel mode (Intel SDM 4.7).
constexpr uint64_t kDefaultPageFaultCode = 0x2;
// UD2, the architecturally invalid opcode, as it sits in memory (0F 0B).
constexpr uint64_t kUd2 = 0x0B0F;
// MCACOD of a generic memory-hierarchy data-read error (SDM 16.9.2).
constexpr uint64_t kDefaultMcaCode = 0x0134;

uint64_t round_millis(double v) { return v <= 0.0 ? 0 : static_cast<uint64_t>(std::llround(v * 1000.0)); }

KernelStackParams stack_params(const CpuCoreParams& p) {
  KernelStackParams s = p.stack;
  s.stack_bytes = kStackSize;
  s.code_base = p.code_base;
  s.code_size = p.code_size;
  return s;
}

// A stream of its own, seeded from a copy of the core's: the core's draws stay as they were.
RngStream derived_stream(RngStream copy, std::string_view name) { return RngStream(copy.next() ^ stable_hash(name)); }
}  // namespace

CpuCore::CpuCore(uint16_t index, const CpuCoreParams& params, RngStream rng, double inlet_c)
    : index_(index),
      params_(params),
      rng_(rng),
      thermal_(params.thermal, inlet_c, inlet_c),
      // Its own stream: modelling the stack leaves the core's other draws as they were.
      stack_(params.stack_base + uint64_t{index} * kStackSize, stack_params(params), derived_stream(rng, "kernel_stack")) {
  regs_.core = index;
  regs_.cr0 = 0x80050033;  // PG | AM | WP | NE | ET | MP | PE: a running 64-bit kernel
  regs_.cr4 = 0x003706F0;
  regs_.cr3 = params_.page_table_base + uint64_t{index} * kernel_layout::kPageTableBytesPerCore;
  regs_.rip = random_code_address();
  regs_.gpr[Gpr::rsp] = stack_.rsp();
  regs_.gpr[Gpr::rbp] = stack_.rbp();
  // A core in the kernel: kernel code and stack segments, null data
  // segments (64-bit mode ignores them), the task register on the TSS entry,
  // gs_base on the core's per-CPU area, no user fs.
  regs_.cs = kernel_layout::kKernelCs;
  regs_.ss = kernel_layout::kKernelDs;
  regs_.tr = kernel_layout::kTssSelector;
  regs_.gs_base = params_.per_cpu_base + uint64_t{index} * kernel_layout::kPerCpuBytes;
  regs_.gdtr_base = params_.gdt_base + uint64_t{index} * kernel_layout::kPageBytes;
  regs_.gdtr_limit = kernel_layout::kGdtLimit;
  regs_.idtr_base = params_.idt_base;
  regs_.idtr_limit = kernel_layout::kIdtLimit;
  // CPUID leaf 1: EBX = initial APIC id, logical processors in the package,
  // CLFLUSH line size in 8-byte units (64 B).
  regs_.cpuid1 = {params_.cpuid_signature,
                  (uint32_t{index} << 24) | (std::min<uint32_t>(params_.cores_in_package, 255) << 16) | (8u << 8),
                  params_.cpuid_features_ecx, params_.cpuid_features_edx};
  upper_banks_.resize(params_.mca_banks > 1 ? params_.mca_banks - 1 : 0);
  registers_moved_ = true;
  apply_rates();
}

uint64_t CpuCore::random_code_address() { return params_.code_base + rng_.below(params_.code_size); }

double CpuCore::utilization() const {
  switch (run_state_) {
    case CoreRunState::running: return phase_.utilization;
    case CoreRunState::hung: return 1.0;
    case CoreRunState::halted: return 0.0;
  }
  return 0.0;
}

double CpuCore::memory_traffic_bps() const {
  return run_state_ == CoreRunState::running ? phase_.memory_traffic_bps + workload_traffic_bps_ : 0.0;
}

uint64_t CpuCore::take_traffic_bytes() {
  const double whole = std::floor(traffic_bytes_);
  traffic_bytes_ -= whole;
  return static_cast<uint64_t>(whole);
}

void CpuCore::apply_rates() {
  const bool retiring = run_state_ == CoreRunState::running;
  exceptions_.set_rate(retiring ? phase_.exception_rate + precursor_.extra_exception_rate +
                                      replayed_exceptions_per_s_ + (storm_ ? params_.page_fault_storm_rate : 0.0)
                                : 0.0);
  interrupts_.set_rate(retiring ? phase_.interrupt_rate + precursor_.extra_interrupt_rate : 0.0);
  // Corrected errors are the silicon's, not the program's: they keep
  // arriving while the core is hung, not once it is off.
  corrected_errors_.set_rate(run_state_ == CoreRunState::halted
                                 ? 0.0
                                 : params_.corrected_error_rate + precursor_.corrected_error_rate +
                                       replayed_corrected_errors_per_s_);
  const double power = run_state_ == CoreRunState::halted
                           ? 0.0
                           : params_.idle_power_w + (params_.max_power_w - params_.idle_power_w) * utilization();
  thermal_.set_power(power);
}

void CpuCore::advance_to(uint64_t now_ns) {
  if (now_ns <= now_ns_) return;
  const double seconds = static_cast<double>(now_ns - now_ns_) * 1e-9;
  RngStream* noise = params_.noise ? &rng_ : nullptr;
  exceptions_.advance(seconds, noise);
  interrupts_.advance(seconds, noise);
  corrected_errors_.advance(seconds, noise);
  thermal_.advance(seconds);
  traffic_bytes_ += memory_traffic_bps() * seconds;
  if (run_state_ == CoreRunState::running && !frozen_) stack_.advance(seconds, stack_load());
  if (run_state_ == CoreRunState::running) registers_moved_ = true;
  now_ns_ = now_ns;
}

void CpuCore::set_phase(const WorkloadPhase& phase) {
  phase_ = phase;
  apply_rates();
}

void CpuCore::set_precursor(const CorePrecursor& precursor) {
  if (precursor.stack_recursion_bytes != precursor_.stack_recursion_bytes ||
      precursor.stack_recursion_at_ns != precursor_.stack_recursion_at_ns) {
    const uint64_t at = precursor.stack_recursion_at_ns;
    stack_.set_recursion(precursor.stack_recursion_bytes, at > now_ns_ ? static_cast<double>(at - now_ns_) * 1e-9 : 0.0);
  }
  precursor_ = precursor;
  thermal_.set_offset_ramp(precursor.temperature_ramp_c_per_s, precursor.temperature_ramp_limit_c);
  apply_rates();
}

void CpuCore::set_inlet(double celsius) { thermal_.set_ambient(celsius); }

void CpuCore::set_replayed_rates(double corrected_errors_per_s, double exceptions_per_s) {
  replayed_corrected_errors_per_s_ = corrected_errors_per_s;
  replayed_exceptions_per_s_ = exceptions_per_s;
  apply_rates();
}

uint64_t CpuCore::metric(Metric m) const {
  switch (m) {
    case Metric::cpu_utilization: return static_cast<uint64_t>(std::llround(utilization() * 1e6));
    case Metric::cpu_temperature: return round_millis(thermal_.temperature());
    case Metric::cpu_power: return round_millis(thermal_.power());
    case Metric::cpu_exceptions: return exceptions_.value();
    case Metric::cpu_interrupts: return interrupts_.value();
    case Metric::cpu_corrected_errors: return corrected_errors_.value();
    default: return 0;
  }
}

const CoreRegisterFile& CpuCore::snapshot_registers() {
  if (registers_moved_ && run_state_ == CoreRunState::running && !frozen_) {
    regs_.rip = random_code_address();
    for (size_t i = 0; i < regs_.gpr.size(); ++i) {
      if (i == Gpr::rsp || i == Gpr::rbp) continue;
      regs_.gpr[i] = rng_.next();
    }
    // The stack the core runs on now, and the frame it is in.
    stack_.realise(stack_load());
    regs_.gpr[Gpr::rsp] = stack_.rsp();
    regs_.gpr[Gpr::rbp] = stack_.rbp();
  }
  registers_moved_ = false;
  regs_.tsc = static_cast<uint64_t>(static_cast<double>(now_ns_) * 1e-9 * params_.frequency_hz);
  return regs_;
}

CpuCore::Fault CpuCore::page_fault_storm(uint64_t linear_address, uint64_t error_code) {
  // A recursion that has filled the stack: this fault is its push into the guard page.
  if (stack_.recursion_fills_stack()) return stack_overflow();
  snapshot_registers();
  frozen_ = true;
  regs_.cr2 = linear_address;
  storm_ = true;
  apply_rates();
  return {linear_address, error_code != 0 ? error_code : kDefaultPageFaultCode};
}

KernelStackLoad CpuCore::stack_load() const {
  return {utilization(), exceptions_.rate(), interrupts_.rate()};
}

CpuCore::Fault CpuCore::stack_overflow() {
  snapshot_registers();
  frozen_ = true;
  // The push that faulted: rsp at end_of_stack, cr2 just below it. The
  // kernel dies (handle_stack_overflow: die(), panic), so no storm follows.
  const uint64_t guard = stack_.overflow();
  regs_.gpr[Gpr::rsp] = stack_.rsp();
  regs_.gpr[Gpr::rbp] = stack_.rbp();
  regs_.cr2 = guard;
  return {guard, kDefaultPageFaultCode};
}

void CpuCore::end_page_fault_storm() {
  storm_ = false;
  apply_rates();
}

CpuCore::Fault CpuCore::invalid_opcode(uint64_t instruction_address, uint64_t opcode) {
  snapshot_registers();
  frozen_ = true;
  if (instruction_address != 0) regs_.rip = instruction_address;
  return {regs_.rip, opcode != 0 ? opcode : kUd2};
}

uint64_t CpuCore::mci_status(uint32_t bank) const {
  if (bank == 0) return regs_.mc_status;
  return bank - 1 < upper_banks_.size() ? upper_banks_[bank - 1].status : 0;
}

CpuCore::Fault CpuCore::machine_check(uint64_t physical_address, uint64_t mca_code, uint32_t bank) {
  snapshot_registers();
  frozen_ = true;
  if (bank > upper_banks_.size()) bank = 0;
  uint64_t& status = bank == 0 ? regs_.mc_status : upper_banks_[bank - 1].status;
  regs_.mcg_status = kMcgStatusMcip | kMcgStatusEipv;
  uint64_t& addr = bank == 0 ? regs_.mc_addr : upper_banks_[bank - 1].addr;
  // The SDM's overwrite rules (vol. 3B 15.3.2.2.1): an error finding VAL
  // still set sets OVER; an uncorrected error is not written over a valid
  // uncorrected one, whose record (and MCi_ADDR) stays and is what the
  // status block reports.
  const bool logged = (status & kMciStatusVal) != 0;
  if (logged && (status & kMciStatusUc) != 0) {
    status |= kMciStatusOver;
    return {addr, status};
  }
  // An uncorrected, processor-context-corrupt error: what a fatal #MC
  // leaves in its bank, over a corrected one. ADDRV only when the error has
  // an address: with it clear, IA32_MCi_ADDR (and the CPER target address)
  // is not valid. The bank's corrected error count stays.
  status = kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc | (logged ? kMciStatusOver : 0) |
           (physical_address != 0 ? kMciStatusAddrv : 0) | (status & kMciStatusCeCountMask) |
           (mca_code != 0 ? (mca_code & 0xFFFF) : kDefaultMcaCode);
  addr = physical_address;
  return {physical_address, status};
}

void CpuCore::corrected_machine_check(uint32_t bank, uint16_t mca_code) {
  if (run_state_ == CoreRunState::halted || bank > upper_banks_.size()) return;
  uint64_t& status = bank == 0 ? regs_.mc_status : upper_banks_[bank - 1].status;
  const uint64_t count = std::min(mci_status_ce_count(status) + 1, kMciStatusCeCountMax);
  const bool logged = (status & kMciStatusVal) != 0;
  if ((status & kMciStatusUc) != 0) {
    status |= kMciStatusOver;
  } else {
    // EN: MCi_CTL enables every error (all ones).
    status = kMciStatusVal | kMciStatusEn | (logged ? kMciStatusOver : 0) | mca_code;
  }
  status = (status & ~kMciStatusCeCountMask) | (count << kMciStatusCeCountShift);
  corrected_errors_.add(1);
}

void CpuCore::hang() {
  if (run_state_ != CoreRunState::running) return;
  snapshot_registers();
  // A hard lockup: spinning with interrupts masked, the instruction pointer
  // stuck in the loop.
  regs_.rflags &= ~kRflagsInterruptEnable;
  run_state_ = CoreRunState::hung;
  apply_rates();
}

CpuCore::Fault CpuCore::watchdog_report(uint64_t timeout_ns) const { return {regs_.rip, timeout_ns}; }

CpuCore::Fault CpuCore::thermal_trip() {
  snapshot_registers();
  const Fault fault{0, round_millis(thermal_.temperature())};
  run_state_ = CoreRunState::halted;
  storm_ = false;
  apply_rates();
  return fault;
}

void CpuCore::warm_reset() {
  run_state_ = CoreRunState::running;
  storm_ = false;
  regs_.rflags = kRflagsReserved1 | kRflagsInterruptEnable;
  regs_.mcg_status = regs_.mc_status = regs_.mc_addr = regs_.mc_misc = 0;
  std::fill(upper_banks_.begin(), upper_banks_.end(), McaBankRegisters{});
  regs_.cr2 = 0;
  frozen_ = false;
  stack_.reboot();
  registers_moved_ = true;
  apply_rates();
}

}  // namespace crashtwin
