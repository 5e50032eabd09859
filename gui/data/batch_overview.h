// The dashboard's load path (the part benchmarked with 1,000 runs): a batch
// or run directory read through the results library with summaries only;
// time series, events and BMC reports are loaded per run on demand
// (load_run_details, gui/data/run_details.h), so opening a large batch stays
// fast.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <QString>

#include "traces/batch.h"
#include "traces/results/results.h"

namespace crashtwin::gui {

struct BatchOverview {
  results::Batch batch;       // runs carry their summary only
  BatchTable table;           // summary.csv, or built from the summaries
  bool table_from_csv = false;
};

// Throws io_error (from the results library) when `dir` holds no results.
BatchOverview load_overview(const std::filesystem::path& dir);

// Directory of a summary.csv row (its `run` column is relative to the batch).
std::filesystem::path run_dir_of(const BatchOverview& overview, const BatchRow& row);

// "dimm_ue_ramp · proportional · predictive_bmc · seed 3": how every view
// names a run.
std::string run_title(const BatchRow& row);
QString run_title(const RunSummary& summary);

// Metric names ordered for display: capture completeness and reserved memory
// first (the trade-off the dashboard is about), then the table's order.
std::vector<std::string> display_metrics(const BatchTable& table);

}  // namespace crashtwin::gui
