#include "models/recovery/release_region.h"

#include <algorithm>

namespace crashtwin {

Status ReleaseRegion::release(uint64_t address, uint64_t size) {
  if (size == 0 || address % kPageBytes != 0 || size % kPageBytes != 0) return Status::invalid_argument;
  if (address < base_ || size > size_ || address - base_ > size_ - size) return Status::out_of_range;
  const uint64_t end = address + size;
  const auto after = std::lower_bound(ranges_.begin(), ranges_.end(), address,
                                      [](const Range& r, uint64_t a) { return r.end <= a; });
  if (after != ranges_.end() && after->begin < end) return Status::double_free;
  ranges_.insert(after, Range{address, end});
  released_ += size;
  return Status::ok;
}

}  // namespace crashtwin
