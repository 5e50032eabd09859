// nic: a network interface with a packet ring, on the common I/O engine
// (models/workload/io_device.h). Packets refused by a full ring or arriving
// while the link is down are drops.
//
// Parameters (board.<name>.*): the common ones (defaults: service_time
//   5 us, parallelism 16, queue_depth 1024, command_timeout 5 s (transmit
//   watchdog), idle/active power 3/10 W, workload.io_rate 10000 /s, io_size
//   1500 B), crc_error_rate (healthy, 0), link_flap_duration (2 s: how long
//   the link stays down after a flap), write_bandwidth (3.125 GB/s, the
//   25 Gb/s link: a network crash dump's bulk writes); the field fault
//   process's (field_process.h; off unless field_fault_acceleration > 0):
//   field_time_compression, field_failure_rate, field_warned_fraction,
//   field_lead_time, field_precursor_growth, field_lookalike_fraction,
//   field_lookalike_factor (models/config/degradation_params.h),
//   field_crc_burst_rate,
//   field_crc_burst_errors, field_link_flap_rate (docs/models.md).
// Registers: 0x00 QUEUE_DEPTH, 0x08 PARALLELISM (ro); unit 0 with the
//   network metrics, error status and the ring state (StateKind::queue_state).
// Sockets: in (MMIO), irq.
// Precursors: set_latency_offset, set_error_rate(crc, rate), link_flap().
// Failure hook: nic_fatal (link down for good; detail = PCIe AER
//   uncorrectable status, default Surprise Down 0x20); the field process
//   raises it itself (an undeclared failure) and adds CRC errors and flaps.
#pragma once

#include <optional>

#include "models/nic/field_process.h"
#include "models/workload/io_device.h"

namespace crashtwin {

class Nic : public IoDevice {
 public:
  Nic(sc_core::sc_module_name name, const ModelContext& context);
  bool inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) override;
  void warm_reset() override;

  // Precursor: the link goes down for link_flap_duration (counted in
  // net_link_flaps); nothing happens to a NIC that failed for good.
  void link_flap();
  bool link_up() const { return !stalled(); }

  // The field fault process (nullptr when it is off): what it drew.
  const NicFieldProcess* field_process() const { return field_ ? &*field_ : nullptr; }

  static constexpr uint64_t kAerSurpriseDown = 0x20;

 protected:
  uint64_t metric(Metric m) override;

 private:
  void field_fault_events();  // SC_METHOD on field_event_
  void schedule_next_field_event();

  param<sc_core::sc_time> link_flap_duration_;
  std::optional<NicFieldProcess> field_;  // when field_fault_acceleration > 0
  NicFieldEvent next_field_;
  sc_core::sc_event field_event_;
  uint64_t link_flaps_ = 0;
  bool failed_ = false;
};

}  // namespace crashtwin
