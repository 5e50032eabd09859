// cpu_cluster: N cores running a phased workload (models/cpu/cpu_core.h).
//
// Parameters (board.<name>.*):
//   cores                      count        cores in the cluster (4)
//   idle_power_w, max_power_w  real         per-core power at 0 % and 100 % busy (3, 12 W)
//   thermal_resistance         real         °C/W from a core to the air (4)
//   thermal_time_constant      duration     first-order thermal time constant (10 s)
//   thermal_trip               temperature  a core reaching it shuts down (100 C)
//   critical_temperature       temperature  its upper critical threshold for the BMC (90 C)
//   frequency                  frequency    TSC rate (2.5 GHz)
//   watchdog_timeout           duration     hang to watchdog_hang report (10 s)
//   page_fault_storm_rate      rate         exceptions/s during a page-fault storm
//   corrected_error_rate       rate         healthy corrected machine checks/s
//   noise                      boolean      Poisson noise on counters (true)
//   register_latency           duration     cost of one MMIO access (100 ns)
//   traffic_quantum            duration     one memory burst per core per quantum (100 ms)
//   traffic_burst              size         real bytes a burst carries at most (64 B)
//   traffic_span               size         DRAM working set the bursts walk (64 MiB)
//   traffic_write_fraction     ratio        share of bursts that are writes (30 %)
//   workload.{utilization, memory_traffic, exception_rate, interrupt_rate}
//                                           the phase at power-on
//   timer.enabled              boolean      per-core sampling timers drive the firmware's
//                                           ticks (true; false: an ideal timer, no per-core model)
//   timer.irq_service_time     duration     mean handler time of one other interrupt, which a
//                                           timer interrupt queues behind (0: ideal)
//   timer.contention_bandwidth bandwidth    per-core memory traffic at which masked sections,
//                                           lock holds and handlers take twice as long (10 GB/s)
//   timer.smi_interval         duration     mean time between SMIs, all cores held (0: none)
//   timer.smi_duration         duration     length of one SMI (100 us)
//   timer.smi_random           boolean      Poisson SMIs (false: periodic)
//   stack.*                    per-core kernel stacks (models/cpu/kernel_stack.h lists them)
//   field_fault_acceleration   real         machine checks from the field process
//                                           (mca_field_process.h; 0: off), with
//                                           field_time_compression, field_failure_rate
//                                           (per processor, split over
//                                           the cores), field_warned_fraction,
//                                           field_lead_time, field_precursor_growth,
//                                           field_lookalike_fraction, field_lookalike_factor
//                                           (models/config/degradation_params.h) and
//                                           field_corrected_error_rate (per core)
// Per-core timers (models/cpu/core_timer.h): armed by the firmware runner
//   with the firmware's tick period on the grid of its ticks;
//   latency from the phase's interrupts-masked share and lock holds, the
//   interrupt load, memory contention and SMIs. With the defaults and no
//   masked share or lock holds in the phase, ticks fall on the boundaries.
//   Statistics per segment (the injector starts one per scenario phase).
// Memory traffic costs one transaction per active core per traffic_quantum
//   whatever its bandwidth (DRAM charges and counts the represented bytes),
//   so the default bounds a core to 10 transactions per simulated second: a
//   day on 4 cores is 3.5 M bursts of 64 B. A DRAM traffic counter lags the
//   cores by less than one quantum; 100 ms is the agent's default sampling
//   period, so a default observer sees each quantum in the next sample. Set
//   a finer quantum to observe traffic faster, a coarser one for days.
// Registers: 0x00 CORES (ro), 0x08 TRIP_POINT (ro, m°C), the resource
//   monitoring registers (0x40..0x60; docs/registers.md); unit i = core i with
//   the device_layout.h window (cpu metrics, error status, register file,
//   timer block, PQR_ASSOC).
// Resource monitoring (models/cpu/resource_monitoring.h, board.cpu.rdt.*):
//   RMIDs per core, LLC occupancy per RMID, MBM counters read from the
//   memory attached with attach_rmid_traffic; named workloads add traffic
//   to their cores (start_workload / stop_workload).
// Cache model (models/cpu/cache_model.h, board.cpu.cache.*): per-core L1D,
//   L2 and DTLB and the shared LLC, fed at every traffic quantum by a
//   sampled address stream of what each core does (its workload's working
//   set, else its walk of the span); hit ratios and coherence counts.
// Sockets: in (MMIO), out (memory bursts to DRAM, TrafficBurst extension),
//   irq (high while a core has an unacknowledged error).
// Failure hooks (inject_failure): page_fault (storm until acknowledged),
//   invalid_opcode, machine_check, watchdog_hang (reported after the
//   watchdog timeout), thermal_shutdown (also raised by the model itself
//   when a core reaches thermal_trip). A runaway stack recursion reaching
//   THREAD_SIZE raises page_fault at the guard page (kernel_stack.h).
//   The field process logs corrected machine checks in the cores' MCA banks
//   (the register file's MCi_STATUS with its corrected error count; the
//   total in cpu_corrected_errors) and raises machine_check itself in the
//   failing bank (an undeclared failure).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "models/config/params.h"
#include "models/config/registry.h"
#include "models/core/component_unit.h"
#include "models/core/model.h"
#include "models/cpu/mca_field_process.h"
#include "models/core/register.h"
#include "models/core/tick_source.h"
#include "models/cpu/core_timer.h"
#include "models/cpu/cpu_core.h"
#include "models/cpu/resource_monitoring.h"
#include "models/regs/register_blocks.h"
#include "models/sensors/thermal_source.h"
#include "models/workload/traffic_burst.h"
#include "platform/core/status.h"

