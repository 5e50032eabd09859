// Writes a whole run directory in one call, the mirror of
// results::load_run: the runner fills RunArtifacts as the simulation goes and
// hands it over at the end. File names live here and in results/load.cpp
// only (docs/results.md lists them).
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "traces/bmc_report.h"
#include "traces/chrome_trace.h"
#include "traces/config_dump.h"
#include "traces/event_log.h"
#include "traces/summary.h"
#include "traces/timeseries_writer.h"
#include "traces/vcd_writer.h"

namespace crashtwin {

struct RunArtifacts {
  RunSummary summary;
  std::optional<PerfFigures> perf;
  Timeseries timeseries;
  EventLog events;
  VcdWriter vcd;
  std::optional<BmcReport> bmc;  // absent for strategies without a BMC drain
  std::vector<ConfigEntry> config;
};

// Writes every file of the run directory at the summary's trace level
// (each atomically), summary.json last. A killed writer can still leave some of the files: write into a
// temporary and rename it into place (run_directory.h) where a reader must
// see complete runs only. Throws io_error naming the file that failed.
void write_run_directory(const std::filesystem::path& dir, const RunArtifacts& run,
                         const ChromeTraceOptions& trace_options = {});

}  // namespace crashtwin
