// A component's predictive-failure alarm, with hysteresis: what the agent
// tells the BMC and the operator, as against the probability it sizes
// slices by. A threshold compared sample by sample flaps when the
// probability hovers about it (a warming part, a corrected-error rate near
// the class's operating point), and each flap is another alarm an operator
// answers. Like an IPMI threshold sensor's event (IPMI 2.0 section 36.5,
// "hysteresis"), the alarm asserts at the threshold and deasserts only below
// a lower level, here clear_ratio x the threshold, once the probability has
// stayed there for clear_time.
#pragma once

#include <cstdint>

namespace crashtwin {

struct AlarmConfig {
  // Deassert below this fraction of the class's threshold, in (0, 1]. 1: no
  // band (the alarm follows the threshold sample by sample).
  float clear_ratio = 0.5f;
  // ... held this long (ns) before the alarm deasserts; 0: at the first
  // sample below the clear level.
  uint64_t clear_time_ns = 0;
  bool valid() const { return clear_ratio > 0.0f && clear_ratio <= 1.0f; }
};

enum class AlarmChange : uint8_t { none, asserted, deasserted };

struct AlarmState {
  bool asserted = false;
  bool below_clear = false;       // asserted, and every sample since below_since_ns below the clear level
  uint64_t below_since_ns = 0;

  // One sample's probability against the class's threshold. A NaN
  // probability (none reaches here: the predictor masks NaN features)
  // neither asserts nor clears.
  AlarmChange update(float probability, float threshold, uint64_t now_ns, const AlarmConfig& config);
  void reset() { *this = AlarmState{}; }
};

}  // namespace crashtwin
