#include "scenarios/batch/sweep.h"

#include <spdlog/spdlog.h>

#include "traces/report_html.h"
#include "traces/results/results.h"

namespace crashtwin::scenario {

std::vector<SweepRun> plan_sweep(const std::vector<SweepPoint>& points,
                                 const std::vector<std::vector<Scenario>>& scenarios_at, const BatchOptions& options) {
  std::vector<SweepRun> runs;
  for (size_t p = 0; p < points.size(); ++p) {
    const SweepPoint& point = points[p];
    std::vector<std::string> sets, values;
    for (const auto& [key, value] : point.settings) {
      sets.push_back(key + "=" + value);
      values.push_back(value);
    }
    for (PlannedRun& r : plan_batch(scenarios_at[p], options)) {
      r.dir = point.id + "/" + r.dir;
      r.sets = sets;
      runs.push_back({std::move(r), values});
    }
  }
  return runs;
}

BatchResult run_sweep(const std::vector<SweepAxis>& axes, const std::vector<SweepRun>& runs,
                      const BatchOptions& options) {
  std::vector<PlannedRun> planned;
  planned.reserve(runs.size());
  for (const SweepRun& r : runs) planned.push_back(r.run);
  BatchOptions batch_options = options;
  batch_options.write_report = false;
  BatchResult result = run_batch(planned, batch_options);

  // run_batch keeps plan order: row i is runs[i].
  BatchTable sweep = result.table;
  for (const SweepAxis& a : axes) sweep.parameter_columns.push_back(a.key);
  for (size_t i = 0; i < sweep.rows.size(); ++i) sweep.rows[i].parameters = runs[i].values;
  write_summary_csv(sweep, options.out / "sweep.csv");
  write_report_html(results::load_batch(options.out, results::RunParts::all, options.jobs),
                    options.out / "report.html");
  return result;
}

}  // namespace crashtwin::scenario
