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
}  // namespace

CpuCore::CpuCore(uint16_t index, const CpuCoreParams& params, RngStream rng, double inlet_c)
    : index_(index), params_(params), rng_(rng), thermal_(params.thermal, inlet_c, inlet_c) {
  regs_.core = index;
  regs_.cr0 = 0x80050033;  // PG | AM | WP | NE | ET | MP | PE: a running 64-bit kernel
  regs_.cr4 = 0x003706F0;
  regs_.cr3 = params_.page_table_base + uint64_t{index} * kernel_layout::kPageTableBytesPerCore;
  regs_.rip = random_code_address();
  regs_.gpr[Gpr::rsp] = kernel_stack_top() - 8;
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
  if (run_state_ == CoreRunState::running) registers_moved_ = true;
  now_ns_ = now_ns;
}

void CpuCore::set_phase(const WorkloadPhase& phase) {
  phase_ = phase;
  apply_rates();
}

void CpuCore::set_precursor(const CorePrecursor& precursor) {
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
      if (i == Gpr::rsp) continue;
      regs_.gpr[i] = rng_.next();
    }
    // Somewhere in this core's kernel stack, 8-byte aligned.
    regs_.gpr[Gpr::rsp] = kernel_stack_top() - 8 - 8 * rng_.below(kStackSize / 16);
  }
  registers_moved_ = false;
  regs_.tsc = static_cast<uint64_t>(static_cast<double>(now_ns_) * 1e-9 * params_.frequency_hz);
  return regs_;
}

CpuCore::Fault CpuCore::page_fault_storm(uint64_t linear_address, uint64_t error_code) {
  snapshot_registers();
  frozen_ = true;
  regs_.cr2 = linear_address;
  storm_ = true;
  apply_rates();
  return {linear_address, error_code != 0 ? error_code : kDefaultPageFaultCode};
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

CpuCore::Fault CpuCore::machine_check(uint64_t physical_address, uint64_t mca_code) {
  snapshot_registers();
  frozen_ = true;
  // An uncorrected, processor-context-corrupt error: what a fatal #MC
  // leaves in bank 0. ADDRV only when the error has an address: with it
  // clear, IA32_MCi_ADDR (and the CPER target address) is not valid.
  regs_.mc_status = kMciStatusVal | kMciStatusUc | kMciStatusEn | kMciStatusPcc |
                    (physical_address != 0 ? kMciStatusAddrv : 0) |
                    (mca_code != 0 ? (mca_code & 0xFFFF) : kDefaultMcaCode);
  regs_.mc_addr = physical_address;
  regs_.mcg_status = kMcgStatusMcip | kMcgStatusEipv;
  return {physical_address, regs_.mc_status};
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
  regs_.cr2 = 0;
  frozen_ = false;
  registers_moved_ = true;
  apply_rates();
}

}  // namespace crashtwin
