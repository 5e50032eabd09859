#include "policies/partitioning/static_policy.h"

#include "policies/partitioning/sizing.h"

namespace crashtwin {
namespace {
constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;
}  // namespace

uint64_t crashkernel_default_bytes(uint64_t dram_bytes) {
  // Ranges are [start, end) as the kernel's parse_crashkernel_mem reads them.
  if (dram_bytes < 1 * kGiB) return 0;
  if (dram_bytes < 4 * kGiB) return 192 * kMiB;
  if (dram_bytes < 64 * kGiB) return 256 * kMiB;
  return 512 * kMiB;
}

StaticPolicy::StaticPolicy(const PolicyParams& params) {
  float sum = 0.0f;
  for (float s : params.class_shares) sum += s;
  for (size_t c = 0; c < kComponentClassCount; ++c) share_[c] = sum > 0.0f ? params.class_shares[c] / sum : 0.0f;
}

uint64_t StaticPolicy::slice_bytes(ComponentClass cls, uint32_t instances, uint64_t dram_bytes) const {
  if (instances == 0) return 0;
  const uint64_t reservation = crashkernel_default_bytes(dram_bytes);
  return static_cast<uint64_t>(static_cast<double>(reservation) * share_[static_cast<size_t>(cls)] / instances);
}

Status StaticPolicy::target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) {
  SizeLimits limits;
  if (Status s = check_policy_input(input, sizes_out.size(), limits); !ok(s)) return s;
  const uint64_t reservation = crashkernel_default_bytes(input.dram_bytes);
  uint32_t instances[kComponentClassCount] = {};
  for (const SliceDemand& d : input.slices) ++instances[static_cast<size_t>(d.component.cls)];

  // The desires are written into sizes_out and fitted in place (fit_sizes
  // copies them first).
  float priority[kMaxPolicySlices];
  for (size_t i = 0; i < input.slices.size(); ++i) {
    const auto c = static_cast<size_t>(input.slices[i].component.cls);
    priority[i] = share_[c];
    sizes_out[i] = slice_bytes(input.slices[i].component.cls, instances[c], input.dram_bytes);
  }
  return fit_sizes(input, reservation, sizes_out, std::span(priority, input.slices.size()), sizes_out);
}

}  // namespace crashtwin
