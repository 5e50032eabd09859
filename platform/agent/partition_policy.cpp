#include "platform/agent/partition_policy.h"

namespace crashtwin {

Status check_policy_input(const PolicyInput& input, size_t sizes_count, SizeLimits& limits) {
  const uint64_t page = input.page_size;
  if (page == 0 || (page & (page - 1)) != 0) return Status::invalid_argument;
  if (input.slices.size() > kMaxPolicySlices || sizes_count != input.slices.size()) return Status::invalid_argument;
  const uint64_t minimum = round_up_pages(input.minimum_partition_size, page);
  const uint64_t maximum = round_down_pages(input.maximum_partition_size, page);
  if (maximum == 0 || minimum > maximum) return Status::invalid_argument;
  for (const SliceDemand& d : input.slices)
    if (!(d.probability >= 0.0f && d.probability <= 1.0f)) return Status::invalid_argument;  // NaN too
  limits = SizeLimits{page, minimum, maximum};
  return Status::ok;
}

Status check_target_sizes(const PolicyInput& input, std::span<const uint64_t> sizes) {
  SizeLimits limits;
  if (Status s = check_policy_input(input, sizes.size(), limits); !ok(s)) return s;
  uint64_t sum = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const uint64_t size = sizes[i];
    const uint64_t used = round_up_pages(input.slices[i].used_bytes, limits.page);
    const bool in_limits = size == 0 || (size >= limits.minimum && size <= limits.maximum) || size == used;
    if (size % limits.page != 0 || !in_limits || size < used) return Status::out_of_range;
    sum += size;
  }
  return sum <= input.budget_bytes ? Status::ok : Status::out_of_range;
}

}  // namespace crashtwin
