// Where a board's devices sit: the MMIO bases an integrator writes down for
// a new board (what its ACPI tables or device tree say), with the component
// instances each device's unit windows stand for. Fixed capacity, no heap.
#pragma once

#include <cstdint>

#include "platform/core/status.h"
#include "platform/core/types.h"
#include "platform/region/crash_region.h"

namespace crashtwin {

// A device with unit windows (platform/regs/crashtwin_regs.h, block `unit`):
// the CPU package (a unit per core), the memory controller (a unit per
// DIMM), a disk, a NIC.
struct UnitDevice {
  ComponentClass cls = ComponentClass::cpu;
  uint16_t first_instance = 0;  // the component instance its unit 0 stands for
  uint16_t units = 0;
  uint64_t base = 0;  // the device's MMIO base
};

class BoardMap {
 public:
  // As many devices as the firmware has slices for components (each device
  // stands for at least one): a storage server's dozens of disks fit.
  static constexpr uint32_t kMaxUnitDevices = kMaxSlices;

  // invalid_argument: no units, or instances another device of the class
  // already stands for; no_memory: the table is full.
  Status add_unit_device(const UnitDevice& device);

  // The base of the unit window of `component`; false when no device stands for it.
  bool unit_base(ComponentId component, uint64_t& base) const;
  // The register base of the device that stands for `component`.
  bool device_base(ComponentId component, uint64_t& base) const;
  uint32_t component_count(ComponentClass cls) const;

  uint64_t bmc_base = 0;    // the BMC's register window (block `bmc`); 0: none
  uint64_t flash_base = 0;  // the model ROM (block `flash`); 0: none

 private:
  const UnitDevice* find(ComponentId component) const;
  UnitDevice devices_[kMaxUnitDevices] = {};
  uint32_t count_ = 0;
};

}  // namespace crashtwin
