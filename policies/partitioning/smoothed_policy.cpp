#include "policies/partitioning/smoothed_policy.h"

#include "policies/partitioning/proportional_policy.h"
#include "policies/partitioning/sizing.h"

namespace crashtwin {

SmoothedPolicy::Track* SmoothedPolicy::track_of(ComponentId component, float first_probability) {
  for (size_t i = 0; i < track_count_; ++i)
    if (tracks_[i].component == component) return &tracks_[i];
  if (track_count_ == kMaxPolicySlices) return nullptr;
  // A new component starts from its first probability rather than 0, so a
  // component that appears already at risk is not under-sized while the EWMA
  // warms up.
  tracks_[track_count_] = Track{component, first_probability};
  return &tracks_[track_count_++];
}

bool SmoothedPolicy::smoothed_probability(ComponentId component, float& out) const {
  for (size_t i = 0; i < track_count_; ++i)
    if (tracks_[i].component == component) {
      out = tracks_[i].smoothed;
      return true;
    }
  return false;
}

Status SmoothedPolicy::target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) {
  SizeLimits limits;
  if (Status s = check_policy_input(input, sizes_out.size(), limits); !ok(s)) return s;
  const size_t n = input.slices.size();
  float smoothed[kMaxPolicySlices];
  for (size_t i = 0; i < n; ++i) {
    const SliceDemand& d = input.slices[i];
    Track* t = track_of(d.component, d.probability);
    if (t != nullptr) t->smoothed = alpha_ * d.probability + (1.0f - alpha_) * t->smoothed;
    smoothed[i] = t != nullptr ? t->smoothed : d.probability;
  }
  if (Status s = proportional_sizes(input, std::span(smoothed, n), sizes_out); !ok(s)) return s;

  // Dead band: a change smaller than dead_band_ is not worth the movement.
  // Only a current size that is itself a valid answer may be kept.
  uint64_t target[kMaxPolicySlices];
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    target[i] = sizes_out[i];
    const uint64_t current = input.slices[i].current_size;
    const uint64_t delta = current > target[i] ? current - target[i] : target[i] - current;
    const bool valid = current % limits.page == 0 && current >= limits.minimum && current <= limits.maximum &&
                       current >= input.slices[i].used_bytes && target[i] != 0;
    if (valid && delta < dead_band_) sizes_out[i] = current;
    sum += sizes_out[i];
  }
  // Kept sizes above their target can overrun the budget when others grew;
  // returning those to target restores sum <= sum(targets) <= budget.
  if (sum > input.budget_bytes)
    for (size_t i = 0; i < n; ++i)
      if (sizes_out[i] > target[i]) sizes_out[i] = target[i];
  return Status::ok;
}

}  // namespace crashtwin
