// Sizes slices from the injected future: the completeness upper bound (policies.h).
#pragma once

#include "policies/partitioning/policies.h"

namespace crashtwin {

class OraclePolicy final : public PartitionPolicy {
 public:
  explicit OraclePolicy(const PolicyParams& params) : future_(params.future), horizon_(params.horizon_ns) {}
  Status target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) override;
  const char* name() const override { return "oracle"; }
  // The host hands the scenario's failures once they are known.
  void set_future(std::span<const FutureFailure> future) { future_ = future; }

 private:
  std::span<const FutureFailure> future_;
  uint64_t horizon_;
};

}  // namespace crashtwin
