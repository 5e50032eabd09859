#include "gui/data/run_details.h"

#include <algorithm>

#include "gui/data/crash_map.h"

namespace crashtwin::gui {

const MinMaxPyramid* RunDetails::pyramid(std::string_view column) const {
  const auto& columns = run.timeseries.columns;
  for (size_t i = 0; i < columns.size() && i < pyramids.size(); ++i) {
    if (columns[i] == column) return &pyramids[i];
  }
  return nullptr;
}

RunDetails index_run(results::Run run) {
  RunDetails details;
  details.run = std::move(run);
  const Timeseries& ts = details.run.timeseries;
  details.pyramids.reserve(ts.values.size());
  for (const auto& column : ts.values) details.pyramids.emplace_back(column);
  details.crash_region_extent = crash_region_extent(ts);
  details.markers = run_markers(details.run.events);
  details.alarm_bands = alarm_bands(details.run.events);
  auto& events = details.run.events;
  const auto churn = std::remove_if(events.begin(), events.end(),
                                    [](const Event& e) { return e.kind == EventKind::repartition; });
  details.repartitions = static_cast<size_t>(events.end() - churn);
  events.erase(churn, events.end());
  events.shrink_to_fit();
  return details;
}

RunDetails load_run_details(const std::filesystem::path& run_dir, const ReadProgress& progress) {
  return index_run(results::load_run(run_dir, results::RunParts::all, progress));
}

}  // namespace crashtwin::gui
