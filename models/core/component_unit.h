// The registers of one component instance (a core, a DIMM, a disk): the
// register map's `unit` block (docs/registers.md): metrics, error status,
// state window.
// A device model creates one ComponentUnit per instance in its bank and
// supplies where metric values and state snapshots come from; raising an
// error latches the error status block until the firmware acknowledges it
// (W1C on ERR_STATUS), and `pending()` is what the device's irq shows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "models/core/register.h"
#include "models/regs/register_blocks.h"
#include "platform/core/types.h"

namespace crashtwin {

class ComponentUnit {
 public:
  // Value of metric `m` now (must belong to the unit's class).
  using MetricSource = std::function<uint64_t(Metric m)>;
  // Writes the unit's state block into `out`, returns the bytes written.
  using StateSource = std::function<size_t(std::span<std::byte> out)>;
  // Called whenever pending() may have changed (raise or acknowledge).
  using PendingChanged = std::function<void(bool pending)>;

  // `smbios_handle`: the handle of the component's SMBIOS structure (a
  // DIMM's Type 17), kNoSmbiosHandle when the board declares none.
  ComponentUnit(RegisterBank& bank, ComponentId id, uint32_t unit_index, StateKind state_kind,
                MetricSource metrics, StateSource state, PendingChanged on_pending = {},
                uint16_t smbios_handle = kNoSmbiosHandle);
  static constexpr uint16_t kNoSmbiosHandle = 0xFFFF;
  ComponentUnit(const ComponentUnit&) = delete;
  ComponentUnit& operator=(const ComponentUnit&) = delete;

  // Latches `event` (component and type as given) into the error status
  // block. A second error before acknowledgement overwrites the first (the
  // hardware keeps the latest) and ERR_COUNT counts both.
  void raise(const ErrorEvent& event);
  bool pending() const;
  ComponentId id() const { return id_; }
  uint32_t index() const { return index_; }

 private:
  ComponentId id_;
  uint32_t index_;
  StateKind state_kind_;
  StateSource state_;
  PendingChanged on_pending_;
  regs::UnitRegisters regs_;
  std::vector<std::byte> snapshot_;
  size_t snapshot_length_ = 0;
};

}  // namespace crashtwin
