// The memory controller's error-log state block: what read_state(dimm,
// error_log) returns. The one definition of the format: the DRAM model
// (models/dram/error_log.h) encodes it, capture reads the location of an
// uncorrectable error from it for the platform memory error section.
//
// Layout (little-endian):
//   +0  u32 entries in this block     +4 u32 errors logged for the DIMM since reset
//   +8  entries, 40 bytes each, oldest first:
//       u64 time_ns, u64 physical address, u8 dimm, u8 rank, u8 bank,
//       u8 flags (bit 0: uncorrectable), u32 row, u32 column, u32 syndrome,
//       u8 device (the DRAM chip of the rank: 0xFF when the ECC could not
//       name one), u8 0, u16 bit position in the 72-bit word (data bits
//       0-63, check bits 64-71; 0xFFFF when not one bit), u32 0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin {

struct MemoryErrorLogEntry {
  uint64_t time_ns = 0;
  uint64_t address = 0;  // physical
  uint8_t dimm = 0;
  uint8_t rank = 0;
  uint8_t bank = 0;
  bool uncorrectable = false;
  uint32_t row = 0;
  uint32_t column = 0;
  uint32_t syndrome = 0;
  // What the ECC decode names, when it can: the failing device, and the
  // failing bit when a single bit is bad.
  uint8_t device = kUnknownDevice;
  uint16_t bit_position = kUnknownBitPosition;
  static constexpr uint8_t kUnknownDevice = 0xFF;
  static constexpr uint16_t kUnknownBitPosition = 0xFFFF;
  friend bool operator==(const MemoryErrorLogEntry&, const MemoryErrorLogEntry&) = default;
};

inline constexpr size_t kErrorLogHeaderBytes = 8;
inline constexpr size_t kErrorLogEntryBytes = 40;

// out / in hold kErrorLogEntryBytes (the caller checks).
void encode_error_log_entry(const MemoryErrorLogEntry& entry, std::span<std::byte> out);
MemoryErrorLogEntry decode_error_log_entry(std::span<const std::byte> in);

// Entries a block holds: its count, bounded by its length.
size_t error_log_entries(std::span<const std::byte> block);

// The newest uncorrectable entry of `block` at physical `address` (the same
// 8-byte word); false when the block has none.
bool newest_uncorrectable_at(std::span<const std::byte> block, uint64_t address, MemoryErrorLogEntry& out);

}  // namespace crashtwin
