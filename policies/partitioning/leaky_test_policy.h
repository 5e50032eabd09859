// leaky_test: a TEST FIXTURE for memory profiling, not a policy to compare
// (it is not in policy_names(), so `--policy all` and the library batch
// never run it; `--policy leaky_test` does). It plants what
// `crashtwin analyze` must find (docs/memory-analysis.md):
//  - every slice gets the minimum partition size, except
//  - leaks: at calls kLeakCalls[k] - 1 slice 0 grows to twice the minimum
//    and at kLeakCalls[k] shrinks back, and for those calls
//    leaks_shrunk_slices() is true: the agent places the shrunk slice anew
//    and never frees its old pages -- kLeakCount leaks of twice the minimum;
//  - a burst: from call kBurstFirstCall for kBurstCalls calls every slice
//    toggles between the minimum (odd calls) and twice it (even calls), as
//    far as the budget holds twice the minimum for all.
// Calls count from 1 (the boot's first tick).
#pragma once

#include <cstdint>

#include "policies/partitioning/policies.h"

namespace crashtwin {

class LeakyTestPolicy final : public PartitionPolicy {
 public:
  static constexpr uint32_t kLeakCount = 3;
  static constexpr uint32_t kLeakCalls[kLeakCount] = {10, 20, 30};
  static constexpr uint32_t kBurstFirstCall = 40;
  static constexpr uint32_t kBurstCalls = 10;

  Status target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) override;
  const char* name() const override { return "leaky_test"; }
  bool leaks_shrunk_slices() const override { return leak_now_; }

 private:
  uint32_t calls_ = 0;
  bool leak_now_ = false;
};

}  // namespace crashtwin
