// Buddy allocator: pending tails. allocate_pages() records the unused tail of
// its block on the run head instead of pushing its pieces; the tail is carved
// into free areas when something needs its pages, or dropped unseen when the
// run is freed. Why it pays, and the contract, are in buddy.h.
//
// A tail of 2^order - pages pages, starting right after the run, splits into
// one maximal aligned piece per set bit of its length, smallest first: each
// piece starts at its own alignment. Every piece's buddy overlaps the run, so
// no other block can merge with a pending piece.
#include <bit>

#include "platform/alloc/buddy.h"

namespace crashtwin::alloc {

using detail::PageDescriptor;

// Pending tails are counted by the value of each 4-bit group of their length
// (one add per group) rather than one add per order: the hot paths pay six
// fixed adds, and the per-order count, a sum of eight histogram entries, is
// paid by the statistics that ask for it.
void BuddyAllocator::count_tail_pieces(uint64_t tail, bool add) {
  const uint32_t sign = add ? 1u : ~0u;  // +1 or -1, modulo 2^32
  for (uint32_t group = 0; group < kTailGroups; ++group) {
    tail_length_groups_[group][(tail >> (4 * group)) & 15u] += sign;
  }
}

uint64_t BuddyAllocator::tail_pieces(uint32_t order) const {
  if (order / 4 >= kTailGroups) return 0;  // longer than any tail
  const uint32_t(&histogram)[16] = tail_length_groups_[order / 4];
  uint64_t pieces = 0;
  for (uint32_t value = 0; value < 16; ++value) {
    if ((value >> (order % 4)) & 1u) pieces += histogram[value];
  }
  return pieces;
}

// Bit k set when a pending tail holds a free block of order k. Off the hot
// path: allocation asks only when no free area can serve it.
uint32_t BuddyAllocator::tail_orders() const {
  uint32_t orders = 0;
  for (uint32_t k = 0; k < kOrderCount; ++k) orders |= (tail_pieces(k) != 0 ? 1u : 0u) << k;
  return orders;
}

// Records the tail of the block of `order` starting at `run`; the run head is
// already marked allocated with its length.
void BuddyAllocator::defer_tail(uint32_t run, uint32_t order) {
  PageDescriptor& page = pages_[run];
  page.order = static_cast<uint8_t>(order);
  page.tag = pending_tails_.count;
  pending_tails_.blocks[pending_tails_.count++] = run;
  count_tail_pieces((uint64_t{1} << order) - page.pages, true);
}

// Forgets the pending tail of `run` (its pages become the caller's business).
void BuddyAllocator::drop_tail(uint32_t run) {
  PageDescriptor& page = pages_[run];
  count_tail_pieces((uint64_t{1} << page.order) - page.pages, false);
  const uint32_t top = pending_tails_.blocks[--pending_tails_.count];
  pending_tails_.blocks[page.tag] = top;
  pages_[top].tag = page.tag;
  page.tag = 0;
  page.order = 0;
}

// Moves the pending tail of `run` into the free areas.
void BuddyAllocator::carve_tail(uint32_t run) {
  const uint64_t end = run + (uint64_t{1} << pages_[run].order);
  drop_tail(run);
  carve(run + uint64_t{pages_[run].pages}, end);
}

// The piece of the pending tail of `run` that holds page `index` (which lies
// in the tail).
BuddyAllocator::FreeBlock BuddyAllocator::tail_piece(uint32_t run, uint32_t index) const {
  uint64_t piece = run + uint64_t{pages_[run].pages};
  uint32_t order = static_cast<uint32_t>(std::countr_zero(pfn(static_cast<uint32_t>(piece))));
  while (index >= piece + (uint64_t{1} << order)) {
    piece += uint64_t{1} << order;
    order = static_cast<uint32_t>(std::countr_zero(pfn(static_cast<uint32_t>(piece))));
  }
  return FreeBlock{static_cast<uint32_t>(piece), order, run};
}

}  // namespace crashtwin::alloc
