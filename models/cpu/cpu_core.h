// One core of a cpu_cluster, as plain state advanced in time by the cluster
// (no SystemC process of its own): workload phase and precursor offsets in,
// performance counters, power, temperature and the architectural register
// file out. Counters integrate rates between events and draw Poisson noise
// from the core's own stream; temperature follows the closed-form thermal
// model. Failures change what the core does (a hung core stops retiring, a
// tripped core is powered off); the cluster latches the error status.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "models/core/rng.h"
#include "models/cpu/kernel_layout.h"
#include "models/cpu/kernel_stack.h"
#include "platform/capture/register_file.h"
#include "models/sensors/thermal_model.h"
#include "models/workload/rate_counter.h"
#include "models/workload/workload_phase.h"
#include "platform/core/types.h"

namespace crashtwin {

struct CpuCoreParams {
  double idle_power_w = 3.0;
  double max_power_w = 12.0;
  ThermalParams thermal{};
  double frequency_hz = 2.5e9;             // TSC rate
  double corrected_error_rate = 0.0;       // corrected machine checks per second, healthy
  double page_fault_storm_rate = 50000.0;  // exceptions per second while a storm is unacknowledged
  bool noise = true;                       // Poisson noise on counters (off: exact integrals)
  // The simulated kernel runs identity-mapped in low DRAM, so rip, rsp and
  // cr3 hold physical addresses the firmware can read through the Hal (a
  // capture of the stack or code page reads them there). The cluster adds
  // the DRAM base (models/cpu/kernel_layout.h is the map).
  uint64_t page_table_base = kernel_layout::kPageTableOffset;  // cr3 of core i: base + i * 16 KiB
  uint64_t code_base = kernel_layout::kCodeOffset;             // kernel text the instruction pointer walks
  uint64_t code_size = kernel_layout::kCodeBytes;
  uint64_t stack_base = kernel_layout::kStackOffset;           // per-core kernel stacks (16 KiB each)
  uint64_t gdt_base = kernel_layout::kGdtOffset;               // GDT of core i: base + i * 4 KiB
  uint64_t idt_base = kernel_layout::kIdtOffset;
  uint64_t per_cpu_base = kernel_layout::kPerCpuOffset;        // gs_base of core i: base + i * 8 KiB
  uint32_t mca_banks = 20;                                     // IA32_MCG_CAP.Count
  // CPUID leaf 1 EAX (family, model, stepping) and the ECX/EDX feature flags.
  uint32_t cpuid_signature = 0x000606A6;
  uint32_t cpuid_features_ecx = 0x7FFEFBFF;
  uint32_t cpuid_features_edx = 0xBFEBFBFF;
  uint32_t cores_in_package = 1;                               // CPUID.1:EBX[23:16]
  KernelStackParams stack{};  // code_base/code_size and the stack's address come from the fields above
};

enum class CoreRunState : uint8_t {
  running,
  hung,    // stopped retiring (interrupts masked, spinning): counters freeze, power at max
  halted,  // powered off after a thermal trip: cools toward the ambient
};

class CpuCore {
 public:
  CpuCore(uint16_t index, const CpuCoreParams& params, RngStream rng, double inlet_c);

  // Integrates counters and temperature up to `now_ns` (earlier times are
  // ignored: the state never goes back).
  void advance_to(uint64_t now_ns);
  uint64_t now_ns() const { return now_ns_; }

  // Inputs, effective from the present (advance_to first).
  void set_phase(const WorkloadPhase& phase);
  void set_precursor(const CorePrecursor& precursor);
  void set_inlet(double celsius);
  // At the steady state of its present load (ThermalSource::settle_thermal).
  void settle_thermal() { thermal_.settle(); }
  // The chassis fans changed the air past the core (ThermalSource::set_airflow).
  void set_resistance_factor(double factor) { thermal_.set_resistance_factor(factor); }
  // Rates replayed from a recorded trace (scenarios/replay), added to the
  // phase's and the precursor's: corrected machine checks and exceptions
  // per second.
  void set_replayed_rates(double corrected_errors_per_s, double exceptions_per_s);
  // Memory traffic of the named workloads running on this core (scenario
  // `workloads:`), on top of the phase's, while the core runs.
  void set_workload_traffic(double bytes_per_s) { workload_traffic_bps_ = bytes_per_s; }

