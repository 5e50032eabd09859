// What a board gives the firmware, and all it gives: loads and stores at
// physical addresses (device registers of the register map,
// platform/regs/crashtwin_regs.h, and memory), a clock, and a console. The
// register-level drivers (platform/drivers/register_hal.h) build the Hal
// on it. On silicon it is a handful of volatile accesses; in the twin
// (models/hal/tlm_bus.h) every access is a TLM transaction that costs
// simulated time. docs/porting.md says what an integrator writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"
#include "platform/hal/hal.h"

namespace crashtwin {

class MmioBus {
 public:
  // Reads or writes `bytes` at a physical address: a register access is
  // one naturally aligned 8-byte access, memory any length. io_error or
  // out_of_range when the bus answers with an error.
  virtual Status read(uint64_t address, std::span<std::byte> out) = 0;
  virtual Status write(uint64_t address, std::span<const std::byte> data) = 0;
  // The board's monotonic clock since power-on, in ns.
  virtual uint64_t now_ns() = 0;
  virtual void log(LogLevel level, const char* message) = 0;

 protected:
  ~MmioBus() = default;
};

// One 64-bit little-endian register (the map's byte order, whatever the
// core's).
Status read_register(MmioBus& bus, uint64_t address, uint64_t& value);
Status write_register(MmioBus& bus, uint64_t address, uint64_t value);

}  // namespace crashtwin
