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
    // A slice holds every capture of its component until the BMC drains it,
    // so failures within the horizon add up.
    uint64_t needed = 0;
    uint64_t first = UINT64_MAX;
    for (const FutureFailure& f : future_) {
      if (!(f.component == input.slices[i].component)) continue;
      if (f.fail_time_ns < input.now_ns || f.fail_time_ns > until) continue;
      needed += f.needed_bytes;
      first = f.fail_time_ns < first ? f.fail_time_ns : first;
    }
    sizes_out[i] = needed > limits.minimum ? needed : limits.minimum;
    // Sooner failures rank first when the budget is short; quiet slices last.
    priority[i] = first == UINT64_MAX ? -1.0f : 1.0f / (1.0f + static_cast<float>(first - input.now_ns) * 1e-9f);
  }
  return fit_sizes(input, input.budget_bytes, sizes_out, std::span(priority, n), sizes_out);
}

}  // namespace crashtwin
