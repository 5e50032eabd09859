#include "platform/drivers/board_map.h"

#include "platform/regs/crashtwin_regs.h"

namespace crashtwin {

namespace {
// A unit's offset in its device, as the register map places it.
uint64_t unit_offset(ComponentClass cls, uint32_t unit) {
  switch (cls) {
    case ComponentClass::cpu: return CT_CPU_CLUSTER_UNIT(unit);
    case ComponentClass::memory: return CT_DRAM_UNIT(unit);
    case ComponentClass::disk: return CT_DISK_UNIT;
    case ComponentClass::network: return CT_NIC_UNIT;
  }
  return 0;
}
}  // namespace

Status BoardMap::add_unit_device(const UnitDevice& device) {
  if (device.units == 0) return Status::invalid_argument;
  // Disks and NICs have one unit window each.
  if ((device.cls == ComponentClass::disk || device.cls == ComponentClass::network) && device.units != 1)
    return Status::invalid_argument;
  for (uint32_t i = 0; i < count_; ++i) {
    const UnitDevice& d = devices_[i];
    if (d.cls == device.cls && device.first_instance < d.first_instance + d.units &&
        d.first_instance < device.first_instance + device.units)
      return Status::invalid_argument;
  }
  if (count_ == kMaxUnitDevices) return Status::no_memory;
  devices_[count_++] = device;
  return Status::ok;
}

const UnitDevice* BoardMap::find(ComponentId component) const {
  for (uint32_t i = 0; i < count_; ++i) {
    const UnitDevice& d = devices_[i];
    if (d.cls == component.cls && component.instance >= d.first_instance &&
        component.instance < d.first_instance + d.units)
      return &d;
  }
  return nullptr;
}

bool BoardMap::unit_base(ComponentId component, uint64_t& base) const {
  const UnitDevice* d = find(component);
  if (!d) return false;
  base = d->base + unit_offset(d->cls, component.instance - d->first_instance);
  return true;
}

bool BoardMap::device_base(ComponentId component, uint64_t& base) const {
  const UnitDevice* d = find(component);
  if (!d) return false;
  base = d->base;
  return true;
}

uint32_t BoardMap::component_count(ComponentClass cls) const {
  uint32_t n = 0;
  for (uint32_t i = 0; i < count_; ++i)
    if (devices_[i].cls == cls) n += devices_[i].units;
  return n;
}

}  // namespace crashtwin
