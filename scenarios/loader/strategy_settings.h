// The scenario's `strategy:` map: the capture strategies' timing parameters
// (policies/strategies/strategy_params.h), nested maps flattened to the
// dotted names of strategy_param_table().
#pragma once

#include <yaml-cpp/yaml.h>

#include "scenarios/loader/yaml_fields.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {

// Applies s.strategy_settings (already flattened, each with its location) to
// s.strategy_params. An unknown name or a value that does not parse is an
// error at its line naming the field and what is allowed; then the values a
// model cannot run with (check_strategy_params) are reported, naming the
// field. `node` is the `strategy:` map (for problems of defaults).
void apply_strategy_settings(ReadContext& ctx, const YAML::Node& node, Scenario& s);

}  // namespace crashtwin::scenario
