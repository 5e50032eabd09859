#include "models/hal/firmware_runner.h"

#include "models/core/device_layout.h"
#include "models/core/tlm_types.h"

namespace crashtwin {

namespace dl = device_layout;

HostFirmwareRunner::HostFirmwareRunner(sc_core::sc_module_name name, TlmHal& hal,
                                       std::vector<ErrorSource> sources,
                                       std::function<void(const ErrorEvent&)> on_error)
    : sc_core::sc_module(name),
      hal_(hal),
      sources_(std::move(sources)),
      on_error_(std::move(on_error)) {
  sc_core::sc_spawn([this] { run(); }, "host_cpu");
}

bool HostFirmwareRunner::service_errors() {
  bool handled = false;
  for (const ErrorSource& source : sources_) {
    if (!source.line->read()) continue;
    for (const ErrorSource::Unit& unit : source.units) {
      const uint64_t base = unit.base;
      uint64_t status = 0;
      if (!ok(hal_.read64(base + dl::kErrStatus, status)) || (status & dl::kErrStatusValid) == 0) continue;
      uint64_t type = 0, address = 0, detail = 0, time = 0;
      hal_.read64(base + dl::kErrType, type);
      hal_.read64(base + dl::kErrAddress, address);
      hal_.read64(base + dl::kErrDetail, detail);
      hal_.read64(base + dl::kErrTime, time);
      ErrorEvent event;
      event.type = static_cast<ErrorType>(type);
      event.address = address;
      event.detail = detail;
      event.time_ns = time;
      event.component = unit.component;
      ++errors_;
      if (on_error_) on_error_(event);
      firmware_->handle_error(event);
      hal_.write64(base + dl::kErrStatus, dl::kErrStatusValid);
      handled = true;
    }
  }
  return handled;
}

void HostFirmwareRunner::wait_until(uint64_t now, uint64_t until) {
  if (sources_.empty()) wait(ns(until - now));
  else wait(ns(until - now), any_error_);
}

void HostFirmwareRunner::run() {
  if (firmware_ == nullptr) return;  // no firmware on this board: the CPU stays idle
  firmware_->boot();
  hal_.sync();
  // The cores' timers on the grid of the firmware's ticks (its next one,
  // plus multiples of its period).
  const uint64_t period = firmware_->tick_period_ns();
  timers_armed_ = tick_source_ != nullptr && period > 0 &&
                  tick_source_->arm_ticks(period, firmware_->next_tick_ns() % period);
  for (const ErrorSource& s : sources_) any_error_ |= s.line->value_changed_event();
  for (;;) {
    hal_.sync();
    // Level-triggered: a line that rose while this thread was busy (or in a
    // delta wait) is serviced here, not lost with its value-changed event.
    // Nothing below waits before the wait for the next event.
    if (service_errors()) continue;
    const uint64_t now = to_ns(sc_core::sc_time_stamp());
    const uint64_t next = firmware_->next_tick_ns();
    if (next > now) {
      wait_until(now, next);
      continue;
    }
    if (timers_armed_) {
      // The firmware core's timer handler runs the tick: late by its
      // latency, or for a later boundary when an overrun skipped this one.
      const TickDelivery d = tick_source_->firmware_tick(next);
      if (!d.known || d.delivered_ns > now) {
        wait_until(now, d.known ? d.delivered_ns : d.expiry_ns);
        continue;
      }
    }
    ++ticks_;
    firmware_->tick();
  }
}

}  // namespace crashtwin
