// The Hal as register-level drivers: every call is a sequence of register
// reads and writes of the register map (platform/regs/crashtwin_regs.h) on
// the board's MmioBus, at the bases of its BoardMap. The same code drives
// the twin's TLM models and silicon; tests/unit/test_register_hal.cpp
// records the sequences a silicon team reviews.
//
// Besides the Hal, the two interrupt services a board's interrupt handlers
// call (docs/porting.md): an error line's units (take_error, then
// acknowledge_error once the firmware handled it) and the BMC's command
// line (take_bmc_command, then finish_bmc_command with the firmware's
// result).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/drivers/board_map.h"
#include "platform/hal/hal.h"
#include "platform/hal/mmio_bus.h"

namespace crashtwin {

class RegisterHal final : public Hal {
 public:
  RegisterHal(MmioBus& bus, const BoardMap& map) : bus_(&bus), map_(&map) {}

  uint64_t now_ns() override { return bus_->now_ns(); }
  uint32_t component_count(ComponentClass cls) override { return map_->component_count(cls); }
  Status read_metric(ComponentId component, Metric metric, uint64_t& value) override;
  Status read_state(ComponentId component, StateKind kind, std::span<std::byte> out, size_t& length) override;
  Status phys_read(uint64_t address, std::span<std::byte> out) override;
  Status phys_write(uint64_t address, std::span<const std::byte> data) override;
  void alert_bmc(uint64_t code) override;
  Status report_predictive_failure(const PredictiveFailure& change) override;
  Status load_model_blob(std::span<std::byte> buffer, size_t& length) override;
  void log(LogLevel level, const char* message) override { bus_->log(level, message); }
  Status read_core_tick(ComponentId cpu, CoreTickReading& out) override;
  Status read_smbios_handle(ComponentId component, uint16_t& handle) override;
  Status read_monitoring_capabilities(rdt::Capabilities& out) override;
  Status write_core_rmid(uint32_t core, uint32_t rmid) override;
  Status read_monitoring_counter(uint64_t event_select, uint64_t& counter) override;

  // The error latched in `component`'s unit: not_found when ERR_STATUS.VALID
  // is clear (another unit of the line raised it).
  Status take_error(ComponentId component, ErrorEvent& event);
  // Clears ERR_STATUS.VALID (W1C): the unit may latch the next error.
  Status acknowledge_error(ComponentId component);

  // The line waiting in the BMC's command mailbox, its first `line.size()`
  // bytes at most (the window's 256 at most: a longer line reaches the
  // parser at that length, still too long for it); not_found when none waits.
  Status take_bmc_command(std::span<char> line, size_t& length);
  // Writes the firmware's result to CMD_RESULT and acknowledges CMD_STATUS.
  Status finish_bmc_command(Status result);

  const BoardMap& board_map() const { return *map_; }

 private:
  // The CPU package's device registers (block cpu_cluster); false without one.
  bool cpu_cluster_registers(uint64_t& base) const;

  MmioBus* bus_;
  const BoardMap* map_;
};

}  // namespace crashtwin
