// Buddy allocator: statistics (buddyinfo, Linux fragmentation indices), the
// walk over live allocations, and the consistency audit.
#include <bit>

#include "platform/alloc/buddy.h"

namespace crashtwin::alloc {

using detail::PageDescriptor;

namespace {

// What mm/vmstat.c's fill_contig_page_info() gathers for one request order.
struct ContigPageInfo {
  uint64_t free_pages = 0;
  uint64_t free_blocks_total = 0;
  uint64_t free_blocks_suitable = 0;  // in units of blocks of the request order
};

ContigPageInfo fill_contig_page_info(const BuddyAllocator& buddy, uint32_t order) {
  uint64_t blocks[kOrderCount] = {};
  buddy.buddyinfo(blocks);
  ContigPageInfo info;
  for (uint32_t k = 0; k < kOrderCount; ++k) {
    info.free_blocks_total += blocks[k];
    info.free_pages += blocks[k] << k;
    if (k >= order) info.free_blocks_suitable += blocks[k] << (k - order);
  }
  return info;
}

}  // namespace

uint64_t BuddyAllocator::largest_free_block_bytes() const {
  const uint32_t orders = nonempty_orders_ | tail_orders();
  if (orders == 0) return 0;
  const uint32_t order = static_cast<uint32_t>(std::bit_width(orders) - 1);
  return kPageSize << order;
}

void BuddyAllocator::buddyinfo(std::span<uint64_t> per_order) const {
  for (size_t k = 0; k < per_order.size() && k < kOrderCount; ++k) {
    per_order[k] = free_area_[k].count + tail_pieces(static_cast<uint32_t>(k));
  }
}

int32_t BuddyAllocator::unusable_index(uint32_t order) const {
  if (order > kMaxOrder || free_pages_ == 0) return 1000;
  const ContigPageInfo info = fill_contig_page_info(*this, order);
  return static_cast<int32_t>((info.free_pages - (info.free_blocks_suitable << order)) * 1000 / info.free_pages);
}

int32_t BuddyAllocator::fragmentation_index(uint32_t order) const {
  if (order > kMaxOrder) return 0;
  const ContigPageInfo info = fill_contig_page_info(*this, order);
  if (info.free_blocks_total == 0) return 0;
  if (info.free_blocks_suitable != 0) return -1000;
  const uint64_t requested = uint64_t{1} << order;
  // Linux: 1000 - (1000 + free_pages * 1000 / requested) / free_blocks_total.
  // Can dip slightly below 0 when few blocks hold almost a request's worth.
  const uint64_t scaled = (1000 + info.free_pages * 1000 / requested) / info.free_blocks_total;
  return static_cast<int32_t>(1000 - static_cast<int64_t>(scaled));
}

void BuddyAllocator::walk_allocated(AllocationVisitor visit, void* context) const {
  uint64_t index = 0;
  while (index < page_count_) {
    const PageDescriptor& page = pages_[index];
    if (page.state == detail::kFreeHead) {
      index += uint64_t{1} << page.order;
    } else if (page.state != detail::kInner && page.pages != 0) {
      visit(context, describe(static_cast<uint32_t>(index)));
      // A pending tail follows its run up to the end of the block.
      const bool tail = page.state == detail::kRunHead && page.order != 0;
      index += tail ? uint64_t{1} << page.order : page.pages;
    } else {
      return;  // corrupt metadata; audit() says so
    }
  }
}

Status BuddyAllocator::audit() const {
  if (pages_ == nullptr) return page_count_ == 0 ? Status::ok : Status::corrupt;
  uint64_t blocks_per_order[kOrderCount] = {};
  uint64_t tail_blocks_per_order[kOrderCount] = {};
  uint64_t free_pages = 0;
  uint64_t allocations = 0;
  uint64_t pending_tails = 0;
  // 1. Pages: the region is an exact sequence of heads, each followed by inner pages.
  uint64_t index = 0;
  while (index < page_count_) {
    const PageDescriptor& page = pages_[index];
    uint64_t length = 0;
    if (page.state == detail::kFreeHead) {
      const uint32_t order = page.order;
      if (order > kMaxOrder) return Status::corrupt;
      length = uint64_t{1} << order;
      if ((pfn(static_cast<uint32_t>(index)) & (length - 1)) != 0) return Status::corrupt;
      if (length > page_count_ - index) return Status::corrupt;
      // Fully merged: a free buddy of the same order would have been merged.
      const uint64_t buddy = (pfn(static_cast<uint32_t>(index)) ^ length) - base_pfn_;
      if (order < kMaxOrder && block_in_region(buddy, order) && pages_[buddy].state == detail::kFreeHead &&
          pages_[buddy].order == order) {
        return Status::corrupt;
      }
      ++blocks_per_order[order];
      free_pages += length;
    } else if (page.state >= detail::kBlockHead && page.state <= detail::kSlabHead) {
      length = page.pages;
      if (length == 0 || length > page_count_ - index) return Status::corrupt;
      if (page.state == detail::kBlockHead || page.state == detail::kSlabHead) {
        if (!std::has_single_bit(length) || (pfn(static_cast<uint32_t>(index)) & (length - 1)) != 0) {
          return Status::corrupt;
        }
      }
      if (page.state == detail::kRunHead && page.order != 0) {
        // Pending tail: the run was cut from a block of this order by
        // allocate_pages (so it is longer than half of it), the rest of the
        // block is free, and the run is in the tail stack at its slot.
        const uint32_t order = page.order;
        if (order < 2 || order > kMaxOrder) return Status::corrupt;
        const uint64_t block = uint64_t{1} << order;
        if ((pfn(static_cast<uint32_t>(index)) & (block - 1)) != 0 || block > page_count_ - index) {
          return Status::corrupt;
        }
        if (length <= block / 2 || length >= block) return Status::corrupt;
        if (page.tag >= pending_tails_.count || pending_tails_.blocks[page.tag] != index) return Status::corrupt;
        for (uint64_t tail = block - length; tail != 0; tail &= tail - 1) {
          ++tail_blocks_per_order[std::countr_zero(tail)];
        }
        free_pages += block - length;
        ++pending_tails;
        length = block;  // the tail's pages are inner too
      } else if (page.order != 0) {
        return Status::corrupt;
      }
      ++allocations;
    } else {
      return Status::corrupt;
    }
    for (uint64_t inner = index + 1; inner < index + length; ++inner) {
      if (pages_[inner].state != detail::kInner) return Status::corrupt;
    }
    index += length;
  }
  if (free_pages != free_pages_ || allocations != allocations_) return Status::corrupt;
  if (pending_tails != pending_tails_.count) return Status::corrupt;
  for (uint32_t k = 0; k < kOrderCount; ++k) {
    if (tail_blocks_per_order[k] != tail_pieces(k)) return Status::corrupt;
  }
  for (const auto& histogram : tail_length_groups_) {  // every tail once per group
    uint64_t tails = 0;
    for (uint32_t count : histogram) tails += count;
    if (tails != pending_tails) return Status::corrupt;
  }
  // 2. Free areas: every free head of the order in its stack, at its slot.
  for (uint32_t k = 0; k < kOrderCount; ++k) {
    const FreeArea& area = free_area_[k];
    if (area.count != blocks_per_order[k]) return Status::corrupt;
    if (((nonempty_orders_ >> k) & 1u) != (area.count != 0 ? 1u : 0u)) return Status::corrupt;
    for (uint32_t slot = 0; slot < area.count; ++slot) {
      const uint32_t node = area.blocks[slot];
      if (node >= page_count_) return Status::corrupt;
      const PageDescriptor& page = pages_[node];
      if (page.state != detail::kFreeHead || page.order != k || page.tag != slot) return Status::corrupt;
    }
  }
  return Status::ok;
}

}  // namespace crashtwin::alloc
