#include "platform/cper/pcie_error.h"

#include <cstring>

#include "platform/cper/byte_order.h"

namespace crashtwin::cper {
namespace {
// Field offsets (UEFI N.2.7); the device id block is 16 bytes at 24.
constexpr size_t kValidation = 0, kPortType = 8, kVersionMinor = 12, kVersionMajor = 13, kCommand = 16,
                 kStatus = 18, kVendorId = 24, kDeviceId = 26, kClassCode = 28, kFunction = 31, kDevice = 32,
                 kSegment = 33, kBus = 35, kSecondaryBus = 36, kSlot = 37, kSerial = 40, kBridgeStatus = 48,
                 kBridgeControl = 50, kCapability = 52, kAerInfo = 112;
constexpr unsigned kSlotShift = 3;  // slot number lives in bits 3..15
static_assert(kAerInfo + kPcieAerInfoBytes == kPcieErrorBytes);
}  // namespace

Status encode_pcie_error(const PcieErrorSection& s, std::span<std::byte> out) {
  if (out.size() < kPcieErrorBytes) return Status::invalid_argument;
  std::memset(out.data(), 0, kPcieErrorBytes);
  le::store_u64(out, kValidation, s.validation_bits);
  le::store_u32(out, kPortType, s.port_type);
  le::store_u8(out, kVersionMinor, s.version_minor);
  le::store_u8(out, kVersionMajor, s.version_major);
  le::store_u16(out, kCommand, s.command);
  le::store_u16(out, kStatus, s.status);
  le::store_u16(out, kVendorId, s.vendor_id);
  le::store_u16(out, kDeviceId, s.device_id);
  for (size_t i = 0; i < 3; ++i) le::store_u8(out, kClassCode + i, s.class_code[i]);
  le::store_u8(out, kFunction, s.function);
  le::store_u8(out, kDevice, s.device);
  le::store_u16(out, kSegment, s.segment);
  le::store_u8(out, kBus, s.bus);
  le::store_u8(out, kSecondaryBus, s.secondary_bus);
  le::store_u16(out, kSlot, static_cast<uint16_t>(s.slot << kSlotShift));
  le::store_u64(out, kSerial, s.serial_number);
  le::store_u16(out, kBridgeStatus, s.bridge_secondary_status);
  le::store_u16(out, kBridgeControl, s.bridge_control);
  std::memcpy(out.data() + kCapability, s.capability, kPcieCapabilityBytes);
  std::memcpy(out.data() + kAerInfo, s.aer_info, kPcieAerInfoBytes);
  return Status::ok;
}

Status decode_pcie_error(std::span<const std::byte> in, PcieErrorSection& s) {
  if (in.size() < kPcieErrorBytes) return Status::corrupt;
  s.validation_bits = le::load_u64(in, kValidation);
  s.port_type = le::load_u32(in, kPortType);
  s.version_minor = le::load_u8(in, kVersionMinor);
  s.version_major = le::load_u8(in, kVersionMajor);
  s.command = le::load_u16(in, kCommand);
  s.status = le::load_u16(in, kStatus);
  s.vendor_id = le::load_u16(in, kVendorId);
  s.device_id = le::load_u16(in, kDeviceId);
  for (size_t i = 0; i < 3; ++i) s.class_code[i] = le::load_u8(in, kClassCode + i);
  s.function = le::load_u8(in, kFunction);
  s.device = le::load_u8(in, kDevice);
  s.segment = le::load_u16(in, kSegment);
  s.bus = le::load_u8(in, kBus);
  s.secondary_bus = le::load_u8(in, kSecondaryBus);
  s.slot = static_cast<uint16_t>(le::load_u16(in, kSlot) >> kSlotShift);
  s.serial_number = le::load_u64(in, kSerial);
  s.bridge_secondary_status = le::load_u16(in, kBridgeStatus);
  s.bridge_control = le::load_u16(in, kBridgeControl);
  std::memcpy(s.capability, in.data() + kCapability, kPcieCapabilityBytes);
  std::memcpy(s.aer_info, in.data() + kAerInfo, kPcieAerInfoBytes);
  return Status::ok;
}

}  // namespace crashtwin::cper
