// Dynamic equal shares of the whole budget (policies.h).
#pragma once

#include "policies/partitioning/policies.h"

namespace crashtwin {

class UniformPolicy final : public PartitionPolicy {
 public:
  Status target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) override;
  const char* name() const override { return "uniform"; }
};

}  // namespace crashtwin
