// The mission's policy: size by predicted probability (policies.h).
#pragma once

#include "policies/partitioning/policies.h"

namespace crashtwin {

// What the proportional rule desires for probability p: minimum + p *
// (maximum - minimum), p clamped to [0, 1]. Shared with the smoothed policy.
uint64_t proportional_desire(const SizeLimits& limits, float probability);

// Sizes slices by `probabilities` (one per slice) with the proportional rule.
Status proportional_sizes(const PolicyInput& input, std::span<const float> probabilities,
                          std::span<uint64_t> sizes_out);

class ProportionalPolicy final : public PartitionPolicy {
 public:
  Status target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) override;
  const char* name() const override { return "proportional"; }
};

}  // namespace crashtwin
