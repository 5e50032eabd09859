// The parameters of a degradation process (models/core/degradation.h), read
// the same way by every model that has one (the NIC's and the CPU's field
// fault processes): field_fault_acceleration, field_time_compression and
// the others below, with the model's field defaults. docs/models.md lists
// them.
#pragma once

#include <string_view>

#include "models/config/params.h"
#include "models/core/degradation.h"

namespace crashtwin {

// `what` names the component the process runs for ("NIC", "core") and
// `failure_unit` what field_failure_rate counts failures of ("NIC",
// "processor") in the descriptions.
DegradationSettings read_degradation_params(const ParamScope& scope, const DegradationSettings& defaults,
                                            std::string_view what, std::string_view failure_unit);

}  // namespace crashtwin
