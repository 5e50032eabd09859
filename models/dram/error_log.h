// The memory controller's error log: corrected errors (precursors) and
// uncorrectable ones, each with where on the DIMM it happened. Kept in a
// ring of fixed capacity (oldest dropped); per-DIMM state blocks serialise
// the newest entries of one DIMM in the layout below, which is what the
// firmware's read_state(dimm, error_log) returns.
//
// State block: platform/capture/memory_error_log.h (the firmware reads it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>

#include "platform/capture/memory_error_log.h"

namespace crashtwin {

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
