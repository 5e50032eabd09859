// What a kernel stack's bytes say, the way Linux reads them (one place for
// the CPU model that writes the stacks and the BMC-side decoder that reads
// them from a record, so both compute the same figures):
// - end_of_stack(): the stack's lowest word holds STACK_END_MAGIC
//   (include/uapi/linux/magic.h); a stack that grew past THREAD_SIZE
//   overwrote it (task_stack_end_corrupted(): "corrupted stack end detected").
// - stack_not_used() (include/linux/sched/task_stack.h, used by
//   CONFIG_DEBUG_STACK_USAGE): stacks are allocated zeroed, so the first
//   non-zero word above the magic is the deepest the stack ever reached;
//   used = THREAD_SIZE - not_used is the high-water mark.
// - The frame-pointer chain (CONFIG_FRAME_POINTER): each frame holds the
//   caller's rbp at [rbp] and the return address at [rbp + 8].
// Stacks grow down; `stack` spans are lowest address first, little-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace crashtwin {

inline constexpr uint64_t kStackEndMagic = 0x57AC6E9D;

struct StackUsage {
  bool magic_intact = false;  // the lowest word is STACK_END_MAGIC
  uint64_t used_bytes = 0;    // high-water: stack size - stack_not_used()
};

// `stack`: a whole THREAD_SIZE stack, its lowest word first. A stack whose
// words above the magic are all zero was never used (0 bytes).
StackUsage stack_usage(std::span<const std::byte> stack);

// Little-endian word at byte `offset` of `bytes` (offset + 8 <= size).
uint64_t stack_word(std::span<const std::byte> bytes, size_t offset);

struct StackFrame {
  uint64_t frame_address = 0;   // rbp of the frame
  uint64_t return_address = 0;  // [rbp + 8]
};

// Walks the frame-pointer chain from `rbp` through a stack whose lowest
// byte is at physical address `base`: frames in order, innermost first, up
// to out.size(). Stops at a frame pointer outside the stack, misaligned, or
// not above the previous one (the chain's end, or corruption). Returns the
// frames written.
size_t walk_stack_frames(std::span<const std::byte> stack, uint64_t base, uint64_t rbp, std::span<StackFrame> out);

}  // namespace crashtwin