  // Register value of a cpu metric in its fixed unit (types.h).
  uint64_t metric(Metric m) const;
  double utilization() const;
  double power_w() const { return thermal_.power(); }
  double temperature_c() const { return thermal_.temperature(); }
  // Seconds until the temperature reaches `trip_c` with the current inputs.
  double seconds_to(double trip_c) const { return thermal_.time_to_reach(trip_c); }
  // The temperature `seconds` after the core's present time at its present
  // power, the core unchanged (ThermalSource::peek_temperature_c).
  double temperature_after(double seconds) const { return thermal_.temperature_after(seconds); }
  double memory_traffic_bps() const;
  // Whole bytes of memory traffic moved since the last call (the cluster
  // sends them as one burst); the fraction carries over.
  uint64_t take_traffic_bytes();
  CoreRunState run_state() const { return run_state_; }
  const WorkloadPhase& phase() const { return phase_; }
  const CorePrecursor& precursor() const { return precursor_; }

  // Failures: update the architectural state the way the hardware would and
  // return the values for the error status block.
  struct Fault {
    uint64_t address = 0;
    uint64_t detail = 0;
  };
  Fault page_fault_storm(uint64_t linear_address, uint64_t error_code);
  void end_page_fault_storm();
  Fault invalid_opcode(uint64_t instruction_address, uint64_t opcode);
  // An uncorrected machine check logged in MCA bank `bank` (< mca_banks):
  // over a logged corrected error with OVER set; a logged uncorrected error
  // stays, with OVER set.
  Fault machine_check(uint64_t physical_address, uint64_t mca_code, uint32_t bank = 0);
  // A corrected machine check logged in `bank` with its MCACOD: the bank's
  // MCi_STATUS holds VAL, the code and the corrected error count (bits
  // 52:38, saturating), OVER once a second error finds VAL still set (no
  // handler clears the banks here); an uncorrected error there stays (the
  // SDM's overwrite rules). cpu_corrected_errors counts it as well. Nothing
  // is logged by a core that is powered off.
  void corrected_machine_check(uint32_t bank, uint16_t mca_code);
  // MCi_STATUS of bank `bank` (0 when the core has no such bank).
  uint64_t mci_status(uint32_t bank) const;
  // Banks 1..mca_banks-1, as encode_register_file takes them.
  std::span<const McaBankRegisters> upper_mca_banks() const { return upper_banks_; }
  // The core stops retiring now; the cluster's watchdog reports it later.
  void hang();
  Fault watchdog_report(uint64_t timeout_ns) const;
  Fault thermal_trip();

  // Architectural registers now: a running core has moved on since the last
  // snapshot (new instruction pointer, stack and general registers drawn
  // from its stream); a hung or halted one has not. After a fault the
  // registers are the frame the fault saved (the exception frame the
  // kernel's handler and any crash capture read: RIP of the faulting
  // instruction, CR2, the MCA banks) until warm reset, however long the core
  // goes on running its handler.
  const CoreRegisterFile& snapshot_registers();
  // The registers as the last snapshot left them: reading them draws nothing
  // from the core's stream, so an observer (the live view) cannot change
  // what the run records.
  const CoreRegisterFile& last_registers() const { return regs_; }
  // The top of this core's kernel stack (THREAD_SIZE bytes below it): rsp
  // counts down from here.
  uint64_t kernel_stack_top() const { return params_.stack_base + (uint64_t{index_} + 1) * kernel_layout::kStackBytes; }

  // The core's kernel stack (models/cpu/kernel_stack.h), realised up to the
  // present with the registers (snapshot_registers first).
  const KernelStack& kernel_stack() const { return stack_; }
  void attach_kernel_memory(KernelMemory* memory) { stack_.attach(memory); }
  // A runaway recursion reaching THREAD_SIZE: seconds until then, and the
  // guard-page fault it ends in (the frame the double-fault handler saves).
  double seconds_to_stack_overflow() const { return stack_.seconds_to_overflow(); }
  bool stack_overflowing() const { return stack_.recursion_fills_stack(); }
  Fault stack_overflow();

  // Warm reset: errors and run state cleared, counters and temperature kept
  // (the silicon does not cool on a reset).
  void warm_reset();

 private:
  void apply_rates();
  uint64_t random_code_address();
  KernelStackLoad stack_load() const;

  uint16_t index_;
  CpuCoreParams params_;
  RngStream rng_;
  uint64_t now_ns_ = 0;
  WorkloadPhase phase_{};
  CorePrecursor precursor_{};
  double replayed_corrected_errors_per_s_ = 0.0;
  double replayed_exceptions_per_s_ = 0.0;
  CoreRunState run_state_ = CoreRunState::running;
  bool storm_ = false;
  RateCounter exceptions_;
  RateCounter interrupts_;
  RateCounter corrected_errors_;
  ThermalModel thermal_;
  CoreRegisterFile regs_;
  bool registers_moved_ = false;
  bool frozen_ = false;  // a fault's frame is held (see snapshot_registers)
  double traffic_bytes_ = 0.0;
  double workload_traffic_bps_ = 0.0;
  KernelStack stack_;
  std::vector<McaBankRegisters> upper_banks_;  // banks 1..mca_banks-1
};

}  // namespace crashtwin
