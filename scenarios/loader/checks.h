// Cross-field rules of schema v1: what a single field's type and unit cannot
// say (a failure after the end of the run, an error type on the wrong
// component class, a minimum above the maximum, an expectation on a metric
// that does not exist). Each rule reports against the field to fix.
#pragma once

#include <yaml-cpp/yaml.h>

#include "scenarios/loader/loader.h"
#include "scenarios/loader/yaml_fields.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {

void check_precursor(ReadContext& ctx, const YAML::Node& node, const std::string& field, const Precursor& p,
                     bool has_rate, bool has_level);
void check_distribution(ReadContext& ctx, const YAML::Node& node, const std::string& field, const FailureTime& t,
                        bool has_from, bool has_to, bool has_mean, bool has_stddev);
void check_agent(ReadContext& ctx, const YAML::Node& node, const AgentSettings& agent);
// Rules spanning sections (times against the duration, unique names, policy
// and metric names); `doc` locates fields that have no item of their own.
void check_scenario(ReadContext& ctx, const YAML::Node& doc, const Scenario& s, const LoadOptions& options);

}  // namespace crashtwin::scenario
