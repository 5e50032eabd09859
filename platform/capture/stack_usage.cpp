#include "platform/capture/stack_usage.h"

#include <cstring>

namespace crashtwin {
namespace {
// Whether the word at `offset` is zero. Zero in any byte order, so this reads
// the eight bytes as one native integer: stack_not_used() runs over kilobytes
// of zeros on every sample, and a byte-by-byte little-endian decode of each
// word was a quarter of a machine-year's run.
bool word_is_zero(std::span<const std::byte> bytes, size_t offset) {
  uint64_t v = 0;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v == 0;
}
}  // namespace

uint64_t stack_word(std::span<const std::byte> bytes, size_t offset) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(bytes[offset + i]) << (8 * i);
  return v;
}

StackUsage stack_usage(std::span<const std::byte> stack) {
  StackUsage u;
  const size_t words = stack.size() / 8;
  if (words == 0) return u;
  u.magic_intact = stack_word(stack, 0) == kStackEndMagic;
  // stack_not_used(): skip the canary, then the zero words above it.
  size_t n = 1;
  while (n < words && word_is_zero(stack, n * 8)) ++n;
  u.used_bytes = (words - n) * 8;
  return u;
}

size_t walk_stack_frames(std::span<const std::byte> stack, uint64_t base, uint64_t rbp, std::span<StackFrame> out) {
  size_t count = 0;
  uint64_t previous = 0;
  while (count < out.size()) {
    if (rbp < base || rbp % 8 != 0 || rbp - base + 16 > stack.size() || rbp <= previous) break;
    const size_t at = static_cast<size_t>(rbp - base);
    out[count++] = {rbp, stack_word(stack, at + 8)};
    previous = rbp;
    rbp = stack_word(stack, at);
  }
  return count;
}

}  // namespace crashtwin
