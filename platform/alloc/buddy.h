// Buddy page allocator over a range of simulated physical memory (the crash
// region). It hands out physical addresses and never touches the memory it
// manages: firmware reaches the region only through the Hal, and the region
// must stay intact for the BMC to drain. All bookkeeping (one 12-byte
// descriptor per page, the free areas and the pending tails as stacks of page
// indices: 5.25 MiB per GiB managed, 0.5%) lives in a metadata buffer the
// caller hands in, outside the region.
//
// Vocabulary follows Linux mm/: a block of order k is 2^k pages, naturally
// aligned in *physical* address space (pfn multiple of 2^k, as in Linux, so a
// slice is DMA friendly whatever the region base); its buddy is the block of
// the same order it was split from; free blocks of order k form free area k.
// Besides power-of-two blocks the allocator serves runs of any page count
// (crash-region slices), reserved ranges at fixed addresses, and slab blocks
// (tagged with their cache's slab index, like struct page's slab pointer).
//
// A run's unused tail (the rest of the power-of-two block it was cut from) is
// free from the moment the run is allocated -- free_pages, buddyinfo, the
// indices, is_free_range and free() of a tail page say so -- but it is carved
// into free areas only when something needs its pages: an allocation no free
// area can serve, a reserve that reaches into it, a resize of its run.
// Freeing a run whose tail is still pending frees the whole block with one
// merge. Carving a tail
// costs one free-area push per piece (and taking them back on free), each
// touching a descriptor up to 4 MiB away; most runs are freed before anything
// needs their tail, so deferring it brings an exact-length alloc+free pair
// close to a block pair (docs/PERFORMANCE.md). A pending tail is the last
// resort: a small allocation splits a free block rather than use a tail piece,
// which keeps a freed run's block whole.
//
// Every call is total: bad input returns a Status and leaves the state intact.
// Cost: allocate/free O(kMaxOrder) stack operations (amortised: each pending
// tail is carved at most once), the order found with one count-trailing-zeros
// over a mask of non-empty free areas; a block freed last is reused first
// (LIFO, as Linux's free lists: its metadata is hot). No scan over pages except
// init, audit and the range queries (which walk free blocks, not pages).
// Deterministic: same calls, same addresses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/alloc/alloc_trace.h"
#include "platform/core/status.h"

namespace crashtwin::alloc {

inline constexpr uint32_t kPageShift = 12;
inline constexpr uint64_t kPageSize = uint64_t{1} << kPageShift;  // 4 KiB
inline constexpr uint32_t kMaxOrder = 20;                         // 4 GiB blocks
inline constexpr uint32_t kOrderCount = kMaxOrder + 1;
// Page indices (and free-area slots) are 32 bit.
inline constexpr uint64_t kMaxRegionPages = 0xFFFF'FFFEu;

enum class AllocationKind : uint8_t {
  block,     // allocate(order): 2^order pages
  run,       // allocate_pages(n) or a resized block: any page count
  reserved,  // reserve(address, bytes): a range the caller chose
  slab,      // allocate_slab(): a block owned by a SlabCache
};

const char* to_string(AllocationKind kind);

// One live allocation as the walk and find() report it.
struct Allocation {
  uint64_t address = 0;
  uint64_t pages = 0;
  AllocationKind kind = AllocationKind::block;
  uint32_t owner = 0;  // slab blocks: the owning cache's slab index
};

namespace detail {
// Per-page bookkeeping. Only the first page of a free block or an allocation
// (its head) carries meaning; every other page is `inner`, which is what lets
// free() tell a head from an address inside an allocation in O(1).
// A pending tail is recorded on its run's head alone (order != 0); its pages
// stay `inner` until it is carved.
struct PageDescriptor {
  uint32_t pages;  // allocated head: length of the allocation in pages
  uint32_t tag;    // free head: its slot in the free area; slab head: owner;
                   // run head with a pending tail: its slot in the tail stack
  uint8_t state;   // PageState
  uint8_t order;   // free head: order of the block; run head: order of the
                   // block whose tail is pending, 0 when none (always >= 2)
  uint16_t unused;
};
enum PageState : uint8_t {
  kInner = 0,  // not the first page of anything
  kFreeHead,
  kBlockHead,
  kRunHead,
  kReservedHead,
  kSlabHead,
};
}  // namespace detail

class BuddyAllocator {
 public:
  BuddyAllocator() = default;
  BuddyAllocator(const BuddyAllocator&) = delete;  // would share the metadata
  BuddyAllocator& operator=(const BuddyAllocator&) = delete;

  // Metadata needed for a region of `region_size` bytes (whole pages count).
  static size_t metadata_bytes(uint64_t region_size);

