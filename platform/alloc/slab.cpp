#include "platform/alloc/slab.h"

#include <bit>

namespace crashtwin::alloc {

namespace {

constexpr uint64_t kUnusedRecord = ~uint64_t{0};

struct Geometry {
  uint32_t stride = 0;
  uint32_t order = 0;
  uint32_t objects = 0;
};

uint32_t objects_in(uint64_t slab_bytes, uint32_t stride) {
  const uint64_t fit = slab_bytes / stride;
  return static_cast<uint32_t>(fit < kMaxObjectsPerSlab ? fit : kMaxObjectsPerSlab);
}

// Validates the config and picks the slab order; false when it is unusable.
bool geometry_of(const SlabCacheConfig& config, Geometry& out) {
  if (config.object_size == 0 || config.object_size > kMaxSlabObjectSize || config.align == 0 ||
      !std::has_single_bit(config.align) || config.align > kPageSize || config.max_slabs == 0 ||
      config.max_slabs >= 0xFFFF'FFFFu) {  // one index is the list terminator
    return false;
  }
  out.stride = (config.object_size + config.align - 1) & ~(config.align - 1);
  if (config.slab_order != kAutoSlabOrder) {
    if (config.slab_order > kMaxSlabOrder) return false;
    out.order = config.slab_order;
    out.objects = objects_in(kPageSize << out.order, out.stride);
    return out.objects != 0;
  }
  // Smallest slab with >= 8 objects and < 1/8 waste; else the smallest that
  // holds an object at all (tiny objects hit kMaxObjectsPerSlab first).
  bool found_fallback = false;
  for (uint32_t order = 0; order <= kMaxSlabOrder; ++order) {
    const uint64_t bytes = kPageSize << order;
    const uint32_t objects = objects_in(bytes, out.stride);
    if (objects == 0) continue;
    if (objects >= 8 && (bytes - uint64_t{objects} * out.stride) * 8 <= bytes) {
      out.order = order;
      out.objects = objects;
      return true;
    }
    if (!found_fallback) {
      found_fallback = true;
      out.order = order;
      out.objects = objects;
    }
  }
  return found_fallback;
}

}  // namespace

// Header of one slab's metadata; the free-object bitmap follows it.
struct SlabCache::SlabRecord {
  uint64_t base;          // physical address of the slab, kUnusedRecord if none
  uint32_t next;          // partial list, or the unused-record list
  uint32_t prev;          // partial list
  uint32_t free_objects;  // set bits in the bitmap
  uint32_t unused;
};

size_t SlabCache::metadata_bytes(const SlabCacheConfig& config) {
  Geometry geometry;
  if (!geometry_of(config, geometry)) return 0;
  const size_t words = (geometry.objects + 63) / 64;
  return size_t{config.max_slabs} * (sizeof(SlabRecord) + words * sizeof(uint64_t));
}

Status SlabCache::init(BuddyAllocator& pages, const SlabCacheConfig& config, std::span<std::byte> metadata) {
  Geometry geometry;
  if (!geometry_of(config, geometry) || metadata.size() < metadata_bytes(config) ||
      reinterpret_cast<uintptr_t>(metadata.data()) % alignof(SlabRecord) != 0) {
    return Status::invalid_argument;
  }
  pages_ = &pages;
  metadata_ = metadata.data();
  object_size_ = config.object_size;
  stride_ = geometry.stride;
  stride_reciprocal_ = (uint64_t{1} << 32) / stride_ + ((uint64_t{1} << 32) % stride_ != 0);
  objects_per_slab_ = geometry.objects;
  words_ = (geometry.objects + 63) / 64;
  record_stride_ = sizeof(SlabRecord) + words_ * sizeof(uint64_t);
  slab_order_ = geometry.order;
  slab_bytes_ = kPageSize << geometry.order;
  max_slabs_ = config.max_slabs;
  keep_empty_ = config.keep_empty_slabs;
  partial_head_ = kNoSlab;
  slabs_ = 0;
  empty_slabs_ = 0;
  in_use_ = 0;
  for (uint32_t slab = 0; slab < max_slabs_; ++slab) {
    SlabRecord& r = record(slab);
    r = SlabRecord{kUnusedRecord, slab + 1 < max_slabs_ ? slab + 1 : kNoSlab, kNoSlab, 0, 0};
  }
  unused_head_ = 0;
  return Status::ok;
}

SlabCache::SlabRecord& SlabCache::record(uint32_t slab) const {
  return *reinterpret_cast<SlabRecord*>(metadata_ + slab * record_stride_);
}

uint64_t* SlabCache::bitmap(uint32_t slab) const {
  return reinterpret_cast<uint64_t*>(metadata_ + slab * record_stride_ + sizeof(SlabRecord));
}

void SlabCache::link(uint32_t slab) {
  SlabRecord& r = record(slab);
  r.prev = kNoSlab;
  r.next = partial_head_;
  if (partial_head_ != kNoSlab) record(partial_head_).prev = slab;
  partial_head_ = slab;
}

void SlabCache::unlink(uint32_t slab) {
  SlabRecord& r = record(slab);
  if (r.prev != kNoSlab) {
    record(r.prev).next = r.next;
  } else {
    partial_head_ = r.next;
  }
  if (r.next != kNoSlab) record(r.next).prev = r.prev;
}

// Adds an empty slab: a record from the unused list and a buddy block.
Status SlabCache::grow() {
  if (unused_head_ == kNoSlab) return Status::no_memory;
  const uint32_t slab = unused_head_;
  SlabRecord& r = record(slab);
  uint64_t base = 0;
  if (Status s = pages_->allocate_slab(slab_order_, slab, base); !ok(s)) return s;
  unused_head_ = r.next;
  r.base = base;
  r.free_objects = objects_per_slab_;
  uint64_t* bits = bitmap(slab);
  for (uint32_t w = 0; w < words_; ++w) {
    const uint32_t remaining = objects_per_slab_ - w * 64;
    bits[w] = remaining >= 64 ? ~uint64_t{0} : (uint64_t{1} << remaining) - 1;
  }
  link(slab);
  ++slabs_;
  ++empty_slabs_;
  return Status::ok;
}

// Gives an empty slab back to the buddy allocator.
void SlabCache::release(uint32_t slab) {
  SlabRecord& r = record(slab);
  unlink(slab);
  pages_->free(r.base);
  r.base = kUnusedRecord;
  r.next = unused_head_;
  unused_head_ = slab;
  --slabs_;
}

Status SlabCache::alloc(uint64_t& address) {
  if (partial_head_ == kNoSlab) {
    if (pages_ == nullptr) return Status::no_memory;
    if (Status s = grow(); !ok(s)) return s;
  }
  const uint32_t slab = partial_head_;
  SlabRecord& r = record(slab);
  uint64_t* bits = bitmap(slab);
  uint32_t w = 0;
  while (bits[w] == 0) ++w;  // free_objects > 0 guarantees a set bit
  const uint32_t slot = w * 64 + static_cast<uint32_t>(std::countr_zero(bits[w]));
  bits[w] &= bits[w] - 1;
  if (r.free_objects == objects_per_slab_) --empty_slabs_;
  if (--r.free_objects == 0) unlink(slab);
  ++in_use_;
  address = r.base + uint64_t{slot} * stride_;
  return Status::ok;
}

Status SlabCache::free(uint64_t address) {
  if (pages_ == nullptr) return Status::invalid_argument;
  const uint64_t region_base = pages_->base();
  if (address < region_base || ((address - region_base) >> kPageShift) >= pages_->page_count()) {
    return Status::out_of_range;
  }
  const uint64_t slab_base = address & ~(slab_bytes_ - 1);
  uint32_t slab = 0;
  if (!ok(pages_->slab_owner(slab_base, slab)) || slab >= max_slabs_ || record(slab).base != slab_base) {
    // Not one of our slabs. A slab emptied by an earlier free went back to the
    // buddy allocator, so a second free of its object lands on a free page.
    Allocation block;
    return pages_->find(slab_base, block) == Status::double_free ? Status::double_free : Status::invalid_argument;
  }
  const uint64_t offset = address - slab_base;
  const uint32_t slot = static_cast<uint32_t>((offset * stride_reciprocal_) >> 32);
  if (uint64_t{slot} * stride_ != offset || slot >= objects_per_slab_) return Status::invalid_argument;
  SlabRecord& r = record(slab);
  uint64_t& word = bitmap(slab)[slot / 64];
  const uint64_t bit = uint64_t{1} << (slot % 64);
  if ((word & bit) != 0) return Status::double_free;
  word |= bit;
  if (r.free_objects++ == 0) link(slab);
  --in_use_;
  if (r.free_objects == objects_per_slab_) {
    if (empty_slabs_ < keep_empty_) {
      ++empty_slabs_;
    } else {
      release(slab);
    }
  }
  return Status::ok;
}

void SlabCache::shrink() {
  uint32_t slab = partial_head_;
  while (slab != kNoSlab) {
    const uint32_t next = record(slab).next;
    if (record(slab).free_objects == objects_per_slab_) {
      release(slab);
      --empty_slabs_;
    }
    slab = next;
  }
}

SlabStats SlabCache::stats() const {
  SlabStats s;
  s.objects_in_use = in_use_;
  s.object_capacity = uint64_t{slabs_} * objects_per_slab_;
  s.slabs = slabs_;
  s.pages = uint64_t{slabs_} << slab_order_;
  s.internal_fragmentation_bytes = uint64_t{slabs_} * (slab_bytes_ - uint64_t{objects_per_slab_} * stride_) +
                                   in_use_ * (stride_ - object_size_);
  s.objects_per_slab = objects_per_slab_;
  s.object_stride = stride_;
  s.slab_order = slab_order_;
  return s;
}

Status SlabCache::audit() const {
  if (pages_ == nullptr) return Status::ok;
  uint64_t slabs = 0;
  uint64_t empty = 0;
  uint64_t with_room = 0;
  uint64_t in_use = 0;
  for (uint32_t slab = 0; slab < max_slabs_; ++slab) {
    const SlabRecord& r = record(slab);
    if (r.base == kUnusedRecord) continue;
    uint32_t owner = 0;
    if (!ok(pages_->slab_owner(r.base, owner)) || owner != slab) return Status::corrupt;
    Allocation block;
    if (!ok(pages_->find(r.base, block)) || block.pages != (uint64_t{1} << slab_order_)) return Status::corrupt;
    uint64_t set = 0;
    const uint64_t* bits = bitmap(slab);
    for (uint32_t w = 0; w < words_; ++w) {
      const uint32_t remaining = objects_per_slab_ - w * 64;
      if (remaining < 64 && (bits[w] >> remaining) != 0) return Status::corrupt;
      set += static_cast<uint64_t>(std::popcount(bits[w]));
    }
    if (set != r.free_objects || set > objects_per_slab_) return Status::corrupt;
    ++slabs;
    empty += set == objects_per_slab_;
    with_room += set != 0;
    in_use += objects_per_slab_ - set;
  }
  if (slabs != slabs_ || empty != empty_slabs_ || in_use != in_use_) return Status::corrupt;
  uint64_t linked = 0;
  uint32_t previous = kNoSlab;
  for (uint32_t slab = partial_head_; slab != kNoSlab; slab = record(slab).next) {
    if (slab >= max_slabs_ || linked >= with_room) return Status::corrupt;
    const SlabRecord& r = record(slab);
    if (r.base == kUnusedRecord || r.free_objects == 0 || r.prev != previous) return Status::corrupt;
    previous = slab;
    ++linked;
  }
  if (linked != with_room) return Status::corrupt;
  uint64_t unused = 0;
  for (uint32_t slab = unused_head_; slab != kNoSlab; slab = record(slab).next) {
    if (slab >= max_slabs_ || unused >= max_slabs_ - slabs || record(slab).base != kUnusedRecord) {
      return Status::corrupt;
    }
    ++unused;
  }
  return unused + slabs == max_slabs_ ? Status::ok : Status::corrupt;
}

}  // namespace crashtwin::alloc
