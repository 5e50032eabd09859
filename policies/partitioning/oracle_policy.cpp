#include "policies/partitioning/oracle_policy.h"

#include "policies/partitioning/sizing.h"

namespace crashtwin {

Status OraclePolicy::target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) {
  SizeLimits limits;
  if (Status s = check_policy_input(input, sizes_out.size(), limits); !ok(s)) return s;
  const size_t n = input.slices.size();
  float priority[kMaxPolicySlices];
  const uint64_t until = input.now_ns + horizon_;
  for (size_t i = 0; i < n; ++i) {
    // A slice holds every capture of its component until the BMC drains it:
    // the failures within the horizon need room on top of the records the
    // slice already holds.
    uint64_t needed = 0;
    uint32_t failures = 0;
    for (const FutureFailure& f : future_) {
      if (!(f.component == input.slices[i].component)) continue;
      if (f.fail_time_ns < input.now_ns || f.fail_time_ns > until) continue;
      needed += f.needed_bytes;
      ++failures;
    }
    const uint64_t wanted = needed == 0 ? 0 : round_up_pages(input.slices[i].used_bytes, limits.page) + needed;
    sizes_out[i] = wanted > limits.minimum ? wanted : limits.minimum;
    // When the budget is short, completeness is maximised by funding the
    // failures that need the fewest bytes each first (each failure weighs
    // the same in the mean): value per byte. Quiet slices last.
    priority[i] = failures == 0 ? -1.0f : static_cast<float>(failures) / static_cast<float>(needed);
  }
  return fit_sizes(input, input.budget_bytes, sizes_out, std::span(priority, n), sizes_out,
                   ShareAboveFloors::by_priority);
}

}  // namespace crashtwin