  // Takes over [base, base + size) with every page free. `base` must be page
  // aligned; a trailing partial page is ignored; at least one page, at most
  // kMaxRegionPages. `metadata` must hold metadata_bytes(size) bytes aligned
  // to 4 and outlive the allocator. The free pages are carved into maximal
  // naturally aligned blocks. invalid_argument on any violation.
  Status init(uint64_t base, uint64_t size, std::span<std::byte> metadata);

  // A naturally aligned block of 2^order pages.
  // invalid_argument: order > kMaxOrder; no_memory: no free block that large.
  Status allocate(uint32_t order, uint64_t& address);

  // A contiguous run of `pages` pages (1..2^kMaxOrder), aligned to the next
  // power of two >= pages; the unused tail of that block is free at once
  // (Linux's alloc_pages_exact), carved into free areas when first needed.
  Status allocate_pages(uint64_t pages, uint64_t& address);

  // A block of 2^order pages owned by a slab cache; `owner` is stored with it
  // and read back by slab_owner().
  Status allocate_slab(uint32_t order, uint32_t owner, uint64_t& address);

  // Takes the pages covering [address, address + bytes) out of the free pool
  // (bytes rounded up to whole pages). invalid_argument: bytes == 0 or address
  // not page aligned; out_of_range: range leaves the region; busy: a page of
  // the range is not free.
  Status reserve(uint64_t address, uint64_t bytes);
  // reserve() of runs laid back to back from `address` (each rounded up to
  // whole pages), as one allocation each, for the cost of one: the covering
  // free blocks are split once for the whole range. Errors as reserve() for
  // the whole range (invalid_argument also for an empty list or a zero
  // size); nothing is reserved then.
  Status reserve_runs(uint64_t address, std::span<const uint64_t> bytes);

  // Returns the allocation starting at `address` (any kind) to the free pool,
  // coalescing with free buddies. out_of_range: outside the region;
  // invalid_argument: not page aligned, or inside an allocation but not its
  // first page; double_free: the page is already free.
  Status free(uint64_t address);

  // Changes the length of the block, run or reservation at `address` in place:
  // shrinking gives back the tail, growing takes the pages right after it and
  // fails with no_memory unless they are all free. A resized block becomes a
  // run. Errors as free(); invalid_argument also for new_pages == 0 or a slab
  // block.
  Status resize(uint64_t address, uint64_t new_pages);

  // True when every page of [address, address + pages * kPageSize) is in the
  // region and free. False for misaligned addresses or pages == 0.
  bool is_free_range(uint64_t address, uint64_t pages) const;

  // Free pages that directly follow the allocation at `address` (how far it
  // could grow in place); 0 when `address` is not the start of an allocation.
  uint64_t free_pages_after(uint64_t address) const;

  // The allocation starting at `address`; errors as free().
  Status find(uint64_t address, Allocation& out) const;

  // Owner word of the slab block starting at `address`; invalid_argument when
  // `address` is not the start of a slab block. Inline: on the slab free path.
  Status slab_owner(uint64_t address, uint32_t& owner) const {
    const uint64_t offset = address - base_;
    if (address < base_ || (offset >> kPageShift) >= page_count_ || (offset & (kPageSize - 1)) != 0) {
      return Status::invalid_argument;
    }
    const detail::PageDescriptor& page = pages_[offset >> kPageShift];
    if (page.state != detail::kSlabHead) return Status::invalid_argument;
    owner = page.tag;
    return Status::ok;
  }

  // Records every successful allocate*, reserve*, free and resize into
  // `trace` (nullptr: no tracking, the default). The trace must outlive the
  // allocator or be detached first.
  void set_trace(AllocTrace* trace) { trace_ = trace; }
  AllocTrace* trace() const { return trace_; }

  // --- statistics -------------------------------------------------------
  uint64_t base() const { return base_; }
  uint64_t page_count() const { return page_count_; }
  uint64_t free_pages() const { return free_pages_; }
  uint64_t free_bytes() const { return free_pages_ << kPageShift; }
  uint64_t allocation_count() const { return allocations_; }
  // Size of the largest free block (not run: two adjacent free blocks that are
  // not buddies count separately, as in Linux). 0 when nothing is free.
  uint64_t largest_free_block_bytes() const;
  // Free blocks per order, like /proc/buddyinfo; fills min(size, kOrderCount)
  // entries.
  void buddyinfo(std::span<uint64_t> per_order) const;
  // Linux mm/vmstat.c indices for a request of `order`, in thousandths as
  // Linux computes them (integer division):
  //  unusable_index: share of free memory in blocks smaller than the order;
  //    0 = all free memory usable, 1000 = none (also when nothing is free).
  //  fragmentation_index: only meaningful when the request would fail;
  //    -1000 when a block of that order is free, 0 when nothing is free,
  //    towards 0 = failure from lack of memory, towards 1000 = from
  //    fragmentation.
  // Orders above kMaxOrder can never be served: unusable 1000, fragmentation 0.
  int32_t unusable_index(uint32_t order) const;
  int32_t fragmentation_index(uint32_t order) const;
  // Runs whose tail is free but not yet carved into free areas (diagnostic:
  // every other statistic already counts those pages as free).
  uint64_t pending_tails() const { return pending_tails_.count; }

