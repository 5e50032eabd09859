#include "platform/region/dma_window.h"

#include <span>

namespace crashtwin {
namespace {

using namespace dma_window_regs;

Status write_register(Hal& hal, uint64_t address, uint64_t value) {
  std::byte bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::byte>(value >> (8 * i));
  return hal.phys_write(address, bytes);
}

Status read_register(Hal& hal, uint64_t address, uint64_t& value) {
  std::byte bytes[8];
  if (Status s = hal.phys_read(address, bytes); !ok(s)) return s;
  value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  return Status::ok;
}

struct Entry {
  uint64_t base, size, attr;
};

bool valid_range(uint64_t base, uint64_t size) { return size > 0 && base + size > base; }

}  // namespace

Status grant_bmc_dma_windows(Hal& hal, const BmcDmaGrant& g) {
  if (g.bmc_requester == 0 || !valid_range(g.region_base, g.region_size) ||
      !valid_range(g.bmc_memory_base, g.bmc_memory_size))
    return Status::invalid_argument;
  const uint64_t who = uint64_t{g.bmc_requester} << kAttrInitiatorShift;
  const Entry wanted[kCount] = {{g.region_base, g.region_size, who | kAttrEnable | kAttrRead},
                                {g.bmc_memory_base, g.bmc_memory_size, who | kAttrEnable | kAttrWrite}};
  uint64_t lock = 0;
  if (Status s = read_register(hal, g.dma_registers + kLock, lock); !ok(s)) return Status::io_error;
  for (uint32_t w = 0; w < kCount; ++w) {
    const uint64_t at = g.dma_registers + entry(w);
    if (lock & kLocked) {
      Entry e{};
      if (!ok(read_register(hal, at + kBase, e.base)) || !ok(read_register(hal, at + kSize, e.size)) ||
          !ok(read_register(hal, at + kAttr, e.attr)))
        return Status::io_error;
      // A disabled entry's base and size mean nothing.
      const bool same = (e.attr & kAttrEnable) == 0 && (wanted[w].attr & kAttrEnable) == 0
                            ? true
                            : e.base == wanted[w].base && e.size == wanted[w].size && e.attr == wanted[w].attr;
      if (!same) return Status::busy;
      continue;
    }
    // Disable first, so the entry never grants a half-written range.
    if (!ok(write_register(hal, at + kAttr, 0)) || !ok(write_register(hal, at + kBase, wanted[w].base)) ||
        !ok(write_register(hal, at + kSize, wanted[w].size)) || !ok(write_register(hal, at + kAttr, wanted[w].attr)))
      return Status::io_error;
  }
  if (lock & kLocked) return Status::ok;
  return ok(write_register(hal, g.dma_registers + kLock, kLocked)) ? Status::ok : Status::io_error;
}

}  // namespace crashtwin
