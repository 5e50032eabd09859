#include "models/config/degradation_params.h"

#include <fmt/format.h>

#include "models/core/tlm_types.h"

namespace crashtwin {

DegradationSettings read_degradation_params(const ParamScope& scope, const DegradationSettings& defaults,
                                            std::string_view what, std::string_view failure_unit) {
  DegradationSettings s;
  s.acceleration = param<double>(scope, "field_fault_acceleration", ParamKind::real, 0.0,
                                 fmt::format("{} field failures at their field rate times this (0: no field faults)",
                                             what),
                                 0.0, 1e12);
  s.time_compression = param<double>(scope, "field_time_compression", ParamKind::real, 1.0,
                                     "error signals this much faster than in the field: healthy rates times it, "
                                     "lead times divided by it",
                                     1e-3, 1e12);
  s.failure_rate = param<double>(scope, "field_failure_rate", ParamKind::rate, defaults.failure_rate,
                                 fmt::format("failures per {} per second in the field", failure_unit), 0.0, 1.0);
  s.warned_fraction = param<double>(scope, "field_warned_fraction", ParamKind::ratio, defaults.warned_fraction,
                                    "share of failures preceded by growing error signals", 0.0, 1.0);
  s.lead_time_s = static_cast<double>(to_ns(param<sc_core::sc_time>(
                      scope, "field_lead_time", ParamKind::duration,
                      sc_core::sc_time(defaults.lead_time_s, sc_core::SC_SEC),
                      "mean time from the start of a degradation to the failure, in the field",
                      sc_core::sc_time(1.0, sc_core::SC_MS)))) *
                  1e-9;
  s.growth = param<double>(scope, "field_precursor_growth", ParamKind::real, defaults.growth,
                           "error-signal rate at the failure over the healthy rate", 1.0, 1e9);
  s.lookalike_fraction =
      param<double>(scope, "field_lookalike_fraction", ParamKind::ratio, defaults.lookalike_fraction,
                    fmt::format("share of {}s that err steadily and never fail", what), 0.0, 0.99);
  s.lookalike_factor = param<double>(scope, "field_lookalike_factor", ParamKind::real, defaults.lookalike_factor,
                                     "a look-alike's error-signal rate over the healthy rate", 1.0, 1e9);
  return s;
}

}  // namespace crashtwin