  // Calls visit(context, allocation) for every live allocation in address
  // order (leak listing). Must not modify the allocator.
  using AllocationVisitor = void (*)(void* context, const Allocation& allocation);
  void walk_allocated(AllocationVisitor visit, void* context) const;

  // Full consistency check of the metadata (tests, post-mortem): every page
  // accounted once, every free block in its free area once, counters exact, no free block
  // left unmerged with its free buddy. ok or corrupt. O(pages).
  Status audit() const;

 private:
  // Free blocks of one order, as a stack of page indices: push and pop at the
  // top, unlink by moving the top into the hole (each free head knows its
  // slot). Touches only the block and the hot top, never list neighbours.
  struct FreeArea {
    uint32_t* blocks;
    uint32_t count;
  };
  // The free block holding a page: in a free area, or a piece of the pending
  // tail of run `pending_run` (kNoRun for a block in a free area).
  static constexpr uint32_t kNoRun = 0xFFFF'FFFFu;
  struct FreeBlock {
    uint32_t head = 0;
    uint32_t order = 0;
    uint32_t pending_run = kNoRun;
  };

  uint64_t pfn(uint32_t index) const { return base_pfn_ + index; }
  bool block_in_region(uint64_t index, uint32_t order) const {
    return index < page_count_ && (uint64_t{1} << order) <= page_count_ - index;
  }
  Status head_of(uint64_t address, uint32_t& index) const;
  Allocation describe(uint32_t index) const;
  bool containing_free_block(uint32_t index, FreeBlock& block) const;
  FreeBlock tail_piece(uint32_t run, uint32_t index) const;
  uint32_t largest_order_at(uint64_t index, uint64_t end) const;

  void push(uint32_t index, uint32_t order);
  void unlink(uint32_t index, uint32_t order);
  uint32_t pop(uint32_t order);
  Status take_block(uint32_t order, uint32_t& index);
  void free_block(uint32_t index, uint32_t order);
  void release(uint64_t first, uint64_t last);
  bool reunite_block(uint32_t index, uint64_t pages);
  void carve(uint64_t first, uint64_t last);
  void take_range(uint64_t first, uint64_t last);
  void defer_tail(uint32_t run, uint32_t order);
  void drop_tail(uint32_t run);
  void carve_tail(uint32_t run);
  void count_tail_pieces(uint64_t tail, bool add);
  uint64_t tail_pieces(uint32_t order) const;
  uint32_t tail_orders() const;
  void mark_allocated(uint32_t index, uint64_t pages, detail::PageState state, uint32_t owner);
  Status allocate_block(uint32_t order, detail::PageState state, uint32_t owner, uint64_t& address);

  void trace_event(AllocOp op, uint32_t index, uint64_t pages, uint64_t delta_pages) {
    if (trace_ != nullptr) trace_->record(op, base_ + (uint64_t{index} << kPageShift), pages, delta_pages);
  }

  AllocTrace* trace_ = nullptr;
  detail::PageDescriptor* pages_ = nullptr;
  uint64_t base_ = 0;
  uint64_t base_pfn_ = 0;
  uint64_t page_count_ = 0;
  uint64_t free_pages_ = 0;
  uint64_t allocations_ = 0;
  uint32_t nonempty_orders_ = 0;  // bit k set when free area k has a block
  FreeArea free_area_[kOrderCount] = {};
  // Run heads with a pending tail (stack, each head knows its slot), and the
  // free blocks per order inside those tails, as buddyinfo counts them.
  // Pending tails by the value of each 4-bit group of their length (a tail is
  // shorter than 2^kMaxOrder pages): entry [g][v] counts the tails whose bits
  // 4g..4g+3 read v. Pieces of order k = tails with bit k set.
  static constexpr uint32_t kTailGroups = (kMaxOrder + 3) / 4;
  FreeArea pending_tails_ = {};
  uint32_t tail_length_groups_[kTailGroups][16] = {};
};

}  // namespace crashtwin::alloc
