// The budget-sweep section of report.html (a `crashtwin sweep` directory):
// per policy and strategy, completeness against reserved memory as curves
// along the budget axis with the Pareto front, over all scenarios and per
// scenario, and the table of the smallest budget at which every run captures
// 99 % of its failures (results/sweep.h).
#pragma once

#include <string>

#include "traces/batch.h"

namespace crashtwin::report {

// The <section id="sweep"> element for the sweep's table (sweep.csv).
std::string sweep_section(const BatchTable& sweep);

}  // namespace crashtwin::report
