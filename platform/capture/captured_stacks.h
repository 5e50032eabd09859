// The kernel stacks a crash record carries (the kernel_stacks section: each
// core's THREAD_SIZE-aligned stack as a memory snapshot), read the way
// Linux reads a stack (platform/capture/stack_usage.h): the end-of-stack
// magic (intact, or overwritten by an overflow), the high-water mark, the
// depth at the core's rsp and the frame-pointer chain from its rbp. The
// core of each stack and its rsp/rbp come from the record's register-file
// section. The BMC and the host tools (`crashtwin cper decode`) both read
// records with this; untrusted bytes, no heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/capture/stack_usage.h"
#include "platform/core/status.h"
#include "platform/cper/record.h"

namespace crashtwin {

inline constexpr size_t kMaxWalkedFrames = 32;
// A kernel stack snapshot is at least this big and aligned to its size
// (THREAD_SIZE is 8 KiB or more on every 64-bit architecture); the
// stack_snapshot section's 4 KiB window at rsp is not one.
inline constexpr uint32_t kMinKernelStackBytes = 8192;

struct CapturedStack {
  uint64_t base = 0;          // physical address of end_of_stack()
  uint32_t stack_bytes = 0;   // THREAD_SIZE (the snapshot's length)
  bool core_known = false;    // a register file of the record has its rsp in this stack
  uint16_t core = 0;
  uint64_t rsp = 0, rbp = 0;  // when core_known
  uint64_t depth_bytes = 0;   // top - rsp, when core_known
  StackUsage usage;           // magic and high-water
  bool overflowed() const { return !usage.magic_intact; }
  uint32_t frame_count = 0;   // walked from rbp, innermost first
  StackFrame frames[kMaxWalkedFrames];
};

// The kernel stacks of `record`, in the order the record holds them (up to
// out.size()); `count` receives how many were written. Snapshots cut short
// (a slice that ran out) are left out: a partial stack has no high-water.
Status captured_kernel_stacks(const cper::RecordView& record, std::span<CapturedStack> out, size_t& count);

}  // namespace crashtwin
