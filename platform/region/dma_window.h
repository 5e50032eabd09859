// Host firmware's grant of DMA windows to the BMC. The BMC reaches host
// memory only through the DMA controller, and the controller lets a
// restricted initiator read and write only inside the windows of its window
// table, which only the host may program and which it locks afterwards
// (until power-on). So the BMC can read the crash region and nothing else,
// and cannot widen that itself, whatever its firmware does.
//
// The window table's registers are the register map's (docs/registers.md):
// host firmware writes them and the DMA model (models/dma) serves them.
#pragma once

#include <cstdint>

#include "platform/core/status.h"
#include "platform/hal/hal.h"
#include "platform/regs/crashtwin_regs.h"

namespace crashtwin {

namespace dma_window_regs {
// Offsets from the DMA controller's register base: the register map's
// dma_window_table and dma_window blocks (platform/regs/crashtwin_regs.h).
inline constexpr uint64_t kTable = CT_DMA_WINDOW_TABLE;
inline constexpr uint64_t kLock = kTable + CT_DMA_WINDOW_TABLE_LOCK;
inline constexpr uint64_t kRequesterId = kTable + CT_DMA_WINDOW_TABLE_REQUESTER_ID;
inline constexpr uint64_t kEntries = CT_DMA_WINDOW(0), kEntryStride = CT_DMA_WINDOW_STRIDE;
inline constexpr uint64_t kBase = CT_DMA_WINDOW_BASE, kSize = CT_DMA_WINDOW_SIZE, kAttr = CT_DMA_WINDOW_ATTR;
inline constexpr uint32_t kCount = CT_DMA_WINDOW_MAX;
inline constexpr uint64_t kLocked = CT_DMA_WINDOW_TABLE_LOCK_LOCKED_MASK;
inline constexpr uint64_t kAttrEnable = CT_DMA_WINDOW_ATTR_ENABLE_MASK, kAttrRead = CT_DMA_WINDOW_ATTR_READ_MASK,
                          kAttrWrite = CT_DMA_WINDOW_ATTR_WRITE_MASK;
inline constexpr unsigned kAttrInitiatorShift = CT_DMA_WINDOW_ATTR_INITIATOR_SHIFT;
inline constexpr uint64_t entry(uint32_t w) { return CT_DMA_WINDOW(w); }
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
