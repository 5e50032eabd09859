#include "models/core/tlm_types.h"

#include <algorithm>
#include <cmath>

namespace crashtwin {

void use_time_resolution() {
  static const bool set = [] {
    sc_core::sc_set_time_resolution(static_cast<double>(kTimeResolutionPs), sc_core::SC_PS);
    return true;
  }();
  (void)set;
}

void notify_after_seconds(sc_core::sc_event& event, double delay_s) {
  if (!std::isfinite(delay_s)) return;
  event.notify(std::max(sc_core::sc_time(delay_s, sc_core::SC_SEC), sc_core::sc_get_time_resolution()));
}

}  // namespace crashtwin
