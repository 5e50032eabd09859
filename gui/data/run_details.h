// One run as the detail views (Timeline, Crash region, Records) show it: its
// files, plus what the loading thread precomputes so that the UI thread never
// walks a whole run. A year-long run has a million ticks per column; showing
// it, zooming or moving the slider must cost the screen's size, not that.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "gui/data/downsample.h"
#include "gui/data/run_markers.h"
#include "traces/results/results.h"

namespace crashtwin::gui {

struct RunDetails {
  // The run's files. Its events keep every kind but repartitions: those are
  // churn (a 24 h run has 6,000, a year-long one hundreds of thousands, some
  // 300 MB as parsed JSON) and live on as markers and a count.
  results::Run run;
  size_t repartitions = 0;
  std::vector<MinMaxPyramid> pyramids;  // one per run.timeseries column, same order
  uint64_t crash_region_extent = 0;     // crash_region_extent(run.timeseries)
  std::vector<TimeMarker> markers;      // run_markers(run.events)
  std::vector<TimeBand> alarm_bands;    // alarm_bands(run.events)

  // The pyramid of a column of run.timeseries, nullptr if there is none.
  const MinMaxPyramid* pyramid(std::string_view column) const;
};

// Builds the pyramids, the extent, the markers and the alarm bands of a loaded run.
RunDetails index_run(results::Run run);

// Everything of one run (time series, events, BMC report, config, perf),
// indexed. `progress` follows timeseries.csv and may cancel (read_cancelled).
// Throws io_error / format_error naming the file.
RunDetails load_run_details(const std::filesystem::path& run_dir, const ReadProgress& progress = {});

}  // namespace crashtwin::gui
