#include "platform/capture/memory_error_log.h"

#include "platform/cper/byte_order.h"

namespace crashtwin {

void encode_error_log_entry(const MemoryErrorLogEntry& e, std::span<std::byte> out) {
  le::store_u64(out, 0, e.time_ns);
  le::store_u64(out, 8, e.address);
  le::store_u8(out, 16, e.dimm);
  le::store_u8(out, 17, e.rank);
  le::store_u8(out, 18, e.bank);
  le::store_u8(out, 19, e.uncorrectable ? 1 : 0);
  le::store_u32(out, 20, e.row);
  le::store_u32(out, 24, e.column);
  le::store_u32(out, 28, e.syndrome);
  le::store_u8(out, 32, e.device);
  le::store_u8(out, 33, 0);
  le::store_u16(out, 34, e.bit_position);
  le::store_u32(out, 36, 0);
}

MemoryErrorLogEntry decode_error_log_entry(std::span<const std::byte> in) {
  MemoryErrorLogEntry e;
  e.time_ns = le::load_u64(in, 0);
  e.address = le::load_u64(in, 8);
  e.dimm = le::load_u8(in, 16);
  e.rank = le::load_u8(in, 17);
  e.bank = le::load_u8(in, 18);
  e.uncorrectable = (le::load_u8(in, 19) & 1) != 0;
  e.row = le::load_u32(in, 20);
  e.column = le::load_u32(in, 24);
  e.syndrome = le::load_u32(in, 28);
  e.device = le::load_u8(in, 32);
  e.bit_position = le::load_u16(in, 34);
  return e;
}

size_t error_log_entries(std::span<const std::byte> block) {
  if (block.size() < kErrorLogHeaderBytes) return 0;
  const size_t fits = (block.size() - kErrorLogHeaderBytes) / kErrorLogEntryBytes;
  const size_t count = le::load_u32(block, 0);
  return count < fits ? count : fits;
}

bool newest_uncorrectable_at(std::span<const std::byte> block, uint64_t address, MemoryErrorLogEntry& out) {
  for (size_t i = error_log_entries(block); i > 0; --i) {
    const MemoryErrorLogEntry e =
        decode_error_log_entry(block.subspan(kErrorLogHeaderBytes + (i - 1) * kErrorLogEntryBytes, kErrorLogEntryBytes));
    if (e.uncorrectable && e.address / 8 == address / 8) {
      out = e;
      return true;
    }
  }
  return false;
}

}  // namespace crashtwin
