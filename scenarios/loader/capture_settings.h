// The scenario's `capture:` map: the host OS and driver sizes a crash
// capture holds (scenarios/schema/capture_params.h).
#pragma once

#include "scenarios/loader/yaml_fields.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {

// Applies s.capture_settings (each with its location) to s.capture_facts.
// An unknown name, a value that does not parse, or one outside the
// parameter's bounds is an error at its line and column naming the field,
// what was written and what is allowed.
void apply_capture_settings(ReadContext& ctx, Scenario& s);

}  // namespace crashtwin::scenario
