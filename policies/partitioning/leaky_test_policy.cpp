#include "policies/partitioning/leaky_test_policy.h"

namespace crashtwin {

Status LeakyTestPolicy::target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) {
  SizeLimits limits;
  if (Status s = check_policy_input(input, sizes_out.size(), limits); !ok(s)) return s;
  ++calls_;
  leak_now_ = false;
  const size_t n = input.slices.size();
  const uint64_t small = limits.minimum;
  const uint64_t large = 2 * small <= limits.maximum ? 2 * small : small;
  for (size_t i = 0; i < n; ++i) sizes_out[i] = small;
  if (n == 0 || small * n > input.budget_bytes) return Status::invalid_argument;  // not even the minimum fits
  const bool leak_room = small * (n - 1) + large <= input.budget_bytes;
  for (const uint32_t call : kLeakCalls) {
    if (calls_ + 1 == call && leak_room) sizes_out[0] = large;
    if (calls_ == call) leak_now_ = true;
  }
  const bool bursting = calls_ >= kBurstFirstCall && calls_ < kBurstFirstCall + kBurstCalls;
  if (bursting && calls_ % 2 == 0 && large * n <= input.budget_bytes)
    for (size_t i = 0; i < n; ++i) sizes_out[i] = large;
  // Records are never dropped (the contract): a slice holding more keeps it.
  for (size_t i = 0; i < n; ++i) {
    const uint64_t used = round_up_pages(input.slices[i].used_bytes, limits.page);
    if (sizes_out[i] < used) sizes_out[i] = used;
  }
  return Status::ok;
}

}  // namespace crashtwin
