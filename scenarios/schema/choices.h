// The names a scenario may choose among: the policies the policies/ factory
// registers and the capture strategies this runner can drive. The loader is
// handed these so a misspelt policy is a load error with the allowed names.
#pragma once

#include <string>
#include <vector>

#include "scenarios/loader/loader.h"

namespace crashtwin::scenario {

std::vector<std::string> known_policies();    // policy_names() of policies/
std::vector<std::string> known_strategies();  // {"predictive"}

// "all" (or an empty list) expands to every known policy; other names pass through.
std::vector<std::string> expand_policies(const std::vector<std::string>& requested);

// LoadOptions with the known names filled in.
LoadOptions default_load_options();

}  // namespace crashtwin::scenario
