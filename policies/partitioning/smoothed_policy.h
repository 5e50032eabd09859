// Proportional sizing on smoothed probabilities, with a dead band (policies.h).
#pragma once

#include "policies/partitioning/policies.h"

namespace crashtwin {

class SmoothedPolicy final : public PartitionPolicy {
 public:
  explicit SmoothedPolicy(const PolicyParams& params)
      : alpha_(params.ewma_alpha), dead_band_(params.dead_band_bytes) {}
  // Updates each component's smoothed probability (one step per call: call
  // once per allocation period), then sizes proportionally and keeps current
  // sizes inside the dead band as long as the budget allows.
  Status target_sizes(const PolicyInput& input, std::span<uint64_t> sizes_out) override;
  const char* name() const override { return "smoothed"; }

  // The smoothed probability of a component; false if never seen.
  bool smoothed_probability(ComponentId component, float& out) const;

 private:
  struct Track {
    ComponentId component;
    float smoothed = 0.0f;
  };
  // Finds or starts the track of a component; nullptr when the table is
  // full (that component is then sized on its raw probability).
  Track* track_of(ComponentId component, float first_probability);

  float alpha_;
  uint64_t dead_band_;
  Track tracks_[kMaxPolicySlices] = {};
  size_t track_count_ = 0;
};

}  // namespace crashtwin