namespace crashtwin {

class CacheModel;
class CacheSampler;

class CpuCluster : public Model, public ThermalSource, public TickSource {
 public:
  tlm_utils::simple_target_socket<CpuCluster> in;
  tlm_utils::simple_initiator_socket<CpuCluster> out;
  IrqOut irq;

  CpuCluster(sc_core::sc_module_name name, const ModelContext& context);
  ~CpuCluster() override;

  // A hung core raises watchdog_hang this long after it hangs.
  uint64_t watchdog_timeout_ns() const;

  // Injector side. `core` empty = every core. invalid_argument (and nothing
  // changes) for a bad phase/precursor, out_of_range for a core that does
  // not exist.
  Status set_phase(std::optional<uint32_t> core, const WorkloadPhase& phase);
  Status set_precursor(std::optional<uint32_t> core, const CorePrecursor& precursor);
  // Replay side (scenarios/replay): one core's recorded corrected-error and
  // exception rates (per second, added to the workload's and the
  // precursors'), and its own inlet temperature (the core adds its heating).
  // out_of_range for a core that does not exist, invalid_argument for a
  // negative or non-finite rate.
  Status set_replayed_rates(uint32_t core, double corrected_errors_per_s, double exceptions_per_s);
  Status set_core_inlet(uint32_t core, double celsius);
  // Named workloads (scenario `workloads:`): the workload's bandwidth is
  // added to its cores' traffic from now on, tagged with the cores' RMIDs.
  // Errors as ResourceMonitoring::start_workload / stop_workload.
  Status start_workload(const ClusterWorkload& workload);
  Status stop_workload(uint32_t id);
  // The memory whose per-RMID byte counts the MBM events read (the board's DRAM).
  void attach_rmid_traffic(const RmidTrafficSource* memory) { rdt_->attach_memory(memory); }
  ResourceMonitoring& monitoring() { return *rdt_; }
  // The cache model's counts so far; nullptr when board.cpu.cache.enabled is false.
  const CacheModel* cache_model() const;
  // Kernel stacks: where their bytes go (the host kernel's DRAM stores),
  // and one core's stack realised up to now (with its registers).
  void attach_kernel_memory(KernelMemory* memory);
  const KernelStack& kernel_stack(uint32_t core);

  uint32_t core_count() const { return static_cast<uint32_t>(cores_.size()); }
  ComponentId core_component(uint32_t core) const {
    return {ComponentClass::cpu, static_cast<uint16_t>(first_id_.instance + core)};
  }
  // Machine-check banks of each core (the register file carries them all).
  uint32_t mca_banks() const;
  // Core `core`'s field machine-check process (nullptr when it is off).
  const McaFieldProcess* field_process(uint32_t core) const {
    return core < field_.size() ? &field_[core] : nullptr;
  }
  // A core advanced to the present (for tests and the runner's time series).
  const CpuCore& core(uint32_t index);
  // The core as it is, not advanced: advancing draws counter noise, so an
  // observer that must not change the run (the live view) reads this.
  const CpuCore& core_as_is(uint32_t index) const { return *cores_.at(index); }
  const ResourceMonitoring& monitoring() const { return *rdt_; }
  double thermal_trip_c() const { return trip_c_; }
  uint64_t bursts_sent() const { return bursts_sent_; }
  uint64_t burst_bytes_represented() const { return burst_bytes_represented_; }
  // The DRAM the workload's bursts walk, from kernel_layout::kUserOffset up.
  uint64_t traffic_span_bytes() const;

