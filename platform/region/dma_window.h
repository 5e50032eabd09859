// Host firmware's grant of DMA windows to the BMC. The BMC reaches host
// memory only through the DMA controller, and the controller lets a
// restricted initiator read and write only inside the windows of its window
// table, which only the host may program and which it locks afterwards
// (until power-on). So the BMC can read the crash region and nothing else,
// and cannot widen that itself, whatever its firmware does.
//
// The window table's register layout lives here, once: host firmware writes
// it and the DMA model (models/dma) serves it.
#pragma once

#include <cstdint>

#include "platform/core/status.h"
#include "platform/hal/hal.h"

namespace crashtwin {

namespace dma_window_regs {
// Offsets from the DMA controller's register base.
inline constexpr uint64_t kTable = 0x1000;  // after 64 channel files of 0x40
inline constexpr uint64_t kLock = kTable + 0x00;         // bit 0 LOCKED: write 1 to lock
inline constexpr uint64_t kRequesterId = kTable + 0x08;  // RO: the reader's initiator index
inline constexpr uint64_t kEntries = kTable + 0x10, kEntryStride = 0x20;
inline constexpr uint64_t kBase = 0x00, kSize = 0x08, kAttr = 0x10;  // within an entry
inline constexpr uint32_t kCount = 8;
inline constexpr uint64_t kLocked = 1;
inline constexpr uint64_t kAttrEnable = 1, kAttrRead = 2, kAttrWrite = 4;
inline constexpr unsigned kAttrInitiatorShift = 8;  // bits 8-15
inline constexpr uint64_t entry(uint32_t w) { return kEntries + w * kEntryStride; }
inline constexpr uint64_t end() { return entry(kCount); }
}  // namespace dma_window_regs

struct BmcDmaGrant {
  uint64_t dma_registers = 0;  // physical address of the controller's registers
  uint8_t bmc_requester = 0;   // the BMC's initiator index at the controller
  uint64_t region_base = 0;    // the crash region: granted read-only
  uint64_t region_size = 0;
  uint64_t bmc_memory_base = 0;  // the BMC's own memory: granted write-only
  uint64_t bmc_memory_size = 0;
};

// Programs entries 0 (region, read) and 1 (BMC memory, write) for the BMC,
// disables the others and locks the table. On a table locked already (a
// reboot: the lock holds until power-on) it checks the entries say the same.
// invalid_argument: an empty or wrapping range, or requester 0 (the host);
// busy: locked with another grant; io_error: a register access failed.
Status grant_bmc_dma_windows(Hal& hal, const BmcDmaGrant& grant);

}  // namespace crashtwin
