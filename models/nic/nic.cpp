#include "models/nic/nic.h"

#include <cmath>

#include <algorithm>
#include <string>

#include "models/config/degradation_params.h"
#include "models/core/tlm_types.h"

namespace crashtwin {
namespace {

IoDeviceDefaults nic_defaults() {
  IoDeviceDefaults d;
  d.service_time_ns = 5'000;
  d.parallelism = 16;
  d.queue_depth = 1024;
  d.command_timeout_ns = 5'000'000'000ull;
  d.idle_power_w = 3.0;
  d.active_power_w = 10.0;
  d.thermal_resistance = 4.0;
  d.thermal_time_constant_ns = 60'000'000'000ull;
  // A modelling choice: data-center NIC controllers are rated to a junction
  // of about 105-110 C; the BMC's critical threshold sits below it.
  d.critical_temperature_c = 100.0;
  d.io_rate = 10000.0;
  d.io_size = 1500;
  d.write_bandwidth_bytes_per_s = 3'125'000'000;  // the 25 Gb/s link the kernel reports
  d.has_error[static_cast<size_t>(IoError::crc)] = true;
  d.address_limit = 1024ull * 2048;  // ring of 2 KiB packet buffers
  return d;
}

}  // namespace

Nic::Nic(sc_core::sc_module_name name, const ModelContext& context)
    : IoDevice(name, context, ComponentClass::network, nic_defaults()),
      link_flap_duration_(context.params, "link_flap_duration", ParamKind::duration, ns(2'000'000'000),
                          "how long the link stays down after a flap", ns(1)) {
  // The field fault process (field_process.h): off unless accelerated; its
  // own stream, so turning it on changes no other draw.
  NicFieldSettings field;
  field.degradation = read_degradation_params(context.params, NicFieldSettings::default_degradation(), "NIC", "NIC");
  field.crc_burst_rate = param<double>(context.params, "field_crc_burst_rate", ParamKind::rate, field.crc_burst_rate,
                                       "bursts of CRC errors a healthy NIC sees per second in the field", 0.0, 1e6);
  field.crc_burst_errors = param<double>(context.params, "field_crc_burst_errors", ParamKind::real,
                                         field.crc_burst_errors, "mean CRC errors in one burst", 1.0, 1e6);
  field.link_flap_rate = param<double>(context.params, "field_link_flap_rate", ParamKind::rate, field.link_flap_rate,
                                       "link flaps a healthy NIC sees per second in the field", 0.0, 1e6);
  if (field.degradation.acceleration > 0)
    field_.emplace(field, RngStream(context.board_seed, std::string(name) + ".field_faults"));
  SC_HAS_PROCESS(Nic);
  SC_METHOD(field_fault_events);
  sensitive << field_event_;
  dont_initialize();
  schedule_next_field_event();
}

void Nic::schedule_next_field_event() {
  if (!field_) return;
  next_field_ = field_->next();
  if (next_field_.kind == NicFieldEventKind::none) return;
  // Event times are from power-on; never zero delay (it would fire again
  // at the same instant).
  const sc_core::sc_time at(next_field_.time_s, sc_core::SC_SEC);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  field_event_.notify(std::max(at > now ? at - now : sc_core::SC_ZERO_TIME, sc_core::sc_get_time_resolution()));
}

void Nic::field_fault_events() {
  switch (next_field_.kind) {
    case NicFieldEventKind::crc_burst:
      if (!failed_) add_errors(IoError::crc, next_field_.crc_errors);
      break;
    case NicFieldEventKind::link_flap: link_flap(); break;
    case NicFieldEventKind::failure:
      if (!failed_) inject_failure(0, ErrorType::nic_fatal, 0, 0);
      break;
    case NicFieldEventKind::none: return;
  }
  schedule_next_field_event();
}

uint64_t Nic::metric(Metric m) {
  switch (m) {
    case Metric::net_bytes: return bytes_counter();
    case Metric::net_latency: return static_cast<uint64_t>(std::llround(latency_sample_s() * 1e9));
    case Metric::net_crc_errors: return errors(IoError::crc);
    case Metric::net_link_flaps: return link_flaps_;
    case Metric::net_drops: return refused();
    case Metric::net_temperature: {
      const double t = temperature_c();
      return t <= 0.0 ? 0 : static_cast<uint64_t>(std::llround(t * 1000.0));
    }
    default: return 0;
  }
}

void Nic::link_flap() {
  if (failed_) return;
  ++link_flaps_;
  set_stalled(true, true);
  schedule_unstall(now_ns() + to_ns(link_flap_duration_));
}

bool Nic::inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) {
  if (unit != 0 || type != ErrorType::nic_fatal) return false;
  failed_ = true;
  schedule_unstall(kNever);
  set_stalled(true, true);
  raise(type, address, detail != 0 ? detail : kAerSurpriseDown);
  return true;
}

void Nic::warm_reset() {
  failed_ = false;
  IoDevice::warm_reset();
}

CRASHTWIN_REGISTER_MODEL("nic", ComponentClass::network, "network interface with a packet ring", Nic);

}  // namespace crashtwin
