#include "platform/predictor/alarm.h"

namespace crashtwin {

AlarmChange AlarmState::update(float probability, float threshold, uint64_t now_ns, const AlarmConfig& config) {
  if (!asserted) {
    if (!(probability >= threshold)) return AlarmChange::none;
    asserted = true;
    below_clear = false;
    return AlarmChange::asserted;
  }
  if (!(probability < config.clear_ratio * threshold)) {
    below_clear = false;  // in the band or above: the clear time starts again
    return AlarmChange::none;
  }
  if (!below_clear) {
    below_clear = true;
    below_since_ns = now_ns;
  }
  if (now_ns - below_since_ns < config.clear_time_ns) return AlarmChange::none;
  asserted = false;
  below_clear = false;
  return AlarmChange::deasserted;
}

}  // namespace crashtwin
