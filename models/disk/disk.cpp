#include "models/disk/disk.h"

#include <cmath>

namespace crashtwin {
namespace {

constexpr uint64_t kSector = 512;

IoDeviceDefaults disk_defaults(const ParamScope& params) {
  IoDeviceDefaults d;
  d.service_time_ns = 80'000;
  d.parallelism = 8;
  d.queue_depth = 256;
  d.command_timeout_ns = 30'000'000'000ull;
  d.idle_power_w = 2.0;
  d.active_power_w = 8.0;
  d.thermal_resistance = 3.0;
  d.thermal_time_constant_ns = 120'000'000'000ull;
  d.io_rate = 2000.0;
  d.io_size = 4096;
  // Sustained sequential write of a data-center NVMe SSD (PCIe 4.0 x4, TLC):
  // vendors quote 2-4 GB/s; the low end, as a dump fills the drive past its
  // SLC cache.
  d.write_bandwidth_bytes_per_s = 2'000'000'000;
  d.has_error[static_cast<size_t>(IoError::timeout)] = true;
  d.has_error[static_cast<size_t>(IoError::media)] = true;
  const param<uint64_t> capacity(params, "capacity", ParamKind::size, 1'000'000'000'000ull,
                                 "capacity of the disk (the LBA range commands address)", 1ull << 20, ~0ull);
  d.address_limit = capacity.value() / kSector;
  return d;
}

uint64_t millis(double v) { return v <= 0.0 ? 0 : static_cast<uint64_t>(std::llround(v * 1000.0)); }

}  // namespace

Disk::Disk(sc_core::sc_module_name name, const ModelContext& context)
    : IoDevice(name, context, ComponentClass::disk, disk_defaults(context.params)) {}

uint64_t Disk::metric(Metric m) {
  switch (m) {
    case Metric::disk_ops: return completed();
    case Metric::disk_latency: return static_cast<uint64_t>(std::llround(latency_sample_s() * 1e9));
    case Metric::disk_queue_depth: return outstanding_sample();
    case Metric::disk_timeouts: return errors(IoError::timeout);
    case Metric::disk_media_errors: return errors(IoError::media);
    case Metric::disk_temperature: return millis(temperature_c());
    default: return 0;
  }
}

bool Disk::inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) {
  if (unit != 0) return false;
  const uint64_t lba = address != 0 ? address : oldest_command_address();
  switch (type) {
    case ErrorType::disk_timeout:
      set_stalled(true, false);
      raise(type, lba, detail != 0 ? detail : kStatusAbortRequested);
      return true;
    case ErrorType::disk_media_error:
      add_errors(IoError::media, 1);
      raise(type, lba, detail != 0 ? detail : kStatusUnrecoveredRead);
      return true;
    default: return false;
  }
}

CRASHTWIN_REGISTER_MODEL("disk", ComponentClass::disk, "queue-based block device", Disk);

}  // namespace crashtwin
