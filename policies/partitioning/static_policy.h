// kdump's fixed crashkernel reservation, split by class shares (policies.h).
#pragma once

#include "policies/partitioning/policies.h"

namespace crashtwin {

// RHEL 9 default crashkernel size for a board with `dram_bytes` of DRAM
// (crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M); 0 below 1 GiB.
uint64_t crashkernel_default_bytes(uint64_t dram_bytes);

class StaticPolicy final : public PartitionPolicy {
 public:
  explicit StaticPolicy(const PolicyParams& params);
  Status target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) override;
  const char* name() const override { return "static"; }

 private:
  float share_[kComponentClassCount] = {};  // normalised
};

}  // namespace crashtwin
