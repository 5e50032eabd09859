// Platform Memory Error Section (UEFI >= 2.3, N.2.5), 80 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/core/status.h"

namespace crashtwin::cper {

inline constexpr size_t kMemoryErrorBytes = 80;

// Validation bits (N.2.5 table).
inline constexpr uint64_t kMemValidErrorStatus = 0x0001;
inline constexpr uint64_t kMemValidPhysicalAddress = 0x0002;
inline constexpr uint64_t kMemValidPhysicalAddressMask = 0x0004;
inline constexpr uint64_t kMemValidNode = 0x0008;
inline constexpr uint64_t kMemValidCard = 0x0010;
inline constexpr uint64_t kMemValidModule = 0x0020;
inline constexpr uint64_t kMemValidBank = 0x0040;
inline constexpr uint64_t kMemValidDevice = 0x0080;
inline constexpr uint64_t kMemValidRow = 0x0100;
inline constexpr uint64_t kMemValidColumn = 0x0200;
inline constexpr uint64_t kMemValidBitPosition = 0x0400;
inline constexpr uint64_t kMemValidRequestorId = 0x0800;
inline constexpr uint64_t kMemValidResponderId = 0x1000;
inline constexpr uint64_t kMemValidTargetId = 0x2000;
inline constexpr uint64_t kMemValidErrorType = 0x4000;
inline constexpr uint64_t kMemValidRankNumber = 0x8000;
inline constexpr uint64_t kMemValidCardHandle = 0x10000;
inline constexpr uint64_t kMemValidModuleHandle = 0x20000;
inline constexpr uint64_t kMemValidRowExtension = 0x40000;  // row bits 16..17 in `extended`
inline constexpr uint64_t kMemValidBankGroup = 0x80000;     // bank = group << 8 | address
inline constexpr uint64_t kMemValidBankAddress = 0x100000;
inline constexpr uint64_t kMemValidChipId = 0x200000;       // `extended` bits 5..7
inline constexpr uint8_t kMemExtendedRowMask = 0x3;

// Memory error types (N.2.5).
inline constexpr uint8_t kMemErrorUnknown = 0;
inline constexpr uint8_t kMemErrorSingleBitEcc = 2;
inline constexpr uint8_t kMemErrorMultiBitEcc = 3;
inline constexpr uint8_t kMemErrorScrubUncorrected = 14;

struct MemoryErrorSection {
  uint64_t validation_bits = 0;
  uint64_t error_status = 0;
  uint64_t physical_address = 0;
  uint64_t physical_address_mask = 0;
  uint16_t node = 0;
  uint16_t card = 0;
  uint16_t module = 0;
  uint16_t bank = 0;
  uint16_t device = 0;
  uint16_t row = 0;
  uint16_t column = 0;
  uint16_t bit_position = 0;
  uint64_t requestor_id = 0;
  uint64_t responder_id = 0;
  uint64_t target_id = 0;
  uint8_t error_type = kMemErrorUnknown;
  uint8_t extended = 0;  // bits 0..1: row bits 16..17; bits 5..7: chip id
  uint16_t rank = 0;
  uint16_t card_handle = 0;
  uint16_t module_handle = 0;
};

Status encode_memory_error(const MemoryErrorSection& section, std::span<std::byte> out);
Status decode_memory_error(std::span<const std::byte> in, MemoryErrorSection& out);

}  // namespace crashtwin::cper
