// The entry points a board calls on the host firmware: the board's host CPU
// runs boot() after reset, tick() whenever the firmware timer it asked for
// expires, handle_error() from the error interrupt handler, and control()
// for each line written to the firmware's control entry (by the host) or
// found in the BMC's command mailbox on its interrupt. The agent
// (platform/agent) implements it; models/ runs any Firmware.
#pragma once

#include <cstdint>
#include <string_view>

#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/monitor/control_command.h"
#include "platform/monitor/workload_notice.h"

namespace crashtwin {

class Firmware {
 public:
  virtual Status boot() = 0;
  // Absolute simulated time at which tick() wants to run next.
  virtual uint64_t next_tick_ns() const = 0;
  // The period of the firmware's ticks when they are periodic (0: not): its
  // next_tick_ns() plus multiples of it, so the board can drive them from
  // its per-core timers (models/core/tick_source.h).
  virtual uint64_t tick_period_ns() const { return 0; }
  virtual Status tick() = 0;
  virtual Status handle_error(const ErrorEvent& event) = 0;
  // One command line (platform/monitor/control_command.h). Status::ok when
  // the command ran; a firmware without a control channel refuses all.
  virtual Status control(ControlSource source, std::string_view line) {
    (void)source, (void)line;
    return Status::unsupported;
  }
  // A workload started or stopped (platform/monitor/workload_notice.h).
  // Status::ok when the firmware took note; one without resource
  // monitoring refuses all.
  virtual Status workload_changed(const WorkloadNotice& notice) {
    (void)notice;
    return Status::unsupported;
  }

 protected:
  ~Firmware() = default;
};

}  // namespace crashtwin
