// disk: a queue-based block device (NVMe-like) on the common I/O engine
// (models/workload/io_device.h).
//
// Parameters (board.<name>.*): the common ones (defaults: service_time
//   80 us, parallelism 8, queue_depth 256, command_timeout 30 s,
//   idle/active power 2/8 W, workload.io_rate 2000 /s, io_size 4 KiB),
//   timeout_rate and media_error_rate (healthy error rates, 0), and
//   capacity (size, 1 TB: the LBA range commands address, 512-byte sectors).
//   write_bandwidth (2 GB/s): a crash dump's bulk writes (IoDevice::bulk_write).
// Registers: 0x00 QUEUE_DEPTH, 0x08 PARALLELISM (ro); unit 0 with the disk
//   metrics, error status and the queue-state snapshot (StateKind::queue_state).
// Sockets: in (MMIO), irq (error latched and unacknowledged).
// Precursors: set_latency_offset, set_error_rate(timeout | media, rate).
// Failure hooks: disk_timeout (the disk stops completing; commands time out
//   from then on; address = LBA, detail = NVMe status, default 0x0007 Command
//   Abort Requested), disk_media_error (one unrecovered read: address = LBA,
//   detail default 0x0281; the disk keeps working).
// SMART: the metrics disk_reallocated_sectors, disk_reported_uncorrectable,
//   disk_command_timeouts, disk_pending_sectors and disk_offline_uncorrectable
//   are the raw values of SMART attributes 5, 187, 188, 197 and 198. They stay
//   0 unless the field fault process (fault_process.h) runs:
//   field_fault_acceleration (0: off) and its parameters annual_failure_rate
//   (1.57 %), silent_failure_fraction (0.233), annual_lookalike_rate
//   (1.07 %), lead_time_min (1 h), lead_time_max (60 d), smart_count_mean
//   (20), lookalike_count_mean (2) and degraded_latency (2 ms). A 187 count
//   is also an unrecovered read the host saw (disk_media_errors), a 188
//   count a command that timed out (disk_timeouts); the degraded latency is
//   extra service time per command (IoDevice::set_own_latency) on top of
//   any latency precursor; the
//   process's failure goes through inject_failure like an injected one, so
//   the run reports it as undeclared.
#pragma once

#include <optional>

#include "models/disk/fault_process.h"
#include "models/workload/io_device.h"

namespace crashtwin {

class Disk : public IoDevice {
 public:
  Disk(sc_core::sc_module_name name, const ModelContext& context);
  bool inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) override;

  static constexpr uint64_t kStatusAbortRequested = 0x0007;    // NVMe generic status
  static constexpr uint64_t kStatusUnrecoveredRead = 0x0281;  // SCT 2 (media), SC 0x81

  // The raw value of one SMART attribute (0 without the field process).
  uint64_t smart(SmartAttribute attribute) const;

 protected:
  uint64_t metric(Metric m) override;

 private:
  void schedule_next_field_fault();
  void field_fault_events();  // SC_METHOD on fault_event_

  std::optional<DiskFaultProcess> field_faults_;  // when field_fault_acceleration > 0
  sc_core::sc_event fault_event_;
};

}  // namespace crashtwin
