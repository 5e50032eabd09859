// Where the capture test boards keep what capture reads from memory, and the
// BoardFacts that say so: shared by the host unit tests' board
// (tests/unit/test_capture_board.h, over MemoryHal) and the firmware digest
// workload's (tests/firmware/workloads.cpp, over StaticHal). No heap and no
// host-only headers: it is compiled for the embedded targets too.
//
// 4 cores, each with a 16 KiB kernel stack and page tables that map
// kBadAddress from its cr3, a 64 KiB kernel log ring and the driver queues
// of the disks and NICs, all below 2 MiB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/capture/catalog.h"

namespace crashtwin::test_board {

inline constexpr uint64_t kStackTop = 0x10000;  // core 0's; core i's is i * kStackBytes higher
inline constexpr uint32_t kStackBytes = 16 * 1024;
inline constexpr uint64_t kPageTables = 0x100000;  // core i's cr3: + i * kPageTableStride
inline constexpr uint64_t kPageTableStride = 16 * 1024;
inline constexpr uint64_t kLogBase = 0x120000;
inline constexpr uint64_t kLogBytes = 64 * 1024;
inline constexpr uint64_t kQueueBase = 0x140000;
inline constexpr uint64_t kRip = 0x20123;
inline constexpr uint64_t kBadAddress = 0x40000 + 0x1238;
inline constexpr uint32_t kCores = 4;
inline constexpr size_t kErrorLogBytes = 600;
inline constexpr size_t kQueueStateBytes = 900;

// Sizes of this board, small enough for a few MiB of DRAM; one MCA bank per
// core (the register files are the fixed part only).
inline BoardFacts facts(uint32_t sensor_history_entries) {
  BoardFacts f;
  f.cpu_cores = kCores;
  f.mca_banks_per_core = 1;
  f.log_buf_len = kLogBytes;
  f.log_buf_address = kLogBase;
  f.kernel_stack_bytes = kStackBytes;
  f.nvme_queues = 2;
  f.nvme_queue_depth = 64;
  f.nic_rings = 2;
  f.nic_ring_descriptors = 64;
  f.device_queue_address = kQueueBase;
  f.error_log_bytes = kErrorLogBytes;
  f.queue_state_bytes = kQueueStateBytes;
  f.sensor_history_entries = sensor_history_entries;
  return f;
}

// A 4-level walk of `address` from `cr3` in `dram` (physical address 0 at
// its start): PML4, PDPT, PD and PT on the four pages from cr3 up, the last
// entry mapping the address's own frame.
inline void write_page_walk(std::span<std::byte> dram, uint64_t cr3, uint64_t address) {
  for (uint64_t level = 4; level >= 1; --level) {
    const uint64_t table = cr3 + (4 - level) * 4096;
    const uint64_t index = (address >> (12 + 9 * (level - 1))) & 511;
    const uint64_t entry = (level == 1 ? address & ~uint64_t{4095} : table + 4096) | 0x3;
    for (size_t b = 0; b < 8; ++b) dram[table + index * 8 + b] = static_cast<std::byte>((entry >> (8 * b)) & 0xFF);
  }
}

}  // namespace crashtwin::test_board
