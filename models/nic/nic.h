// nic: a network interface with a packet ring, on the common I/O engine
// (models/workload/io_device.h). Packets refused by a full ring or arriving
// while the link is down are drops.
//
// Parameters (board.<name>.*): the common ones (defaults: service_time
//   5 us, parallelism 16, queue_depth 1024, command_timeout 5 s (transmit
//   watchdog), idle/active power 3/10 W, workload.io_rate 10000 /s, io_size
//   1500 B), crc_error_rate (healthy, 0), link_flap_duration (2 s: how long
//   the link stays down after a flap), write_bandwidth (3.125 GB/s, the
//   25 Gb/s link: a network crash dump's bulk writes).
// Registers: 0x00 QUEUE_DEPTH, 0x08 PARALLELISM (ro); unit 0 with the
//   network metrics, error status and the ring state (StateKind::queue_state).
// Sockets: in (MMIO), irq.
// Precursors: set_latency_offset, set_error_rate(crc, rate), link_flap().
// Failure hook: nic_fatal (link down for good; detail = PCIe AER
//   uncorrectable status, default Surprise Down 0x20).
#pragma once

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

  static constexpr uint64_t kAerSurpriseDown = 0x20;

 protected:
  uint64_t metric(Metric m) override;

 private:
  param<sc_core::sc_time> link_flap_duration_;
  uint64_t link_flaps_ = 0;
  bool failed_ = false;
};

}  // namespace crashtwin
