// Buddy allocator: free areas, split and coalesce, runs, reservations.
// Statistics, the allocation walk and the audit are in buddy_stats.cpp.
#include "platform/alloc/buddy.h"

#include <bit>

namespace crashtwin::alloc {

using detail::PageDescriptor;
using detail::PageState;

namespace {

bool is_allocated_state(uint8_t state) {
  return state == detail::kBlockHead || state == detail::kRunHead || state == detail::kReservedHead ||
         state == detail::kSlabHead;
}

uint64_t pages_for_bytes(uint64_t bytes) { return (bytes >> kPageShift) + ((bytes & (kPageSize - 1)) != 0); }

}  // namespace

const char* to_string(AllocationKind kind) {
  switch (kind) {
    case AllocationKind::block: return "block";
    case AllocationKind::run: return "run";
    case AllocationKind::reserved: return "reserved";
    case AllocationKind::slab: return "slab";
  }
  return "unknown";
}

// Metadata layout: one descriptor per page, then the free-area stacks, one
// per order, each as deep as the most blocks of that order the region can
// hold at once (a region can straddle one more block boundary than its size
// suggests, hence the +2), then the pending-tail stack: a run with a pending
// tail owns a whole block of at least 4 pages.
namespace {
uint64_t stack_capacity(uint64_t pages, uint32_t order) { return (pages >> order) + 2; }
uint64_t pending_tail_capacity(uint64_t pages) { return (pages >> 2) + 1; }
}  // namespace

size_t BuddyAllocator::metadata_bytes(uint64_t region_size) {
  const uint64_t pages = region_size >> kPageShift;
  uint64_t slots = pending_tail_capacity(pages);
  for (uint32_t order = 0; order < kOrderCount; ++order) slots += stack_capacity(pages, order);
  return static_cast<size_t>(pages * sizeof(PageDescriptor) + slots * sizeof(uint32_t));
}

Status BuddyAllocator::init(uint64_t base, uint64_t size, std::span<std::byte> metadata) {
  const uint64_t pages = size >> kPageShift;
  if ((base & (kPageSize - 1)) != 0 || pages == 0 || pages > kMaxRegionPages ||
      base + (pages << kPageShift) < base ||  // wraps the address space
      metadata.size() < metadata_bytes(size) ||
      reinterpret_cast<uintptr_t>(metadata.data()) % alignof(PageDescriptor) != 0) {
    return Status::invalid_argument;
  }
  pages_ = reinterpret_cast<PageDescriptor*>(metadata.data());
  base_ = base;
  base_pfn_ = base >> kPageShift;
  page_count_ = pages;
  allocations_ = 0;
  nonempty_orders_ = 0;
  auto* slots = reinterpret_cast<uint32_t*>(metadata.data() + pages * sizeof(PageDescriptor));
  for (uint32_t order = 0; order < kOrderCount; ++order) {
    free_area_[order] = FreeArea{slots, 0};
    slots += stack_capacity(pages, order);
  }
  pending_tails_ = FreeArea{slots, 0};
  for (auto& histogram : tail_length_groups_) {
    for (uint32_t& count : histogram) count = 0;
  }
  for (uint64_t i = 0; i < pages; ++i) pages_[i] = PageDescriptor{0, 0, detail::kInner, 0, 0};
  free_pages_ = pages;
  carve(0, pages);
  return Status::ok;
}

// Largest order of a naturally aligned block starting at page `index` that
// ends at or before `end`.
uint32_t BuddyAllocator::largest_order_at(uint64_t index, uint64_t end) const {
  const uint32_t alignment = static_cast<uint32_t>(std::countr_zero(pfn(static_cast<uint32_t>(index))));
  const uint32_t fit = static_cast<uint32_t>(std::bit_width(end - index) - 1);
  uint32_t order = alignment < fit ? alignment : fit;
  return order < kMaxOrder ? order : kMaxOrder;
}

void BuddyAllocator::push(uint32_t index, uint32_t order) {
  FreeArea& area = free_area_[order];
  PageDescriptor& page = pages_[index];
  page.state = detail::kFreeHead;
  page.order = static_cast<uint8_t>(order);
  page.tag = area.count;
  area.blocks[area.count++] = index;
  nonempty_orders_ |= 1u << order;
}

void BuddyAllocator::unlink(uint32_t index, uint32_t order) {
  FreeArea& area = free_area_[order];
  PageDescriptor& page = pages_[index];
  const uint32_t top = area.blocks[--area.count];
  area.blocks[page.tag] = top;
  pages_[top].tag = page.tag;
  page.state = detail::kInner;
  if (area.count == 0) nonempty_orders_ &= ~(1u << order);
}

// The block freed last: its metadata is the likeliest to be in cache.
uint32_t BuddyAllocator::pop(uint32_t order) {
  const FreeArea& area = free_area_[order];
  const uint32_t index = area.blocks[area.count - 1];
  unlink(index, order);
  return index;
}

// Takes a free block of exactly `order`, splitting the smallest larger one and
// returning the upper halves to their free areas. Pending tails are the last
// resort: carved, newest first, only when no free area can serve the order.
Status BuddyAllocator::take_block(uint32_t order, uint32_t& index) {
  uint32_t candidates = nonempty_orders_ & (~0u << order);
  while (candidates == 0 && (tail_orders() & (~0u << order)) != 0) {
    carve_tail(pending_tails_.blocks[pending_tails_.count - 1]);
    candidates = nonempty_orders_ & (~0u << order);
  }
  if (candidates == 0) return Status::no_memory;
  uint32_t current = static_cast<uint32_t>(std::countr_zero(candidates));
  index = pop(current);
  while (current > order) {
    --current;
    push(index + (1u << current), current);
  }
  return Status::ok;
}

// Frees one naturally aligned block, merging it with its buddy while the buddy
// is a free block of the same order.
void BuddyAllocator::free_block(uint32_t index, uint32_t order) {
  pages_[index].state = detail::kInner;
  while (order < kMaxOrder) {
    const uint64_t buddy = (pfn(index) ^ (uint64_t{1} << order)) - base_pfn_;  // below base: wraps, huge
    if (!block_in_region(buddy, order)) break;
    const PageDescriptor& page = pages_[buddy];
    if (page.state != detail::kFreeHead || page.order != order) break;
    unlink(static_cast<uint32_t>(buddy), order);
    if (buddy < index) index = static_cast<uint32_t>(buddy);
    ++order;
  }
  push(index, order);
}

// Frees the pages [first, last) as maximal aligned blocks, with coalescing.
void BuddyAllocator::release(uint64_t first, uint64_t last) {
  while (first < last) {
    const uint32_t order = largest_order_at(first, last);
    free_block(static_cast<uint32_t>(first), order);
    first += uint64_t{1} << order;
  }
}

// Frees [first, last) as maximal aligned blocks without trying to merge: only
// for ranges whose surroundings cannot hold a free buddy (the whole region at
// init, the tail of a freshly split block, the leftovers of a broken free
// block). The audit checks the resulting free areas are fully merged.
void BuddyAllocator::carve(uint64_t first, uint64_t last) {
  while (first < last) {
    const uint32_t order = largest_order_at(first, last);
    push(static_cast<uint32_t>(first), order);
    first += uint64_t{1} << order;
  }
}

// Finds the free block containing page `index`: its head is `index` rounded
// down to the block's order, and only that head is marked free. A page of a
// pending tail is found the same way through its run head, which sits at the
// tail block's alignment.
bool BuddyAllocator::containing_free_block(uint32_t index, FreeBlock& block) const {
  // Walk down the aligned heads a block holding the page could start at,
  // from the page itself (order 0) up to kMaxOrder, visiting each distinct
  // address once. The first page that is not `inner` decides: free blocks
  // and allocations never overlap, so what starts there either covers the
  // page or proves that no free block does (one would contain that head).
  const uint64_t page_pfn = pfn(index);
  const uint64_t lowest_head = page_pfn & ~((uint64_t{1} << kMaxOrder) - 1);
  uint64_t head_pfn = page_pfn;
  for (;;) {
    if (head_pfn < base_pfn_) return false;
    const uint32_t head = static_cast<uint32_t>(head_pfn - base_pfn_);
    const PageDescriptor& page = pages_[head];
    if (page.state == detail::kFreeHead) {
      if (index - head >= (uint64_t{1} << page.order)) return false;
      block = FreeBlock{head, page.order, kNoRun};
      return true;
    }
    if (page.state == detail::kRunHead && page.order != 0) {
      if (index < head + uint64_t{page.pages} || index - head >= (uint64_t{1} << page.order)) return false;
      block = tail_piece(head, index);  // in the run's pending tail
      return true;
    }
    if (page.state != detail::kInner || head_pfn == lowest_head) return false;
    head_pfn &= head_pfn - 1;  // the next larger alignment
  }
}

// Takes every page of [first, last) out of the free areas; the caller checked
// they are all free. Parts of the covering blocks outside the range go back.
void BuddyAllocator::take_range(uint64_t first, uint64_t last) {
  uint64_t index = first;
  while (index < last) {
    FreeBlock block;
    containing_free_block(static_cast<uint32_t>(index), block);
    if (block.pending_run != kNoRun) {
      carve_tail(block.pending_run);
      continue;
    }
    const uint32_t head = block.head;
    const uint64_t end = head + (uint64_t{1} << block.order);
    unlink(head, block.order);
    if (head < first) carve(head, first);
    if (end > last) carve(last, end);
    index = end;
  }
  free_pages_ -= last - first;
}

void BuddyAllocator::mark_allocated(uint32_t index, uint64_t pages, PageState state, uint32_t owner) {
  PageDescriptor& page = pages_[index];
  page.state = state;
  page.order = 0;
  page.pages = static_cast<uint32_t>(pages);
  page.tag = owner;
  ++allocations_;
}

Status BuddyAllocator::head_of(uint64_t address, uint32_t& index) const {
  if (address < base_ || ((address - base_) >> kPageShift) >= page_count_) return Status::out_of_range;
  if ((address & (kPageSize - 1)) != 0) return Status::invalid_argument;
  index = static_cast<uint32_t>((address - base_) >> kPageShift);
  if (is_allocated_state(pages_[index].state)) return Status::ok;
  FreeBlock block;
  return containing_free_block(index, block) ? Status::double_free : Status::invalid_argument;
}

Allocation BuddyAllocator::describe(uint32_t index) const {
  const PageDescriptor& page = pages_[index];
  Allocation allocation;
  allocation.address = base_ + (uint64_t{index} << kPageShift);
  allocation.pages = page.pages;
  switch (page.state) {
    case detail::kBlockHead: allocation.kind = AllocationKind::block; break;
    case detail::kRunHead: allocation.kind = AllocationKind::run; break;
    case detail::kReservedHead: allocation.kind = AllocationKind::reserved; break;
    default:
      allocation.kind = AllocationKind::slab;
      allocation.owner = page.tag;
      break;
  }
  return allocation;
}

Status BuddyAllocator::allocate_block(uint32_t order, PageState state, uint32_t owner, uint64_t& address) {
  if (order > kMaxOrder) return Status::invalid_argument;
  uint32_t index = 0;
  if (Status s = take_block(order, index); !ok(s)) return s;
  free_pages_ -= uint64_t{1} << order;
  mark_allocated(index, uint64_t{1} << order, state, owner);
  address = base_ + (uint64_t{index} << kPageShift);
  trace_event(AllocOp::alloc, index, uint64_t{1} << order, uint64_t{1} << order);
  return Status::ok;
}

Status BuddyAllocator::allocate(uint32_t order, uint64_t& address) {
  return allocate_block(order, detail::kBlockHead, 0, address);
}

Status BuddyAllocator::allocate_slab(uint32_t order, uint32_t owner, uint64_t& address) {
  return allocate_block(order, detail::kSlabHead, owner, address);
}

Status BuddyAllocator::allocate_pages(uint64_t pages, uint64_t& address) {
  if (pages == 0 || pages > (uint64_t{1} << kMaxOrder)) return Status::invalid_argument;
  const uint32_t order = static_cast<uint32_t>(std::bit_width(pages - 1));
  uint32_t index = 0;
  if (Status s = take_block(order, index); !ok(s)) return s;
  free_pages_ -= pages;
  mark_allocated(index, pages, detail::kRunHead, 0);
  if (pages != uint64_t{1} << order) defer_tail(index, order);
  address = base_ + (uint64_t{index} << kPageShift);
  trace_event(AllocOp::alloc, index, pages, pages);
  return Status::ok;
}

Status BuddyAllocator::reserve(uint64_t address, uint64_t bytes) {
  if (bytes == 0 || (address & (kPageSize - 1)) != 0) return Status::invalid_argument;
  if (address < base_ || ((address - base_) >> kPageShift) >= page_count_) return Status::out_of_range;
  const uint64_t first = (address - base_) >> kPageShift;
  const uint64_t pages = pages_for_bytes(bytes);
  if (pages > page_count_ - first) return Status::out_of_range;
  if (!is_free_range(address, pages)) return Status::busy;
  take_range(first, first + pages);
  mark_allocated(static_cast<uint32_t>(first), pages, detail::kReservedHead, 0);
  trace_event(AllocOp::alloc, static_cast<uint32_t>(first), pages, pages);
  return Status::ok;
}

Status BuddyAllocator::reserve_runs(uint64_t address, std::span<const uint64_t> bytes) {
  if (bytes.empty() || (address & (kPageSize - 1)) != 0) return Status::invalid_argument;
  if (address < base_ || ((address - base_) >> kPageShift) >= page_count_) return Status::out_of_range;
  const uint64_t first = (address - base_) >> kPageShift;
  uint64_t pages = 0;
  for (const uint64_t b : bytes) {
    if (b == 0) return Status::invalid_argument;
    pages += pages_for_bytes(b);
    if (pages > page_count_ - first) return Status::out_of_range;
  }
  if (!is_free_range(address, pages)) return Status::busy;
  take_range(first, first + pages);
  uint64_t head = first;
  for (const uint64_t b : bytes) {
    const uint64_t run = pages_for_bytes(b);
    mark_allocated(static_cast<uint32_t>(head), run, detail::kReservedHead, 0);
    trace_event(AllocOp::alloc, static_cast<uint32_t>(head), run, run);
    head += run;
  }
  return Status::ok;
}

Status BuddyAllocator::free(uint64_t address) {
  uint32_t index = 0;
  if (Status s = head_of(address, index); !ok(s)) return s;
  const uint64_t pages = pages_[index].pages;
  if (const uint32_t order = pages_[index].order; pages_[index].state == detail::kRunHead && order != 0) {
    drop_tail(index);  // the tail is still whole: the block goes back in one piece
    free_block(index, order);
  } else if (!reunite_block(index, pages)) {
    release(index, index + pages);
  }
  free_pages_ += pages;
  --allocations_;
  trace_event(AllocOp::free, index, pages, pages);
  return Status::ok;
}

// Fast path of free() for a run whose block tail (carved from its pending
// state) is still free exactly as it was carved: take the tail pieces
// back and free the whole block with one merge, instead of freeing and merging
// every piece of the run. False, untouched, when the layout does not match.
// The tail pieces have increasing orders: each starts at its own alignment.
bool BuddyAllocator::reunite_block(uint32_t index, uint64_t pages) {
  const uint32_t order = static_cast<uint32_t>(std::bit_width(pages - 1));
  const uint64_t end = index + (uint64_t{1} << order);
  if ((pages & (pages - 1)) == 0 || (pfn(index) & ((uint64_t{1} << order) - 1)) != 0 || end > page_count_) {
    return false;
  }
  for (uint64_t piece = index + pages; piece < end;) {
    const uint32_t po = static_cast<uint32_t>(std::countr_zero(pfn(piece)));
    const PageDescriptor& page = pages_[piece];
    if (page.state != detail::kFreeHead || page.order != po) return false;
    piece += uint64_t{1} << po;
  }
  for (uint64_t piece = index + pages; piece < end;) {
    const uint32_t po = static_cast<uint32_t>(std::countr_zero(pfn(piece)));
    unlink(static_cast<uint32_t>(piece), po);
    piece += uint64_t{1} << po;
  }
  free_block(index, order);
  return true;
}

Status BuddyAllocator::resize(uint64_t address, uint64_t new_pages) {
  uint32_t index = 0;
  if (Status s = head_of(address, index); !ok(s)) return s;
  PageDescriptor& page = pages_[index];
  if (new_pages == 0 || page.state == detail::kSlabHead) return Status::invalid_argument;
  const uint64_t old_pages = page.pages;
  // The tail is the pages a resize gives back or takes: carve it first.
  if (page.state == detail::kRunHead && page.order != 0 && new_pages != old_pages) carve_tail(index);
  if (new_pages < old_pages) {
    release(index + new_pages, index + old_pages);
    free_pages_ += old_pages - new_pages;
  } else if (new_pages > old_pages) {
    if (new_pages > page_count_ - index ||
        !is_free_range(address + (old_pages << kPageShift), new_pages - old_pages)) {
      return Status::no_memory;
    }
    take_range(index + old_pages, index + new_pages);
  }
  page.pages = static_cast<uint32_t>(new_pages);
  if (page.state == detail::kBlockHead && new_pages != old_pages) page.state = detail::kRunHead;
  if (new_pages > old_pages) trace_event(AllocOp::grow, index, new_pages, new_pages - old_pages);
  else if (new_pages < old_pages) trace_event(AllocOp::shrink, index, new_pages, old_pages - new_pages);
  return Status::ok;
}

bool BuddyAllocator::is_free_range(uint64_t address, uint64_t pages) const {
  if (pages == 0 || (address & (kPageSize - 1)) != 0 || address < base_) return false;
  const uint64_t first = (address - base_) >> kPageShift;
  if (first >= page_count_ || pages > page_count_ - first) return false;
  const uint64_t last = first + pages;
  FreeBlock block;
  // The last page first: a range that runs into an allocation (the usual
  // answer when first fit tries gaps between slices) fails in one probe.
  if (pages > 1 && !containing_free_block(static_cast<uint32_t>(last - 1), block)) return false;
  uint64_t index = first;
  while (index < last) {
    if (!containing_free_block(static_cast<uint32_t>(index), block)) return false;
    index = block.head + (uint64_t{1} << block.order);
  }
  return true;
}

uint64_t BuddyAllocator::free_pages_after(uint64_t address) const {
  uint32_t index = 0;
  if (!ok(head_of(address, index))) return 0;
  const uint64_t start = index + uint64_t{pages_[index].pages};
  uint64_t next = start;
  while (next < page_count_) {
    FreeBlock block;
    if (!containing_free_block(static_cast<uint32_t>(next), block)) break;
    next = block.head + (uint64_t{1} << block.order);
  }
  return next - start;
}

Status BuddyAllocator::find(uint64_t address, Allocation& out) const {
  uint32_t index = 0;
  if (Status s = head_of(address, index); !ok(s)) return s;
  out = describe(index);
  return Status::ok;
}

}  // namespace crashtwin::alloc
