// The Hal is the firmware's only door to hardware. models/ implements it over
// TLM transactions (so every access costs simulated time); unit tests
// implement it over plain memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/bmc_alert.h"
#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/monitor/rdt_registers.h"

namespace crashtwin {

enum class LogLevel : uint8_t { debug, info, warning, error };

// One core's sampling timer as its handler last left it.
struct CoreTickReading {
  uint64_t boundary_ns = 0;   // the boundary the latest tick served
  uint64_t delivered_ns = 0;  // when its handler ran
  uint64_t overruns = 0;      // boundaries skipped since power-on
};

class Hal {
 public:
  // Simulated time since power-on.
  virtual uint64_t now_ns() = 0;

  // Platform description (what ACPI tables would tell firmware): how many
  // instances of a component class the board has.
  virtual uint32_t component_count(ComponentClass cls) = 0;

  // Reads one metric register of a component instance.
  virtual Status read_metric(ComponentId component, Metric metric, uint64_t& value) = 0;

  // Reads a device state block (register file, error log, queue state) into
  // `out`; `length` receives the bytes written (<= out.size()).
  virtual Status read_state(ComponentId component, StateKind kind, std::span<std::byte> out,
                            size_t& length) = 0;

  // Physical memory access.
  virtual Status phys_read(uint64_t address, std::span<std::byte> out) = 0;
  virtual Status phys_write(uint64_t address, std::span<const std::byte> data) = 0;

  // Raises the host-to-BMC crash interrupt. `code` (platform/core/bmc_alert.h)
  // is latched in the BMC's 64-bit mailbox register.
  virtual void alert_bmc(uint64_t code) = 0;

  // Tells the BMC a component's predictive-failure alarm changed
  // (platform/core/bmc_alert.h, the BMC's PFA register). Status::unsupported
  // (the default) where the board has no BMC to tell.
  virtual Status report_predictive_failure(const PredictiveFailure& change) {
    (void)change;
    return Status::unsupported;
  }

  // Loads the current failure-model blob into `buffer`; `length` receives its
  // size. Status::not_found when no model is provisioned.
  virtual Status load_model_blob(std::span<std::byte> buffer, size_t& length) = 0;

  virtual void log(LogLevel level, const char* message) = 0;

  // Reads the sampling timer of a cpu core. Status::unsupported where the
  // board has no per-core timers (the default).
  virtual Status read_core_tick(ComponentId cpu, CoreTickReading& out) {
    (void)cpu, (void)out;
    return Status::unsupported;
  }

  // The SMBIOS handle of the component's structure (a DIMM's Type 17), as
  // the board's tables declare it. not_found when they declare none,
  // unsupported (the default) where the board cannot say.
  virtual Status read_smbios_handle(ComponentId component, uint16_t& handle) {
    (void)component, (void)handle;
    return Status::unsupported;
  }

  // Resource monitoring (Intel RDT, platform/monitor/rdt_registers.h): what
  // CPUID leaf 0xF reports; a write of IA32_PQR_ASSOC on one core (its RMID);
  // IA32_QM_EVTSEL written with `event_select`, then IA32_QM_CTR read into
  // `counter` (with its Error and Unavailable bits). Status::unsupported
  // where the board has no monitoring (the default).
  virtual Status read_monitoring_capabilities(rdt::Capabilities& out) {
    (void)out;
    return Status::unsupported;
  }
  virtual Status write_core_rmid(uint32_t core, uint32_t rmid) {
    (void)core, (void)rmid;
    return Status::unsupported;
  }
  virtual Status read_monitoring_counter(uint64_t event_select, uint64_t& counter) {
    (void)event_select, (void)counter;
    return Status::unsupported;
  }

 protected:
  ~Hal() = default;
};

}  // namespace crashtwin
