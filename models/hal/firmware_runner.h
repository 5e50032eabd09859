// The host CPU running firmware on the board: boot() at t=0, tick() at each
// next_tick_ns(), and handle_error() whenever an error interrupt line is
// high: the handler reads the error status block of each unit of the
// device over TLM, builds the ErrorEvent, calls the firmware and then
// acknowledges (W1C), as an OS machine-check handler would.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>

#include "models/core/tick_source.h"
#include "models/hal/tlm_hal.h"
#include "platform/hal/firmware.h"

namespace crashtwin {

class HostFirmwareRunner : public sc_core::sc_module {
 public:
  // One error source: the line and the units behind it.
  struct ErrorSource {
    const sc_core::sc_signal_in_if<bool>* line;
    struct Unit {
      uint64_t base;  // physical MMIO base of the unit window
      ComponentId component;
    };
    std::vector<Unit> units;
  };

  // The host CPU exists from elaboration on; it runs firmware only when
  // one was attached before the simulation starts (otherwise it idles).
  HostFirmwareRunner(sc_core::sc_module_name name, TlmHal& hal, std::vector<ErrorSource> sources,
                     std::function<void(const ErrorEvent&)> on_error);
  void attach(Firmware& firmware) { firmware_ = &firmware; }
  // The per-core timers the firmware's ticks come from (the cpu cluster);
  // without one, or with its timers off, the runner's own ideal timer.
  void set_tick_source(TickSource* source) { tick_source_ = source; }
  bool attached() const { return firmware_ != nullptr; }

  uint64_t ticks() const { return ticks_; }
  uint64_t errors_handled() const { return errors_; }

 private:
  void run();
  bool service_errors();  // true when at least one error was handled
  // Waits until `until` or an error line changes.
  void wait_until(uint64_t now, uint64_t until);
  TlmHal& hal_;
  Firmware* firmware_ = nullptr;
  TickSource* tick_source_ = nullptr;
  bool timers_armed_ = false;
  std::vector<ErrorSource> sources_;
  // A member, not a local of run(): SystemC frees a thread's stack without
  // unwinding it when the simulation ends, so a local list would leak.
  sc_core::sc_event_or_list any_error_;
  std::function<void(const ErrorEvent&)> on_error_;
  uint64_t ticks_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace crashtwin
