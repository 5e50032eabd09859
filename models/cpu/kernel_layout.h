// Where the twin's simulated host kernel keeps the things a crash capture
// reads, as offsets from the DRAM base. The kernel runs identity-mapped, so
// these are also the physical addresses the firmware reads (after adding the
// DRAM base). The CPU model points cr3, rip and rsp here; the host kernel
// (models/board/host_kernel.h) writes page tables and the printk ring; the
// runner tells the firmware the log and queue addresses (BoardFacts).
//
//   16 MiB  page tables: 16 KiB per core (PML4, PDPT, PD, PT), 256 cores
//   20 MiB  descriptor tables: a GDT page per core, then the IDT (4 KiB)
//   22 MiB  per-CPU areas (gs_base): 8 KiB per core
//   32 MiB  kernel text (16 MiB) the instruction pointers walk
//   48 MiB  kernel stacks: THREAD_SIZE (16 KiB) per core, 256 cores
//   64 MiB  printk ring buffer (log_buf_len bytes)
//   then    driver queues (NVMe SQ/CQ, NIC rings), 1 MiB aligned after the ring
//  512 MiB  user memory: the workload's traffic (when the DRAM is that big)
#pragma once

#include <cstdint>

namespace crashtwin::kernel_layout {

inline constexpr uint64_t kPageBytes = 4096;
inline constexpr uint64_t kPageTableOffset = 16ull << 20;
inline constexpr uint64_t kPageTableLevels = 4;
inline constexpr uint64_t kPageTableBytesPerCore = kPageTableLevels * kPageBytes;
// x86-64 Linux's GDT (GDT_ENTRIES 16: limit 127) and IDT (256 16-byte
// gates: limit 4095); the selectors a core in kernel mode holds
// (arch/x86/include/asm/segment.h: __KERNEL_CS, __KERNEL_DS, the TSS entry).
inline constexpr uint64_t kGdtOffset = 20ull << 20;
inline constexpr uint64_t kIdtOffset = kGdtOffset + 256 * kPageBytes;
inline constexpr uint16_t kGdtLimit = 16 * 8 - 1;
inline constexpr uint16_t kIdtLimit = 256 * 16 - 1;
inline constexpr uint16_t kKernelCs = 2 * 8, kKernelDs = 3 * 8, kTssSelector = 8 * 8;
inline constexpr uint64_t kPerCpuOffset = 22ull << 20;
inline constexpr uint64_t kPerCpuBytes = 8 * 1024;
inline constexpr uint64_t kCodeOffset = 32ull << 20;
inline constexpr uint64_t kCodeBytes = 16ull << 20;
inline constexpr uint64_t kStackOffset = 48ull << 20;
// THREAD_SIZE on x86-64: PAGE_SIZE << THREAD_SIZE_ORDER (2), without KASAN
// (arch/x86/include/asm/page_64_types.h).
inline constexpr uint64_t kStackBytes = 16 * 1024;
inline constexpr uint64_t kLogOffset = 64ull << 20;
inline constexpr uint64_t kUserOffset = 512ull << 20;

// Offset of the driver queue area behind a `log_buf_len`-byte ring.
constexpr uint64_t device_queue_offset(uint64_t log_buf_len) {
  constexpr uint64_t kAlign = 1ull << 20;
  return kLogOffset + (log_buf_len + kAlign - 1) / kAlign * kAlign;
}

}  // namespace crashtwin::kernel_layout
