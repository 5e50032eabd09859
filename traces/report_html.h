// report.html of a batch (or of a single run): self-contained, inline CSS and
// SVG, no script and no network. Sections: policy comparison table, capture
// completeness vs reserved byte-seconds scatter with its Pareto front, the
// budget-sweep curves and table of a sweep directory (report/sweep_section.h),
// per-scenario time series (slice sizes, probabilities, failure markers) and
// allocator fragmentation over time. Deterministic for equal input.
#pragma once

#include <filesystem>
#include <string>

#include "traces/results/results.h"

namespace crashtwin {

std::string report_html(const results::Batch& batch);
// Writes atomically; throws io_error.
void write_report_html(const results::Batch& batch, const std::filesystem::path& path);

}  // namespace crashtwin
