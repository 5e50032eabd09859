// PCI Express Error Section (UEFI N.2.7), 208 bytes. crashtwin's disks (NVMe)
// and NICs sit on PCIe, so their fatal errors carry one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"

namespace crashtwin::cper {

inline constexpr size_t kPcieErrorBytes = 208;
inline constexpr size_t kPcieCapabilityBytes = 60;
inline constexpr size_t kPcieAerInfoBytes = 96;

inline constexpr uint64_t kPcieValidPortType = 0x01;
inline constexpr uint64_t kPcieValidVersion = 0x02;
inline constexpr uint64_t kPcieValidCommandStatus = 0x04;
inline constexpr uint64_t kPcieValidDeviceId = 0x08;
inline constexpr uint64_t kPcieValidSerialNumber = 0x10;
inline constexpr uint64_t kPcieValidBridgeControl = 0x20;
inline constexpr uint64_t kPcieValidCapability = 0x40;
inline constexpr uint64_t kPcieValidAerInfo = 0x80;

inline constexpr uint32_t kPciePortEndpoint = 0;

struct PcieErrorSection {
  uint64_t validation_bits = 0;
  uint32_t port_type = kPciePortEndpoint;
  uint8_t version_minor = 0;
  uint8_t version_major = 0;
  uint16_t command = 0;
  uint16_t status = 0;
  // Device id block (16 bytes at offset 24).
  uint16_t vendor_id = 0;
  uint16_t device_id = 0;
  uint8_t class_code[3] = {};
  uint8_t function = 0;
  uint8_t device = 0;
  uint16_t segment = 0;
  uint8_t bus = 0;
  uint8_t secondary_bus = 0;
  uint16_t slot = 0;  // slot number; stored in bits 3..15 of the wire field
  uint64_t serial_number = 0;
  uint16_t bridge_secondary_status = 0;
  uint16_t bridge_control = 0;
  uint8_t capability[kPcieCapabilityBytes] = {};
  uint8_t aer_info[kPcieAerInfoBytes] = {};  // AER extended capability; +4 = uncorrectable status
};

Status encode_pcie_error(const PcieErrorSection& section, std::span<std::byte> out);
Status decode_pcie_error(std::span<const std::byte> in, PcieErrorSection& out);

}  // namespace crashtwin::cper
