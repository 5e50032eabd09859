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
#pragma once

#include "models/workload/io_device.h"

namespace crashtwin {

class Disk : public IoDevice {
 public:
  Disk(sc_core::sc_module_name name, const ModelContext& context);
  bool inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) override;

  static constexpr uint64_t kStatusAbortRequested = 0x0007;    // NVMe generic status
  static constexpr uint64_t kStatusUnrecoveredRead = 0x0281;  // SCT 2 (media), SC 0x81

 protected:
  uint64_t metric(Metric m) override;
};

}  // namespace crashtwin
