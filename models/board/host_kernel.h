// The simulated host kernel's memory that a crash capture reads: the printk
// ring buffer with what the kernel printed, and the page tables the cores
// walk. It lives in low DRAM at kernel_layout.h's offsets and is written the
// way the kernel would (no simulated time: the kernel's own stores).
//
// As a BoardObserver it prints the kernel's line for every fatal error the
// board raises (the line Linux prints for that error, with its subsystem
// prefix) and, for CPU and memory errors, fills in the page-table walk of
// the failing address, as the kernel's mapping of it stood. Each core has one
// page per level (kernel_layout::kPageTableBytesPerCore): the walk written
// last is the one a capture finds, which is the one the failure needs.
//
// It also stores what the CPU model's kernel stacks hold
// (models/cpu/kernel_stack.h) at their addresses, and prints Linux's
// "stack guard page was hit" for a page fault just below a core's stack
// (handle_stack_overflow: a kernel stack overflow under VMAP_STACK).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "models/board/board.h"
#include "models/cpu/kernel_layout.h"
#include "models/cpu/kernel_stack.h"

namespace crashtwin {

class HostKernel final : public BoardObserver, public KernelMemory {
 public:
  // Writes the boot log and every core's page-table walk of its kernel text.
  // `log_buf_len` bytes at kernel_layout::kLogOffset must fit the DRAM.
  HostKernel(Board& board, uint64_t log_buf_len);

  // Physical addresses the firmware is told about (BoardFacts).
  uint64_t log_buf_address() const { return dram_base_ + kernel_layout::kLogOffset; }
  uint64_t device_queue_address() const { return dram_base_ + kernel_layout::device_queue_offset(log_buf_len_); }

  // Appends one record to the ring in the printk_log layout of Linux 3.5 to
  // 5.9: u64 ts_nsec, u16 len, u16 text_len, u16 dict_len, u8 facility,
  // u8 flags:5 level:3, then the text, padded to 4 bytes. A record that does
  // not fit before the end leaves a zero header there and wraps to 0.
  void print(uint64_t t_ns, uint8_t level, std::string_view text);
  // Page-table walk of `address` by `core` (PML4 at its cr3 down to the PT);
  // the last entry is present unless the address faulted.
  void map(uint32_t core, uint64_t address, bool present);

  void on_error_raised(const ErrorEvent& event) override;
  void write_kernel_memory(uint64_t physical_address, std::span<const std::byte> bytes) override;

  // The line the kernel prints for a fatal error: what a crash tool's `log`
  // shows of the failure (identification from a dump).
  static std::string error_line(const ErrorEvent& event);
  // A page fault whose address is in the guard page below the failing
  // core's kernel stack: the stack overflowed into it.
  bool hit_stack_guard(const ErrorEvent& event) const;

  uint64_t records() const { return records_; }

 private:
  void write(uint64_t offset, std::span<const std::byte> bytes);
  void write_u64(uint64_t offset, uint64_t value);

  Board& board_;
  uint64_t dram_base_;
  uint64_t log_buf_len_;
  uint64_t next_ = 0;  // ring offset of the next record
  uint64_t records_ = 0;
};

}  // namespace crashtwin
