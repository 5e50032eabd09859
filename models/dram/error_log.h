// The memory controller's error log: corrected errors (precursors) and
// uncorrectable ones, each with where on the DIMM it happened. Kept in a
// ring of fixed capacity (oldest dropped); per-DIMM state blocks serialise
// the newest entries of one DIMM in the layout below, which is what the
// firmware's read_state(dimm, error_log) returns.
//
// State block (little-endian):
//   +0  u32 entries in this block     +4 u32 errors logged for the DIMM since reset
//   +8  entries, 32 bytes each, oldest first:
//       u64 time_ns, u64 physical address, u8 dimm, u8 rank, u8 bank,
//       u8 flags (bit 0: uncorrectable), u32 row, u32 column, u32 syndrome
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
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
};

inline constexpr size_t kErrorLogHeaderBytes = 8;
inline constexpr size_t kErrorLogEntryBytes = 32;

class MemoryErrorLog {
 public:
  explicit MemoryErrorLog(size_t capacity) : capacity_(capacity) {}
  void append(const MemoryErrorLogEntry& e);
  const std::deque<MemoryErrorLogEntry>& entries() const { return entries_; }
  uint64_t logged(uint32_t dimm) const;
  // Serialises the newest entries of `dimm` that fit in `out`; returns bytes.
  size_t encode(uint32_t dimm, std::span<std::byte> out) const;
  // Parses a state block (tests, tools); returns entries decoded.
  static size_t decode(std::span<const std::byte> block, MemoryErrorLogEntry* out, size_t max);

 private:
  size_t capacity_;
  std::deque<MemoryErrorLogEntry> entries_;
  uint64_t logged_per_dimm_[256] = {};
};

}  // namespace crashtwin
