// The host CPU running firmware on the board: boot() at t=0, tick() at each
// next_tick_ns(), and handle_error() whenever an error interrupt line is
// high: the handler takes the error of each unit of the device through the
// firmware's register drivers (RegisterHal::take_error: the unit's error
// status block over TLM), calls the firmware and then acknowledges (W1C),
// as an OS machine-check handler would. These are the interrupt hooks an
// integrator writes on silicon (docs/porting.md).
//
// The firmware's control channel, both ways in: a line the host writes to
// the control entry (write_control: the running kernel hands a procfs write
// to the firmware on this CPU) and a line the BMC leaves in its command
// mailbox (on the mailbox interrupt the handler takes it with
// RegisterHal::take_bmc_command, calls the firmware and answers with
// finish_bmc_command: CMD_RESULT, then CMD_STATUS acknowledged). Both run between ticks, in
// arrival order per source.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <systemc>

#include "models/core/tick_source.h"
#include "models/hal/tlm_bus.h"
#include "platform/drivers/register_hal.h"
#include "platform/hal/firmware.h"

namespace crashtwin {

class HostFirmwareRunner : public sc_core::sc_module {
 public:
  // One error source: the line and the units behind it.
  struct ErrorSource {
    const sc_core::sc_signal_in_if<bool>* line;
    struct Unit {
      ComponentId component;
      uint32_t numa_node = 0;  // the socket its interrupt is delivered to: the handler runs there
    };
    std::vector<Unit> units;
  };

  // The BMC's command mailbox: its interrupt line (its registers are the
  // board map's BMC).
  struct CommandMailbox {
    const sc_core::sc_signal_in_if<bool>* line = nullptr;  // nullptr: no mailbox
  };

  // The host CPU exists from elaboration on; it runs firmware only when
  // one was attached before the simulation starts (otherwise it idles).
  HostFirmwareRunner(sc_core::sc_module_name name, RegisterHal& hal, TlmBus& bus, std::vector<ErrorSource> sources,
                     std::function<void(const ErrorEvent&)> on_error, CommandMailbox mailbox);
  void attach(Firmware& firmware) { firmware_ = &firmware; }
  // The per-core timers the firmware's ticks come from (the cpu cluster);
  // without one, or with its timers off, the runner's own ideal timer.
  void set_tick_source(TickSource* source) { tick_source_ = source; }
  bool attached() const { return firmware_ != nullptr; }

  uint64_t ticks() const { return ticks_; }
  uint64_t errors_handled() const { return errors_; }
  uint64_t control_lines() const { return control_lines_; }

  // A write of one line to the firmware's control entry (from any process);
  // the firmware sees it on this CPU as soon as it is not busy.
  void write_control(std::string line);
  // The running kernel tells the firmware a workload started or stopped
  // (platform/monitor/workload_notice.h); served like a control line.
  void notify_workload(const WorkloadNotice& notice);

 private:
  void run();
  bool service_errors();  // true when at least one error was handled
  bool service_control();  // true when a control line was handled
  bool service_workload_notices();  // true when a notice was handled
  // Waits until `until` or an error line, a control write or the BMC's
  // command line wakes the CPU.
  void wait_until(uint64_t now, uint64_t until);
  RegisterHal& hal_;
  TlmBus& bus_;  // the CPU's bus: its socket (NUMA node) and time
  Firmware* firmware_ = nullptr;
  TickSource* tick_source_ = nullptr;
  bool timers_armed_ = false;
  std::vector<ErrorSource> sources_;
  // What wakes the CPU (error lines, control writes, the BMC's command
  // line). A member, not a local of run(): SystemC frees a thread's stack
  // without unwinding it when the simulation ends, so a local list would leak.
  sc_core::sc_event_or_list wake_;
  std::function<void(const ErrorEvent&)> on_error_;
  uint64_t ticks_ = 0;
  uint64_t errors_ = 0;
  CommandMailbox mailbox_;
  std::deque<std::string> host_lines_;
  std::deque<WorkloadNotice> workload_notices_;
  sc_core::sc_event host_line_written_;
  uint64_t control_lines_ = 0;
};

}  // namespace crashtwin
