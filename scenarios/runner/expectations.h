// Judges a scenario's expectations against the metrics a run measured. An
// expectation restricted to other policies or strategies (by default it
// judges predictive-bmc only, schema/scenario.h) does not apply; a metric the run
// could not measure (no failure fired, so no completeness) fails.
#pragma once

#include <string>
#include <vector>

#include "scenarios/schema/scenario.h"
#include "traces/summary.h"

namespace crashtwin::scenario {

std::vector<Expectation> judge_expectations(const Scenario& s, const std::string& policy, const std::string& strategy,
                                            const RunSummary& summary);

}  // namespace crashtwin::scenario
