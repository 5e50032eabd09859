#include "policies/partitioning/proportional_policy.h"

#include "policies/partitioning/sizing.h"

namespace crashtwin {

uint64_t proportional_desire(const SizeLimits& limits, float probability) {
  const double p = probability < 0.0f ? 0.0 : (probability > 1.0f ? 1.0 : static_cast<double>(probability));
  return limits.minimum + static_cast<uint64_t>(p * static_cast<double>(limits.maximum - limits.minimum));
}

Status proportional_sizes(const PolicyInput& input, std::span<const float> probabilities,
                          std::span<uint64_t> sizes_out) {
  SizeLimits limits;
  if (Status s = check_policy_input(input, sizes_out.size(), limits); !ok(s)) return s;
  if (probabilities.size() != input.slices.size()) return Status::invalid_argument;
  for (size_t i = 0; i < input.slices.size(); ++i) sizes_out[i] = proportional_desire(limits, probabilities[i]);
  return fit_sizes(input, input.budget_bytes, sizes_out, probabilities, sizes_out);
}

Status ProportionalPolicy::target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) {
  SizeLimits limits;
  if (Status s = check_policy_input(input, sizes_out.size(), limits); !ok(s)) return s;
  float probability[kMaxPolicySlices];
  for (size_t i = 0; i < input.slices.size(); ++i) probability[i] = input.slices[i].probability;
  return proportional_sizes(input, std::span(probability, input.slices.size()), sizes_out);
}

}  // namespace crashtwin
