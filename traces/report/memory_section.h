// The Memory section of a scenario's page in report.html: per representative
// run, the memory analyses of `crashtwin analyze` (traces/memory_analysis.h,
// computed from memory_profile.json as the report loads it): allocation
// pattern and rates, leaks, fragmentation health, with the two charts.
#pragma once

#include <string>
#include <vector>

#include "traces/results/results.h"

namespace crashtwin::report {

// The <section id="memory"> element; a note when no run has a profile.
std::string memory_section(const std::vector<const results::Run*>& runs);

// One line for the index: runs analysed, direct leaks, bursty runs, the
// lowest health score; empty when no run has a profile.
std::string memory_summary_line(const results::Batch& batch);

}  // namespace crashtwin::report
