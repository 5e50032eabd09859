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
  // Bytes one slice of class `cls` gets on a board with `instances` of that
  // class and `dram_bytes` of DRAM: the class's share of the reservation,
  // split evenly. The agent's budget must hold the whole reservation and its
  // maximum partition size every such slice, or static is not the RHEL
  // table it claims to be (the runner refuses the configuration).
  uint64_t slice_bytes(ComponentClass cls, uint32_t instances, uint64_t dram_bytes) const;

 private:
  float share_[kComponentClassCount] = {};  // normalised
};

}  // namespace crashtwin
