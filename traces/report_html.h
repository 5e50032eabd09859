// report.html of a batch (or of a single run): self-contained, inline CSS and
// SVG, no script and no network. The index: at a glance, every metric's
// means, capture completeness vs reserved byte-seconds per scenario with its
// Pareto front, recovery Gantt per strategy, the budget-sweep curves of a
// sweep directory (report/sweep_section.h), and a list of scenarios. Each
// scenario's page (report-scenarios/<scenario>.html): its runs' metrics, slice
// sizes, probabilities and failure markers over time, allocator fragmentation.
// Deterministic for equal input.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "traces/results/results.h"

namespace crashtwin {

// The report is an index page and one page per scenario, opened on demand
// from the index, so the index does not grow with the runs drawn.
struct ScenarioPage {
  std::string file;  // file name inside ReportPages::directory
  std::string html;
};
struct ReportPages {
  std::string index;
  std::string directory;  // next to the index: "<index stem>-scenarios"
  std::vector<ScenarioPage> scenarios;  // in scenario order, as the index links them
};

// `index_name` is the index's file name, which the scenario pages link back to.
ReportPages report_pages(const results::Batch& batch, const std::string& index_name = "report.html");
// The index page alone.
std::string report_html(const results::Batch& batch);
// Writes the scenario pages, then the index, each atomically, and removes
// pages of scenarios no longer in the batch; throws io_error.
void write_report_html(const results::Batch& batch, const std::filesystem::path& path);

}  // namespace crashtwin
