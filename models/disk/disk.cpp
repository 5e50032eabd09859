#include "models/disk/disk.h"

#include <algorithm>
#include <cmath>
#include <string>

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
  // NVMe's warning composite temperature threshold (WCTEMP), which
  // data-center drives report at about 70 C (their critical one, CCTEMP,
  // a few degrees higher, is where they throttle hard).
  d.critical_temperature_c = 70.0;
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

double seconds(sc_core::sc_time t) { return static_cast<double>(to_ns(t)) * 1e-9; }

// The field fault process's parameters (fault_process.h gives each one's source).
DiskFaultSettings field_fault_settings(const ParamScope& params) {
  DiskFaultSettings s;
  s.acceleration = param<double>(params, "field_fault_acceleration", ParamKind::real, 0.0,
                                 "drive faults at the field rates times this (0: none)", 0.0, 1e12);
  // Unset, the whole life runs faster: lead times shortened as much as the
  // rates are raised (what scenarios of minutes want); 1 keeps field lead
  // times (what a fleet at field time wants).
  s.time_compression = param<double>(params, "field_time_compression", ParamKind::real,
                                     s.acceleration > 0 ? s.acceleration : 1.0,
                                     "lead times divided by this (default: field_fault_acceleration)", 1e-3, 1e12);
  s.annual_failure_rate = param<double>(params, "annual_failure_rate", ParamKind::ratio, s.annual_failure_rate,
                                        "fraction of drives failing per year (Backblaze 2024: 1.57 %)", 0.0, 0.99);
  s.silent_failure_fraction =
      param<double>(params, "silent_failure_fraction", ParamKind::ratio, s.silent_failure_fraction,
                    "fraction of failures with no SMART 5/187/188/197/198 count before them", 0.0, 1.0);
  s.annual_lookalike_rate =
      param<double>(params, "annual_lookalike_rate", ParamKind::ratio, s.annual_lookalike_rate,
                    "fraction of drives per year that log SMART counts and do not fail", 0.0, 0.99);
  // Lead times in field time (the time compression divides them).
  const auto lead_time = [&](const char* name, uint64_t default_ns, const char* description) {
    return seconds(param<sc_core::sc_time>(params, name, ParamKind::duration, ns(default_ns), description,
                                           ns(1'000'000)));
  };
  s.lead_time_min_s = lead_time("lead_time_min", 3'600'000'000'000ull,
                                "shortest time from a failing drive's first SMART count to its failure");
  s.lead_time_max_s = lead_time("lead_time_max", 5'184'000'000'000'000ull,
                                "longest time from a failing drive's first SMART count to its failure");
  if (s.lead_time_max_s < s.lead_time_min_s) params.fail("lead_time_max", "must not be below lead_time_min");
  s.smart_count_mean = param<double>(params, "smart_count_mean", ParamKind::real, s.smart_count_mean,
                                     "mean count of each SMART attribute a failing drive shows", 1.0, 1e6);
  s.lookalike_count_mean = param<double>(params, "lookalike_count_mean", ParamKind::real, s.lookalike_count_mean,
                                         "mean count of each SMART attribute a look-alike drive shows", 1.0, 1e6);
  s.degraded_latency_s =
      seconds(param<sc_core::sc_time>(params, "degraded_latency", ParamKind::duration, ns(2'000'000),
                                      "extra service time per command of a failing drive at its failure"));
  return s;
}

}  // namespace

Disk::Disk(sc_core::sc_module_name name, const ModelContext& context)
    : IoDevice(name, context, ComponentClass::disk, disk_defaults(context.params)) {
  // Off unless accelerated; its own random stream, so turning it on changes
  // no other draw of the board until a failure (inject_failure draws its LBA).
  const DiskFaultSettings settings = field_fault_settings(context.params);
  if (settings.acceleration > 0)
    field_faults_.emplace(settings, RngStream(context.board_seed, std::string(this->name()) + ".field_faults"));
  SC_HAS_PROCESS(Disk);
  SC_METHOD(field_fault_events);
  sensitive << fault_event_;
  dont_initialize();
  schedule_next_field_fault();
}

void Disk::schedule_next_field_fault() {
  if (!field_faults_) return;
  notify_after_seconds(fault_event_, field_faults_->draw_next_delay());
}

void Disk::field_fault_events() {
  const DiskFaultEvent e = field_faults_->fire();
  switch (e.kind) {
    case DiskFaultKind::smart_increment:
      // Reported uncorrectable errors are reads the host saw fail; command
      // timeouts, commands the host saw time out.
      if (e.attribute == SmartAttribute::reported_uncorrectable) add_errors(IoError::media, 1);
      if (e.attribute == SmartAttribute::command_timeouts) add_errors(IoError::timeout, 1);
      break;
    case DiskFaultKind::latency_step: set_own_latency(static_cast<uint64_t>(std::llround(e.latency_s * 1e9))); break;
    case DiskFaultKind::failure:
      inject_failure(0, e.media_error ? ErrorType::disk_media_error : ErrorType::disk_timeout, 0, 0);
      break;
    case DiskFaultKind::degrading_onset:
    case DiskFaultKind::lookalike_onset: break;
  }
  schedule_next_field_fault();
}

uint64_t Disk::smart(SmartAttribute attribute) const {
  return field_faults_ ? field_faults_->counts()[static_cast<size_t>(attribute)] : 0;
}

uint64_t Disk::metric(Metric m) {
  switch (m) {
    case Metric::disk_ops: return completed();
    case Metric::disk_latency: return static_cast<uint64_t>(std::llround(latency_sample_s() * 1e9));
    case Metric::disk_queue_depth: return outstanding_sample();
    case Metric::disk_timeouts: return errors(IoError::timeout);
    case Metric::disk_media_errors: return errors(IoError::media);
    case Metric::disk_temperature: return millis(temperature_c());
    case Metric::disk_reallocated_sectors: return smart(SmartAttribute::reallocated_sectors);
    case Metric::disk_reported_uncorrectable: return smart(SmartAttribute::reported_uncorrectable);
    case Metric::disk_command_timeouts: return smart(SmartAttribute::command_timeouts);
    case Metric::disk_pending_sectors: return smart(SmartAttribute::pending_sectors);
    case Metric::disk_offline_uncorrectable: return smart(SmartAttribute::offline_uncorrectable);
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
