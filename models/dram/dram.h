// DRAM: host main memory (up to 16 TiB) with a sparse backing store, access
// timing, DMI, NUMA nodes, DIMM geometry and a memory controller with an
// error log. Contents survive warm reset (firmware-assisted dump).
//
// Parameters: size, dimms, numa_nodes, ranks, banks, columns, read_latency,
//   write_latency, bandwidth, error_log_entries, corrected_error_rate (per
//   DIMM, healthy), smbios_first_handle (DIMM i's SMBIOS Type 17 handle is
//   first + i, in its unit's SMBIOS_HANDLE; 0: none declared); thermal: idle_power, active_power, thermal_resistance,
//   heat_capacity, airflow, slot_airflow_spread, critical_temperature (85 C, the BMC's threshold;
//   docs/models.md); field faults
//   (fault_process.h; off unless field_fault_acceleration > 0):
//   fault_activation_rate, ecc, devices_per_rank, dimm_fault_rate,
//   dimm_fault_warned_fraction, dimm_fault_lead_min, dimm_fault_lead_max
// Sockets: in (memory, DMI; multi-port: every initiator binding it is a port
//   of the memory, as a BMC's memory serves the host bus and the BMC's own
//   CPU), ctrl (memory controller registers: one unit per DIMM,
//   device_layout.h), irq (machine check: an uncorrectable error)
// Controller registers: the register map's `dram` block (docs/registers.md):
//   SIZE, DIMMS, NUMA_NODES, CE_TOTAL, UE_TOTAL, MATERIALISED_PAGES.
//
// Timing: an access of n bytes costs latency + n / bandwidth, n being the
// represented bytes of a workload burst (models/workload/traffic_burst.h)
// when the initiator attaches one; they also count as traffic. DMI grants a
// page at a time and annotates the latency per access; DMI users add
// n / bandwidth themselves (transfer_time()).
//
// Temperature: each DIMM is a first-order thermal model (thermal_model.h)
// whose power follows its own traffic (idle_power at rest, active_power at
// the full bandwidth) and whose air is the board inlet (or its slot's air,
// set by a scenario) warmed by its neighbours' heat (1.76 °C per W per CFM of
// the airflow past the slot). Nothing about a DIMM's health moves its
// temperature: a failing DIMM heats only if something heats its air.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_set>
#include <optional>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/config/registry.h"
#include "models/core/component_unit.h"
#include "models/core/model.h"
#include "models/core/numa.h"
#include "models/workload/traffic_burst.h"
#include "models/core/register.h"
#include "models/regs/register_blocks.h"
#include "models/core/rng.h"
#include "models/dram/error_log.h"
#include "models/dram/fault_process.h"
#include "models/dram/sparse_memory.h"
#include "models/sensors/thermal_model.h"
#include "models/sensors/thermal_source.h"

namespace crashtwin {

struct DimmLocation {
  uint32_t dimm = 0;
  uint32_t rank = 0;
  uint32_t bank = 0;
  uint32_t row = 0;
  uint32_t column = 0;
  friend bool operator==(const DimmLocation&, const DimmLocation&) = default;
};

// The device and bit an ECC decode named for an error: known for field
// faults (fault_process.h); unknown for errors the model does not place in a
// device (corrected-error precursors, injected failures).
struct DramEccDecode {
  uint8_t device = MemoryErrorLogEntry::kUnknownDevice;
  uint16_t bit_position = MemoryErrorLogEntry::kUnknownBitPosition;
  // The error bits over the burst corrected (DramFaultError::error_dqs,
  // error_beats); 0 when unknown.
  uint32_t error_dqs = 0;
  uint32_t error_beats = 0;
};

class Dram : public Model, public ThermalSource, public RmidTrafficSource, public NumaMemory {
 public:
  tlm_utils::multi_passthrough_target_socket<Dram> in;
  tlm_utils::simple_target_socket<Dram> ctrl;
  IrqOut irq;

  SC_HAS_PROCESS(Dram);
  Dram(sc_core::sc_module_name name, const ModelContext& context);

  std::vector<MmioRegion> mmio_regions() override;
  uint32_t component_units() const override { return dimms_; }
  IrqOut* error_irq() override { return &irq; }
  bool inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) override;
  void warm_reset() override;

  // Where the board mapped `in` (error events carry physical addresses).
  void set_physical_base(uint64_t base) { physical_base_ = base; }
  uint64_t physical_base() const { return physical_base_; }

