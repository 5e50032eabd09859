// fadump's memory release: once the dump of part of the preserved memory is
// on disk, the kernel gives those pages back to the page allocator (Linux:
// fadump_release_reserved_area(start, end), reached through
// /sys/kernel/fadump/release_mem). A release names an address and a size;
// it must be page-aligned, inside the preserved range, and not overlap a
// range already released: anything else is refused and changes nothing (a
// double release would hand the same pages to the allocator twice).
#pragma once

#include <cstdint>
#include <vector>

#include "platform/core/status.h"

namespace crashtwin {

class ReleaseRegion {
 public:
  static constexpr uint64_t kPageBytes = 4096;

  // The preserved memory [base, base + size) the kernel may release.
  ReleaseRegion(uint64_t base, uint64_t size) : base_(base), size_(size) {}

  // invalid_argument: zero size, unaligned address or size; out_of_range:
  // outside the preserved range; double_free: overlaps a released range.
  Status release(uint64_t address, uint64_t size);

  uint64_t released_bytes() const { return released_; }
  uint64_t preserved_bytes() const { return size_; }
  bool all_released() const { return released_ == size_; }

 private:
  struct Range {
    uint64_t begin;
    uint64_t end;
  };
  uint64_t base_;
  uint64_t size_;
  uint64_t released_ = 0;
  std::vector<Range> ranges_;  // sorted, disjoint
};

}  // namespace crashtwin
