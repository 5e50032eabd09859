#include "policies/partitioning/uniform_policy.h"

#include "policies/partitioning/sizing.h"

namespace crashtwin {

Status UniformPolicy::target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) {
  SizeLimits limits;
  if (Status s = check_policy_input(input, sizes_out.size(), limits); !ok(s)) return s;
  const size_t n = input.slices.size();
  if (n == 0) return Status::ok;
  const uint64_t share = round_down_pages(input.budget_bytes / n, limits.page);
  float priority[kMaxPolicySlices] = {};  // all equal: index order decides
  for (size_t i = 0; i < n; ++i) sizes_out[i] = share;
  return fit_sizes(input, input.budget_bytes, sizes_out, std::span(priority, n), sizes_out);
}

}  // namespace crashtwin