  uint64_t size() const { return size_; }
  uint32_t dimms() const { return dimms_; }
  uint32_t numa_nodes() const override { return numa_nodes_; }
  // Bytes the bursts tagged with `rmid` moved since power-on (MBM).
  RmidTraffic rmid_traffic(uint32_t rmid) const override;
  uint64_t dimm_size() const { return size_ / dimms_; }
  double bandwidth_bytes_per_s() const { return bandwidth_; }  // of one DIMM (channel)
  // Geometry of a DRAM-local address: DIMMs own contiguous ranges; within a
  // DIMM, 8-byte columns, then banks, then ranks, then rows.
  DimmLocation decode(uint64_t offset) const;
  uint64_t encode(const DimmLocation& where) const;
  // NUMA node of a DRAM-local address (DIMMs split evenly across nodes).
  uint32_t numa_node(uint64_t offset) const override;
  // Bytes moved to and from `dimm` since power-on (its mem_traffic_bytes
  // metric), read without bringing temperatures up to date: observers that
  // must not move the model (the live view) read this.
  uint64_t dimm_traffic_bytes(uint32_t dimm) const { return dimm_state_.at(dimm).traffic_bytes; }

  sc_core::sc_time transfer_time(uint64_t bytes) const;
  // DMI grants handed out on `in` (any port) since power-on.
  uint64_t dmi_grants() const { return dmi_grants_; }
  sc_core::sc_time access_time(bool is_write, uint64_t bytes) const;

  // Precursors: `count` corrected errors on `dimm` now, clustered on the
  // DIMM's weak row (drawn from the model's stream); or a Poisson rate of
  // them from now on (0 stops).
  void inject_corrected_errors(uint32_t dimm, uint32_t count);
  // The same at a logged location (replayed field logs): `address` is a
  // physical address of the logged machine, folded into this DIMM (offset =
  // address mod DIMM size), so repeats at one address stay at one
  // rank/bank/row/column.
  void inject_corrected_errors_at(uint32_t dimm, uint32_t count, uint64_t address);
  void set_corrected_error_rate(uint32_t dimm, double per_second);

  const MemoryErrorLog& error_log() const { return log_; }
  // Present value (temperatures are brought up to the current time first).
  uint64_t metric(uint32_t dimm, Metric m);
  // Memory in use (kernel + workload): each DIMM's pressure times its size.
  uint64_t used_bytes() const;
  // Workload-driven gauges (the CPU cluster's phases and the sensors).
  void set_pressure(uint32_t dimm, uint64_t ppm) { dimm_state_.at(dimm).pressure_ppm = ppm; }

  // Thermal inputs from now on. The air entering one DIMM's slot (a blocked
  // vent, a failed fan in front of it), replacing the board inlet there:
  void set_slot_air(uint32_t dimm, double celsius);
  // A heat ramp at one slot: its air moves at `c_per_s` toward `limit_c`
  // above the inlet (a fan slowing down); a zero rate holds it.
  void set_heat_ramp(uint32_t dimm, double c_per_s, double limit_c);
  // Replay: the DIMM's sensor reads `milli_celsius` from now on, whatever
  // the thermal model says (a recorded sensor is the truth to replay).
  void pin_temperature(uint32_t dimm, uint64_t milli_celsius);
  double temperature_c(uint32_t dimm);
  double power_w(uint32_t dimm);
  double slot_airflow_cfm(uint32_t dimm) const { return dimm_state_.at(dimm).airflow_cfm; }

  // ThermalSource: one channel per DIMM ("dimm2").
  uint32_t thermal_channels() const override { return dimms_; }
  std::string thermal_channel_name(uint32_t channel) const override;
  double channel_temperature_c(uint32_t channel) override { return temperature_c(channel); }
  double channel_power_w(uint32_t channel) override { return power_w(channel); }
  double channel_critical_c(uint32_t) const override { return critical_c_; }
  double peek_temperature_c(uint32_t channel, uint64_t now_ns) const override {
    const double dt = now_ns > thermal_ns_ ? static_cast<double>(now_ns - thermal_ns_) * 1e-9 : 0.0;
    return dimm_state_.at(channel).thermal.temperature_after(dt);
  }
  void set_inlet_temperature(double celsius) override;
  void settle_thermal() override;
  void set_airflow(double airflow_fraction) override;

  // The host kernel writing its own memory (page tables, the printk ring)
  // through the caches: no simulated time, no traffic counted; read-only
  // DMI grants of the touched pages are dropped first.
  void host_write(uint64_t offset, std::span<const std::byte> data);

  SparseMemory& memory() { return memory_; }
  const SparseMemory& memory() const { return memory_; }