  // Per-core timers: a new statistics segment from now on (boundaries up to
  // now belong to the previous one); the segments so far, the last ending now.
  void begin_timer_segment(const std::string& name);
  const std::vector<TimerSegment>& timer_segments();
  uint64_t timer_period_ns() const { return timer_period_; }
  const CoreTimer& timer(uint32_t core);

  // TickSource
  bool arm_ticks(uint64_t period_ns, uint64_t phase_ns = 0) override;
  TickDelivery firmware_tick(uint64_t boundary_ns) override;

  // Model
  TargetSocket* mmio_target() override { return &in; }
  uint64_t mmio_size() const override;
  std::vector<InitiatorSocket*> bus_masters() override { return {&out}; }
  uint32_t component_units() const override { return core_count(); }
  IrqOut* error_irq() override { return &irq; }
  bool inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) override;
  void warm_reset() override;

  // ThermalSource
  uint32_t thermal_channels() const override { return core_count(); }
  std::string thermal_channel_name(uint32_t channel) const override;
  double channel_temperature_c(uint32_t channel) override;
  double channel_power_w(uint32_t channel) override;
  double channel_critical_c(uint32_t) const override { return critical_c_; }
  double peek_temperature_c(uint32_t channel, uint64_t now_ns) const override;
  void set_inlet_temperature(double celsius) override;
  void settle_thermal() override;
  void set_airflow(double airflow_fraction) override;

 private:
  struct Params;
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& tx);
  void advance_all(uint64_t now_ns);
  uint64_t now_ns() const;
  void raise(uint32_t core, ErrorType type, const CpuCore::Fault& fault);
  void reschedule();
  void on_deadline();
  void update_irq();
  void traffic_thread();
  void send_burst(uint32_t core, uint64_t bytes);
  void advance_timers(uint64_t now);
  void start_segment(const std::string& name, uint64_t now);
  // inject_failure's work, with the MCA bank a machine check is logged in.
  bool fail_core(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail, uint32_t mca_bank);
  void field_fault_events();  // SC_METHOD on field_event_
  void schedule_next_field_event();

  std::unique_ptr<Params> params_;
  ComponentId first_id_;
  double trip_c_;
  double critical_c_;
  uint64_t memory_base_;
  uint64_t memory_size_;
  RegisterBank regs_;
  // The register map's cpu_cluster block, and per core its core block and,
  // with per-core timers, its core_timer block (docs/registers.md).
  std::unique_ptr<regs::CpuClusterRegisters> cluster_regs_;
  std::vector<std::unique_ptr<regs::CoreRegisters>> core_regs_;
  std::vector<std::unique_ptr<regs::CoreTimerRegisters>> core_timer_regs_;
  std::vector<std::unique_ptr<CpuCore>> cores_;
  std::vector<std::unique_ptr<ComponentUnit>> units_;
  std::vector<uint64_t> watchdog_due_ns_;  // kNoDeadline when not armed
  std::vector<uint64_t> traffic_cursor_;   // offset of the next burst in the core's part of the span
  uint64_t access_time_ns_ = 0;            // time of the MMIO access being served
  sc_core::sc_event deadline_event_;
  sc_core::sc_event irq_event_;
  sc_core::sc_event traffic_changed_;
  // The field machine-check process of each core, and its next event
  // (empty when field_fault_acceleration is 0).
  std::vector<McaFieldProcess> field_;
  std::vector<McaFieldEvent> next_field_;
  sc_core::sc_event field_event_;
  tlm_utils::tlm_quantumkeeper quantum_keeper_;
  tlm::tlm_generic_payload burst_;
  TrafficBurst burst_extension_;
  std::vector<unsigned char> burst_data_;
  RngStream traffic_rng_;
  uint64_t bursts_sent_ = 0;
  uint64_t burst_bytes_represented_ = 0;
  bool traffic_error_reported_ = false;
  std::unique_ptr<SmiSchedule> smi_;
  std::unique_ptr<ResourceMonitoring> rdt_;
  // The cache model, fed once per traffic quantum with each core's bytes.
  std::unique_ptr<CacheSampler> cache_;
  void sample_caches(uint64_t now, const std::vector<uint64_t>& bytes);
  std::vector<uint64_t> traffic_moved_;  // traffic_thread's bytes per core of the quantum
  uint64_t span_part_bytes() const;          // each core's part of the span its bursts walk
  uint64_t span_part_base(uint32_t core) const;
  void apply_workload_traffic();
  std::vector<CoreTimer> timers_;
  std::vector<TimerSegment> segments_;
  uint64_t timer_period_ = 0;  // 0: not armed
  uint64_t timer_phase_ = 0;   // boundaries at timer_phase_ + k x timer_period_
  uint64_t next_boundary_ = 0;
};

}  // namespace crashtwin
