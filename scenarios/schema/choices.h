// The names a scenario may choose among: the policies the policies/ factory
// registers and the capture strategies of policies/strategies. The loader is
// handed these so a misspelt policy is a load error with the allowed names.
#pragma once

#include <string>
#include <vector>

#include "scenarios/loader/loader.h"

namespace crashtwin::scenario {

std::vector<std::string> known_policies();    // policy_names() and test_fixture_policy_names() of policies/
std::vector<std::string> compared_policies();  // policy_names(): what `all` means
std::vector<std::string> known_strategies();  // strategy_names(): predictive-bmc, kdump, cma-crashkernel, fadump
// "oracle, proportional, ..." for messages that list what is allowed.
std::string joined_names(const std::vector<std::string>& names);

// "all" (or an empty list) expands to the policies the scenario compares
// (its compare.policies: a scenario whose budget is below kdump's table
// leaves static out), or to every known policy when it lists none or "all";
// other names pass through.
std::vector<std::string> expand_policies(const std::vector<std::string>& requested,
                                         const std::vector<std::string>& scenario_compares = {});
// The same for strategies.
std::vector<std::string> expand_strategies(const std::vector<std::string>& requested);

// Whether a comparison runs `strategy` under `policy`. The baselines (kdump,
// cma-crashkernel, fadump) reserve the static crashkernel of the RHEL table
// whatever the policy sizes, so they run only with `static`, their natural
// policy; under any other policy their rows would repeat the static one.
// predictive-bmc runs with every policy.
bool compared_pair(const std::string& policy, const std::string& strategy);

// The strategy whose reservation is the agent's slices; the others are
// baselines reserving the static crashkernel.
inline constexpr const char* kPredictiveStrategy = "predictive-bmc";

// LoadOptions with the known names filled in.
LoadOptions default_load_options();

}  // namespace crashtwin::scenario