 private:
  struct DimmState {
    uint64_t traffic_bytes = 0;
    uint64_t corrected = 0;
    uint64_t uncorrected = 0;
    uint64_t pressure_ppm = 0;
    ThermalModel thermal;
    double airflow_cfm = 0;                // past this slot, at the design airflow
    std::optional<double> slot_air_c;      // set by a scenario; else the inlet
    std::optional<uint64_t> pinned_mc;     // replayed sensor reading
    uint64_t traffic_at_thermal = 0;       // traffic_bytes when last advanced
    uint32_t weak_row = 0;
    // Rows (rank, bank, row) that have had a corrected error: the
    // controller's error-address tracking, bounded like a hardware table
    // (kCeRowTableEntries); the count saturates when it is full.
    std::unordered_set<uint64_t> ce_rows;
    // The same for banks (rank, bank), columns (rank, bank, column) and
    // addresses (a CE at a known address is a repeat); bounded alike.
    std::unordered_set<uint64_t> ce_banks;
    std::unordered_set<uint64_t> ce_columns;
    std::unordered_set<uint64_t> ce_addresses;
    uint64_t ce_repeats = 0;
    // Corrected errors whose error bits span several DQ lanes, or beats.
    uint64_t ce_multi_dq = 0;
    uint64_t ce_multi_beat = 0;
    double ce_rate = 0;            // per second
    sc_core::sc_time next_ce;      // absolute; meaningful when ce_rate > 0
  };

  // `in`'s callbacks; every port is served alike.
  void b_transport(int port, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  void count_rmid_traffic(const TrafficBurst& burst, uint64_t offset, uint64_t bytes);
  unsigned transport_dbg(int port, tlm::tlm_generic_payload& tx);
  bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  void ctrl_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned ctrl_transport_dbg(tlm::tlm_generic_payload& tx);
  void log_corrected(uint32_t dimm);
  // `decoded`: the device and bit the ECC named (DramEccDecode).
  void log_corrected_at(uint32_t dimm, DimmLocation where, DramEccDecode decoded = {});
  static constexpr size_t kCeRowTableEntries = 65536;
  void corrected_error_arrivals();  // SC_METHOD on ce_event_
  void schedule_next_ce();
  // When the next corrected error of a DIMM at `rate` per second arrives:
  // strictly after `now`.
  sc_core::sc_time next_ce_after(const sc_core::sc_time& now, double rate);
  void update_irq();                // SC_METHOD on irq_event_
  void materialising_write(uint64_t offset, uint64_t bytes);
  // Logs an uncorrectable error at `offset` (inside DIMM `unit`) and raises
  // it as the DIMM's failure.
  void raise_uncorrectable(uint32_t unit, uint64_t offset, uint64_t detail, DramEccDecode decoded = {});
  void field_fault_events();        // SC_METHOD on fault_event_
  void schedule_next_field_fault();
  // Brings every DIMM's temperature to the present: each DIMM's power over
  // the elapsed interval is its idle power plus its traffic's share of the
  // active power, and its air is warmed by its neighbours' power.
  void advance_thermal();
  double slot_ambient(uint32_t dimm, double own_air) const;
  // A DIMM's air from its slot's or the inlet's temperature; before any
  // time has passed, the DIMM settles there.
  void update_air(uint32_t dimm);

  uint64_t size_;
  uint32_t dimms_;
  uint32_t numa_nodes_;
  uint32_t ranks_, banks_, columns_;
  sc_core::sc_time read_latency_, write_latency_;
  double bandwidth_;
  uint64_t physical_base_ = 0;
  RngStream rng_;
  SparseMemory memory_;
  MemoryErrorLog log_;
  std::vector<DimmState> dimm_state_;
  std::vector<RmidTraffic> rmid_traffic_;  // by RMID; grows to the highest RMID seen
  std::unordered_set<uint64_t> zero_granted_pages_;  // read-only DMI grants to invalidate on first write
  uint64_t dmi_grants_ = 0;
  RegisterBank regs_;
  std::unique_ptr<regs::DramRegisters> controller_regs_;  // the register map's dram block
  std::vector<std::unique_ptr<ComponentUnit>> units_;
  uint64_t ue_total_ = 0;
  double idle_power_w_ = 0, active_power_w_ = 0;
  double critical_c_ = 85.0;
  double inlet_c_ = kDefaultInletC;
  double chassis_airflow_ = 1.0;  // of the design airflow (set_airflow)
  uint64_t thermal_ns_ = 0;     // when temperatures were last advanced (0: not yet)
  std::vector<double> interval_power_w_;  // scratch of advance_thermal
  std::optional<DramFaultProcess> field_faults_;  // when field_fault_acceleration > 0
  sc_core::sc_event ce_event_;
  sc_core::sc_event fault_event_;
  sc_core::sc_event irq_event_;
};

}  // namespace crashtwin
