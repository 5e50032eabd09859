#include "scenarios/batch/sweep.h"

#include <spdlog/spdlog.h>

#include "scenarios/batch/batch.h"
#include "traces/fleet.h"
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
  std::vector<std::string> keys;
  for (const SweepAxis& a : axes) keys.push_back(a.key);
  std::vector<std::vector<std::string>> values;
  for (const SweepRun& r : runs) values.push_back(r.values);
  write_sweep_files(keys, values, result.table, options.out, options.jobs);
  return result;
}

void write_sweep_files(const std::vector<std::string>& keys, const std::vector<std::vector<std::string>>& values,
                       const BatchTable& table, const std::filesystem::path& out, unsigned threads) {
  BatchTable sweep = table;
  sweep.parameter_columns = keys;
  for (size_t i = 0; i < sweep.rows.size(); ++i) sweep.rows[i].parameters = values[i];
  write_summary_csv(sweep, out / "sweep.csv");
  // Replaces the batch's fleet.csv, which folded every point together.
  write_fleet_csv(sweep, out / "fleet.csv");
  write_timer_jitter_csv(sweep, out);
  write_report_html(results::load_batch(out, results::RunParts::all, threads), out / "report.html");
}

}  // namespace crashtwin::scenario
