#include "models/hal/firmware_runner.h"

#include "models/core/tlm_types.h"
#include "platform/regs/crashtwin_regs.h"

namespace crashtwin {

HostFirmwareRunner::HostFirmwareRunner(sc_core::sc_module_name name, RegisterHal& hal, TlmBus& bus,
                                       std::vector<ErrorSource> sources,
                                       std::function<void(const ErrorEvent&)> on_error, CommandMailbox mailbox)
    : sc_core::sc_module(name),
      hal_(hal),
      bus_(bus),
      sources_(std::move(sources)),
      on_error_(std::move(on_error)),
      mailbox_(mailbox) {
  sc_core::sc_spawn([this] { run(); }, "host_cpu");
}

bool HostFirmwareRunner::service_errors() {
  bool handled = false;
  for (const ErrorSource& source : sources_) {
    if (!source.line->read()) continue;
    for (const ErrorSource::Unit& unit : source.units) {
      ErrorEvent event;
      if (!ok(hal_.take_error(unit.component, event))) continue;  // VALID clear: another unit raised the line
      ++errors_;
      if (on_error_) on_error_(event);
      bus_.set_numa_node(unit.numa_node);
      firmware_->handle_error(event);
      bus_.set_numa_node(0);  // back to the boot CPU's socket, where ticks and control lines run
      (void)hal_.acknowledge_error(unit.component);
      handled = true;
    }
  }
  return handled;
}

void HostFirmwareRunner::wait_until(uint64_t now, uint64_t until) { wait(ns(until - now), wake_); }

void HostFirmwareRunner::write_control(std::string line) {
  host_lines_.push_back(std::move(line));
  host_line_written_.notify(sc_core::SC_ZERO_TIME);
}

void HostFirmwareRunner::notify_workload(const WorkloadNotice& notice) {
  workload_notices_.push_back(notice);
  host_line_written_.notify(sc_core::SC_ZERO_TIME);
}

bool HostFirmwareRunner::service_workload_notices() {
  if (workload_notices_.empty()) return false;
  const WorkloadNotice notice = workload_notices_.front();
  workload_notices_.pop_front();
  firmware_->workload_changed(notice);
  return true;
}

bool HostFirmwareRunner::service_control() {
  if (!host_lines_.empty()) {
    const std::string line = std::move(host_lines_.front());
    host_lines_.pop_front();
    ++control_lines_;
    firmware_->control(ControlSource::host, line);
    return true;
  }
  if (mailbox_.line == nullptr || !mailbox_.line->read()) return false;
  // Level-triggered, like the error lines: the status register decides (the
  // line may still be high for a delta after the last acknowledge).
  char line[CT_BMC_CMD_DATA_SIZE];
  size_t length = 0;
  if (!ok(hal_.take_bmc_command(line, length))) return false;
  ++control_lines_;
  const Status result = firmware_->control(ControlSource::bmc, std::string_view(line, length));
  (void)hal_.finish_bmc_command(result);
  return true;
}

void HostFirmwareRunner::run() {
  if (firmware_ == nullptr) return;  // no firmware on this board: the CPU stays idle
  firmware_->boot();
  bus_.sync();
  // The cores' timers on the grid of the firmware's ticks (its next one,
  // plus multiples of its period).
  const uint64_t period = firmware_->tick_period_ns();
  timers_armed_ = tick_source_ != nullptr && period > 0 &&
                  tick_source_->arm_ticks(period, firmware_->next_tick_ns() % period);
  for (const ErrorSource& s : sources_) wake_ |= s.line->value_changed_event();
  wake_ |= host_line_written_;
  if (mailbox_.line != nullptr) wake_ |= mailbox_.line->value_changed_event();
  for (;;) {
    bus_.sync();
    // Level-triggered: a line that rose while this thread was busy (or in a
    // delta wait) is serviced here, not lost with its value-changed event.
    // Nothing below waits before the wait for the next event.
    if (service_errors() || service_workload_notices() || service_control()) continue;
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
