#include "models/core/tlm_types.h"

namespace crashtwin {

void use_time_resolution() {
  static const bool set = [] {
    sc_core::sc_set_time_resolution(static_cast<double>(kTimeResolutionPs), sc_core::SC_PS);
    return true;
  }();
  (void)set;
}

}  // namespace crashtwin
