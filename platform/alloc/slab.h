// Slab cache: small fixed-size objects carved from buddy blocks (slabs).
// Objects are physical addresses in the managed region, like the pages they
// come from; the cache never touches them. Per slab the caller's metadata holds
// a bitmap of free objects, so alloc/free are a few word operations and a
// double free is caught exactly.
//
// A slab is one buddy block of 2^slab_order pages, tagged with its slab index
// (BuddyAllocator::allocate_slab), so free() finds the slab of an object from
// its address alone: round down to the slab size (blocks are naturally
// aligned), read the owner word. Slabs with a free object sit on one list;
// full slabs on none. Emptied slabs beyond `keep_empty_slabs` go straight back
// to the buddy allocator so a burst does not pin pages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "platform/alloc/buddy.h"
#include "platform/core/status.h"

namespace crashtwin::alloc {

inline constexpr uint32_t kMaxSlabOrder = 8;            // 1 MiB slabs
inline constexpr uint32_t kMaxObjectsPerSlab = 1024;    // bitmap of 16 words
inline constexpr uint32_t kMaxSlabObjectSize = 128 * 1024;
inline constexpr uint32_t kAutoSlabOrder = 0xFFFF'FFFFu;

struct SlabCacheConfig {
  uint32_t object_size = 0;  // bytes, 1..kMaxSlabObjectSize
  uint32_t align = 8;        // power of two <= kPageSize; objects are this aligned
  uint32_t max_slabs = 0;    // slabs the metadata can describe at once
  // Pages per slab = 2^slab_order. Auto: the smallest order holding at least
  // 8 objects with under 1/8 of the slab lost to the tail.
  uint32_t slab_order = kAutoSlabOrder;
  uint32_t keep_empty_slabs = 1;  // empty slabs kept for the next burst
};

struct SlabStats {
  uint64_t objects_in_use = 0;
  uint64_t object_capacity = 0;  // objects the current slabs hold
  uint64_t slabs = 0;
  uint64_t pages = 0;
  // Bytes of slab pages no object can use: per slab the tail after the last
  // object slot, per live object the padding up to the aligned stride.
  uint64_t internal_fragmentation_bytes = 0;
  uint32_t objects_per_slab = 0;
  uint32_t object_stride = 0;  // object_size rounded up to align
  uint32_t slab_order = 0;
};

class SlabCache {
 public:
  SlabCache() = default;
  SlabCache(const SlabCache&) = delete;
  SlabCache& operator=(const SlabCache&) = delete;

  // Metadata bytes for `config`, 0 when the config is invalid.
  static size_t metadata_bytes(const SlabCacheConfig& config);

  // Binds the cache to `pages` (which must outlive it). invalid_argument for a
  // bad config, a metadata buffer smaller than metadata_bytes() or not 8-byte
  // aligned. No slab is allocated until the first alloc().
  Status init(BuddyAllocator& pages, const SlabCacheConfig& config, std::span<std::byte> metadata);

  // One object. no_memory when no slab has room and neither a slab record nor
  // a buddy block is left for a new one.
  Status alloc(uint64_t& address);

  // Returns an object. out_of_range: outside the buddy region; invalid_argument:
  // not in a slab of this cache or not the start of an object slot;
  // double_free: the object is already free (also when its emptied slab went
  // back to the buddy allocator and the page is still free). State untouched
  // on error.
  Status free(uint64_t address);

  // Gives every empty slab back to the buddy allocator.
  void shrink();

  SlabStats stats() const;

  // Metadata consistency (tests): counters, lists and bitmaps agree, and
  // every slab is a slab block of the buddy allocator owned by this cache.
  Status audit() const;

 private:
  struct SlabRecord;
  static constexpr uint32_t kNoSlab = 0xFFFF'FFFFu;
  SlabRecord& record(uint32_t slab) const;
  uint64_t* bitmap(uint32_t slab) const;
  Status grow();
  void release(uint32_t slab);
  void link(uint32_t slab);
  void unlink(uint32_t slab);

  BuddyAllocator* pages_ = nullptr;
  std::byte* metadata_ = nullptr;
  size_t record_stride_ = 0;
  uint64_t slab_bytes_ = 0;
  uint32_t object_size_ = 0;
  uint32_t stride_ = 0;
  uint64_t stride_reciprocal_ = 0;  // ceil(2^32 / stride): offset -> slot without a divide
  uint32_t objects_per_slab_ = 0;
  uint32_t words_ = 0;  // bitmap words per slab
  uint32_t slab_order_ = 0;
  uint32_t max_slabs_ = 0;
  uint32_t keep_empty_ = 0;
  uint32_t partial_head_ = kNoSlab;  // slabs with a free object
  uint32_t unused_head_ = kNoSlab;   // records not describing a slab
  uint32_t slabs_ = 0;
  uint32_t empty_slabs_ = 0;
  uint64_t in_use_ = 0;
};

}  // namespace crashtwin::alloc
