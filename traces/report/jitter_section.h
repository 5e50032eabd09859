// The timer-jitter section of report.html: per run with per-core sampling
// timers (timer_jitter.json) and per scenario phase, the distribution of the
// tick deltas (min to max, and mean ± one standard deviation), the missed
// ticks and the cross-core skew, as bar charts.
#pragma once

#include <string>

#include "traces/results/results.h"

namespace crashtwin::report {

// The <section id="timer-jitter"> element; empty when no run recorded timers.
std::string jitter_section(const results::Batch& batch);

}  // namespace crashtwin::report
