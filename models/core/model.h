// What the board knows about every model kind, whatever it is: the MMIO
// target it maps into the address map, the component instances it
// represents (cores, DIMMs, one disk), its error interrupt, the bus masters
// it brings (traffic generators, DMA), and its fault hook.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "models/core/irq.h"
#include "models/core/tlm_types.h"
#include "platform/core/types.h"

namespace crashtwin {

class Model : public sc_core::sc_module {
 public:
  explicit Model(const sc_core::sc_module_name& name) : sc_core::sc_module(name) { use_time_resolution(); }

  // MMIO target socket the router maps at the model's base, and the size of
  // its window; nullptr / 0 when the model is not memory mapped.
  virtual TargetSocket* mmio_target() { return nullptr; }
  virtual uint64_t mmio_size() const { return 0; }

  // Every window the model maps, each placed at the instance parameter
  // `base_param` ("base", "ctrl_base"). Default: the one mmio_target().
  struct MmioRegion {
    TargetSocket* socket = nullptr;
    uint64_t size = 0;
    std::string base_param = "base";
  };
  virtual std::vector<MmioRegion> mmio_regions() {
    if (TargetSocket* s = mmio_target()) return {{s, mmio_size(), "base"}};
    return {};
  }

  // Initiator sockets the board binds to the host router.
  virtual std::vector<InitiatorSocket*> bus_masters() { return {}; }

  // Number of component instances (units, device_layout.h) the model
  // represents; its class is declared with the model kind (registry.h).
  virtual uint32_t component_units() const { return 0; }

  // Error interrupt to the host (high while a unit has an unacknowledged
  // error); nullptr when the model raises none. The board binds it.
  virtual IrqOut* error_irq() { return nullptr; }

  // Fault hook: make unit `unit` fail with `type`. `address` and `detail`
  // go to the error status block where they apply. Returns false when the
  // model cannot produce that error type.
  virtual bool inject_failure(uint32_t unit, ErrorType type, uint64_t address, uint64_t detail) {
    (void)unit, (void)type, (void)address, (void)detail;
    return false;
  }

  // Warm reset: registers back to reset values, memory contents kept.
  virtual void warm_reset() {}
};

}  // namespace crashtwin
